"""ECG plots to PNG: the standard 12-lead paper layout and original-vs-reconstruction overlays.

All functions take lead-major arrays ``(12, n)`` in :data:`ecgtf.leads.LEADS` order, a sampling
rate in Hz, and write a PNG when ``path`` is given. They use matplotlib's Agg backend, so they
work on headless machines.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ecgtf.files import atomic_write  # noqa: E402
from ecgtf.leads import LEADS  # noqa: E402

MM_PER_S = 25.0
MM_PER_MV = 10.0
_LAYOUT = (("I", "aVR", "V1", "V4"), ("II", "aVL", "V2", "V5"), ("III", "aVF", "V3", "V6"))
_GRID_MINOR = "#f6c9c9"
_GRID_MAJOR = "#e58e8e"


def _check(signal: np.ndarray, fs: float) -> np.ndarray:
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 2 or signal.shape[0] != 12:
        raise ValueError(f"expected a (12, n_samples) array in canonical lead order, got {signal.shape}")
    if fs <= 0:
        raise ValueError(f"fs must be positive, got {fs}")
    if not np.all(np.isfinite(signal)):
        raise ValueError("signal contains NaN or inf")
    return signal


def _paper_grid(ax, x_max: float, y_min: float, y_max: float) -> None:
    for step, colour, lw in ((0.04, _GRID_MINOR, 0.3), (0.2, _GRID_MAJOR, 0.6)):
        for x in np.arange(0.0, x_max + 1e-9, step):
            ax.axvline(x, color=colour, lw=lw, zorder=0)
    for step, colour, lw in ((0.1, _GRID_MINOR, 0.3), (0.5, _GRID_MAJOR, 0.6)):
        for y in np.arange(np.floor(y_min / step) * step, y_max + 1e-9, step):
            ax.axhline(y, color=colour, lw=lw, zorder=0)


def plot_12lead(signal: np.ndarray, fs: float, path: str | Path | None = None, title: str = "",
                rhythm_lead: str = "II", units: str = "mV", dpi: int = 150, bands=None):
    """Standard 3×4 layout plus a rhythm strip, 25 mm/s and 10 mm/mV on a millimetre grid.

    Each of the four columns shows a quarter of the record (2.5 s of a 10 s record); the rhythm
    strip shows ``rhythm_lead`` for the whole record. ``bands``: optional ``(lower, upper)``, each (12, n) like
    ``signal``, shaded lightly behind each trace (an interval per lead). Returns the matplotlib figure.
    """
    x = _check(signal, fs)
    lo, hi = (None, None) if bands is None else (np.asarray(bands[0]), np.asarray(bands[1]))
    if lo is not None and (lo.shape != x.shape or hi.shape != x.shape):
        raise ValueError(f"bands: shapes {lo.shape} and {hi.shape}; expected {x.shape} like the signal")

    def band(k, sl, base):
        if lo is not None:
            ax.fill_between(t[sl], lo[k, sl] + base, hi[k, sl] + base, color="tab:blue", alpha=0.25, lw=0)

    n = x.shape[1]
    duration = n / fs
    col_w = duration / 4.0
    row_h = 3.0  # mV per row
    rows = len(_LAYOUT) + 1
    width_mm = duration * MM_PER_S
    height_mm = rows * row_h * MM_PER_MV
    fig = plt.figure(figsize=(width_mm / 25.4 + 0.6, height_mm / 25.4 + 0.7))
    ax = fig.add_axes([0.03, 0.03, 0.94, 0.9])
    y_top = row_h / 2
    y_bottom = -row_h * (rows - 0.5)
    _paper_grid(ax, duration, y_bottom, y_top)
    t = np.arange(n) / fs
    for r, row in enumerate(_LAYOUT):
        base = -r * row_h
        for c, name in enumerate(row):
            sl = slice(int(round(c * col_w * fs)), int(round((c + 1) * col_w * fs)))
            band(LEADS.index(name), sl, base)
            ax.plot(t[sl], x[LEADS.index(name), sl] + base, color="k", lw=0.7)
            ax.text(c * col_w + 0.05, base + 0.9, name, fontsize=8, fontweight="bold")
            if c:
                ax.plot([c * col_w] * 2, [base - 0.5, base + 0.5], color="k", lw=0.8)
    base = -len(_LAYOUT) * row_h
    band(LEADS.index(rhythm_lead), slice(None), base)
    ax.plot(t, x[LEADS.index(rhythm_lead)] + base, color="k", lw=0.7)
    ax.text(0.05, base + 0.9, rhythm_lead, fontsize=8, fontweight="bold")
    ax.set_xlim(0, duration)
    ax.set_ylim(y_bottom, y_top)
    ax.set_aspect(MM_PER_MV / MM_PER_S)
    ax.set_xticks([])
    ax.set_yticks([])
    speed = f"{MM_PER_S:g} mm/s, {MM_PER_MV:g} mm/{units}, {fs:g} Hz"
    fig.suptitle(f"{title}    ({speed})" if title else speed, fontsize=9)
    return _save(fig, path, dpi)


def plot_overlay(original: np.ndarray, reconstructed: np.ndarray, fs: float,
                 path: str | Path | None = None, title: str = "",
                 labels: Sequence[str] = ("original", "reconstructed"), units: str = "mV", dpi: int = 120):
    """Original vs reconstructed for each of the 12 leads (6×2 panels), per-lead RMSE in the titles."""
    a, b = _check(original, fs), _check(reconstructed, fs)
    if a.shape != b.shape:
        raise ValueError(f"original {a.shape} and reconstructed {b.shape} differ in shape")
    t = np.arange(a.shape[1]) / fs
    fig, axes = plt.subplots(6, 2, figsize=(14, 11), sharex=True)
    for k, name in enumerate(LEADS):
        ax = axes[k % 6, k // 6]
        ax.plot(t, a[k], color="k", lw=0.8, label=labels[0])
        ax.plot(t, b[k], color="tab:red", lw=0.8, alpha=0.85, label=labels[1])
        rmse = float(np.sqrt(np.mean((a[k] - b[k]) ** 2)))
        ax.set_title(f"{name}   RMSE {rmse:.3f} {units}", fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("time (s)")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return _save(fig, path, dpi)


def plot_beats_grid(beats: np.ndarray, path: str | Path | None = None, title: str = "",
                    fs: float = 500.0, reference: np.ndarray | None = None, cols: int = 4, dpi: int = 110):
    """A grid of single beats ``(N, n)``; with ``reference`` (M, n) the top row shows real beats."""
    beats = np.asarray(beats, dtype=np.float64)
    if beats.ndim != 2:
        raise ValueError(f"expected beats of shape (N, n_samples), got {beats.shape}")
    rows_data = []
    if reference is not None:
        rows_data.append(("real", np.asarray(reference, dtype=np.float64)[:cols]))
    n_gen_rows = max(1, int(np.ceil(min(len(beats), cols * 3) / cols)))
    for r in range(n_gen_rows):
        rows_data.append(("generated", beats[r * cols:(r + 1) * cols]))
    fig, axes = plt.subplots(len(rows_data), cols, figsize=(3 * cols, 2.1 * len(rows_data)), squeeze=False)
    t = np.arange(beats.shape[1]) / fs
    for r, (kind, data) in enumerate(rows_data):
        for c in range(cols):
            ax = axes[r, c]
            if c < len(data):
                ax.plot(t, data[c], color="k" if kind == "real" else "tab:blue", lw=0.9)
                ax.set_title(kind, fontsize=8, loc="left")
            ax.set_xticks([])
            ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path, dpi)


def plot_lead_beats(real: np.ndarray, generated: np.ndarray, fs: float, path: str | Path | None = None,
                    title: str = "", r_peak_s: float = 0.0, dpi: int = 100):
    """Beats of the 12 leads, real (M, 12, n) in grey and generated (N, 12, n) in blue: each set's mean (thick)
    and 10–90 % band per sample, one panel per lead; time in ms from ``r_peak_s`` into the window."""
    real, generated = np.asarray(real, np.float64), np.asarray(generated, np.float64)
    for name, x in (("real", real), ("generated", generated)):
        if x.ndim != 3 or x.shape[1] != 12:
            raise ValueError(f"expected {name} beats of shape (N, 12, n_samples), got {x.shape}")
    fig, axes = plt.subplots(3, 4, figsize=(13, 7.5), sharex=True)
    t = 1000.0 * (np.arange(real.shape[-1]) / fs - r_peak_s)
    for lead, ax in enumerate(axes.T.ravel()):
        for x, color, name, ls in ((real, "0.3", "real", "-"), (generated, "tab:blue", "generated", "--")):
            lo, hi = np.percentile(x[:, lead], [10, 90], axis=0)
            ax.fill_between(t, lo, hi, color=color, alpha=0.18, lw=0)
            ax.plot(t, x[:, lead].mean(0), color=color, lw=1.4, ls=ls, label=f"{name} ({len(x)}): mean, 10–90 %")
        ax.set_title(LEADS[lead], fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=7, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("ms from the R peak" if r_peak_s else "ms")
    fig.supylabel("mV")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path, dpi)


def plot_beat_bench(results: list[dict], path: str | Path | None = None, cols: int = 4, dpi: int = 100):
    """One row per bench result: ``cols`` of its generated example beats (``result["examples"]``),
    titled with the model, variant and 1NNC."""
    fig, axes = plt.subplots(len(results), cols, figsize=(2.6 * cols, 1.5 * len(results)), squeeze=False)
    for r, res in enumerate(results):
        beats = np.asarray(res["examples"], dtype=np.float64)
        t = np.arange(beats.shape[1]) / res["window"]["fs"]
        for c in range(cols):
            ax = axes[r, c]
            if c < len(beats):
                ax.plot(t, beats[c], lw=0.8, color="tab:blue")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(f"{res['variant']}\n1NNC {res['fidelity']['one_nn_accuracy']:.2f}", fontsize=7)
    fig.suptitle("Generated beats per model (held-out comparison in bench.md)", fontsize=9)
    fig.tight_layout()
    return _save(fig, path, dpi)


def plot_curves(history: dict[str, Sequence[float]], path: str | Path | None = None, title: str = ""):
    """Training curves: one line per key of ``history`` against epoch."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, values in history.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=key)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path, 110)


