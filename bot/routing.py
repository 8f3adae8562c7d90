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

# Everyday workplace and private matters that no digitalisation theme group covers. A need that
# resembles one of these more than any configured group gets the fallback contact instead of a
# weak match: e5's cosines are compressed, so "none fits" is judged against this negative class.
OFF_TOPIC = (
    "frokost, kantine og mad", "parkering og transport til arbejdet", "ferie, fridage og orlov",
    "løn, pension og skat", "sygemelding og fravær", "kontormøbler og indretning", "rengøring og affald på kontoret",
    "reparation af bygningen, varme og vand", "personalefest og sociale arrangementer", "privatøkonomi, lån og bank",
    "sport, fodbold og fritid", "vejret", "opskrifter og madlavning", "rejser og hoteller", "nøgler og adgang til bygningen",
    "kaffe og køkken", "nyheder og politik", "familie og børn privat", "motion og sundhed privat", "post og pakker",
    "restauranter og underholdning", "bolig og flytning",
)


@dataclass(frozen=True)
class GroupMatch:
    group: ThemeGroup
    score: float
    reason: str


@dataclass(frozen=True)
class RoutingPolicy:
    """Weights and thresholds, tuned on one municipality and checked on another (benchmarks/route_eval.py)."""

    # Semantic score = (1 - centroid_share) * best piece + centroid_share * cosine with the
    # group's centroid (mean of its pieces). The best piece catches one spot-on example; the
    # centroid is what the group is about as a whole. Measured on four municipalities' YAML
    # (benchmarks/route_eval.py): this mix generalised best.
    centroid_share: float = 1 / 3
    # Lexical score = BM25 of the need against each group's text, divided by the best possible
    # score for the need's known terms (0..1). Kept small: one shared everyday word must not
    # outweigh e5, but a shared specific word ("databehandleraftale") breaks near-ties.
    lexical_weight: float = 0.02
    # "None fits": e5 cosines are compressed (unrelated texts still score ~0.75), so judge both
    # the absolute best and how far it stands above the average group; out-of-scope needs score
    # all groups alike.
    min_score: float = 0.83
    min_margin: float = 0.01
    # A runner-up is shown only when it is this close to the best (an ambiguous need).
    ambiguity_gap: float = 0.015
    # Empty result when an off-topic anchor beats the best group by more than -off_topic_margin.
    off_topic_margin: float = -0.01


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
        vectors = embedder.embed_queries([p.text for p in self._pieces] + list(OFF_TOPIC))
        self._vectors, self._off_topic = vectors[:len(self._pieces)], vectors[len(self._pieces):]
        owner = np.array([p.group for p in self._pieces], dtype=np.int64)
        self._members = [np.flatnonzero(owner == i) for i in range(len(self.groups))]
        centroids = np.stack([self._vectors[m].mean(axis=0) for m in self._members]) if self.groups else \
            np.zeros((0, self._vectors.shape[1] if self._vectors.ndim == 2 else 1), np.float32)
        self._centroids = centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        texts = [" ".join([g.name, g.description, *g.examples]) for g in self.groups]
        self._analyzer = Analyzer(vocabulary_of(texts))
        self._bm25 = BM25([self._analyzer.terms(t) for t in texts])

    def scores(self, need: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per group: combined score, semantic score, and the index of its best-matching non-name piece."""
        policy = self.policy
        need_vector = self.embedder.embed_queries([need])[0]
        sims = self._vectors @ need_vector
        self._last_off_topic = float((self._off_topic @ need_vector).max()) if len(self._off_topic) else -1.0
        semantic = np.zeros(len(self.groups), dtype=np.float32)
        reason = np.full(len(self.groups), -1, dtype=np.int64)
        centroid_sims = self._centroids @ need_vector
        for i, members in enumerate(self._members):
            ranked = members[np.argsort(-sims[members], kind="stable")]
            semantic[i] = (1 - policy.centroid_share) * sims[ranked[0]] + policy.centroid_share * centroid_sims[i]
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
        if self._last_off_topic + policy.off_topic_margin >= semantic[best]:
            return []
        chosen = [int(i) for i in order[:max(limit, 1)] if combined[best] - combined[i] <= policy.ambiguity_gap]
        return [GroupMatch(self.groups[i], float(combined[i]), self._pieces[reason[i]].text if reason[i] >= 0 else "")
                for i in chosen]
