"""Fitting the decision's two logistic models (numpy only): used by benchmarks/route_eval.py, not at run time."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from .decision import Calibration


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std < 1e-6, 1.0, std)
    return (x - mean) / std, mean, std


def fit_group_weights(features: Sequence[np.ndarray], targets: Sequence[set[int]], l2: float = 1e-2,
                      steps: int = 400, rate: float = 0.5) -> np.ndarray:
    """Conditional logit: maximise P(any expected group) under a softmax over each need's groups."""
    stacked = np.concatenate(features)
    _, _, std = _standardise(stacked)
    width = max(len(f) for f in features)
    x = np.zeros((len(features), width, stacked.shape[1]))   # needs x groups (padded) x features
    valid = np.zeros((len(features), width), dtype=bool)
    expected = np.zeros((len(features), width), dtype=bool)
    for i, (f, t) in enumerate(zip(features, targets)):
        x[i, :len(f)], valid[i, :len(f)] = f / std, True   # no centring: a softmax ignores shared offsets
        expected[i, list(t)] = True
    w = np.zeros(stacked.shape[1])
    for _ in range(steps):
        logits = np.where(valid, x @ w, -np.inf)
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        q = np.where(expected, p, 0.0)
        q /= np.maximum(q.sum(axis=1, keepdims=True), 1e-12)
        w -= rate * (np.einsum("ngf,ng->f", x, p - q) / len(features) + l2 * w)
    return w / std


def fit_none_model(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 600, rate: float = 0.5,
                   none_weight: float = 1.0) -> tuple[np.ndarray, float]:
    """Binary logistic regression: P(no group fits | need-level features)."""
    z, mean, std = _standardise(x)
    w, b = np.zeros(x.shape[1]), 0.0
    sample = np.where(y > 0, none_weight, 1.0)
    sample = sample / sample.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        err = (p - y) * sample
        w -= rate * (z.T @ err / len(y) + l2 * w)
        b -= rate * float(err.mean())
    weights = w / std
    return weights, float(b - (mean * weights).sum())


def fitted(calibration: Calibration, group_weights: np.ndarray, none_weights: np.ndarray, none_bias: float) -> Calibration:
    return replace(calibration, group_weights=tuple(round(float(v), 5) for v in group_weights),
                   none_weights=tuple(round(float(v), 5) for v in none_weights), none_bias=round(float(none_bias), 5))
