"""Plots of 12-view beats: one panel per beat, the 12 views stacked top to bottom."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def plot_beats_by_condition(beats: np.ndarray, titles, path, suptitle: str = "", fs: float = 500.0,
                            reference: np.ndarray | None = None) -> Path:
    """``beats`` (k, 12, L) in [0, 1] → a PNG with one column per beat (optionally a real ``reference``
    (k, 12, L) drawn in grey behind each)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecgtf.leads import LEADS
    from ecgtf.plots import save_figure

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    k, n_views, length = beats.shape
    t = np.arange(length) / fs * 1000
    fig, axes = plt.subplots(1, k, figsize=(3.2 * k, 7), sharey=True, squeeze=False)
    for j, ax in enumerate(axes[0]):
        for v in range(n_views):
            off = -1.0 * v
            if reference is not None:
                ax.plot(t, reference[j, v] + off, color="0.75", lw=0.8)
            ax.plot(t, beats[j, v] + off, lw=0.9)
        ax.set_yticks([-1.0 * v + 0.5 for v in range(n_views)], LEADS[:n_views])
        ax.set_title(str(titles[j]))
        ax.set_xlabel("ms")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return save_figure(fig, path, dpi=80)
