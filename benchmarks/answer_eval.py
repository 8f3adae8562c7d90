"""What a user reads: does the short answer / first source hold the answer; declines; table rows.

Usage: python benchmarks/answer_eval.py [--dir tests/data/answers] [--split dev|test|all] [--extra FILE.jsonl] [-v]
Reads questions.jsonl (q, any_of; optional lang, kind, split), out_of_scope.jsonl (q; expected
declined) and table_questions.jsonl (q, expected_rows) from --dir, answers each through the
bot's Answerer (what `python -m bot ask` prints) with the index in SPARRING_DATA_DIR, and
prints: short answer holds it, first source holds it, any source holds it, median words of
the short answer, answered/declined by kind and language, and table rows exact.
"Holds" is the retrieval scoring rule (../shared/eval/README.md): the normalised text
contains a normalised any_of phrase.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.evaluate import normalise  # noqa: E402
from index.search import HybridIndex  # noqa: E402
from index.settings import IndexSettings  # noqa: E402


def read(path: Path, split: str) -> list[dict]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r.get("split", "dev") == split]


def holds(text: str, any_of: list[str]) -> bool:
    body = normalise(text)
    return any(normalise(p) and normalise(p) in body for p in any_of)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "data" / "answers")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="more question files with any_of (e.g. ../shared/eval/dev_questions.jsonl)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    settings = IndexSettings.from_env()
    answerer = Answerer(HybridIndex.load(settings.index_dir, make_embedder(settings.embedder)))

    questions = read(args.dir / "questions.jsonl", args.split)
    for extra in args.extra:
        questions += read(extra, "all" if args.split in ("dev", "all") else "none")   # extras are dev questions
    short = first = anywhere = 0
    words, failures = [], []
    answered_by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in questions:
        answer = answerer.ask(row["q"])
        result = answer.to_json()
        group = f"in-scope {row.get('lang', 'da')} {row.get('kind', '-')}"
        answered_by[group][0] += result["answered"]
        answered_by[group][1] += 1
        texts = [s["text"] for s in result["sources"]]
        ok_short = result["answered"] and holds(result["answer"], row["any_of"])
        ok_first = bool(texts) and holds(texts[0], row["any_of"])
        short += ok_short
        first += ok_first
        anywhere += any(holds(t, row["any_of"]) for t in texts)
        if result["answered"]:
            words.append(len(result["answer"].split()))
        if not (ok_short and ok_first):
            failures.append(f"  {row.get('id', '')} short={'Y' if ok_short else 'n'} first={'Y' if ok_first else 'n'} "
                            f"answered={result['answered']} {row['q']}\n      -> {result['answer'][:220]!r}")
    n = max(len(questions), 1)
    print(f"answer questions ({args.split}): n={len(questions)}")
    print(f"  short answer holds it: {short}/{len(questions)} ({short / n:.0%})")
    print(f"  first source holds it: {first}/{len(questions)} ({first / n:.0%})")
    print(f"  any source holds it:   {anywhere}/{len(questions)} ({anywhere / n:.0%})")
    print(f"  short answer words: median {statistics.median(words) if words else 0:.0f}  "
          f"p90 {sorted(words)[int(0.9 * (len(words) - 1))] if words else 0}")

    for row in read(args.dir / "out_of_scope.jsonl", args.split):
        answer = answerer.ask(row["q"])
        group = f"out-of-scope {row.get('lang', 'da')} {row.get('kind', '-')}"
        answered_by[group][0] += not answer.answered   # counts declines
        answered_by[group][1] += 1
        if answer.answered and args.verbose:
            failures.append(f"  answered out-of-scope: {row['q']}\n      -> {answer.short_answer[:160]!r}")
    print("  answered (in-scope) / declined (out-of-scope):")
    for group, (good, total) in sorted(answered_by.items()):
        print(f"    {group:<40} {good}/{total}")
    for prefix in ("in-scope", "out-of-scope"):
        good = sum(v[0] for g, v in answered_by.items() if g.startswith(prefix))
        total = sum(v[1] for g, v in answered_by.items() if g.startswith(prefix))
        if total:
            print(f"  {prefix} {'answered' if prefix == 'in-scope' else 'declined'}: {good}/{total} ({good / total:.0%})")

    tables = read(args.dir / "table_questions.jsonl", args.split)
    exact = 0
    for row in tables:
        answer = answerer.ask(row["q"])
        text = normalise(answer.short_answer)
        expected = [normalise(r) for r in row["expected_rows"]]
        rows = {normalise(r) for r in getattr(answer, "rows", ())}
        found = sum(1 for e in expected if e in rows or e in text)
        others = len(rows - set(expected))
        ok = answer.answered and found == len(expected) and others <= 2   # a decline that shows a row is no answer
        if "expected_count" in row:
            ok = ok and str(row["expected_count"]) in answer.short_answer
        if row.get("kind") == "row" and row.get("any_of") and expected:
            ok = ok and holds(answer.short_answer, row["any_of"])
        if not expected:   # the row is not in the table: the answer must say so
            ok = answer.answered and not rows and "ikke i tabellen" in answer.short_answer
        exact += ok
        if not ok:
            failures.append(f"  table: found {found}/{len(expected)} others {others}: {row['q']}\n"
                            f"      -> {answer.short_answer[:220]!r}")
    if tables:
        print(f"  table questions with every right row and <= 2 others: {exact}/{len(tables)}")
    if args.verbose:
        print("\n".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
