"""Beats for the beat generators: MIT-BIH (inter-patient DS1 → train, DS2 → held out) or synthetic.

Labels are class indices into :func:`class_names` of the run's window config: its annotation
``symbols`` when given (e.g. N, L, R, V, A), else its AAMI ``classes``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.data.mitdb_beats import AAMI, BeatWindowConfig


@dataclass(frozen=True)
class BeatGenData:
    """Where the beats come from. ``source``: "mitdb" (default), a MIT-BIH directory, or "synthetic"
    (ecgtf's simulator, lead II, for smoke tests: its conditions are mapped onto the classes in turn)."""

    source: str = "mitdb"
    data_dir: str | None = None
    train_split: str = "DS1"
    heldout_split: str = "DS2"
    max_train_beats: int | None = None
    """Cap on training beats (random subset, all classes alike); ``None`` keeps all."""
    n_synthetic: int = 60
    seed: int = 0


def class_names(window: BeatWindowConfig) -> tuple[str, ...]:
    return tuple(window.symbols) if window.symbols else tuple(window.classes)


def _labels(symbols: np.ndarray, window: BeatWindowConfig) -> np.ndarray:
    names = class_names(window)
    keys = symbols if window.symbols else np.array([AAMI[s] for s in symbols])
    index = {c: i for i, c in enumerate(names)}
    return np.array([index[k] for k in keys], dtype=np.int32)


def mitdb_directory(data: BeatGenData) -> Path:
    from ecgtf.data.sources import dataset_dir

    if data.source != "mitdb":
        path = Path(data.source)
        if not path.is_dir():
            raise FileNotFoundError(f"--data {data.source!r}: expected 'mitdb', 'synthetic' or a MIT-BIH directory")
        return path
    return dataset_dir("mitdb", data.data_dir)


def synthetic_beats(window: BeatWindowConfig, n_records: int, seed: int):
    """(beats (n, L), labels (n,), record index (n,)) cut around the R peaks of lead II of synthetic 10 s records
    (conducted beats only: a premature beat does not show the record's condition)."""
    from ecgtf.data.mitdb_beats import _normalise
    from ecgtf.data.synthetic import CONDITIONS, REALISTIC_RANGES, generate_record, random_config

    n_classes = len(class_names(window))
    beats, labels, records = [], [], []
    for i in range(n_records):
        rng = np.random.default_rng([seed, i])
        cond = CONDITIONS[i % len(CONDITIONS)]
        # Gaussian waves for every class (learned beats have no bundle-branch blocks: one style across labels)
        rec = generate_record(random_config(rng, cond, REALISTIC_RANGES, fs=window.fs), seed=int(rng.integers(2 ** 31)))
        x = rec.signal[1].astype(np.float64)
        for r, symbol in zip(rec.r_peaks, rec.beat_symbols):
            if symbol == "N" and r - window.before >= 0 and r + window.after <= x.size:   # the condition's beats
                beats.append(x[r - window.before:r + window.after])
                labels.append(CONDITIONS.index(cond) % n_classes)
                records.append(i)
    beats = np.asarray(beats, np.float64).reshape(-1, window.length)
    return (_normalise(beats, window.normalization).astype(np.float32), np.asarray(labels, np.int32),
            np.asarray(records))


def load_beats(window: BeatWindowConfig, data: BeatGenData, progress: bool = False) -> dict:
    """{"train": (beats, labels), "heldout": (beats, labels), "class_names": (...)}; beats (n, L) float32."""
    from ecgtf.data.mitdb_beats import build_beats

    out = {"class_names": class_names(window)}
    if data.source == "synthetic":
        beats, labels, records = synthetic_beats(window, data.n_synthetic, data.seed)
        train = records < int(0.8 * data.n_synthetic)  # split by record, as MIT-BIH by patient
        out["train"], out["heldout"] = (beats[train], labels[train]), (beats[~train], labels[~train])
    else:
        directory = mitdb_directory(data)
        for key, split in (("train", data.train_split), ("heldout", data.heldout_split)):
            s = build_beats(directory, window, split, progress=progress)
            out[key] = (s.beats, _labels(s.symbols, window))
    for key in ("train", "heldout"):
        if len(out[key][0]) == 0:
            raise ValueError(f"no beats in the {key} split of {data.source!r} for classes {class_names(window)}")
    if data.max_train_beats and len(out["train"][0]) > data.max_train_beats:
        keep = np.sort(np.random.default_rng(data.seed).permutation(len(out["train"][0]))[:data.max_train_beats])
        out["train"] = (out["train"][0][keep], out["train"][1][keep])
    return out


def load_splits(run, progress: bool = False) -> dict:
    return load_beats(run.preprocessing, run.data, progress)
