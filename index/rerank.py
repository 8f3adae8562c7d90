"""Re-ranking the top passages by sentence-level evidence (no model call: sentence vectors come from build)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

_ENGLISH = frozenset("""the of what how do does is are which in to and for can should who when why where
we our a an with from by their there this that be been have has was were will would about""".split())
_WORD_RE = re.compile(r"[^\W\d_]+")
UNKNOWN_WEIGHT = 6.0   # a question word the material never uses weighs like its rarest word


def is_english(question: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(question)]
    hits = sum(w in _ENGLISH for w in words)
    return hits >= 2 and hits >= 0.2 * len(words)


def passage_coverage(question: str, asked: dict[str, float], passage_terms: Collection[str]) -> float:
    """Share of the question's word weight (idf, `asked`) that the passage's terms hold.

    Words the material never uses (idf 0) count as missing, so "kontanthjælp" pulls the share down;
    in an English question, English words the material cannot know are left out (their Danish
    terms, from the glossary, are among `asked`).
    """
    english = is_english(question)
    total = held = 0.0
    for term, idf in asked.items():
        if len(term) < 2 or (idf <= 0 and english and term.isascii()):
            continue   # a lone letter ("What's" -> "s") says nothing about the passage
        weight = idf if idf > 0 else UNKNOWN_WEIGHT
        total += weight
        held += weight if term in passage_terms else 0.0
    return held / total if total else 0.0


@dataclass(frozen=True)
class RerankWeights:
    """Order of the top passages: best sentence cosine + question words held + a little of the fused score.

    Tuned on the dev questions (benchmarks/answer_eval.py): the first passage held the answer for
    83 -> 90 of 109 (fused order -> this order). words 0.2 -> 0.1 with the two-view sentence vectors:
    first source 113 -> 115 of 140 in-scope questions (answers + shared dev), 113-114 under 5-fold CV
    (benchmarks/answer_cv.py).
    """
    depth: int = 8          # how many fused candidates are re-ranked
    sentence: float = 1.0
    words: float = 0.1
    fused: float = 0.02


def rerank_key(best_sentence: float, words: float, fused: float, w: RerankWeights) -> float:
    return w.sentence * best_sentence + w.words * words + w.fused * fused
