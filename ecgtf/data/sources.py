"""One entry point for every data source a trainer accepts, and patient-level splits for each.

Sources: ``synthetic`` (the embedded default), ``ptbxl``, ``ludb``, or a directory path
(PTB-XL or LUDB layout, detected, or any folder of 12-lead WFDB records).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ecgtf.data.records import EcgDataset, EcgRecord, canonical_12lead, drop_exact_duplicates, load_many, read_wfdb
from ecgtf.data.splits import split_by_fold, split_by_patient
from ecgtf.leads import LEADS

SHARED_DATA = Path(os.environ.get("ECGTF_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
"""Where the development copies of PTB-XL and LUDB live (``../shared/data`` next to the repo)."""


def default_dir(name: str) -> Path:
    return (SHARED_DATA / {"ptbxl": "ptb-xl", "ludb": "ludb", "mitdb": "mitdb"}[name]).resolve()


def load_wfdb_directory(directory: str | Path, progress: bool = True) -> EcgDataset:
    """Every 12-lead WFDB record below ``directory`` (each record is its own patient)."""
    directory = Path(directory)
    headers = sorted(directory.rglob("*.hea"))
    if not headers:
        raise FileNotFoundError(f"no WFDB records (*.hea) found under {directory}")

    def one(h: Path) -> EcgRecord:
        signal, fs, names = read_wfdb(h.with_suffix(""))
        rid = str(h.relative_to(directory).with_suffix(""))
        return EcgRecord(canonical_12lead(signal, names, str(h)), fs, LEADS, rid, rid)

    return load_many(headers, one, f"WFDB {directory.name}", progress)


def load_source(source: str, data_dir: str | Path | None = None, n_synthetic: int = 600, seed: int = 0,
                progress: bool = True) -> EcgDataset:
    """Load a 12-lead source as an :class:`EcgDataset` in mV, exact duplicate signals removed."""
    if source == "synthetic":
        from ecgtf.data.synthetic import generate_dataset

        signals, labels, configs = generate_dataset(n_synthetic, seed=seed, progress=progress)
        ids = [f"synthetic-{seed}-{i}" for i in range(n_synthetic)]
        ds = EcgDataset(signals, 500.0, LEADS, ids, ids, [(lab,) for lab in labels],
                        [{"config": c} for c in configs])
        return ds
    if source in ("ptbxl", "ludb"):
        path = Path(data_dir) if data_dir else default_dir(source)
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"data source {source!r}: expected 'synthetic', 'ptbxl', 'ludb' or an "
                                    "existing directory of WFDB records")
    if (path / "ptbxl_database.csv").exists():
        from ecgtf.data.ptbxl import PTBXL
        ds = PTBXL(path).load(progress=progress)
    elif (path / "ludb.csv").exists() or source == "ludb":
        from ecgtf.data.ludb import LUDB
        ds = LUDB(path).load(progress=progress)
    else:
        ds = load_wfdb_directory(path, progress=progress)
    ds, _ = drop_exact_duplicates(ds)
    return ds


def split_source(ds: EcgDataset, seed: int = 0, fractions=(0.8, 0.1, 0.1)) -> list[np.ndarray]:
    """Train/validation/test indices: PTB-XL's folds 1–8 / 9 / 10 when present, else by patient."""
    folds = [m.get("strat_fold") for m in ds.meta] if ds.meta else []
    if folds and all(f is not None for f in folds):
        splits = split_by_fold(folds)
        if all(len(s) for s in splits):
            return splits
    return split_by_patient(ds.patient_ids, fractions, seed)
