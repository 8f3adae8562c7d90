"""Okapi BM25 over analysed terms, with typo-tolerant query expansion."""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


class BM25:
    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n_docs = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self._avg_len = float(lengths.mean()) if self.n_docs else 0.0
        self._norm = k1 * (1 - b + b * lengths / max(self._avg_len, 1e-9))
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for doc_index, terms in enumerate(documents):
            for term, tf in Counter(terms).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(doc_index)
                tfs.append(tf)
        self._postings = {t: (np.array(i, dtype=np.int32), np.array(f, dtype=np.float32)) for t, (i, f) in postings.items()}
        self._idf = {t: math.log(1 + (self.n_docs - len(ids) + 0.5) / (len(ids) + 0.5))
                     for t, (ids, _) in self._postings.items()}
        self._terms = list(self._postings)

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def _near_terms(self, term: str) -> list[str]:
        """Index terms one or two edits away: "digitalisring" still finds "digitalisering"."""
        if len(term) < 5 or term.isdigit():
            return []
        max_edits = 1 if len(term) < 9 else 2
        matches = process.extract(term, self._terms, scorer=Levenshtein.distance,
                                  score_cutoff=max_edits, limit=3)
        return [m[0] for m in matches]

    def expand(self, query_terms: Sequence[str]) -> dict[str, float]:
        """Query term weights: known terms at 1.0, typo neighbours of unknown ones at 0.7."""
        weights: dict[str, float] = {}
        for term in query_terms:
            if term in self._postings:
                weights[term] = weights.get(term, 0.0) + 1.0
            else:
                for near in self._near_terms(term):
                    weights[near] = max(weights.get(near, 0.0), 0.7)
        return weights

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term, weight in self.expand(query_terms).items():
            ids, tfs = self._postings[term]
            scores[ids] += weight * self._idf[term] * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return scores

    def max_possible(self, query_terms: Sequence[str]) -> float:
        """An upper bound of a document's score for this query, to judge coverage."""
        return sum(w * self._idf[t] * (self.k1 + 1) for t, w in self.expand(query_terms).items())
