"""Session 19: other ways to combine a run's network and its ridge for one set of given leads, 2-fold on PTB-XL fold 9.

    python training/experiments/blend_variants.py runs/clean-lite runs/clean-lite-ridge ../shared/data [I+V2,I+II+V2,I+V4]

Per other chest lead, chosen on one half of the fold-9 records and scored (mean window r) on the other, averaged over
both halves: the network alone, the ridge alone, the shipped α blend, a two-band blend (separate α below and above
8 Hz: Butterworth order 2, zero-phase) and a least-squares FIR stack (9 taps on each of network and ridge, in Lead I
std units). Session 19 (I+V2): 0.827 / 0.827 / 0.854 / 0.853 / 0.845 — the α blend is as good as these get.
"""
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402
from scipy.signal import butter, sosfiltfilt  # noqa: E402

from ecgtf.models.unet1d.ridge_blend import (  # noqa: E402
    ALPHAS,
    centred_and_scale,
    network_leads,
    ridge_predict,
    ridge_rows,
    validation_windows,
)
from ecgtf.runs import Run  # noqa: E402
from ecgtf.scores import pearson  # noqa: E402

TAPS = 9


def low_pass(x):
    return sosfiltfilt(butter(2, 8.0, fs=100.0, output="sos"), x, axis=-1)


def best_alpha(net, ridge, truth):
    """The ALPHAS value with the highest mean window r of one lead's (N, L) windows."""
    scores = [np.nanmean(pearson((a * net + (1 - a) * ridge)[:, None], truth[:, None])) for a in ALPHAS]
    return ALPHAS[int(np.nanargmax(scores))]


def fir_design(net, ridge, scale):
    """(N, L) network and ridge of one lead → (N·L, 2·TAPS) lagged columns in Lead I std units."""
    cols = []
    for x in (net, ridge):
        padded = np.pad(x / scale, ((0, 0), (TAPS // 2, TAPS // 2)))
        cols += [padded[:, t:t + x.shape[1]] for t in range(TAPS)]
    return np.stack(cols, -1).reshape(-1, 2 * TAPS)


def main(src, blended, data, sets):
    net_model = Run(src).generator("best")
    layer = Run(blended).generator("best").get_layer("ridge_blend")
    kernels = dict(zip(layer.sets, layer.get_weights()[:-1]))
    val = validation_windows(Run(src), data).astype(np.float64)
    half = len(val) // 2
    fold = np.concatenate([np.arange(half), np.arange(half)]) % 2          # both windows of a record in one half
    _, scale = centred_and_scale(val)
    scale = scale[:, 0]
    for key in sets:
        rows, used = ridge_rows(key)
        net = network_leads(net_model, val, rows)
        ridge = ridge_predict(val * np.isin(np.arange(12), rows)[None, :, None], used, kernels[key])
        chest = [k for k in range(6, 12) if k not in rows]
        results = {name: [] for name in ("network", "ridge", "alpha", "two-band", "FIR stack")}
        for test in (0, 1):
            fit, held = fold != test, fold == test
            preds = {"network": net, "ridge": ridge, "alpha": net.copy(), "two-band": net.copy(),
                     "FIR stack": net.copy()}
            net_lo, ridge_lo = low_pass(net), low_pass(ridge)
            for k in chest:
                a = best_alpha(net[fit][:, k], ridge[fit][:, k], val[fit][:, k])
                preds["alpha"][:, k] = a * net[:, k] + (1 - a) * ridge[:, k]
                a_lo = best_alpha(net_lo[fit][:, k], ridge_lo[fit][:, k], low_pass(val[fit][:, k]))
                hi = net[:, k] - net_lo[:, k], ridge[:, k] - ridge_lo[:, k]
                a_hi = best_alpha(hi[0][fit], hi[1][fit], val[fit][:, k] - low_pass(val[fit][:, k]))
                preds["two-band"][:, k] = (a_lo * net_lo[:, k] + (1 - a_lo) * ridge_lo[:, k]
                                           + a_hi * hi[0] + (1 - a_hi) * hi[1])
                x = fir_design(net[fit][:, k], ridge[fit][:, k], scale[fit])
                y = ((val[fit][:, k] - val[fit][:, k].mean(-1, keepdims=True)) / scale[fit]).reshape(-1)
                gram = x.T @ x
                w = np.linalg.solve(gram + 1e-3 * np.trace(gram) / len(gram) * np.eye(len(gram)), x.T @ y)
                preds["FIR stack"][:, k] = (fir_design(net[:, k], ridge[:, k], scale) @ w).reshape(net[:, k].shape) * scale
            for name, p in preds.items():
                results[name].append(np.nanmean(pearson(p[held], val[held])[:, chest]))
        print(key, " ".join(f"{name} {np.mean(v):.4f}" for name, v in results.items()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",") if len(sys.argv) > 4 else ["I+V2", "I+II+V2", "I+V4"])
