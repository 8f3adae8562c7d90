"""The router: which configured theme groups fit a need — one when sure, 2-3 to ask about, none for the fallback."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from index.embedders import Embedder
from index.text import words

from ..content import ThemeGroup, ThemeGroups
from .decision import Calibration, Decision, decide, group_probabilities, none_probability
from .domain import DomainLayer, cached_query_vectors, load_domain
from .evidence import Evidence, GroupEvidence, need_features
from .request import routing_need


def _topic(need: str) -> str:
    """"…, hvem skal vi tale med?" -> "…": the asking words say nothing about which group. The chat and
    `bot route` score the same text (route_eval, leave-one-municipality-out: clear right first 0.844 -> 0.842,
    none -> empty 0.896 -> 0.887 against scoring the asking words too; one need each, within noise)."""
    asked = routing_need(need)
    return need if asked is None else asked


@dataclass(frozen=True)
class GroupMatch:
    group: ThemeGroup
    score: float      # P(group | the need is in scope), calibrated
    reason: str       # the group's own phrase (description sentence or example) that matched best


@dataclass(frozen=True)
class Analysis:
    evidence: Evidence
    decision: Decision
    need_features: np.ndarray


class Router:
    def __init__(self, groups: ThemeGroups, embedder: Embedder, calibration: Calibration | None = None,
                 domain: DomainLayer | None = None, cache_dir: Path | None = None,
                 learned: Mapping[str, Sequence[str]] | None = None) -> None:
        self.groups = groups.groups
        self.embedder = embedder
        self.calibration = calibration or Calibration.for_embedder(getattr(embedder, "id", ""))
        self.domain = domain if domain is not None else load_domain(embedder, cache_dir)
        self._vectors: dict[str, np.ndarray] = {}   # piece text -> vector: learning re-embeds only new texts
        self._lock = threading.Lock()
        self._learned: dict[str, tuple[str, ...]] = {}
        self._cache_dir = cache_dir                  # the first build's vectors are cached too: start-up stays fast
        self._evidence = self._build(learned or {})
        self._cache_dir = None

    def _vectors_of(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = cached_query_vectors(missing, self.embedder, self._cache_dir, "groups") if self._cache_dir \
                else self.embedder.embed_queries(missing)
            for text, vector in zip(missing, vectors):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)

    def _build(self, learned: Mapping[str, Sequence[str]]) -> GroupEvidence:
        known = {g.id for g in self.groups}
        self._learned = {k: tuple(v) for k, v in learned.items() if k in known and v}
        return GroupEvidence(self.groups, self.embedder, self.domain, {k: list(v) for k, v in self._learned.items()},
                             vectors_of=self._vectors_of)

    def set_learned(self, learned: Mapping[str, Sequence[str]]) -> None:
        """Use learned examples (need texts confirmed by users) as extra examples of their groups."""
        normalised = {k: tuple(v) for k, v in learned.items() if v}
        if normalised == self._learned:
            return
        with self._lock:
            self._evidence = self._build(normalised)

    @property
    def evidence_model(self) -> GroupEvidence:
        """The current group side (pieces, vectors, topic ownership); replaced whole when learning."""
        return self._evidence

    @property
    def learned(self) -> dict[str, tuple[str, ...]]:
        return dict(self._learned)

    def analyse(self, need: str, limit: int = 3, evidence_model: GroupEvidence | None = None) -> Analysis:
        return self._analyse(_topic(need), limit, evidence_model or self._evidence)

    def _analyse(self, need: str, limit: int, evidence_model: GroupEvidence) -> Analysis:
        vector = np.asarray(self.embedder.embed_queries([need])[0], dtype=np.float32)
        ev = evidence_model.evidence(need, vector)
        logits, probabilities = group_probabilities(ev.features, self.calibration)
        features = need_features(ev, logits)
        decision = decide(probabilities, none_probability(features, self.calibration), self.calibration, limit)
        return Analysis(ev, decision, features)

    def route(self, need: str, limit: int = 3) -> list[GroupMatch]:
        need = _topic(need or "")
        if not self.groups or not words(need):
            return []
        evidence_model = self._evidence
        analysis = self._analyse(need, limit, evidence_model)
        reason = analysis.evidence.reason
        return [GroupMatch(self.groups[i], float(analysis.decision.probabilities[i]),
                           evidence_model.pieces[reason[i]].text if reason[i] >= 0 else "")
                for i in analysis.decision.shown]
