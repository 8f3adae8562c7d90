"""The routing domain layer: canonical topics of municipal digitalisation work and everyday matters, with cached vectors."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from index.embedders import Embedder
from index.settings import PROJECT_ROOT

log = logging.getLogger("sparringsbot.routing")

DOMAIN_DIR = PROJECT_ROOT / "knowledge" / "routing"


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class DomainLayer:
    """Topic examples (owner topic per row) and everyday 'none fits' examples, embedded as queries."""

    topics: tuple[Topic, ...]
    everyday: tuple[str, ...]
    topic_of: np.ndarray          # (n_examples,) topic index of each topic example
    topic_vectors: np.ndarray     # (n_examples, dim)
    everyday_vectors: np.ndarray  # (n_everyday, dim)

    @property
    def empty(self) -> bool:
        return not self.topics


def read_domain(directory: Path = DOMAIN_DIR) -> tuple[tuple[Topic, ...], tuple[str, ...]]:
    topics_file, none_file = directory / "topics.yaml", directory / "none.yaml"
    if not topics_file.exists():
        return (), ()
    data = yaml.safe_load(topics_file.read_text(encoding="utf-8")) or {}
    topics = tuple(Topic(str(t["id"]), str(t.get("name", t["id"])), tuple(str(e) for e in t.get("examples") or ()))
                   for t in data.get("topics") or ())
    everyday = ()
    if none_file.exists():
        everyday = tuple(str(e) for e in (yaml.safe_load(none_file.read_text(encoding="utf-8")) or {}).get("examples") or ())
    return topics, everyday


def cached_query_vectors(texts: list[str], embedder: Embedder, cache_dir: Path | None, kind: str = "domain") -> np.ndarray:
    """Embed texts once per content and embedder; later starts read the .npy file (atomic write)."""
    if not texts:
        return np.zeros((0, getattr(embedder, "dim", 1)), np.float32)
    digest = hashlib.sha256("\n".join([getattr(embedder, "id", type(embedder).__name__), *texts]).encode()).hexdigest()[:24]
    path = cache_dir / f"{kind}-{digest}.npy" if cache_dir else None
    if path and path.exists():
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            log.warning("routing cache unreadable; recomputing", extra={"event": "routing_cache"})
    vectors = np.asarray(embedder.embed_queries(texts), dtype=np.float32)
    if path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, vectors)
            os.replace(tmp, path)
        except OSError:
            log.warning("routing cache not writable", extra={"event": "routing_cache"})
    return vectors


def load_domain(embedder: Embedder, cache_dir: Path | None = None, directory: Path = DOMAIN_DIR) -> DomainLayer:
    topics, everyday = read_domain(directory)
    texts = [e for t in topics for e in t.examples]
    vectors = cached_query_vectors(texts + list(everyday), embedder, cache_dir)
    owner = np.array([i for i, t in enumerate(topics) for _ in t.examples], dtype=np.int64)
    return DomainLayer(topics, everyday, owner, vectors[:len(texts)], vectors[len(texts):])
