"""Retrieval evaluation: Recall@k and MRR@10 with breakdowns and misses."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

KS = (1, 3, 5, 10)


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    any_of: tuple[str, ...]
    doc: str = ""
    theme: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None           # rank of the first answering chunk within the top 10
    top_sections: tuple[str, ...]


def normalise(text: str) -> str:
    """The scoring rule's normalisation: lowercase, keep only letters and digits."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def load_questions(path: Path) -> list[Question]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(Question(str(data.get("id", number)), str(data["q"]), tuple(data["any_of"]),
                                      str(data.get("doc", "")), str(data.get("theme", "")), str(data.get("kind", ""))))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: not a question line ({exc}); expected q and any_of") from None
    if not questions:
        raise EvalFileError(f"{path}: no questions")
    return questions


def first_answering_rank(texts: Sequence[str], any_of: Sequence[str]) -> int | None:
    phrases = [normalise(p) for p in any_of]
    for rank, text in enumerate(texts, start=1):
        body = normalise(text)
        if any(p and p in body for p in phrases):
            return rank
    return None


def evaluate(questions: Sequence[Question], search: Callable[[str, int], list]) -> list[Outcome]:
    outcomes = []
    for question in questions:
        hits = search(question.q, 10)
        rank = first_answering_rank([h.text for h in hits], question.any_of)
        outcomes.append(Outcome(question, rank, tuple(f"{h.doc_id} › {h.section}" for h in hits[:3])))
    return outcomes


def metrics(outcomes: Sequence[Outcome]) -> dict[str, float]:
    n = max(len(outcomes), 1)
    result = {f"recall@{k}": sum(1 for o in outcomes if o.rank and o.rank <= k) / n for k in KS}
    result["mrr@10"] = sum(1 / o.rank for o in outcomes if o.rank) / n
    return result


def report(outcomes: Sequence[Outcome]) -> str:
    lines = [f"questions: {len(outcomes)}"]
    lines.append("  ".join(f"{name}={value:.3f}" for name, value in metrics(outcomes).items()))
    for field in ("doc", "theme", "kind"):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in outcomes:
            groups[getattr(o.question, field) or "-"].append(o)
        lines.append(f"\nby {field}:")
        for name, group in sorted(groups.items()):
            m = metrics(group)
            lines.append(f"  {name:<22} n={len(group):<3} R@1={m['recall@1']:.2f} R@5={m['recall@5']:.2f} MRR={m['mrr@10']:.2f}")
    misses = [o for o in outcomes if not o.rank or o.rank > 5]
    lines.append(f"\nmisses (not in top 5): {len(misses)}")
    for o in misses:
        where = f"rank {o.rank}" if o.rank else "not in top 10"
        lines.append(f"  {o.question.id} [{where}] {o.question.q}")
        for section in o.top_sections:
            lines.append(f"      got: {section}")
    return "\n".join(lines)
