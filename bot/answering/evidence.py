"""Does the best passage answer the question? Word evidence that does not punish English."""
from __future__ import annotations

from typing import Callable

from index.rerank import is_english, passage_coverage as _coverage

__all__ = ["is_english", "passage_coverage"]


def passage_coverage(question: str, passage: str, weights: Callable[[str], dict[str, float]],
                     translated: str = "") -> float:
    """Share of the question's word weight that the passage text holds (see index.rerank)."""
    return _coverage(question, weights(f"{question} {translated}"), weights(passage))