def plot_denoising(noisy: np.ndarray, clean: np.ndarray, denoised: dict[str, np.ndarray], fs: float,
                   path: str | Path | None = None, title: str = "", labels: Sequence[str] | None = None):
    """Rows of fragments (k, n) in mV: noisy (grey), clean (black) and each denoiser's output (colours)."""
    noisy, clean = np.atleast_2d(noisy), np.atleast_2d(clean)
    k = noisy.shape[0]
    fig, axes = plt.subplots(k, 1, figsize=(10, 2.1 * k + 0.4), sharex=True, squeeze=False)
    t = np.arange(noisy.shape[1]) / fs
    for i, ax in enumerate(axes[:, 0]):
        ax.plot(t, noisy[i] - noisy[i].mean(), color="0.75", lw=0.7, label="noisy")
        ax.plot(t, clean[i] - clean[i].mean(), color="k", lw=1.0, label="clean")
        for name, y in denoised.items():
            y = np.atleast_2d(y)[i]
            ax.plot(t, y - y.mean(), lw=0.9, label=name)
        ax.set_ylabel("mV" if labels is None else f"{labels[i]}\nmV", fontsize=8)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=7, ncol=min(4, 2 + len(denoised)), loc="upper right")
    axes[-1, 0].set_xlabel("s")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path, 100)


