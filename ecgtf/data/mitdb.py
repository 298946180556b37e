"""MIT-BIH Arrhythmia Database (2 leads, 360 Hz, beat annotations) and MIT-BIH Noise Stress Test noise.

Both read a user-given directory in the PhysioNet layout (``100.hea``, ``100.dat``, ``100.atr``;
``bw``, ``em``, ``ma`` for the NSTDB noise records). Download with ``ecgtf data download``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.data.database import Database
from ecgtf.data.records import EcgRecord, RecordError, read_wfdb

NSTDB_NOISE = {"bw": "baseline wander", "em": "electrode motion", "ma": "muscle (EMG) artefact"}


class MITDB(Database):
    """The MIT-BIH Arrhythmia Database: 48 half-hour 2-lead records at 360 Hz with beat annotations
    (:func:`load_mitdb_record`)."""

    name, folders, physionet = "mitdb", ("mitdb",), "mitdb"
    about = "MIT-BIH Arrhythmia Database (Moody & Mark 2001), 2 leads, 360 Hz; ODC-By 1.0"


class NSTDB(Database):
    """The MIT-BIH Noise Stress Test Database: baseline-wander, electrode-motion and muscle noise records
    (:func:`load_nstdb_noise`)."""

    name, folders, physionet = "nstdb", ("nstdb",), "nstdb"
    about = "MIT-BIH Noise Stress Test Database (Moody et al. 1984), 360 Hz; ODC-By 1.0"


@dataclass
class BeatAnnotations:
    samples: np.ndarray
    symbols: list[str]


def load_mitdb_record(directory: str | Path, record: str | int = "100") -> tuple[EcgRecord, BeatAnnotations]:
    """One MIT-BIH record (2, n) in mV at 360 Hz and its reference beat annotations (``atr``)."""
    import wfdb

    path = Path(directory) / str(record)
    signal, fs, names = read_wfdb(path)
    if not path.with_suffix(".atr").exists():
        raise RecordError(f"{path}.atr: beat annotation file not found")
    try:
        ann = wfdb.rdann(str(path), "atr")
    except Exception as exc:
        raise RecordError(f"{path}.atr: cannot read annotations ({exc})") from exc
    rec = EcgRecord(signal, fs, names, str(record), str(record), (), {"source": "mitdb"})
    return rec, BeatAnnotations(np.asarray(ann.sample), list(ann.symbol))


def lead_signal(rec: EcgRecord, lead: str, source: str | Path | None = None) -> np.ndarray:
    """The lead named ``lead`` (case-insensitive) of ``rec`` (n,): found by name, as record 114 stores MLII
    second; ``RecordError`` naming ``source`` (default the record id) and its leads otherwise."""
    names = [n.upper() for n in rec.lead_names]
    if lead.upper() not in names:
        raise RecordError(f"{source or rec.record_id}: no lead {lead!r} (leads {list(rec.lead_names)})")
    return rec.signal[names.index(lead.upper())]


BEAT_SYMBOLS = frozenset("NLRBAaJSVrFejnE/fQ?")
"""Annotation symbols that mark beats (the rest mark rhythm changes, noise, etc.)."""


def beat_segments(rec: EcgRecord, ann: BeatAnnotations, before_s: float = 0.25, after_s: float = 0.45,
                  lead: int = 0) -> tuple[np.ndarray, list[str]]:
    """Fixed windows around annotated beats: (n_beats, n_window) and their symbols."""
    b, a = int(round(before_s * rec.fs)), int(round(after_s * rec.fs))
    x = rec.signal[lead]
    out, sym = [], []
    for s, c in zip(ann.samples, ann.symbols):
        if c in BEAT_SYMBOLS and s - b >= 0 and s + a <= x.size:
            out.append(x[s - b:s + a])
            sym.append(c)
    return np.asarray(out, dtype=np.float32).reshape(len(out), b + a), sym


def load_nstdb_noise(directory: str | Path, kind: str) -> EcgRecord:
    """A Noise Stress Test noise record: ``bw``, ``em`` or ``ma`` (2 channels, 360 Hz, mV)."""
    if kind not in NSTDB_NOISE:
        raise ValueError(f"unknown NSTDB noise {kind!r}; expected one of {sorted(NSTDB_NOISE)}")
    path = Path(directory) / kind
    signal, fs, names = read_wfdb(path)
    return EcgRecord(signal, fs, names, kind, kind, (NSTDB_NOISE[kind],), {"source": "nstdb"})
