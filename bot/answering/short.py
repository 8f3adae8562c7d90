"""The short answer: the 1-3 sentences among the top passages that answer the question."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from index.evaluate import normalise
from index.search import Hit


_CLOSING_RE = re.compile(r"[\s*\"”»’')\]]+$")           # bold marks, quotes and brackets after the last word
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s")


def _separator(previous: str, sentence: str) -> str:
    if _LIST_ITEM_RE.match(sentence):
        return "\n"      # list items stay a list
    # A paragraph the extraction left without its period ("… betydning for Horsens") keeps its own line.
    return " " if _CLOSING_RE.sub("", previous).endswith((".", "!", "?", ":", ";", "…")) else "\n\n"


@dataclass(frozen=True)
class SentenceWeights:
    # Tuned on the dev questions (benchmarks/answer_eval.py). Lexical overlap is off: e5's sentence
    # cosine already carries the words, and any weight rewarded sentences that echo the question
    # instead of answering it (short answer 107 at 0 vs 105 at 0.03 of 140; 5-fold CV picks 0).
    lexical: float = 0.0        # idf-weighted share of the question's terms in the sentence
    passage: float = 0.5        # the passage's own cosine: a sentence borrows its passage's subject
    rank_penalty: float = 1.0   # per rank below the first: the re-ranked first passage gives the short answer
    companion_gap: float = 0.08 # a further sentence joins when it scores within this of the best
    max_words: int = 60
    max_sentences: int = 3


@dataclass(frozen=True)
class Scored:
    score: float
    dense: float          # cosine of question and sentence
    lexical: float        # share of the question's weighted terms the sentence holds
    hit_index: int
    position: int         # order in its passage
    text: str


def score_sentences(question: str, hits: Sequence[Hit], sentences_of: Callable[[Hit], list[tuple[str, float]]],
                    weights_of: Callable[[str], dict[str, float]], query_weights: dict[str, float],
                    w: SentenceWeights) -> list[Scored]:
    """Every candidate sentence of the hits, scored: dense similarity + lexical overlap + passage prior."""
    total = sum(query_weights.values()) or 1.0
    asked = normalise(question)
    scored = []
    for hit_index, hit in enumerate(hits):
        for position, (text, dense) in enumerate(sentences_of(hit)):
            if abs(len(text) - len(question)) < 8 and normalise(text) == asked:   # the question itself
                continue
            terms = weights_of(text)
            lexical = sum(wt for t, wt in query_weights.items() if t in terms) / total
            score = dense + w.lexical * lexical + w.passage * hit.dense_score - w.rank_penalty * hit_index
            scored.append(Scored(score, dense, lexical, hit_index, position, text))
    return sorted(scored, key=lambda s: -s.score)


def compose(scored: Sequence[Scored], w: SentenceWeights) -> tuple[str, int]:
    """The best sentence, with close runners-up from the same passage in reading order; and that passage."""
    if not scored:
        return "", 0
    best = scored[0]
    chosen = [best]
    words = len(best.text.split())
    for other in scored[1:]:
        if len(chosen) >= w.max_sentences or other.score < best.score - w.companion_gap:
            break
        if other.hit_index != best.hit_index or other.text in best.text or best.text in other.text:
            continue
        if words + len(other.text.split()) > w.max_words:
            continue
        chosen.append(other)
        words += len(other.text.split())
    chosen.sort(key=lambda s: s.position)
    text = chosen[0].text
    for previous, sentence in zip(chosen, chosen[1:]):
        text += _separator(previous.text, sentence.text) + sentence.text
    return text, best.hit_index
