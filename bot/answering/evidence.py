"""Does the best passage answer the question? Word evidence that does not punish English."""
from __future__ import annotations

import re
from typing import Callable

_ENGLISH = frozenset("""the of what how do does is are which in to and for can should who when why where
we our a an with from by their there this that be been have has was were will would about""".split())
_WORD_RE = re.compile(r"[^\W\d_]+")
UNKNOWN_WEIGHT = 6.0   # a question word the material never uses weighs like its rarest word


def is_english(question: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(question)]
    hits = sum(w in _ENGLISH for w in words)
    return hits >= 2 and hits >= 0.2 * len(words)


def passage_coverage(question: str, passage: str, weights: Callable[[str], dict[str, float]],
                     translated: str = "") -> float:
    """Share of the question's word weight (idf) that the passage holds.

    Words the material never uses count as missing, so "kontanthjælp" pulls the share down; in an
    English question, English words the material cannot know are left out (their Danish terms,
    from the glossary, are in `translated`).
    """
    english = is_english(question)
    asked = weights(f"{question} {translated}")
    passage_terms = weights(passage)
    total = held = 0.0
    for term, idf in asked.items():
        if idf <= 0 and english and term.isascii():
            continue
        weight = idf if idf > 0 else UNKNOWN_WEIGHT
        total += weight
        held += weight if term in passage_terms else 0.0
    return held / total if total else 0.0
