"""Multi-label scores with their uncertainty: AUROC, F1 at a threshold, thresholds chosen for F1 on
validation data, and percentile-bootstrap 95 % intervals over records."""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from ecgtf.metrics import bootstrap_interval


def auroc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney, ties counted half); NaN without both classes."""
    y = np.asarray(y, bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(np.asarray(p, np.float64))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def f1(y: np.ndarray, p: np.ndarray, threshold: float) -> float:
    """F1 of ``p ≥ threshold``; NaN when there are no positives and none predicted."""
    y = np.asarray(y, bool)
    pred = np.asarray(p) >= threshold
    tp = int((y & pred).sum())
    denom = int(y.sum()) + int(pred.sum())
    return float(2 * tp / denom) if denom else float("nan")


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold that maximises F1 on ``(y, p)`` (midpoints between sorted scores); 0.5 without positives."""
    y = np.asarray(y, bool)
    if not y.any():
        return 0.5
    s = np.unique(np.asarray(p, np.float64))
    cands = np.concatenate([[s[0] - 1e-6], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-6]]) if len(s) > 1 else s
    scores = [f1(y, p, t) for t in cands]
    return float(cands[int(np.nanargmax(scores))])


def bootstrap(stat, y: np.ndarray, p: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of ``stat(y, p)`` resampling records; NaN-valued resamples dropped, NaN
    when fewer than half are left (:func:`ecgtf.metrics.bootstrap_interval`)."""
    return bootstrap_interval(stat, y, p, n=n, seed=seed, min_valid=0.5)


def score_classes(y: np.ndarray, known: np.ndarray, prob: np.ndarray, thresholds, classes,
                  n_boot: int = 1000, seed: int = 0) -> dict:
    """Per class (records whose label states the class only): n, positives, AUROC and F1 with 95 % CIs."""
    out = {}
    for k, c in enumerate(classes):
        m = known[:, k] > 0
        yk, pk, t = y[m, k], prob[m, k], float(thresholds[k])
        out[c] = {"n": int(m.sum()), "positives": int(yk.sum()), "threshold": t,
                  "auroc": auroc(yk, pk), "auroc_ci": bootstrap(auroc, yk, pk, n_boot, seed),
                  "f1": f1(yk, pk, t), "f1_ci": bootstrap(lambda a, b, t=t: f1(a, b, t), yk, pk, n_boot, seed)}
    return out
