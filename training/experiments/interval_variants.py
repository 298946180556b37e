#!/usr/bin/env python
"""Issue 31: band variants on the cached reconstructions of ``training.calibrate_intervals`` (Lead I input, generic).

    python training/experiments/interval_variants.py runs/iv-oldlite/reconstructions

Calibration pool PTB-XL fold 9 + LUDB (LUDB measured by cross-fitting, as the shipped evaluation); test sets PTB-XL
fold 10, LUDB, CinC 2021. Variants: ``shipped`` (one log-linear spread fitted to log|error|, conformal quantiles per
coverage), ``per-level`` (a log-linear quantile regression of |error| at each reported coverage, then conformalised
at that coverage: conformalised quantile regression), ``per-level-balanced`` (+ the pool's datasets weighted equally
in the conformal quantile), and ``oracle-Xs``: a band proportional to the *true* local error (|error| averaged over
X s; not available in practice), conformalised the same way — how narrow an honest band (wide where the error is)
can be at all. Prints the mean observed coverage, the worst lead's gap and the width relative to a
constant band holding the same share, per test set and coverage.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ecgtf.intervals import (
    ERROR_FLOOR_MV,
    FEATURE_FLOOR_MV,
    MIN_SPREAD_MV,
    fit_spread_weights,
    moving_average,
    spread_features,
    window_samples,
)

LEVELS = (0.5, 0.8, 0.95)
STRIDE = 5


def load(folder: Path, name: str) -> dict:
    d = np.load(folder / f"{name}_I.npz")
    return {"recon": d["recon"].astype(np.float64), "truth": d["truth"].astype(np.float64), "fs": float(d["fs"])}


def prepare(d: dict, oracle_s: float | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per record: (log features (12, m, F) with a constant column, |error| (12, m)) at every STRIDE-th sample;
    ``oracle_s``: the only feature is the true |error| averaged over that many seconds."""
    out = []
    for r, t in zip(d["recon"], d["truth"]):
        if oracle_s is not None:
            f = moving_average(np.abs(t - r), window_samples(oracle_s, d["fs"]))[:, ::STRIDE, None]
            x = np.concatenate([np.zeros(f.shape), np.log(np.maximum(f, MIN_SPREAD_MV))], -1)
            out.append((x, np.abs(t - r)[:, ::STRIDE]))
            continue
        f = spread_features(r, d["fs"])[:, ::STRIDE]
        x = np.concatenate([np.ones(f.shape[:2] + (1,)), np.log(f + FEATURE_FLOOR_MV)], -1)
        out.append((x, np.abs(t - r)[:, ::STRIDE]))
    return out


def quantile_regression(x: np.ndarray, y: np.ndarray, tau: float, iterations: int = 60) -> np.ndarray:
    """Linear quantile regression of y on x at level tau by iteratively reweighted least squares."""
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    for _ in range(iterations):
        r = y - x @ beta
        w = np.where(r > 0, tau, 1 - tau) / np.maximum(np.abs(r), 1e-3)
        xw = x * w[:, None]
        beta = np.linalg.lstsq(x.T @ xw, xw.T @ y, rcond=None)[0]
    return beta


def weighted_conformal(scores: np.ndarray, weights: np.ndarray, c: float) -> float:
    order = np.argsort(scores)
    s, w = scores[order], weights[order]
    cum = np.cumsum(w) / (w.sum() + w.max())
    return float(s[min(np.searchsorted(cum, c), len(s) - 1)])


def calibrate(pool: list[list], variant: str) -> dict:
    """{level: (weights (12, 1 + F), quantile (12,))} from the pool's datasets (lists of prepared records)."""
    records = [(rec, di) for di, ds in enumerate(pool) for rec in ds]
    fit = [r for i, (r, _) in enumerate(records) if i % 2 == 0]
    cal = [(r, di) for i, (r, di) in enumerate(records) if i % 2 == 1]
    out = {}
    for c in LEVELS:
        weights, q = np.zeros((12, fit[0][0].shape[-1])), np.ones(12)
        for k in range(1, 12):                      # Lead I is given
            x = np.concatenate([r[0][k] for r in fit])
            y = np.log(np.concatenate([r[1][k] for r in fit]) + ERROR_FLOOR_MV)
            if variant.startswith("oracle"):
                weights[k] = [0.0, 1.0]                   # the spread is the oracle's local error itself
            elif variant == "shipped":
                weights[k] = fit_spread_weights(np.exp(x[:, 1:]) - FEATURE_FLOOR_MV, np.exp(y) - ERROR_FLOOR_MV)
            else:
                weights[k] = quantile_regression(x, y, c)
            scores, sw = [], []
            counts = np.bincount([di for _, di in cal], minlength=len(pool))
            for r, di in cal:
                s = np.maximum(np.exp(r[0][k] @ weights[k]), MIN_SPREAD_MV)
                scores.append(r[1][k] / s)
                sw.append(np.full(len(s), 1.0 / counts[di] if variant.endswith("balanced") else 1.0))
            q[k] = weighted_conformal(np.concatenate(scores), np.concatenate(sw), c)
        out[c] = (weights, q)
    return out


def measure(cal: dict, records: list) -> dict:
    res = {}
    for c, (weights, q) in cal.items():
        obs, ratio = [], []
        for k in range(12):
            if k == 0:
                continue
            e = np.concatenate([r[1][k] for r in records])
            s = np.concatenate([np.maximum(np.exp(r[0][k] @ weights[k]), MIN_SPREAD_MV) for r in records])
            o = float(np.mean(e <= q[k] * s))
            obs.append(o)
            ratio.append(np.mean(2 * q[k] * s) / (2 * np.quantile(e, o)))
        res[c] = (float(np.mean(obs)), float(np.max(np.abs(np.array(obs) - c))), float(np.mean(ratio)))
    return res


def main(folder: Path) -> None:
    raw = {name: load(folder, name) for name in ("ptb-xl-val", "ludb", "ptb-xl-test", "cinc2021")}
    for variant in ("shipped", "per-level", "per-level-balanced", "oracle-0.1s", "oracle-2s"):
        oracle_s = float(variant[7:-1]) if variant.startswith("oracle") else None
        data = {name: prepare(d, oracle_s) for name, d in raw.items()}
        ludb = data["ludb"]
        halves = [[r for i, r in enumerate(ludb) if i % 2 == h] for h in (0, 1)]
        full = calibrate([data["ptb-xl-val"], ludb], variant)
        cross = [calibrate([data["ptb-xl-val"], halves[1 - h]], variant) for h in (0, 1)]
        rows = {"ptb-xl-test": measure(full, data["ptb-xl-test"]), "cinc2021": measure(full, data["cinc2021"])}
        parts = [measure(cross[h], halves[h]) for h in (0, 1)]
        rows["ludb"] = {c: tuple(float(np.mean([p[c][j] for p in parts])) for j in range(3)) for c in LEVELS}
        for name, res in rows.items():
            print(f"{variant:20s} {name:12s} " + "  ".join(f"{c}: {o:.3f} (gap {g:.3f}) width {w:.2f}x"
                                                          for c, (o, g, w) in res.items()), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
