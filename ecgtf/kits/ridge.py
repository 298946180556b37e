"""Ridge-regression baseline: each output lead at time t from a window of Lead I around t.

``y[lead, t] = w_lead · [I(t − k), …, I(t + k), 1]``, fitted in closed form on the training split
(``(XᵀX + αI)⁻¹ XᵀY``, no penalty on the bias). The floor any GAN must beat.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _windows(lead_i: np.ndarray, half: int) -> np.ndarray:
    """(N, T) → (N, T, 2·half + 2): edge-padded windows of Lead I plus a bias column."""
    padded = np.pad(lead_i, ((0, 0), (half, half)), mode="edge")
    idx = np.arange(lead_i.shape[1])[:, None] + np.arange(2 * half + 1)[None, :]
    w = padded[:, idx]
    return np.concatenate([w, np.ones(w.shape[:2] + (1,))], axis=-1)


@dataclass
class RidgeLeadRegressor:
    half_window: int = 16
    """Samples on each side of t (16 samples = 256 ms at 62.5 Hz)."""
    alpha: float = 1.0
    weights: np.ndarray | None = None

    def fit(self, lead_i: np.ndarray, leads: np.ndarray) -> "RidgeLeadRegressor":
        """``lead_i`` (N, T), ``leads`` (N, 12, T)."""
        x = _windows(np.asarray(lead_i, np.float64), self.half_window).reshape(-1, 2 * self.half_window + 2)
        y = np.asarray(leads, np.float64).transpose(0, 2, 1).reshape(-1, leads.shape[1])
        reg = self.alpha * np.eye(x.shape[1])
        reg[-1, -1] = 0.0
        self.weights = np.linalg.solve(x.T @ x + reg, x.T @ y)
        return self

    def predict(self, lead_i: np.ndarray) -> np.ndarray:
        """(N, T) → (N, 12, T)."""
        if self.weights is None:
            raise ValueError("RidgeLeadRegressor.predict called before fit")
        x = _windows(np.asarray(lead_i, np.float64), self.half_window)
        return np.einsum("ntf,fl->nlt", x, self.weights).astype(np.float32)
