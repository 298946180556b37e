"""Records, datasets and robust WFDB reading shared by all loaders.

An :class:`EcgRecord` holds one recording as a lead-major float32 array ``(n_leads, n_samples)``
in millivolts. A :class:`EcgDataset` stacks equal-length records ``(N, n_leads, n_samples)`` with
per-record ids, patient ids and labels. Loading a whole dataset skips unreadable records with a
warning and a count; reading one record raises :class:`RecordError` naming the file.
"""
from __future__ import annotations

import hashlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from ecgtf.io import checksum_mismatches
from ecgtf.leads import LEADS, normalize_lead_name

log = logging.getLogger(__name__)


class RecordError(ValueError):
    """A record could not be read or is not a valid ECG; the message names the file."""


@dataclass
class EcgRecord:
    signal: np.ndarray
    """(n_leads, n_samples) float32, millivolts."""
    fs: float
    lead_names: tuple[str, ...]
    record_id: str
    patient_id: str
    labels: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)
    units: str = "mV"
    """``"mV"``, or ``"z"`` for per-lead z-scored records (shape only, never in a mV loss or metric)."""


class UnitsError(ValueError):
    """A record in per-lead z-score units (``"z"``) was used where millivolts are needed."""


def require_millivolts(units: str, what: str = "data") -> None:
    """Raise :class:`UnitsError` unless ``units == "mV"``."""
    if units != "mV":
        raise UnitsError(f"{what} is in {units!r} units (per-lead z-scores: shape only), but millivolts are "
                         "needed here; use it only for per-lead-normalised training, never for mV losses or metrics")


@dataclass
class EcgDataset:
    """Equal-length records stacked: ``signals`` is (N, n_leads, n_samples) float32 mV."""

    signals: np.ndarray
    fs: float
    lead_names: tuple[str, ...]
    record_ids: list[str]
    patient_ids: list[str]
    labels: list[tuple[str, ...]]
    meta: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(record id, reason) for every record that could not be loaded."""
    units: str = "mV"

    def __len__(self) -> int:
        return len(self.record_ids)

    def subset(self, index: Sequence[int] | np.ndarray) -> "EcgDataset":
        index = np.asarray(index, dtype=int)
        pick = lambda xs: [xs[i] for i in index] if xs else []  # noqa: E731
        return EcgDataset(self.signals[index], self.fs, self.lead_names, pick(self.record_ids),
                          pick(self.patient_ids), pick(self.labels), pick(self.meta), list(self.skipped), self.units)

    @classmethod
    def from_records(cls, records: Sequence[EcgRecord], skipped=()) -> "EcgDataset":
        if not records:
            raise ValueError("no records to stack" + (f" ({len(skipped)} skipped as unreadable)" if skipped else ""))
        first = records[0]
        for r in records:
            if (r.signal.shape != first.signal.shape or r.fs != first.fs or r.lead_names != first.lead_names
                    or r.units != first.units):
                raise ValueError(f"record {r.record_id} has shape {r.signal.shape} at {r.fs} Hz with leads "
                                 f"{r.lead_names} in {r.units}; expected {first.signal.shape} at {first.fs} Hz in "
                                 f"{first.units} like {first.record_id}")
        return cls(np.stack([r.signal for r in records]).astype(np.float32), first.fs, first.lead_names,
                   [r.record_id for r in records], [r.patient_id for r in records],
                   [tuple(r.labels) for r in records], [r.meta for r in records], list(skipped), first.units)


def read_wfdb(path: str | Path, physical: bool = True, gain: float | None = None):
    """Read a WFDB record (path without extension).

    Returns ``(signal (n_leads, n) float32, fs, lead_names)``. With ``physical=True`` samples are
    converted with the header's per-lead gains; with ``gain`` the raw integers are divided by one
    common gain instead (units per mV). Raises :class:`RecordError` naming the file on any problem,
    including a checksum mismatch: WFDB headers carry the 16-bit sum of each signal's samples, so a
    ``.dat`` overwritten (same size) or paired with the wrong header is refused, not loaded.
    """
    import wfdb

    path = Path(path)
    header = path.with_suffix(".hea")
    if not header.exists():
        raise RecordError(f"{header}: header file not found")
    try:
        rec = wfdb.rdrecord(str(path), physical=False)
    except Exception as exc:  # wfdb raises many types for truncated or corrupt files
        raise RecordError(f"{path}: cannot read WFDB record ({type(exc).__name__}: {exc})") from exc
    if rec.d_signal is None or rec.d_signal.ndim != 2 or rec.d_signal.shape[0] == 0:
        raise RecordError(f"{path}: record has no samples")
    verify_checksums(rec, path)
    if gain is not None:
        signal = rec.d_signal.astype(np.float64) / float(gain)
    elif physical:
        signal = rec.dac(return_res=64)
    else:
        signal = rec.d_signal.astype(np.float64)
    if signal is None or signal.ndim != 2 or signal.shape[0] == 0:
        raise RecordError(f"{path}: record has no samples")
    if signal.shape[0] != rec.sig_len:
        raise RecordError(f"{path}: header says {rec.sig_len} samples, data has {signal.shape[0]} (truncated?)")
    if not np.all(np.isfinite(signal)):
        raise RecordError(f"{path}: record contains NaN or inf samples")
    return signal.T.astype(np.float32), float(rec.fs), tuple(rec.sig_name)


def verify_checksums(rec, path) -> None:
    """:class:`RecordError` if a signal's 16-bit sample sum differs from its header checksum."""
    problem = checksum_mismatches(rec)
    if problem is not None:
        raise RecordError(f"{path}: {problem}")


