"""The calibrated decision: group probabilities from evidence, then sure (one), ask (2-3) or none ([])."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .domain import DOMAIN_DIR
from .evidence import FEATURES, NONE_FEATURES

CALIBRATION_FILE = DOMAIN_DIR / "calibration.json"   # fitted for the default embedder, e5-small-q4
DEFAULT_EMBEDDER_ID = "e5-small-q4"


def calibration_file(embedder_id: str) -> Path:
    """calibration.json for the default embedder; calibration-<model>.json for others (fitted with --embedder)."""
    if embedder_id == DEFAULT_EMBEDDER_ID:
        return CALIBRATION_FILE
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_id.split(":", 1)[-1].rstrip("/").split("/")[-1]).strip("-")
    return DOMAIN_DIR / f"calibration-{slug}.json"


@dataclass(frozen=True)
class Calibration:
    """Weights of two small logistic models, fitted on development municipalities (benchmarks/route_eval.py --fit).

    group_weights score each group from its evidence (FEATURES); a softmax over the groups gives
    P(group | need is in scope). none_weights/none_bias give P(no group fits) from need-level features.
    """

    group_weights: tuple[float, ...] = (0.0, 60.0, 20.0, 0.5, 0.5, 0.0, 2.0, 0.0, 0.0)
    none_weights: tuple[float, ...] = (-40.0, -70.0, -1.0, 0.5)
    none_bias: float = 0.0
    none_threshold: float = 0.5
    # Sure when the best group has at least this probability; otherwise ask with the groups whose
    # probability is at least show_ratio times the best's (2-3 buttons).
    sure_probability: float = 0.6
    show_ratio: float = 0.35

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in cls.__dataclass_fields__}
        if len(data.get("group_weights", FEATURES)) != len(FEATURES) or len(data.get("none_weights", ())) != len(NONE_FEATURES):
            return cls()  # written for another feature set: the defaults are safer than a misfit
        return cls(**data)

    @classmethod
    def for_embedder(cls, embedder_id: str) -> "Calibration":
        """The embedder's own calibration when one was fitted, else the default embedder's."""
        own = calibration_file(embedder_id)
        return cls.load(own if own.exists() else CALIBRATION_FILE)


@dataclass(frozen=True)
class Decision:
    shown: tuple[int, ...]          # group indices, best first; () = none fits
    probabilities: np.ndarray       # P(group | in scope)
    p_none: float


def group_probabilities(features: np.ndarray, calibration: Calibration) -> tuple[np.ndarray, np.ndarray]:
    logits = features @ np.asarray(calibration.group_weights, dtype=np.float32)
    shifted = np.exp(logits - logits.max())
    return logits, shifted / shifted.sum()


def none_probability(need_features: np.ndarray, calibration: Calibration) -> float:
    z = float(need_features @ np.asarray(calibration.none_weights, dtype=np.float32)) + calibration.none_bias
    return float(1 / (1 + np.exp(-np.clip(z, -50, 50))))


def decide(probabilities: np.ndarray, p_none: float, calibration: Calibration, limit: int = 3) -> Decision:
    if p_none >= calibration.none_threshold or not len(probabilities):
        return Decision((), probabilities, p_none)
    order = [int(i) for i in np.argsort(-probabilities, kind="stable")]
    best = probabilities[order[0]]
    if best >= calibration.sure_probability or limit <= 1:
        return Decision((order[0],), probabilities, p_none)
    shown = [i for i in order[:max(limit, 1)] if probabilities[i] >= calibration.show_ratio * best]
    return Decision(tuple(shown), probabilities, p_none)
