"""The held-out 12-lead sets every reconstructor is evaluated on: PTB-XL fold 10 (test), fold 9 (validation,
for model selection) and all of LUDB (another hospital and device), 10 s at 500 Hz in mV; and the held-out half of the
CinC 2021 records (four hospitals' devices; :meth:`ecgtf.data.cinc.CinC2021.held_out`). Training splits exclude these
records since the 2026-12-06 session-17 data revision; reconstructors trained before it saw every CinC 2021 record
(their ``cinc2021`` scores are in-sample: see the model cards)."""
from __future__ import annotations

import numpy as np

from ecgtf.data.cinc import CinC2021
from ecgtf.data.ludb import LUDB
from ecgtf.data.ptbxl import PTBXL
from ecgtf.data.records import drop_exact_duplicates

EVAL_SETS = ("ptb-xl-test", "ptb-xl-val", "ludb", "cinc2021")


def load_eval_set(name: str, data_dir=None) -> tuple[np.ndarray, float, list[str]]:
    """(records (N, 12, 5000) mV, 500.0, ids) of ``ptb-xl-test`` (fold 10), ``ptb-xl-val`` (fold 9; duplicates
    removed), ``ludb`` or ``cinc2021`` (the first 10 s of every held-out record at least that long, at 500 Hz)."""
    if name in ("ptb-xl-test", "ptb-xl-val"):
        db = PTBXL.open(data_dir)
        ds, _ = drop_exact_duplicates(db.load(progress=False))
        fold = 10 if name == "ptb-xl-test" else 9
        keep = [i for i, m in enumerate(ds.meta) if m["strat_fold"] == fold]
        ds = ds.subset(keep)
    elif name == "ludb":
        ds = LUDB.open(data_dir).load(progress=False)
    elif name == "cinc2021":
        ds = CinC2021.open(data_dir).millivolt_dataset(progress=False)
        ds = ds.subset([i for i, r in enumerate(ds.record_ids) if CinC2021.held_out(r)])
    else:
        raise ValueError(f"unknown evaluation set {name!r}; expected one of {EVAL_SETS} (ptb-xl-val, fold 9, is for "
                         "model selection)")
    return ds.signals.astype(np.float64), ds.fs, ds.record_ids
