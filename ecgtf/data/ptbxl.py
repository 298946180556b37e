"""PTB-XL (Wagner et al. 2020, CC BY 4.0): 10 s, 12-lead, 500 Hz records with SCP-code labels.

Expects the PhysioNet layout: ``ROOT/ptbxl_database.csv`` and ``ROOT/records500/…`` (or the 100 Hz
``ROOT/records100/…_lr`` files with ``PTBXL(root, fs=100)``).
Labels: every SCP code of the record (``NORM``, ``CLBBB``, ``CRBBB``, ``AFIB`` …) plus ``LAD``
or ``RAD`` from the ``heart_axis`` column (``ALAD``/``ARAD`` count as well).
Splits use the official ``strat_fold`` (1–10), which already keeps each patient in one fold. The patients with
recordings on two dates (:meth:`PTBXL.cross_session_pairs`) are never trained on: they are the cross-session test of
personalisation (:mod:`ecgtf.personal_eval`), whatever their fold.
"""
from __future__ import annotations

import ast
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from ecgtf.data.database import Database
from ecgtf.data.records import (
    EcgDataset,
    EcgRecord,
    RecordError,
    canonical_12lead,
    drop_exact_duplicates,
    first_of_each_signal,
    load_many,
    read_wfdb,
    records_of,
)
from ecgtf.leads import LEADS

_AXIS_LABELS = {"LAD": "LAD", "ALAD": "LAD", "RAD": "RAD", "ARAD": "RAD"}


@dataclass(frozen=True)
class PtbxlRow:
    ecg_id: int
    patient_id: str
    strat_fold: int
    scp_codes: dict
    heart_axis: str
    filename_hr: str
    filename_lr: str = ""
    recording_date: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        codes = list(self.scp_codes)
        if self.heart_axis in _AXIS_LABELS:
            codes.append(_AXIS_LABELS[self.heart_axis])
        return tuple(codes)


