"""Deterministic test doubles for the project's seams."""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from index.text import fold, words


class FakeEmbedder:
    """Bag of folded words hashed into 64 dimensions: deterministic, instant, meaningful enough."""

    dim = 64

    def __init__(self, id: str = "fake-hash-64") -> None:
        self.id = id
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in words(text):
            digest = hashlib.md5(fold(word)[:6].encode()).digest()
            vector[digest[0] % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector + 1.0 / np.sqrt(self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self.embed_queries(texts)