def save_figure(fig, path: str | Path, dpi: int = 100) -> Path:
    """``fig`` to ``path`` (format from the suffix, default PNG) through a temporary file renamed into place, so a
    crash or a full disk leaves the previous figure, never half of one; the figure is closed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix[1:].lower() or "png"
    try:
        atomic_write(path, lambda fh: fig.savefig(fh, dpi=dpi, format=fmt), mode="wb")
    finally:
        plt.close(fig)
    return path


def _save(fig, path, dpi):
    if path is not None:
        save_figure(fig, path, dpi)
    return fig


def plot_12lead_comparison(records: Sequence[dict[str, np.ndarray]], fs: float, path: str | Path | None = None,
                           titles: Sequence[str] = (), seconds: float = 2.5, dpi: int = 110):
    """Original vs reconstructions, one block per record in the standard 3×4 layout (2.5 s per column).

    ``records``: one ``{name: (12, n) mV}`` per record; the first entry is drawn in black (the
    original), the others in colour on top of it. Returns the figure."""
    names = list(records[0]) if records else []
    colours = ["k", "tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown"]
    row_h = 3.0
    fig, axes = plt.subplots(len(records), 1, figsize=(4 * seconds * 1.6, len(records) * 3 * row_h * 0.55 + 0.6),
                             squeeze=False)
    for ax, rec, title in zip(axes[:, 0], records, list(titles) + [""] * len(records)):
        x0 = {k: _check(v, fs) for k, v in rec.items()}
        _paper_grid(ax, 4 * seconds, -row_h * (len(_LAYOUT) - 0.5), row_h / 2)
        for r, row in enumerate(_LAYOUT):
            base = -r * row_h
            for c, lead in enumerate(row):
                start = int(round(c * seconds * fs))
                sl = slice(start, start + int(round(seconds * fs)))
                for i, (name, sig) in enumerate(x0.items()):
                    seg = np.clip(sig[LEADS.index(lead), sl], -row_h / 2, row_h / 2)   # stay inside the lead's row
                    ax.plot(c * seconds + np.arange(len(seg)) / fs, seg + base, color=colours[i % len(colours)],
                            lw=0.9 if i == 0 else 0.7, alpha=1.0 if i == 0 else 0.8,
                            label=name if (r, c) == (0, 0) else None)
                ax.text(c * seconds + 0.05, base + 0.9, lead, fontsize=8, fontweight="bold")
        ax.set_xlim(0, 4 * seconds)
        ax.set_ylim(-row_h * (len(_LAYOUT) - 0.5), row_h / 2)
        ax.set_aspect(MM_PER_MV / MM_PER_S)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9, loc="left")
    if names:
        axes[0, 0].legend(loc="upper right", fontsize=7, ncol=len(names), framealpha=0.9)
    fig.suptitle(f"original (black) vs reconstructions from Lead I — {MM_PER_S:g} mm/s, {MM_PER_MV:g} mm/mV",
                 fontsize=9)
    fig.tight_layout()
    return _save(fig, path, dpi)


def plot_coverage(nominal: Sequence[float], observed: dict[str, Sequence[float]], path: str | Path | None = None,
                  title: str = "", tolerance: float = 0.05, dpi: int = 110):
    """Reliability of a band: observed vs nominal coverage, one line per ``observed`` entry (e.g. a test set), the
    diagonal and a ±``tolerance`` strip. Returns the figure."""
    fig, ax = plt.subplots(figsize=(4.6, 4.4))
    x = np.asarray(nominal, np.float64)
    ax.fill_between(x, x - tolerance, x + tolerance, color="0.85", lw=0, label=f"±{tolerance:g}")
    ax.plot([0, 1], [0, 1], color="0.4", lw=0.8, ls="--")
    for name, y in observed.items():
        ax.plot(x, y, marker="o", ms=3, lw=1.2, label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("nominal coverage")
    ax.set_ylabel("observed coverage (mean over leads)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return _save(fig, path, dpi)