class PTBXL(Database):
    """Reader for a PTB-XL directory (all of it, or a subset such as ``../shared/data/ptb-xl``).

    ``fs=500`` reads ``records500/…_hr`` (default), ``fs=100`` the 100 Hz ``records100/…_lr`` files.
    """

    name, folders, physionet = "ptb-xl", ("ptb-xl",), "ptb-xl"
    about = "PTB-XL (Wagner et al., Sci. Data 7, 154, 2020), 12-lead, 500 Hz, mV; CC BY 4.0"

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "ptbxl_database.csv").exists()

    def __init__(self, root: str | Path, fs: float = 500.0):
        if fs not in (100.0, 500.0):
            raise ValueError(f"PTB-XL comes at 100 or 500 Hz, got fs={fs!r}")
        self.fs = float(fs)
        self.root = Path(root)
        db = self.root / "ptbxl_database.csv"
        if not db.exists():
            raise FileNotFoundError(f"{db} not found: expected a PTB-XL directory with ptbxl_database.csv "
                                    "and records500/ (download with `ecgtf data download ptb-xl DIR`)")
        self.rows = self._read_rows(db)

    @staticmethod
    def _read_rows(db: Path) -> dict[int, "PtbxlRow"]:
        rows: dict[int, PtbxlRow] = {}
        with open(db, newline="") as fh:
            for line in csv.DictReader(fh):
                try:
                    row = PtbxlRow(
                        ecg_id=int(line["ecg_id"]),
                        patient_id=str(int(float(line["patient_id"]))),
                        strat_fold=int(line["strat_fold"]),
                        scp_codes=ast.literal_eval(line["scp_codes"]) if line["scp_codes"] else {},
                        heart_axis=line.get("heart_axis", "") or "",
                        filename_hr=line["filename_hr"],
                        filename_lr=line.get("filename_lr", "") or "",
                        recording_date=line.get("recording_date", "") or "",
                    )
                except (KeyError, ValueError, SyntaxError) as exc:
                    raise ValueError(f"{db}: malformed row {line.get('ecg_id')!r}: {exc}") from exc
                rows[row.ecg_id] = row
        if not rows:
            raise ValueError(f"{db} lists no records")
        return rows

    def ids(self, folds: Iterable[int] | None = None) -> list[int]:
        """ecg_ids whose record files exist, optionally only those in ``folds``."""
        folds = None if folds is None else set(folds)
        return [i for i, r in sorted(self.rows.items())
                if (folds is None or r.strat_fold in folds)
                and (self.root / (self._filename(r) + ".hea")).exists()]

    def _filename(self, row: PtbxlRow) -> str:
        return row.filename_hr if self.fs == 500.0 else row.filename_lr

    def load_record(self, ecg_id: int) -> EcgRecord:
        if ecg_id not in self.rows:
            raise RecordError(f"ecg_id {ecg_id} is not in {self.root / 'ptbxl_database.csv'}")
        row = self.rows[ecg_id]
        path = self.root / self._filename(row)
        signal, fs, names = read_wfdb(path)
        if fs != self.fs:
            raise RecordError(f"{path}: sampling rate {fs} Hz, expected {self.fs} Hz")
        return EcgRecord(canonical_12lead(signal, names, str(path)), fs, LEADS, str(ecg_id),
                         row.patient_id, row.labels,
                         {"strat_fold": row.strat_fold, "scp_codes": row.scp_codes, "heart_axis": row.heart_axis})

    def load(self, folds: Iterable[int] | None = None, ids: Iterable[int] | None = None,
             progress: bool = True) -> EcgDataset:
        """Load records (all, a set of folds, or explicit ids) into an :class:`EcgDataset` (N, 12, 5000)."""
        chosen = self.ids(folds) if ids is None else list(ids)
        if not chosen:
            raise ValueError(f"no PTB-XL records found under {self.root} for folds={folds}")
        return load_many(chosen, self.load_record, "PTB-XL", progress)



    # ---- roles (ecgtf.data.database) ----
    def labelled_records(self, progress: bool = False):
        """Every record with its SCP labels, exact duplicate signals removed."""
        ds, _ = drop_exact_duplicates(self.load(progress=progress))
        return records_of(ds)

    def segment_stream(self):
        """Every record, each exact signal once."""
        ids = self.ids()
        return (self.load_record(i) for i in ids), len(ids), "mV", first_of_each_signal()

    @classmethod
    def segment_splits(cls, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10):
        """Folds 1–8 train, ``val_fold`` validation, ``test_fold`` test (by the records' ``strat_fold``); the
        cross-session patients' records are not trained on (:meth:`cross_session_patients`)."""
        db = cls.open(data_dir)
        rows = [db.rows[int(r)] for r in cache.info["record_ids"]]
        folds = np.array([r.strat_fold for r in rows])
        kept_out = np.isin([r.patient_id for r in rows], sorted(db.cross_session_patients()))
        return {"train": np.flatnonzero((folds != val_fold) & (folds != test_fold) & ~kept_out),
                "val": np.flatnonzero(folds == val_fold), "test": np.flatnonzero(folds == test_fold)}

    def cross_session_pairs(self) -> list[tuple[int, int, str]]:
        """(earlier ecg_id, later ecg_id, patient id) for every patient of this folder with recordings on two
        dates (earliest and latest record; ``recording_date`` of ``ptbxl_database.csv``)."""
        by_patient: dict[str, list] = {}
        for row in self.rows.values():
            by_patient.setdefault(row.patient_id, []).append((row.recording_date, row.ecg_id))
        pairs = []
        for patient, recs in sorted(by_patient.items()):
            recs.sort()
            if len(recs) >= 2 and recs[0][0][:10] != recs[-1][0][:10]:
                pairs.append((recs[0][1], recs[-1][1], patient))
        return pairs

    def cross_session_patients(self) -> set[str]:
        """Patients of :meth:`cross_session_pairs`: kept out of every training split."""
        return {patient for _, _, patient in self.cross_session_pairs()}

    def millivolt_dataset(self, progress: bool = False) -> EcgDataset:
        return self.load(progress=progress)

    @classmethod
    def heldout_patients(cls, data_dir=None, folds=(9, 10)) -> set[str]:
        """Patients with a record in ``folds`` and the cross-session patients (empty without PTB-XL below the data
        root)."""
        try:
            db = cls.open(data_dir)
        except FileNotFoundError:
            return set()
        return {r.patient_id for r in db.rows.values() if r.strat_fold in folds} | db.cross_session_patients()


