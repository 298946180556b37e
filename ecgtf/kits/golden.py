"""Golden vectors for the Android Java signal core: the file format and the stand-in models.

Files are plain text, one array per line: ``name n v1 … vn``, doubles printed with 17 significant digits;
``org.ecgtf.core`` tests compare against them (max |difference| ≤ 1e-4). Stand-in models replace the
trained networks so that windowing, preprocessing and stitching are tested without TFLite.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

STREAM_GAINS = np.linspace(-1.0, 1.5, 12)
STREAM_BIAS = np.linspace(-0.2, 0.2, 12)


def write_vectors(path: Path, arrays: dict) -> Path:
    """One ``name n v1 … vn`` line per array (flattened, float64, 17 significant digits)."""
    with open(path, "w") as fh:
        for name, arr in arrays.items():
            a = np.asarray(arr, dtype=np.float64).ravel()
            fh.write(f"{name} {a.size} " + " ".join(f"{v:.17g}" for v in a) + "\n")
    return path


def stand_in_model(x: np.ndarray) -> np.ndarray:
    """A linear stand-in reconstructor: ``lead_k = gain_k · x + bias_k`` for a window ``x`` (n,) → (12, n)."""
    return STREAM_GAINS[:, None] * np.asarray(x, np.float64)[None, :] + STREAM_BIAS[:, None]


def multi_lead_stand_in(w: np.ndarray) -> np.ndarray:
    """An any-leads stand-in: window ``w`` (12, n), zero rows for leads not recorded → (12, n) with
    ``lead_k = gain_k · w_0 + bias_k + 0.3 · w_k + 0.05 · Σ_j w_j`` (a wrong row order or zero convention shows)."""
    w = np.asarray(w, np.float64)
    return stand_in_model(w[0]) + 0.3 * w + 0.05 * w.sum(axis=0, keepdims=True)


def denoiser_stand_in(w: np.ndarray) -> np.ndarray:
    """A window "denoiser": shrinks the window about its mean (mean + 0.8 (w − mean)), so that a wrong window
    grid or overlap-add shows."""
    w = np.asarray(w, np.float64)
    return w.mean() + 0.8 * (w - w.mean())
