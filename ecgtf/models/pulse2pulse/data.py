"""Training records for Pulse2Pulse: the millivolt 12-lead sets below the data root, 8 independent leads.

PTB-XL (only the half of its patients that is *not* the synthesis protocol's reference,
:func:`ecgtf.data.reference.ptbxl_halves`), LUDB, CinC 2011 (acceptable records without saturated or
flat leads) and CinC 2021; or ``synthetic`` (ecgtf's dipole generator; smoke tests). Each record is
band-passed (zero phase, ``band_hz``), resampled to the model's rate, cut to its length, and its leads
I, II, V1–V6 are divided by ``scale_mv`` and clipped to ±1 (the generator's tanh range).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.leads import INDEPENDENT_LEADS, LEADS


@dataclass(frozen=True)
class Pulse2PulseData:
    """Where the training records come from and how they become model units."""

    sources: tuple = ("ptb-xl", "ludb", "cinc2011", "cinc2021")
    data_dir: str | None = None
    band_hz: tuple | None = (0.5, 40.0)
    scale_mv: float = 3.0
    """Model unit = ``scale_mv`` millivolts (the paper divides µV by 6,000)."""
    n_synthetic: int = 64
    seed: int = 0


def to_model_units(signals: np.ndarray, fs: float, length: int, fs_out: float, data: Pulse2PulseData) -> np.ndarray:
    """(N, 12, n) mV at ``fs`` → (N, length, 8) float32 in model units."""
    from ecgtf.preprocessing.signal import bandpass_resample, resample

    x = np.asarray(signals, np.float64)[:, [LEADS.index(n) for n in INDEPENDENT_LEADS]]
    x = bandpass_resample(x, fs, data.band_hz, fs_out, order=4) if data.band_hz else resample(x, fs, fs_out)
    if x.shape[-1] < length:
        raise ValueError(f"records of {x.shape[-1]} samples at {fs_out:g} Hz; the model needs {length}")
    x = np.clip(x[..., :length] / data.scale_mv, -1.0, 1.0)
    return np.transpose(x, (0, 2, 1)).astype(np.float32)


def to_millivolts(leads: np.ndarray, data: Pulse2PulseData) -> np.ndarray:
    """Generator output (N, length, 8) → 12 leads (N, 12, length) mV (III, aVR, aVL, aVF derived)."""
    from ecgtf.leads import complete_from_independent

    return complete_from_independent(np.transpose(np.asarray(leads, np.float32), (0, 2, 1)) * data.scale_mv)


def load_training(data: Pulse2PulseData, length: int, fs: float, progress: bool = False) -> dict:
    """``{"leads": (N, length, 8) float32, "counts": {source: records}}``."""
    from ecgtf.data.reference import MV_SOURCES, load_mv_records, ptbxl_halves

    parts, counts = [], {}
    for source in data.sources:
        if source == "synthetic":
            from ecgtf.data.synthetic import generate_dataset

            signals, _, _ = generate_dataset(data.n_synthetic, seed=data.seed)
            ds_signals, ds_fs = signals, 500.0
        elif source == "ptb-xl":
            train_half, _ = ptbxl_halves(data.data_dir, progress=progress)
            ds_signals, ds_fs = train_half.signals, train_half.fs
        elif source in MV_SOURCES:
            ds = load_mv_records(source, data.data_dir, progress=progress)
            ds_signals, ds_fs = ds.signals, ds.fs
        else:
            raise ValueError(f"Pulse2Pulse data source {source!r}: expected some of {MV_SOURCES} or 'synthetic'")
        parts.append(to_model_units(ds_signals, ds_fs, length, fs, data))
        counts[source] = len(ds_signals)
    leads = np.concatenate(parts)
    if len(leads) < 2:
        raise ValueError(f"only {len(leads)} training records from {data.sources}")
    return {"leads": leads, "counts": counts}


def load_splits(run, progress: bool = False) -> dict:
    """The run's training records (a GAN has no validation split here; the synthesis protocol is the test)."""
    return {"train": load_training(run.data, run.architecture.length, run.architecture.fs, progress)}
