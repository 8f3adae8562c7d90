"""Answering a question from the material: best passages, a short answer, or an honest decline."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from index.search import Hit, QueryError

_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9\"“»(])|\n+")
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


class Searcher(Protocol):
    def search(self, query: str, k: int = 5) -> list[Hit]: ...

    def term_weights(self, text: str) -> dict[str, float]: ...

    def coverage(self, query: str) -> float: ...


@dataclass(frozen=True)
class AnswerPolicy:
    """When a passage is good enough to show. Tuned on tests/data/ask_questions.jsonl (see README)."""

    min_dense: float = 0.85        # cosine of query and best passage (e5 scores crowd in 0.75-0.95)
    min_dense_with_words: float = 0.84
    min_coverage: float = 0.5      # share of the question's words that the material uses at all
    sources: int = 5
    short_answer_sentences: int = 2


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    short_answer: str = ""
    hits: tuple[Hit, ...] = ()
    reason: str = ""               # why it declined: "empty", "no-words", "no-match"
    related: tuple[Hit, ...] = field(default=())

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    def to_json(self) -> dict:
        return {
            "answered": self.answered,
            "answer": self.short_answer,
            "sources": [{"doc_id": h.doc_id, "title": h.title, "section": h.section, "text": h.text,
                         "score": round(h.score, 6)} for h in (self.hits if self.answered else ())],
        }


def sentences(text: str) -> list[str]:
    parts = (_LIST_MARK_RE.sub("", p).strip() for p in _SENTENCE_RE.split(text))
    return [p for p in parts if len(p.split()) >= 3 and not p.startswith("|")]


class Answerer:
    def __init__(self, searcher: Searcher, policy: AnswerPolicy = AnswerPolicy()) -> None:
        self.searcher = searcher
        self.policy = policy

    def is_relevant(self, hit: Hit, coverage: float) -> bool:
        p = self.policy
        return hit.dense_score >= p.min_dense or (hit.dense_score >= p.min_dense_with_words and coverage >= p.min_coverage)

    def ask(self, question: str) -> Answer:
        try:
            hits = self.searcher.search(question, self.policy.sources)
        except QueryError as exc:
            return Answer(question, False, reason="empty" if "empty" in str(exc) else "no-words")
        coverage = self.searcher.coverage(question)
        if not hits or not self.is_relevant(hits[0], coverage):
            return Answer(question, False, hits=tuple(hits), reason="no-match")
        relevant = tuple(h for h in hits if h.rank == 1 or self.is_relevant(h, coverage))
        return Answer(question, True, self.short_answer(question, hits[0]), relevant, related=self._related(relevant))

    def short_answer(self, question: str, hit: Hit) -> str:
        """The passage's most relevant sentences, in their original order."""
        candidates = sentences(hit.text)
        if not candidates:
            return hit.text.strip()
        weights = self.searcher.term_weights(question)
        scored = []
        for position, sentence in enumerate(candidates):
            terms = set(self.searcher.term_weights(sentence))
            overlap = sum(w for t, w in weights.items() if t in terms)
            scored.append((overlap - 0.01 * position, position))  # ties go to the earlier sentence
        best = sorted(p for _, p in sorted(scored, reverse=True)[: self.policy.short_answer_sentences])
        return " ".join(candidates[p] for p in best)

    @staticmethod
    def _related(hits: Sequence[Hit]) -> tuple[Hit, ...]:
        """Other sections among the sources: the cases to read next."""
        seen = {(hits[0].doc_id, hits[0].section)} if hits else set()
        related = []
        for hit in hits[1:]:
            if (hit.doc_id, hit.section) not in seen:
                seen.add((hit.doc_id, hit.section))
                related.append(hit)
        return tuple(related[:3])
