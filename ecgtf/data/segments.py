"""Per-database record streams into the on-disk segment cache, and the split policy of the millivolt sets.

One cache per (source, cache spec): ``source_cache(name, spec, …)`` builds it once (resumably, see
:mod:`ecgtf.data.cache`) and opens it. Split policy: PTB-XL by its stratified folds (``val_fold``, ``test_fold``
held out); the z-scored PTB-XL copy without the patients of those folds; every other source is training data.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ecgtf.data.cache import CacheSpec, SegmentCache, build_cache
from ecgtf.data.cinc import CinC2011, CinC2021
from ecgtf.data.ptbxl import PTBXL, PtbxlZscore
from ecgtf.data.records import EcgRecord, signal_digest
from ecgtf.data.sources import dataset_dir
from ecgtf.data.synthetic import generate_record, random_config
from ecgtf.leads import LEADS

SEGMENT_SOURCES = ("ptb-xl", "ptb-xl-zscore", "cinc2011", "cinc2021", "synthetic")
"""Sources that stream into segment caches."""


def cache_root(cache_dir: str | None) -> Path:
    """``cache_dir``, else ``$ECGTF_CACHE``, else the per-user cache folder ``~/.cache/ecgtf/cache``."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get("ECGTF_CACHE"):
        return Path(os.environ["ECGTF_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecgtf" / "cache"


def record_stream(name: str, data_dir=None, n_synthetic: int = 0, seed: int = 0):
    """(records iterator, total, units, keep) for a named source."""
    if name == "synthetic":
        def gen():
            rng = np.random.default_rng(seed)
            for i in range(n_synthetic):
                cfg = random_config(rng)
                rec = generate_record(cfg, seed=int(rng.integers(2 ** 31)))
                yield EcgRecord(rec.signal, rec.fs, LEADS, f"synthetic-{i}", f"synthetic-{i}", (cfg.condition,))
        return gen(), n_synthetic, "mV", None
    root = dataset_dir(name, data_dir)
    if name == "ptb-xl":
        db = PTBXL(root)
        ids = db.ids()
        seen: set[str] = set()

        def unique(rec):
            d = signal_digest(rec.signal)
            if d in seen:
                return False
            seen.add(d)
            return True
        return (db.load_record(i) for i in ids), len(ids), "mV", unique
    if name == "ptb-xl-zscore":
        db = PtbxlZscore(root)
        return (db.load_record(i) for i in db.ids()), len(db.ids()), "z", None
    if name == "cinc2011":
        db = CinC2011(root)
        ids = db.ids("acceptable")
        keep = lambda r: r.meta["saturated_leads"] == 0 and r.meta["flat_leads"] == 0  # noqa: E731
        return (db.load_record(i) for i in ids), len(ids), "mV", keep
    if name == "cinc2021":
        db = CinC2021(root)
        return db.records(), len(db.ids()), "mV", None
    raise ValueError(f"unknown source {name!r}; expected one of {SEGMENT_SOURCES}")


def source_cache(name: str, spec: CacheSpec = CacheSpec(), data_dir=None, cache_dir=None, n_synthetic: int = 0,
                 seed: int = 0, progress: bool = True) -> SegmentCache:
    """Build (or reuse) the cache of one source and open it."""
    key = hashlib.sha1(json.dumps([asdict(spec), name, n_synthetic if name == "synthetic" else 0,
                                   seed if name == "synthetic" else 0]).encode()).hexdigest()[:10]
    path = cache_root(cache_dir) / f"{name}-{key}"
    records, total, units, keep = record_stream(name, data_dir, n_synthetic, seed)
    build_cache(path, records, spec, source=name, units=units, total=total, progress=progress, keep=keep)
    return SegmentCache(path)


def split_indices(name: str, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10) -> dict[str, np.ndarray]:
    """Segment indices per split for one source (only PTB-XL has validation and test segments)."""
    if name == "ptb-xl":
        rows = PTBXL(dataset_dir("ptb-xl", data_dir)).rows
        folds = np.array([rows[int(r)].strat_fold for r in cache.info["record_ids"]])
        return {"train": np.flatnonzero((folds != val_fold) & (folds != test_fold)),
                "val": np.flatnonzero(folds == val_fold), "test": np.flatnonzero(folds == test_fold)}
    if name == "ptb-xl-zscore":
        held_out = ptbxl_heldout_patients(data_dir, (val_fold, test_fold))
        pids = np.array(cache.info["patient_ids"])
        return {"train": np.flatnonzero(~np.isin(pids, list(held_out)))}
    return {"train": np.arange(len(cache))}


def ptbxl_heldout_patients(data_dir=None, folds=(9, 10)) -> set[str]:
    """Patients of PTB-XL's held-out ``folds`` (empty without PTB-XL)."""
    try:
        rows = PTBXL(dataset_dir("ptb-xl", data_dir)).rows
    except FileNotFoundError:
        return set()
    return {r.patient_id for r in rows.values() if r.strat_fold in folds}


def fixed_windows(cache, index: np.ndarray, window: int, per_segment: int = 2) -> np.ndarray:
    """Deterministic windows (evenly spaced offsets) of the given segments: (len·per_segment, 12, window)."""
    seg = cache.spec.segment
    starts = np.linspace(0, seg - window, per_segment).astype(int)
    return np.stack([cache.segment(int(i))[:, s:s + window] for i in index for s in starts])
