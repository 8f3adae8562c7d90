"""Evidence per theme group for one need: its own words, the domain layer's bridge, and shared terms."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.bm25 import BM25
from index.embedders import Embedder
from index.text import Analyzer, vocabulary_of, words

from ..content import ThemeGroup
from .domain import DomainLayer

_SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+")
# A description written as questions ("Hvad må vi …, hvem må vi …?") makes e5 match the shape of
# every question-like need; the topic words carry the meaning, so the asking words are dropped.
_QUESTION_LEAD_RE = re.compile(
    r"^(?:(?:og|men|eller)\s+)?(?:hvad|hvem|hvordan|hvornår|hvor|hvilke|hvilken|hvorfor|må|kan|skal|bør)\b"
    r"(?:\s+(?:vi|man|jeg|i|de|der|en|det|må|kan|skal|bør|gøre|gør|bruge|have))*\s*", re.I)
FEATURES = ("own", "own_gap", "centroid_gap", "bridge", "bridge_gap", "lexical", "lexical_gap", "topic_fit_gap", "own_hub_gap")
NONE_FEATURES = ("own_vs_everyday", "domain_vs_everyday", "lexical", "unowned_logit")
TOP = 3
HUB_K = 20


def neutral(text: str) -> str:
    """'Hvad må vi gemme om borgerne?' -> 'gemme om borgerne': the topic without the question's shape."""
    if not text.rstrip().endswith("?"):
        return text
    parts = [_QUESTION_LEAD_RE.sub("", p.strip()) for p in re.split(r"[,;]\s*", text.rstrip(" ?"))]
    stripped = ", ".join(p for p in parts if p)
    return stripped if len(words(stripped)) >= 2 else text


_PHRASE_RE = re.compile(r"[,;:.()]\s*|\s+(?:og|samt|eller|fx|herunder|bl\.a\.)\s+", re.I)


def phrases(text: str) -> list[str]:
    """'Rapporter, ledelsesinformation, robotter og kunstig intelligens' -> one topic per phrase."""
    return [p.strip() for p in _PHRASE_RE.split(neutral(text)) if p and any(len(w) >= 4 for w in words(p))]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text) if len(words(s)) >= 2]


@dataclass(frozen=True)
class Piece:
    group: int
    text: str        # as written (shown as the reason)
    kind: str        # name | description | example | learned


@dataclass(frozen=True)
class Evidence:
    """Per group (rows) the features in FEATURES order; need-level signals for 'none fits'."""

    features: np.ndarray      # (n_groups, len(FEATURES))
    reason: np.ndarray        # best-matching piece per group (never the name when another exists)
    everyday: float           # how close the need is to everyday workplace/private matters
    domain: float             # how close it is to any digitalisation topic
    own_best: float
    unowned: float = 0.0      # the domain layer's share for "no group" (everyday matters, topics nobody owns)


def _top_mean(sims: np.ndarray, owner: np.ndarray, n: int, k: int = TOP) -> np.ndarray:
    """Mean of each owner's k best similarities (fewer when it has fewer)."""
    out = np.full(n, -1.0, dtype=np.float32)
    for i in range(n):
        s = sims[owner == i]
        if s.size:
            out[i] = float(np.sort(s)[-k:].mean())
    return out