def canonical_12lead(signal: np.ndarray, names: Sequence[str], source: str) -> np.ndarray:
    """Reorder a 12-lead array into canonical order; :class:`RecordError` naming ``source`` if leads are missing."""
    from ecgtf.leads import reorder_leads

    try:
        return reorder_leads(signal, [normalize_lead_name(n) for n in names], LEADS)
    except ValueError as exc:
        raise RecordError(f"{source}: {exc}") from exc


def load_many(ids: Iterable, load_one: Callable[[object], EcgRecord], desc: str,
              progress: bool = True) -> EcgDataset:
    """Load records one by one, skipping unreadable ones with a warning and a count."""
    from ecgtf.progress import progress_bar

    ids = list(ids)
    records, skipped = [], []
    for rid in progress_bar(ids, total=len(ids), desc=desc, disable=not progress or None):
        try:
            records.append(load_one(rid))
        except RecordError as exc:
            skipped.append((str(rid), str(exc)))
            log.warning("skipping %s", exc)
    if skipped:
        warnings.warn(f"{desc}: skipped {len(skipped)} of {len(ids)} unreadable records "
                      f"(first: {skipped[0][1]})", RuntimeWarning, stacklevel=2)
    return EcgDataset.from_records(records, skipped)


def signal_digest(signal: np.ndarray) -> str:
    """SHA-1 of a signal's bytes, used to find exact duplicate recordings."""
    return hashlib.sha1(np.ascontiguousarray(signal).tobytes()).hexdigest()


def drop_exact_duplicates(ds: EcgDataset) -> tuple[EcgDataset, list[tuple[str, str]]]:
    """Remove records whose signal equals an earlier one's; returns (dataset, [(dropped, kept)])."""
    seen: dict[str, str] = {}
    keep, dropped = [], []
    for i, sig in enumerate(ds.signals):
        d = signal_digest(sig)
        if d in seen:
            dropped.append((ds.record_ids[i], seen[d]))
        else:
            seen[d] = ds.record_ids[i]
            keep.append(i)
    return ds.subset(keep), dropped


def records_of(ds: EcgDataset) -> Iterator[EcgRecord]:
    """The records of a dataset one by one (:class:`EcgRecord`)."""
    for i in range(len(ds)):
        yield EcgRecord(ds.signals[i], ds.fs, ds.lead_names, ds.record_ids[i], ds.patient_ids[i], ds.labels[i],
                        ds.meta[i] if ds.meta else {}, units=ds.units)


def first_of_each_signal():
    """A ``keep(record) → bool`` filter that passes a record only the first time its exact signal is seen."""
    seen: set[str] = set()

    def keep(rec) -> bool:
        digest = signal_digest(rec.signal)
        if digest in seen:
            return False
        seen.add(digest)
        return True
    return keep
