"""The index directory: building it incrementally, and reading it back safely."""
from __future__ import annotations

import hashlib
import re
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import faiss
import numpy as np
import yaml

from .chunking import Chunk, ChunkingConfig, chunk_document
from .documents import CorpusError, load_corpus
from .embedders import Embedder
from .sentences import units
from .tables import parse_all
from .text import STOPWORDS, Analyzer, fold, vocabulary_of, words

FORMAT_VERSION = 6   # 5: sentence vectors are the mean of two heading views; 6: table captions
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
LEXICON = "lexicon.json"
SENTENCES = "sentences.jsonl"      # candidate short-answer sentences: chunk index and text
SENTENCE_VECTORS = "sentences.npy"  # their vectors, row by row
TABLES = "tables.json"              # the documents' Markdown tables as rows
BUILD_COMMAND = "python -m index build"


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message says what to run."""


class IndexNotFound(IndexUnavailable):
    pass


class IndexMismatch(IndexUnavailable):
    pass


class IndexCorrupt(IndexUnavailable):
    pass


@dataclass(frozen=True)
class BuildReport:
    chunks: int
    embedded: int        # chunks whose vectors had to be computed (not cached)
    up_to_date: bool
    seconds: float
    index_dir: Path


def corpus_hash(chunks: Sequence[Chunk], config: ChunkingConfig, glossary: dict[str, str] | None = None) -> str:
    digest = hashlib.sha256(f"v{FORMAT_VERSION}|{json.dumps(asdict(config), sort_keys=True)}".encode())
    digest.update(json.dumps(glossary or {}, sort_keys=True).encode())
    digest.update(" ".join(sorted(STOPWORDS)).encode())  # the analyzer's output depends on them
    for chunk in chunks:
        digest.update(chunk.sha256.encode())
    return digest.hexdigest()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:120]


def read_manifest(index_dir: Path) -> dict:
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexNotFound(f"No search index in {index_dir}. Build it with: {BUILD_COMMAND}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
        for key in ("format_version", "embedder", "corpus_sha256", "chunks"):
            if key not in manifest:
                raise ValueError(f"key '{key}' is missing")
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"{path} is damaged ({exc}). Rebuild the index with: {BUILD_COMMAND}") from None
    if manifest["format_version"] != FORMAT_VERSION:
        raise IndexMismatch(f"{index_dir} was built by another version of Sparringsbot. Rebuild it with: {BUILD_COMMAND}")
    return manifest


class EmbeddingCache:
    """Vectors by chunk hash, so a rebuild embeds only chunks that changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path) as data:
                    self._vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache only costs time

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self._vectors[key] = vector

    def save(self, keep: set[str]) -> None:
        keys = [k for k in self._vectors if k in keep]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        vectors = np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)
        np.savez(tmp, keys=np.array(keys), vectors=vectors)
        os.replace(tmp, self.path)


