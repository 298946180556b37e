"""LUDB (Kalyakulina et al. 2020, ODC-By): 200 subjects, 10 s, 12 leads, 500 Hz, wave annotations.

Scaling decision (the per-lead ADC-gain quirk): LUDB headers give every lead a different gain
(e.g. 1716, 1206, 1229 … units/mV in record 1, 238–10,592 over the database). Converted with
those gains, the leads break Einthoven's law by up to 0.71 mV, while the stored integers satisfy
III = II − I exactly in all 200 records. ecgtf therefore reads the raw integers
(``physical=False``) and divides every lead by one common gain, :data:`LUDB_COMMON_GAIN` =
1000 units/mV, ignoring the per-lead header gains and baselines. With it, the median lead-II
peak-to-peak amplitude over LUDB is 1.06× that of the PTB-XL records in ``../shared/data``
(measured), and the limb-lead laws hold to rounding. Set ``gain=None`` to get the header's
per-lead physical units instead.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable

from ecgtf.data.database import Database
from ecgtf.data.records import (
    EcgDataset,
    EcgRecord,
    RecordError,
    canonical_12lead,
    load_many,
    read_wfdb,
    records_of,
)
from ecgtf.leads import LEADS

LUDB_COMMON_GAIN = 1000.0
"""Units per mV applied to all LUDB leads (see module docstring)."""

_CONDUCTION = {"left bundle branch block": "CLBBB", "right bundle branch block": "CRBBB"}


def ludb_labels(row: dict) -> tuple[str, ...]:
    """Map a ``ludb.csv`` row to ecgtf labels (NORM-like rhythm, AFIB, CLBBB, CRBBB, LAD, RAD)."""
    labels = []
    rhythm = row.get("Rhythms", "").lower()
    if "atrial fibrillation" in rhythm:
        labels.append("AFIB")
    if "sinus rhythm" in rhythm:
        labels.append("SR")
    axis = row.get("Electric axis of the heart", "").lower()
    if "left axis deviation" in axis:
        labels.append("LAD")
    elif "right axis deviation" in axis:
        labels.append("RAD")
    conduction = row.get("Conduction abnormalities", "").lower()
    for text, label in _CONDUCTION.items():
        if text in conduction and "incomplete" not in conduction.split(text)[0][-15:]:
            labels.append(label)
    return tuple(labels)


class LUDB(Database):
    """Reader for a LUDB directory (``ROOT/data/N.hea`` and ``ROOT/ludb.csv``)."""

    fs = 500.0
    name, folders, physionet = "ludb", ("ludb",), "ludb"
    about = "LUDB (Kalyakulina et al., IEEE Access 8, 2020), 12-lead, 500 Hz; ODC-By 1.0"

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "ludb.csv").exists()

    def __init__(self, root: str | Path, gain: float | None = LUDB_COMMON_GAIN):
        self.root = Path(root)
        self.data_dir = self.root / "data" if (self.root / "data").is_dir() else self.root
        self.gain = gain
        if not any(self.data_dir.glob("*.hea")):
            raise FileNotFoundError(f"no LUDB records (*.hea) under {self.data_dir}: expected the PhysioNet "
                                    "layout ROOT/data/1.hea … (download with `ecgtf data download ludb DIR`)")
        self.rows: dict[str, dict] = {}
        table = self.root / "ludb.csv"
        if table.exists():
            with open(table, newline="") as fh:
                for line in csv.DictReader(fh):
                    self.rows[line["ID"].strip()] = {k: (v or "").strip() for k, v in line.items()}

    def ids(self) -> list[str]:
        return sorted((p.stem for p in self.data_dir.glob("*.hea")), key=lambda s: (len(s), s))

    def load_record(self, record_id: str | int) -> EcgRecord:
        record_id = str(record_id)
        path = self.data_dir / record_id
        signal, fs, names = read_wfdb(path, physical=self.gain is None, gain=self.gain)
        if fs != self.fs:
            raise RecordError(f"{path}: sampling rate {fs} Hz, expected {self.fs} Hz")
        row = self.rows.get(record_id, {})
        # One subject per record in LUDB, so the record id is the patient id.
        return EcgRecord(canonical_12lead(signal, names, str(path)), fs, LEADS, record_id, record_id,
                         ludb_labels(row), {"gain": self.gain, "diagnoses": row})

    def load(self, ids: Iterable[str] | None = None, progress: bool = True) -> EcgDataset:
        chosen = self.ids() if ids is None else [str(i) for i in ids]
        return load_many(chosen, self.load_record, "LUDB", progress)

    # ---- roles (ecgtf.data.database); LUDB never feeds training caches: it is the external test set ----
    def labelled_records(self, progress: bool = False):
        return records_of(self.load(progress=progress))

    def millivolt_dataset(self, progress: bool = False) -> EcgDataset:
        return self.load(progress=progress)

    def annotations(self, record_id: str | int, lead: str = "ii"):
        """Wave annotations of one lead (``wfdb.Annotation``: P, N (QRS), t with onsets/offsets)."""
        import wfdb

        path = self.data_dir / str(record_id)
        ext = lead.lower()
        if not path.with_suffix("." + ext).exists():
            raise RecordError(f"{path}.{ext}: annotation file not found")
        return wfdb.rdann(str(path), ext)

