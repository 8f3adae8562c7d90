"""Theme-group routing: which of the configured groups fits a need, and the phrase that shows why."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.bm25 import BM25
from index.embedders import Embedder
from index.text import Analyzer, vocabulary_of, words

from .content import ThemeGroup, ThemeGroups

_SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True)
class GroupMatch:
    group: ThemeGroup
    score: float
    reason: str


@dataclass(frozen=True)
class RoutingPolicy:
    """Weights and thresholds, tuned on one municipality and checked on another (benchmarks/route_eval.py)."""

    # Semantic score = max_share * best piece + (1 - max_share) * mean of the top_k pieces:
    # the max catches one spot-on example, the mean rewards groups that fit in several ways.
    top_k: int = 3
    max_share: float = 0.5
    # Lexical score = BM25 of the need against each group's text, divided by the best possible
    # score for the need's known terms (0..1). Off by default: with a handful of short groups one
    # shared everyday word ("medarbejdere") outweighed e5 on the needs tried so far.
    lexical_weight: float = 0.0
    # "None fits": e5 cosines are compressed (unrelated texts still score ~0.75), so judge both
    # the absolute best and how far it stands above the average group; out-of-scope needs score
    # all groups alike.
    min_score: float = 0.83
    min_margin: float = 0.01
    # A runner-up is shown only when it is this close to the best (an ambiguous need).
    ambiguity_gap: float = 0.015


@dataclass(frozen=True)
class _Piece:
    group: int
    text: str
    is_name: bool


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text) if len(words(s)) >= 2]


def _pieces(groups: tuple[ThemeGroup, ...]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for i, group in enumerate(groups):
        pieces.append(_Piece(i, group.name, True))
        pieces += [_Piece(i, s, False) for s in _sentences(group.description)]
        pieces += [_Piece(i, e, False) for e in group.examples if words(e)]
    return pieces


class Router:
    def __init__(self, groups: ThemeGroups, embedder: Embedder, policy: RoutingPolicy = RoutingPolicy()) -> None:
        self.groups = groups.groups
        self.embedder = embedder
        self.policy = policy
        self._pieces = _pieces(self.groups)
        # Group pieces are short, query-like texts: e5 compares them with a need best when both
        # sides carry the "query: " prefix. One batched call; route() then embeds only the need.
        self._vectors = embedder.embed_queries([p.text for p in self._pieces])
        owner = np.array([p.group for p in self._pieces], dtype=np.int64)
        self._members = [np.flatnonzero(owner == i) for i in range(len(self.groups))]
        texts = [" ".join([g.name, g.description, *g.examples]) for g in self.groups]
        self._analyzer = Analyzer(vocabulary_of(texts))
        self._bm25 = BM25([self._analyzer.terms(t) for t in texts])

    def scores(self, need: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per group: combined score, semantic score, and the index of its best-matching non-name piece."""
        policy = self.policy
        sims = self._vectors @ self.embedder.embed_queries([need])[0]
        semantic = np.zeros(len(self.groups), dtype=np.float32)
        reason = np.full(len(self.groups), -1, dtype=np.int64)
        for i, members in enumerate(self._members):
            ranked = members[np.argsort(-sims[members], kind="stable")]
            top = sims[ranked[:policy.top_k]]
            semantic[i] = policy.max_share * top[0] + (1 - policy.max_share) * top.mean()
            # The name is shown anyway, so the reason is the best description sentence or example.
            reason[i] = next((j for j in ranked if not self._pieces[j].is_name), -1)
        if not policy.lexical_weight:
            return semantic, semantic, reason
        terms = self._analyzer.terms(need)
        ceiling = self._bm25.max_possible(terms) if terms else 0.0
        lexical = self._bm25.scores(terms) / ceiling if ceiling > 0 else np.zeros_like(semantic)
        return semantic + policy.lexical_weight * lexical, semantic, reason

    def route(self, need: str, limit: int = 3) -> list[GroupMatch]:
        if not self.groups or not words(need or ""):
            return []
        policy = self.policy
        combined, semantic, reason = self.scores(need)
        order = np.argsort(-combined, kind="stable")
        best = int(order[0])
        margin = combined[best] - combined.mean()
        if semantic[best] < policy.min_score or margin < policy.min_margin:
            return []
        chosen = [int(i) for i in order[:max(limit, 1)] if combined[best] - combined[i] <= policy.ambiguity_gap]
        return [GroupMatch(self.groups[i], float(combined[i]), self._pieces[reason[i]].text if reason[i] >= 0 else "")
                for i in chosen]