def load_glossary(path: Path) -> dict[str, str]:
    """English -> Danish domain terms (knowledge/glossary.yaml), optional."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path}: not valid YAML: {exc}") from None
    terms = data.get("glossary") if isinstance(data, dict) else None
    if not isinstance(terms, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in terms.items()):
        raise CorpusError(f"{path}: key 'glossary' must map English terms to Danish terms")
    return {" ".join(k.lower().split()): v.strip() for k, v in terms.items()}


def _lexicon(chunks: Sequence[Chunk]) -> dict:
    texts = [c.context_text for c in chunks]
    surface_counts: Counter[str] = Counter(w.lower() for t in texts for w in words(t))
    surface: dict[str, str] = {}
    for word, _ in surface_counts.most_common():  # most frequent spelling wins
        surface.setdefault(fold(word), word)
    return {"vocabulary": sorted(vocabulary_of(texts)), "surface": surface}


def _file_sizes(index_dir: Path) -> dict[str, int]:
    return {name: (index_dir / name).stat().st_size if (index_dir / name).exists() else -1
            for name in (CHUNKS, VECTORS, LEXICON, SENTENCES, SENTENCE_VECTORS, TABLES)}


def build_index(documents_dir: Path, index_dir: Path, embedder: Embedder, *,
                config: ChunkingConfig = ChunkingConfig(), force: bool = False,
                progress: Callable[[int], None] | None = None,
                on_total: Callable[[int], None] | None = None) -> BuildReport:
    started = time.perf_counter()
    documents = load_corpus(documents_dir)
    chunks = [c for doc in documents for c in chunk_document(doc, config)]
    glossary = load_glossary(documents_dir.parent / "glossary.yaml")
    digest = corpus_hash(chunks, config, glossary)
    if not force:
        try:
            manifest = read_manifest(index_dir)
            if (manifest["embedder"] == embedder.id and manifest["corpus_sha256"] == digest
                    and manifest.get("file_sizes") == _file_sizes(index_dir)):
                return BuildReport(len(chunks), 0, True, time.perf_counter() - started, index_dir)
        except IndexUnavailable:
            pass

    cache = EmbeddingCache(index_dir.parent / "embedding-cache" / f"{_slug(embedder.id)}.npz")
    missing = [c for c in chunks if cache.get(c.sha256) is None]
    if on_total:
        on_total(len(missing))
    batch = 8
    for start in range(0, len(missing), batch):
        part = missing[start:start + batch]
        for chunk, vector in zip(part, embedder.embed_passages([c.context_text for c in part])):
            cache.put(chunk.sha256, vector)
        if progress:
            progress(len(part))
    cache.save({c.sha256 for c in chunks})
    sentence_rows, sentence_vectors = _sentence_vectors(chunks, embedder, index_dir)

    vectors = np.stack([cache.get(c.sha256) for c in chunks]).astype(np.float32)
    lexicon = _lexicon(chunks) | {"glossary": glossary}
    analyzer = Analyzer(lexicon["vocabulary"])

    # Write beside the live index, then swap, so a reader never sees half an index.
    tmp_dir = index_dir.with_name(index_dir.name + ".building")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    faiss_index = faiss.IndexFlatIP(vectors.shape[1])
    faiss_index.add(vectors)
    faiss.write_index(faiss_index, str(tmp_dir / VECTORS))
    with open(tmp_dir / CHUNKS, "w", encoding="utf-8") as out:
        for chunk in chunks:
            record = asdict(chunk) | {"sha256": chunk.sha256, "terms": analyzer.terms(chunk.context_text)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(tmp_dir / SENTENCES, "w", encoding="utf-8") as out:
        for row in sentence_rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    np.save(tmp_dir / SENTENCE_VECTORS, sentence_vectors)
    (tmp_dir / TABLES).write_text(json.dumps([t.to_json() for t in parse_all(documents)], ensure_ascii=False),
                                  encoding="utf-8")
    (tmp_dir / LEXICON).write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.id,
        "dim": int(vectors.shape[1]),
        "corpus_sha256": digest,
        "chunking": asdict(config),
        "chunks": len(chunks),
        "documents": sorted({c.doc_id for c in chunks}),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    manifest["file_sizes"] = _file_sizes(tmp_dir)  # a cheap check that no file was damaged since
    (tmp_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    old_dir = index_dir.with_name(index_dir.name + ".old")
    shutil.rmtree(old_dir, ignore_errors=True)
    if index_dir.exists():
        os.replace(index_dir, old_dir)
    os.replace(tmp_dir, index_dir)
    shutil.rmtree(old_dir, ignore_errors=True)
    return BuildReport(len(chunks), len(missing), False, time.perf_counter() - started, index_dir)


_NUMBERING_RE = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s*/?\s*")


def sentence_embedding_texts(chunk: Chunk, sentence: str) -> tuple[str, str]:
    """Two views of a sentence: with its innermost heading, and with the two innermost (the case's name).

    "har de skabt styring" needs to know it is Herning; "hvordan startede Den Digitale Hotline" needs
    "Den Digitale Hotline › Baggrunden for samarbejdet". The mean of the two views kept the innermost
    view's precision on general questions and gained the case questions (benchmarks/answer_eval.py).
    """
    path = [_NUMBERING_RE.sub("", p) for p in chunk.section.split(" › ")] if chunk.section else [chunk.title]
    return f"{path[-1]}: {sentence}", f"{' › '.join(path[-2:])}: {sentence}"


def _sentence_vectors(chunks: Sequence[Chunk], embedder: Embedder, index_dir: Path) -> tuple[list[dict], np.ndarray]:
    """Vectors of every candidate sentence, computed at build (cached by text hash) so answering needs no model call."""
    rows = [{"chunk": i, "text": u.text} for i, c in enumerate(chunks) for u in units(c.text) if u.candidate]
    views = [sentence_embedding_texts(chunks[r["chunk"]], r["text"]) for r in rows]
    texts = [t for pair in views for t in pair]
    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    cache = EmbeddingCache(index_dir.parent / "embedding-cache" / f"{_slug(embedder.id)}-sentences.npz")
    missing = [(k, t) for k, t in dict(zip(keys, texts)).items() if cache.get(k) is None]
    for start in range(0, len(missing), 16):
        part = missing[start:start + 16]
        for (key, _), vector in zip(part, embedder.embed_passages([t for _, t in part])):
            cache.put(key, vector)
    cache.save(set(keys))
    dim = getattr(embedder, "dim", 0)
    if not rows:
        return rows, np.zeros((0, dim), np.float32)
    # One vector per sentence, the normalised mean of its views: the index format stays as it was.
    vectors = np.stack([cache.get(k) for k in keys]).astype(np.float32).reshape(len(rows), 2, -1).sum(axis=1)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return rows, vectors.astype(np.float32)


def current_corpus_hash(documents_dir: Path, config: ChunkingConfig = ChunkingConfig()) -> str:
    chunks = [c for doc in load_corpus(documents_dir) for c in chunk_document(doc, config)]
    return corpus_hash(chunks, config, load_glossary(documents_dir.parent / "glossary.yaml"))
