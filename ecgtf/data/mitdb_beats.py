"""Beat datasets over the MIT-BIH Arrhythmia Database: the bench of the single-lead beat generators.

    from ecgtf.data.mitdb_beats import BeatWindowConfig, build_beats
    train = build_beats(root, BeatWindowConfig(), split="DS1")     # beats (n, 256) of MLII, AAMI labels
    test = build_beats(root, BeatWindowConfig(), split="DS2")

Records are split by patient with the inter-patient split of de Chazal, O'Dwyer & Reilly (IEEE TBME
51(7), 2004): DS1 (22 records) for training, DS2 (22 others) for testing; the four paced records
(102, 104, 107, 217) are in neither. Each beat is a window around its annotated R peak (``atr``
annotations) of one lead (MLII by default, found by name: record 114 stores it second), optionally
resampled (each paper's rate: e.g. 125 Hz for Delaney et al. 2019) and normalised per beat.
Labels: the annotation symbol and its AAMI class (N, S, V, F, Q; EC57). Signals are in mV (the
database's 200 adu/mV gain applied by the header).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

DS1 = (101, 106, 108, 109, 112, 114, 115, 116, 118, 119, 122, 124, 201, 203, 205, 207, 208, 209, 215, 220, 223, 230)
DS2 = (100, 103, 105, 111, 113, 117, 121, 123, 200, 202, 210, 212, 213, 214, 219, 221, 222, 228, 231, 232, 233, 234)
PACED = (102, 104, 107, 217)
SPLITS = {"DS1": DS1, "DS2": DS2, "all": DS1 + DS2}

AAMI = {**dict.fromkeys("NLRej", "N"), **dict.fromkeys("AaJS", "S"), **dict.fromkeys("VE", "V"), "F": "F",
        **dict.fromkeys("/fQ", "Q")}
"""Annotation symbol → AAMI EC57 class."""


@dataclass(frozen=True)
class BeatWindowConfig:
    """How beats are cut (defaults: 0.25 s before and 0.461 s after the R peak at 360 Hz = 256 samples)."""

    lead: str = "MLII"
    before: int = 90
    """Samples before the R peak, at ``fs``."""
    after: int = 166
    """Samples from the R peak on (the peak included), at ``fs``."""
    fs: float = 360.0
    """Rate of the beats (the database's 360 Hz, or resampled: 125 Hz, 256 Hz …)."""
    classes: tuple[str, ...] = ("N", "S", "V", "F", "Q")
    """AAMI classes kept."""
    symbols: tuple[str, ...] | None = None
    """If given, only these annotation symbols (e.g. ("N", "L", "R") for the normal and bundle-branch-block beats)."""
    normalization: str = "none"
    """"none" (mV), "minmax" (each beat to [0, 1]) or "zscore" (each beat to mean 0, std 1)."""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.before < 0 or self.after < 1:
            raise ValueError(f"before must be ≥ 0 and after ≥ 1 samples, got {self.before}, {self.after}")
        bad = [c for c in self.classes if c not in ("N", "S", "V", "F", "Q")]
        if bad:
            raise ValueError(f"classes {bad} are not AAMI classes (N, S, V, F, Q); use symbols=… for annotation symbols")
        if not 50 <= self.fs <= 2000:
            raise ValueError(f"fs must be 50–2000 Hz, got {self.fs}")
        if self.normalization not in ("none", "minmax", "zscore"):
            raise ValueError(f"normalization must be none, minmax or zscore, got {self.normalization!r}")

    @property
    def length(self) -> int:
        return self.before + self.after

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class BeatSet:
    """Beats of one split: ``beats`` (n, length) float32, ``symbols``/``aami`` (n,), ``records`` (n,)."""

    beats: np.ndarray
    symbols: np.ndarray
    aami: np.ndarray
    records: np.ndarray
    fs: float
    units: str
    config: BeatWindowConfig

    def __len__(self) -> int:
        return len(self.beats)

    def counts(self) -> dict[str, int]:
        """Beats per AAMI class."""
        keys, n = np.unique(self.aami, return_counts=True)
        return dict(zip(keys.tolist(), n.tolist()))


def record_beats(directory: str | Path, record: int | str, cfg: BeatWindowConfig = BeatWindowConfig()):
    """(beats (n, L), symbols (n,)) of one record; beats whose window leaves the record are dropped."""
    from ecgtf.data.mitdb import lead_signal, load_mitdb_record
    from ecgtf.preprocessing.signal import resample

    rec, ann = load_mitdb_record(directory, record)
    x = lead_signal(rec, cfg.lead, Path(directory) / str(record)).astype(np.float64)
    scale = cfg.fs / rec.fs
    if abs(scale - 1) > 1e-9:
        x = resample(x, rec.fs, cfg.fs)
    out, sym = [], []
    for s, c in zip(ann.samples, ann.symbols):
        if AAMI.get(c) not in cfg.classes or (cfg.symbols is not None and c not in cfg.symbols):
            continue
        r = int(round(s * scale))
        if r - cfg.before < 0 or r + cfg.after > x.size:
            continue
        out.append(x[r - cfg.before:r + cfg.after])
        sym.append(c)
    beats = np.asarray(out, dtype=np.float64).reshape(len(out), cfg.length)
    return _normalise(beats, cfg.normalization).astype(np.float32), np.asarray(sym)


def _normalise(beats: np.ndarray, how: str) -> np.ndarray:
    if how == "minmax":
        lo, hi = beats.min(1, keepdims=True), beats.max(1, keepdims=True)
        return (beats - lo) / np.maximum(hi - lo, 1e-9)
    if how == "zscore":
        return (beats - beats.mean(1, keepdims=True)) / np.maximum(beats.std(1, keepdims=True), 1e-9)
    return beats


def build_beats(directory: str | Path, cfg: BeatWindowConfig = BeatWindowConfig(), split: str = "DS1",
                progress: bool = False) -> BeatSet:
    """All beats of a split (``DS1``, ``DS2``, ``all`` or a comma-separated list of record numbers)."""
    from ecgtf.progress import progress_bar

    if split in SPLITS:
        records = SPLITS[split]
    else:
        try:
            records = tuple(int(r) for r in str(split).split(","))
        except ValueError:
            raise ValueError(f"split {split!r}: expected DS1, DS2, all or record numbers like 100,101") from None
    beats, symbols, rec_ids = [], [], []
    for r in progress_bar(records, desc=f"MIT-BIH {split}", disable=not progress or None):
        b, s = record_beats(directory, r, cfg)
        beats.append(b)
        symbols.append(s)
        rec_ids.append(np.full(len(s), str(r)))
    beats_all = np.concatenate(beats) if beats else np.zeros((0, cfg.length), np.float32)
    sym = np.concatenate(symbols) if symbols else np.zeros(0, str)
    return BeatSet(beats_all, sym, np.array([AAMI[c] for c in sym]), np.concatenate(rec_ids) if rec_ids else sym,
                   cfg.fs, "mV" if cfg.normalization == "none" else cfg.normalization, cfg)