class PtbxlZscore(Database):
    """PTB-XL records published only band-passed (0.5–40 Hz) and z-scored per lead, at 100 Hz.

    Layout: ``ROOT/records100/NNNNN/NNNNN_lr.{hea,dat}`` with unit ``z`` in the headers, and
    optionally ``ROOT/ptbxl_database_subset.csv`` (official metadata rows for some of them).
    Records load with ``units="z"``: shape information only (each lead has std 1, the ratios between
    leads are gone, Einthoven's law does not hold). Use them for per-lead-normalised training, never
    for millivolt losses or metrics (:func:`ecgtf.data.records.require_millivolts`).
    Records without a metadata row get their record id as patient id and no labels.
    """

    fs = 100.0
    name, folders, units = "ptb-xl-zscore", ("ptb-xl-zscore",), "z"
    about = "PTB-XL records published band-passed and z-scored per lead, 100 Hz (shape only); CC BY 4.0"

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "records100").is_dir() and not (path / "ptbxl_database.csv").exists()

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.headers = sorted(self.root.glob("records100/*/*_lr.hea"))
        if not self.headers:
            raise FileNotFoundError(f"no records100/*/*_lr.hea under {self.root}: expected the z-scored PTB-XL "
                                    "layout ROOT/records100/NNNNN/NNNNN_lr.hea")
        self.rows: dict[int, PtbxlRow] = {}
        table = self.root / "ptbxl_database_subset.csv"
        if table.exists():
            self.rows = PTBXL._read_rows(table)

    def ids(self) -> list[int]:
        return [int(h.stem.split("_")[0]) for h in self.headers]

    def load_record(self, ecg_id: int) -> EcgRecord:
        import wfdb

        path = self.root / "records100" / f"{ecg_id // 1000 * 1000:05d}" / f"{ecg_id:05d}_lr"
        signal, fs, names = read_wfdb(path)
        units = {u.strip() for u in wfdb.rdheader(str(path)).units}
        if units != {"z"}:
            raise RecordError(f"{path}.hea: units {sorted(units)}, expected 'z' (z-scored PTB-XL)")
        if fs != self.fs:
            raise RecordError(f"{path}: sampling rate {fs} Hz, expected {self.fs} Hz")
        row = self.rows.get(ecg_id)
        meta = {"strat_fold": row.strat_fold, "scp_codes": row.scp_codes} if row else {}
        return EcgRecord(canonical_12lead(signal, names, str(path)), fs, LEADS, str(ecg_id),
                         row.patient_id if row else f"ptbxl-z-{ecg_id}", row.labels if row else (), meta,
                         units="z")

    def load(self, progress: bool = True) -> EcgDataset:
        return load_many(self.ids(), self.load_record, "PTB-XL z-score", progress)

    # ---- roles (ecgtf.data.database) ----
    def labelled_records(self, progress: bool = False):
        """The records that have an official metadata row (labels); the others have none."""
        return (self.load_record(i) for i in self.ids() if i in self.rows)

    def segment_stream(self):
        """Every record (units ``z``: shape only)."""
        return (self.load_record(i) for i in self.ids()), len(self.ids()), "z", None

    @classmethod
    def segment_splits(cls, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10):
        """Training segments only, without the records of PTB-XL's validation/test and cross-session patients where
        the patient is known (the z-scored records are copies of PTB-XL records)."""
        held_out = PTBXL.heldout_patients(data_dir, (val_fold, test_fold))
        pids = np.array(cache.info["patient_ids"])
        return {"train": np.flatnonzero(~np.isin(pids, list(held_out)))}

