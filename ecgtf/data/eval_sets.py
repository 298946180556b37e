"""The held-out 12-lead sets every reconstructor is evaluated on: PTB-XL fold 10 (test), fold 9 (validation,
for model selection) and all of LUDB (another hospital and device), 10 s at 500 Hz in mV."""
from __future__ import annotations

import numpy as np

from ecgtf.data.ludb import LUDB
from ecgtf.data.ptbxl import PTBXL
from ecgtf.data.records import drop_exact_duplicates

EVAL_SETS = ("ptb-xl-test", "ptb-xl-val", "ludb")


def load_eval_set(name: str, data_dir=None) -> tuple[np.ndarray, float, list[str]]:
    """(records (N, 12, 5000) mV, 500.0, ids) of ``ptb-xl-test`` (fold 10), ``ptb-xl-val`` (fold 9; duplicates
    removed) or ``ludb``."""
    if name in ("ptb-xl-test", "ptb-xl-val"):
        db = PTBXL.open(data_dir)
        ds, _ = drop_exact_duplicates(db.load(progress=False))
        fold = 10 if name == "ptb-xl-test" else 9
        keep = [i for i, m in enumerate(ds.meta) if m["strat_fold"] == fold]
        ds = ds.subset(keep)
    elif name == "ludb":
        ds = LUDB.open(data_dir).load(progress=False)
    else:
        raise ValueError(f"unknown evaluation set {name!r}; expected one of {EVAL_SETS} (ptb-xl-val, fold 9, is for "
                         "model selection)")
    return ds.signals.astype(np.float64), ds.fs, ds.record_ids
