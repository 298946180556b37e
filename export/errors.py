"""How far a converted model's outputs are from the Keras model's (and both from the truth): the one measure the
export validation and the benchmark table share. numpy only."""
from __future__ import annotations

import numpy as np


def compare(pred: np.ndarray, keras_out: np.ndarray, truth: np.ndarray | None, inputs: np.ndarray | None = None) -> dict:
    """RMS error of ``pred`` vs the Keras outputs (relative to their std) and both vs ``truth``. With any-leads
    ``inputs`` (B, 12, L), the rows of recorded leads (non-zero input rows) do not count: the reconstructor returns
    the recorded leads themselves there, not the network's output."""
    count = np.ones(pred.shape[:-1], bool)
    if inputs is not None and inputs.ndim == 3 and inputs.shape[:2] == pred.shape[:2]:
        count = ~np.any(inputs != 0, axis=-1)
    p, k = pred[count], keras_out[count]
    err = p - k
    out = {"rel_rms_vs_keras": float(np.sqrt(np.mean(err ** 2)) / (np.std(k) + 1e-12)),
           "max_abs_vs_keras": float(np.max(np.abs(err)))}
    if truth is not None:
        out["rmse_vs_truth"] = float(np.sqrt(np.mean((p - truth[count]) ** 2)))
        out["keras_rmse_vs_truth"] = float(np.sqrt(np.mean((k - truth[count]) ** 2)))
    return out
