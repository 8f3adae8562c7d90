"""Hybrid search: faiss (dense) and BM25 (lexical), fused by reciprocal rank."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from .bm25 import BM25
from .names import Names
from .chunking import Chunk
from .embedders import Embedder
from .store import CHUNKS, LEXICON, SENTENCES, SENTENCE_VECTORS, TABLES, VECTORS, BUILD_COMMAND, IndexCorrupt, IndexMismatch, read_manifest
from .rerank import RerankWeights, passage_coverage, rerank_key
from .tables import Table, TableMatch, TableSearch
from .text import Analyzer, fold

MAX_QUERY_CHARS = 2000      # e5 reads 512 tokens; longer queries only cost time
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]")
_WORD_RE = re.compile(r"[^\W_]{2,}", re.UNICODE)


class QueryError(ValueError):
    """The query cannot be searched (empty, or no words); the message says why."""


@dataclass(frozen=True)
class Hit:
    rank: int
    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    score: float         # fused score: higher is better, comparable within one query only
    dense_score: float   # cosine similarity of query and passage
    lexical_score: float # BM25 score relative to the best possible for this query (0..1)

    def to_json(self) -> dict:
        return {"rank": self.rank, "doc_id": self.doc_id, "title": self.title, "section": self.section,
                "text": self.text, "score": round(self.score, 6), "chunk_id": self.chunk_id,
                "dense_score": round(self.dense_score, 4), "lexical_score": round(self.lexical_score, 4)}


@dataclass(frozen=True)
class FusionConfig:
    method: str = "zscore"       # rrf (reciprocal rank) or zscore (standardised score sum)
    rrf_k: float = 60.0
    dense_weight: float = 1.0
    lexical_weight: float = 0.7
    candidates: int = 50
    translate_dense: bool = True
    rerank: RerankWeights | None = RerankWeights()
    # Dense score = passage cosine moved this share towards max(passage, best sentence cosine): a
    # paraphrase may match one sentence well while the whole passage is about more. 0.3: 5-fold CV
    # over 166 questions (with tests/data/answers/paraphrase.jsonl) first source 117-122 -> 122-123;
    # 0.5 and 1.0 lost first sources on the 140 others (benchmarks/answer_cv.py --sentence-dense).
    sentence_dense: float = 0.3


def clean_query(query: str) -> str:
    """Strip control and bidi characters, collapse whitespace, cap the length."""
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    query = _CONTROL_RE.sub(" ", query)
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not query:
        raise QueryError("the query is empty")
    if not _WORD_RE.search(query):
        raise QueryError("the query contains no words to search for")
    return query


class HybridIndex:
    """A loaded index: search(query, k) -> list[Hit]."""

    def __init__(self, chunks: list[Chunk], terms: list[list[str]], vectors: faiss.Index,
                 lexicon: dict, embedder: Embedder, fusion: FusionConfig = FusionConfig(),
                 sentences: tuple[list[dict], np.ndarray] | None = None, tables: list[Table] | None = None) -> None:
        self.chunks = chunks
        self.embedder = embedder
        self.fusion = fusion
        self._faiss = vectors
        self._bm25 = BM25(terms)
        self._term_sets = [frozenset(t) for t in terms]
        self._analyzer = Analyzer(lexicon["vocabulary"])
        self._surface: dict[str, str] = lexicon["surface"]
        self._known_words = frozenset(self._surface.values())
        self._by_id = {c.id: c for c in chunks}
        self._glossary: dict[str, str] = lexicon.get("glossary", {})
        self._glossary_longest = max((len(k.split()) for k in self._glossary), default=0)
        # Tables, search, coverage and the decline each ask for a question's glossary phrases: scan once.
        self._glossary_matches = lru_cache(maxsize=1024)(self._find_glossary)
        self._vectors_cache: np.ndarray | None = None
        self.tables = TableSearch(tables or [], self._analyzer.terms)
        # Row keys of municipality tables are names too ("| Kolding | …" starts its cell, so it is never counted).
        self._names = Names((c.context_text for c in chunks), self.tables.municipality_keys)
        rows, sentence_vectors = sentences or ([], np.zeros((0, embedder.dim), np.float32))
        self._sentence_vectors = sentence_vectors
        self._sentence_chunk = np.array([row["chunk"] for row in rows], dtype=np.int64)
        self._sentences_by_chunk: dict[str, list[tuple[int, str]]] = {}
        for row_number, row in enumerate(rows):
            self._sentences_by_chunk.setdefault(chunks[row["chunk"]].id, []).append((row_number, row["text"]))

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder, fusion: FusionConfig = FusionConfig()) -> "HybridIndex":
        manifest = read_manifest(index_dir)
        if manifest["embedder"] != embedder.id:
            raise IndexMismatch(
                f"The index in {index_dir} was built with the embedder {manifest['embedder']!r}, "
                f"but {embedder.id!r} is configured (SPARRING_EMBEDDER). Rebuild it with: "
                f"SPARRING_EMBEDDER={embedder.id} {BUILD_COMMAND}"
            )
        try:
            chunks, terms = [], []
            with open(index_dir / CHUNKS, encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    terms.append(record.pop("terms"))
                    record.pop("sha256", None)
                    chunks.append(Chunk(**record))
            lexicon = json.loads((index_dir / LEXICON).read_text(encoding="utf-8"))
            vectors = faiss.read_index(str(index_dir / VECTORS))
            with open(index_dir / SENTENCES, encoding="utf-8") as lines:
                sentence_rows = [json.loads(line) for line in lines]
            sentence_vectors = np.load(index_dir / SENTENCE_VECTORS)
            tables = [Table.from_json(t) for t in json.loads((index_dir / TABLES).read_text(encoding="utf-8"))]
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorrupt(f"The index in {index_dir} is incomplete or damaged ({exc}). "
                               f"Rebuild it with: {BUILD_COMMAND}") from None
        if (vectors.ntotal != len(chunks) or len(chunks) != manifest["chunks"] or vectors.d != embedder.dim
                or len(sentence_rows) != len(sentence_vectors)
                or any(not 0 <= r.get("chunk", -1) < len(chunks) for r in sentence_rows)):
            raise IndexCorrupt(f"The index in {index_dir} is inconsistent (vectors and chunks differ). "
                               f"Rebuild it with: {BUILD_COMMAND}")
        return cls(chunks, terms, vectors, lexicon, embedder, fusion, (sentence_rows, sentence_vectors), tables)

    def term_weights(self, text: str) -> dict[str, float]:
        """The text's search terms with their IDF: what makes a sentence relevant to a query."""
        return {t: self._bm25.idf(t) for t in self._analyzer.terms(text)}

    def coverage(self, query: str) -> float:
        """Share of the query's content words that the corpus (or the glossary) knows: off-topic words are unknown."""
        translated_words = set(" ".join(self._glossary_matches(query)).split())
        terms = [t for w in re.findall(r"[^\W_]+", query) if w.lower() not in translated_words
                 for t in self._analyzer.terms(w)]
        known = sum(1 for t in dict.fromkeys(terms) if t in self._bm25 and not t.isdigit())
        total = len([t for t in dict.fromkeys(terms) if not t.isdigit()]) + len(translated_words & set(query.lower().split()))
        known += len(translated_words & set(query.lower().split()))
        return known / total if total else 0.0

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._by_id.get(chunk_id)

    def _find_glossary(self, query: str) -> tuple[str, ...]:
        """English words and phrases of the query found in the glossary (longest phrase first)."""
        tokens = re.findall(r"[a-z][a-z-]*", query.lower())
        found, i = [], 0
        while i < len(tokens):
            for size in range(min(self._glossary_longest, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i:i + size])
                if phrase in self._glossary:
                    found.append(phrase)
                    i += size
                    break
            else:
                i += 1
        return tuple(found)

    def named(self, query: str) -> frozenset[str]:
        """The corpus's proper names (municipalities, cooperations) that the query writes capitalised."""
        return self._names.asked(query)

    def translate_terms(self, query: str) -> list[str]:
        """Danish domain terms for English words in the query."""
        return [self._glossary[phrase] for phrase in self._glossary_matches(query)]

    def restore_spelling(self, query: str) -> str:
        """Write "soroe"/"paa" as "sorø"/"på" for the embedder, using the corpus's own spellings."""
        def fix(match: re.Match) -> str:
            word = match.group(0)
            lower = word.lower()
            if lower in self._known_words or any(c in lower for c in "æøå"):
                return word
            return self._surface.get(fold(lower), word)
        return re.sub(r"[^\W\d_]+", fix, query)

    def _zscore_fusion(self, query_vector: np.ndarray, dense_by_id: dict[int, float], lexical: np.ndarray,
                       lexical_ids: np.ndarray) -> dict[int, float]:
        """Sum of each signal standardised over the whole corpus: a clear winner in one signal counts."""
        all_dense = self._all_vectors @ query_vector
        if self.fusion.sentence_dense > 0 and len(self._sentence_chunk):
            best = all_dense.copy()
            # einsum, not @: BLAS threads cost milliseconds for one 1.5k x 384 product under load.
            np.maximum.at(best, self._sentence_chunk, np.einsum("ij,j->i", self._sentence_vectors, query_vector))
            all_dense = all_dense + self.fusion.sentence_dense * (best - all_dense)
        dense_z = (all_dense - all_dense.mean()) / (all_dense.std() + 1e-9)
        lexical_z = (lexical - lexical.mean()) / (lexical.std() + 1e-9) if lexical.any() else np.zeros_like(lexical)
        candidates = set(dense_by_id) | set(lexical_ids.tolist())
        return {i: self.fusion.dense_weight * float(dense_z[i]) + self.fusion.lexical_weight * float(lexical_z[i])
                for i in candidates}

    @property
    def _all_vectors(self) -> np.ndarray:
        if self._vectors_cache is None:
            self._vectors_cache = self._faiss.reconstruct_n(0, self._faiss.ntotal)
        return self._vectors_cache

    def sentences(self, chunk_id: str, query_vector: np.ndarray) -> list[tuple[str, float]]:
        """The chunk's candidate short-answer sentences with their cosine to the query (vectors from build time)."""
        rows = self._sentences_by_chunk.get(chunk_id, [])
        if not rows:
            return []
        similarities = self._sentence_vectors[[r for r, _ in rows]] @ query_vector
        return [(text, float(sim)) for (_, text), sim in zip(rows, similarities)]

    def _rerank(self, query: str, translated: list[str], query_vector: np.ndarray,
                ordered: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The top fused candidates in the order of their sentence-level evidence; their score becomes that key."""
        w = self.fusion.rerank
        asked = self.term_weights(" ".join([query, *translated]))
        rescored = []
        for idx, fused in ordered[:w.depth]:
            best = max((sim for _, sim in self.sentences(self.chunks[idx].id, query_vector)),
                       default=float(self._all_vectors[idx] @ query_vector))
            words = passage_coverage(query, asked, self._term_sets[idx])
            rescored.append((idx, rerank_key(best, words, fused, w)))
        rescored.sort(key=lambda item: -item[1])
        floor = rescored[-1][1] if rescored else 0.0
        # Below the re-ranked head the fused order stays; scores keep falling so they still sort.
        return rescored + [(idx, floor - 0.001 * (i + 1)) for i, (idx, _) in enumerate(ordered[w.depth:])]

    def match_table(self, query: str) -> TableMatch | None:
        """The rows of a table that answer a list, count or row question exactly (None: not a table question)."""
        query = clean_query(query)
        english = self._glossary_matches(query)   # English words the glossary translated are explained
        # ... as often as the phrases hold them: "no link" after "link collection" still names the link column.
        asked = Counter(re.findall(r"[a-z][a-z-]*", query.lower()))
        phrased = Counter(" ".join(english).split())
        return self.tables.match(query, self._analyzer.terms(" ".join(self._glossary[p] for p in english)),
                                 frozenset(w for w, n in phrased.items() if asked[w] <= n))

    def listed(self, query: str) -> TableMatch | None:
        """The table rows of names the question asks about that the material mentions nowhere but in a table."""
        names = self._names.only_in_tables(self.named(query))
        return self.tables.rows_named(names) if names else None

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.search_with_vector(query, k)[0]

    def search_with_vector(self, query: str, k: int = 5) -> tuple[list[Hit], np.ndarray]:
        """Hits and the query's vector (for sentence scoring without another model call)."""
        query = clean_query(query)
        k = max(1, min(int(k), len(self.chunks)))
        n = min(len(self.chunks), max(self.fusion.candidates, k))

        translated = self.translate_terms(query)
        # e5 reads 512 tokens; very long "words" only cost tokenizer time, so cap both.
        dense_text = " ".join(w[:40] for w in self.restore_spelling(query)[:1000].split())
        if translated and self.fusion.translate_dense:
            dense_text += " (" + ", ".join(translated) + ")"
        query_vector = self.embedder.embed_queries([dense_text])
        dense_scores, dense_ids = self._faiss.search(query_vector, n)
        dense_scores, dense_ids = dense_scores[0], dense_ids[0]

        query_terms = (self._analyzer.terms(query) + self._analyzer.terms(" ".join(translated)))[:200]
        lexical = self._bm25.scores(query_terms)
        best_possible = self._bm25.max_possible(query_terms) or 1.0
        lexical_ids = np.argsort(-lexical, kind="stable")[:n]

        dense_by_id = {int(i): float(s) for i, s in zip(dense_ids, dense_scores) if i >= 0}
        if self.fusion.method == "zscore":
            fused = self._zscore_fusion(query_vector[0], dense_by_id, lexical, lexical_ids)
        else:
            fused = {}
            for rank, idx in enumerate(dense_by_id):
                fused[idx] = fused.get(idx, 0.0) + self.fusion.dense_weight / (self.fusion.rrf_k + rank + 1)
            for rank, idx in enumerate(lexical_ids.tolist()):
                if lexical[idx] <= 0:
                    break
                fused[idx] = fused.get(idx, 0.0) + self.fusion.lexical_weight / (self.fusion.rrf_k + rank + 1)

        ordered = sorted(fused.items(), key=lambda item: -item[1])
        if self.fusion.rerank is not None:
            ordered = self._rerank(query, translated, query_vector[0], ordered)
        hits = []
        for rank, (idx, score) in enumerate(ordered[:k], start=1):
            chunk = self.chunks[idx]
            dense = dense_by_id.get(idx)
            if dense is None:
                dense = float(self._faiss.reconstruct(idx) @ query_vector[0])
            hits.append(Hit(rank, chunk.id, chunk.doc_id, chunk.title, chunk.section, chunk.text,
                            score, dense, float(lexical[idx]) / best_possible))
        return hits, query_vector[0]