class GroupEvidence:
    """Built once per set of groups (plus learned examples); scores a need with one embedding."""

    def __init__(self, groups: tuple[ThemeGroup, ...], embedder: Embedder, domain: DomainLayer,
                 learned: dict[str, list[str]] | None = None, vectors_of=None,
                 centroid_share: float = 1 / 3, topic_temperature: float = 0.005, owner_temperature: float = 0.02,
                 unowned_affinity: float = 0.02) -> None:
        self.groups, self.domain, self.centroid_share = groups, domain, centroid_share
        self.unowned_affinity = unowned_affinity
        self.topic_temperature, self.owner_temperature = topic_temperature, owner_temperature
        learned = learned or {}
        pieces: list[Piece] = []
        for i, g in enumerate(groups):
            pieces.append(Piece(i, g.name, "name"))
            pieces += [Piece(i, s, "description") for s in sentences(g.description)]
            pieces += [Piece(i, e, "example") for e in g.examples if words(e)]
            pieces += [Piece(i, e, "learned") for e in learned.get(g.id, ()) if words(e)]
        self.pieces = pieces
        texts = [neutral(p.text) if p.kind == "description" else p.text for p in pieces]
        embed = vectors_of or embedder.embed_queries
        self.vectors = np.asarray(embed(texts), dtype=np.float32) if texts else np.zeros((0, 1), np.float32)
        self.owner = np.array([p.group for p in pieces], dtype=np.int64)
        self.is_name = np.array([p.kind == "name" for p in pieces])
        n = len(groups)
        centroids = np.stack([self.vectors[self.owner == i].mean(axis=0) for i in range(n)]) if n else self.vectors[:0]
        self.centroids = centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        phrase_texts = list(dict.fromkeys(
            (i, ph) for i, g in enumerate(groups)
            for ph in [*phrases(g.name), *phrases(g.description), *g.examples, *learned.get(g.id, ())]))
        self._phrase_owner = np.array([i for i, _ in phrase_texts], dtype=np.int64)
        self._phrase_vectors = np.asarray(embed([t for _, t in phrase_texts]), dtype=np.float32) if phrase_texts \
            else self.vectors[:0]
        self.ownership = self._ownership()
        self.hubness = self._hubness()
        group_texts = [" ".join([g.name, g.description, *g.examples, *learned.get(g.id, ())]) for g in groups]
        self.analyzer = Analyzer(vocabulary_of(group_texts))
        self.bm25 = BM25([self.analyzer.terms(t) for t in group_texts])

    def _ownership(self) -> np.ndarray:
        """P(group | topic), with a last column for "no group": which configured group owns each domain topic,
        from the groups' own text only. A topic no group stands out for (e.g. workplace IT in a municipality
        without a support group) is owned by nobody, and needs about it lean towards the fallback."""
        domain, n = self.domain, len(self.groups)
        if domain.empty or not n:
            return np.zeros((len(domain.topics) + 1, n + 1), np.float32)
        sims = self._phrase_vectors @ domain.topic_vectors.T               # phrases x topic examples
        n_topics = len(domain.topics)
        phrase_topic = np.stack([_top_mean(row, domain.topic_of, n_topics) for row in sims])  # phrases x topics
        # A group owns a topic when any one of its phrases is about it; centring removes the pull of
        # groups whose wording is close to everything (e5's hubs).
        affinity = np.stack([phrase_topic[self._phrase_owner == i].max(axis=0) if np.any(self._phrase_owner == i)
                             else np.zeros(n_topics, np.float32) for i in range(n)])             # groups x topics
        affinity = affinity - affinity.mean(axis=1, keepdims=True)
        logits = np.concatenate([affinity.T, np.full((n_topics, 1), self.unowned_affinity)], axis=1) / self.owner_temperature
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        ownership = weights / weights.sum(axis=1, keepdims=True)
        everyday = np.zeros((1, n + 1))
        everyday[0, n] = 1.0                      # everyday matters: always "no group"
        return np.concatenate([ownership, everyday]).astype(np.float32)

    def _own_scores(self, sims: np.ndarray, centroid: np.ndarray) -> np.ndarray:
        """Own-text score of every group for each column of sims (pieces x texts) and centroid (groups x texts)."""
        best = np.stack([sims[self.owner == i].max(axis=0) for i in range(len(self.groups))])
        return (1 - self.centroid_share) * best + self.centroid_share * centroid

    def _hubness(self) -> np.ndarray:
        """How close each group's own text is to digitalisation needs in general: a group written in words
        close to everything (e5's hubs) gets a high value, and its scores are read relative to it."""
        domain, n = self.domain, len(self.groups)
        if domain.empty or not n:
            return np.zeros(n, np.float32)
        texts = domain.topic_vectors
        scores = self._own_scores(self.vectors @ texts.T, self.centroids @ texts.T)
        # Mean over the group's HUB_K nearest domain examples (as CSLS does for word translation).
        return np.sort(scores, axis=1)[:, -HUB_K:].mean(axis=1).astype(np.float32)

    def evidence(self, need: str, need_vector: np.ndarray, exclude: int = -1) -> Evidence:
        """exclude: a piece to leave out (groups-check scores each piece without itself)."""
        n, domain = len(self.groups), self.domain
        sims = self.vectors @ need_vector
        if exclude >= 0:
            sims[exclude] = -1.0
        best_piece = np.full(n, -1.0, np.float32)
        reason = np.full(n, -1, np.int64)
        for i in range(n):
            members = np.flatnonzero(self.owner == i)
            ranked = members[np.argsort(-sims[members], kind="stable")]
            best_piece[i] = sims[ranked[0]]
            reason[i] = next((int(j) for j in ranked if not self.is_name[j]), -1)
        centroid = self.centroids @ need_vector
        if exclude >= 0:  # the group's centroid without the left-out piece
            g = int(self.owner[exclude])
            rest = self.vectors[(self.owner == g) & (np.arange(len(self.pieces)) != exclude)]
            if len(rest):
                c = rest.mean(axis=0)
                centroid[g] = float(c @ need_vector / max(np.linalg.norm(c), 1e-12))
        own = (1 - self.centroid_share) * best_piece + self.centroid_share * centroid
        if domain.empty:
            bridge = np.full(n, 1.0 / max(n, 1), np.float32)
            everyday = topic_best = unowned = 0.0
            topic_fit = np.zeros(n, np.float32)
        else:
            topic_sims = domain.topic_vectors @ need_vector
            per_topic = _top_mean(topic_sims, domain.topic_of, len(domain.topics))
            everyday = float(np.sort(domain.everyday_vectors @ need_vector)[-TOP:].mean()) if len(domain.everyday) else -1.0
            per_topic = np.append(per_topic, everyday)
            logits = (per_topic - per_topic.max()) / self.topic_temperature
            p_topic = np.exp(logits) / np.exp(logits).sum()
            mass = p_topic @ self.ownership
            # How well the need fits the topics each group owns (ownership-weighted, before any softmax).
            owned = self.ownership[:-1, :n]
            topic_fit = (owned * per_topic[:-1, None]).sum(axis=0) / np.maximum(owned.sum(axis=0), 1e-6)
            bridge, unowned = mass[:n] / max(float(mass[:n].sum()), 1e-9), float(mass[n])
            topic_best = float(np.sort(topic_sims)[-TOP:].mean())
        terms = self.analyzer.terms(need)
        ceiling = self.bm25.max_possible(terms) if terms else 0.0
        lexical = self.bm25.scores(terms) / ceiling if ceiling > 0 else np.zeros(n, np.float32)
        if exclude >= 0:  # its own words are in its group's lexical text: no lexical evidence for the check
            lexical = np.zeros(n, np.float32)
        log_bridge = np.log(np.maximum(bridge, 1e-6))
        features = np.stack([own, own - own.max(), centroid - centroid.max(), log_bridge, log_bridge - log_bridge.max(),
                             lexical, lexical - lexical.max(), topic_fit - topic_fit.max(),
                             (own - self.hubness) - (own - self.hubness).max()], axis=1).astype(np.float32)
        return Evidence(features, reason, everyday, topic_best, float(own.max()), unowned)


def need_features(ev: Evidence, group_logits: np.ndarray) -> np.ndarray:
    """Need-level features for the 'none fits' model."""
    return np.array([ev.own_best - ev.everyday, ev.domain - ev.everyday,
                     float(ev.features[:, FEATURES.index("lexical")].max()),
                     float(np.log(max(ev.unowned, 1e-6)) - np.log(max(1 - ev.unowned, 1e-6)))], dtype=np.float32)
