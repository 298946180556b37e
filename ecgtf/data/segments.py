"""Per-database record streams into the on-disk segment cache, and the split policy of the millivolt sets.

One cache per (source, cache spec): ``source_cache(name, spec, …)`` builds it once (resumably, see
:mod:`ecgtf.data.cache`) and opens it. Split policy: PTB-XL by its stratified folds (``val_fold``, ``test_fold``
held out); the z-scored PTB-XL copy without the patients of those folds; the cross-session PTB-XL patients and the
held-out half of CinC 2021 never (:data:`SPLIT_REVISION` 2); every other source is training data.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ecgtf.data.cache import CacheSpec, SegmentCache, build_cache
from ecgtf.data.ptbxl import PTBXL
from ecgtf.data.records import EcgRecord
from ecgtf.data.sources import DATABASES, canonical_name, database, databases_for
from ecgtf.data.synthetic import generate_record, random_config
from ecgtf.files import atomic_write_json
from ecgtf.leads import LEADS

SPLIT_REVISION = 2
"""Revision of the split policy. 1: PTB-XL folds only, every CinC 2021 record trained on. 2 (session 17): also never
the PTB-XL patients with recordings on two dates (:meth:`~ecgtf.data.ptbxl.PTBXL.cross_session_pairs`) nor the
held-out half of CinC 2021 (:meth:`~ecgtf.data.cinc.CinC2021.held_out`). Runs record it in ``splits.json``."""

SEGMENT_SOURCES = (*databases_for("segment_stream"), "synthetic")
"""Sources that stream into segment caches (``ptb-xl``, ``ptb-xl-zscore``, ``cinc2011``, ``cinc2021``, ``synthetic``)."""


def record_splits(run_dir: Path, training_segments: dict, teacher_revisions: list[int] | None = None,
                  teacher_any_leads: bool | None = None) -> None:
    """Append this session's split revision and training segments per source to ``RUN/splits.json`` (a list: a run
    resumed across a change of the split policy shows both); ``teacher_revisions`` and ``teacher_any_leads``: the
    split revisions its distillation teacher trained under and whether it took any leads (a teacher named by preset
    may be replaced later, so they are recorded now)."""
    path = Path(run_dir) / "splits.json"
    history = json.loads(path.read_text()) if path.exists() else []
    entry = {"split_revision": SPLIT_REVISION, "training_segments": training_segments,
             **({"teacher_split_revisions": teacher_revisions} if teacher_revisions is not None else {}),
             **({"teacher_any_leads": bool(teacher_any_leads)} if teacher_any_leads is not None else {})}
    if not history or history[-1] != entry:
        atomic_write_json(path, [*history, entry])


def recorded_split(run_dir: Path) -> dict:
    """The latest entry of ``RUN/splits.json`` (``{}`` for runs older than it)."""
    path = Path(run_dir) / "splits.json"
    return json.loads(path.read_text())[-1] if path.exists() else {}


def trained_split_revisions(run_dir: Path) -> list[int]:
    """The split revisions a run trained under (``[1]`` for runs older than ``splits.json``)."""
    path = Path(run_dir) / "splits.json"
    return [e["split_revision"] for e in json.loads(path.read_text())] if path.exists() else [1]


def cache_root(cache_dir: str | None) -> Path:
    """``cache_dir``, else ``$ECGTF_CACHE``, else the per-user cache folder ``~/.cache/ecgtf/cache``."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get("ECGTF_CACHE"):
        return Path(os.environ["ECGTF_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecgtf" / "cache"


def record_stream(name: str, data_dir=None, n_synthetic: int = 0, seed: int = 0):
    """(records iterator, total, units, keep) for a named source: ``synthetic`` (ecgtf's generator, ``n_synthetic``
    records), else the database's :meth:`~ecgtf.data.database.Database.segment_stream`."""
    if name == "synthetic":
        def gen():
            rng = np.random.default_rng(seed)
            for i in range(n_synthetic):
                cfg = random_config(rng)
                rec = generate_record(cfg, seed=int(rng.integers(2 ** 31)))
                yield EcgRecord(rec.signal, rec.fs, LEADS, f"synthetic-{i}", f"synthetic-{i}", (cfg.condition,))
        return gen(), n_synthetic, "mV", None
    return database(name, data_dir, role="segment_stream").segment_stream()


def source_cache(name: str, spec: CacheSpec = CacheSpec(), data_dir=None, cache_dir=None, n_synthetic: int = 0,
                 seed: int = 0, progress: bool = True) -> SegmentCache:
    """Build (or reuse) the cache of one source and open it."""
    revision = DATABASES[canonical_name(name)].revision if name != "synthetic" else 1
    key = hashlib.sha1(json.dumps([asdict(spec), name, n_synthetic if name == "synthetic" else 0,
                                   seed if name == "synthetic" else 0]
                                  + ([revision] if revision != 1 else [])).encode()).hexdigest()[:10]
    path = cache_root(cache_dir) / f"{name}-{key}"
    records, total, units, keep = record_stream(name, data_dir, n_synthetic, seed)
    build_cache(path, records, spec, source=name, units=units, total=total, progress=progress, keep=keep)
    return SegmentCache(path)


def split_indices(name: str, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10) -> dict[str, np.ndarray]:
    """Segment indices per split for one source (:meth:`~ecgtf.data.database.Database.segment_splits`: only PTB-XL
    has validation and test segments)."""
    if name == "synthetic":
        return {"train": np.arange(len(cache))}
    return DATABASES[canonical_name(name)].segment_splits(cache, data_dir, val_fold, test_fold)


def ptbxl_heldout_patients(data_dir=None, folds=(9, 10)) -> set[str]:
    """Patients of PTB-XL's held-out ``folds`` (empty without PTB-XL)."""
    return PTBXL.heldout_patients(data_dir, folds)


def fixed_windows(cache, index: np.ndarray, window: int, per_segment: int = 2) -> np.ndarray:
    """Deterministic windows (evenly spaced offsets) of the given segments: (len·per_segment, 12, window)."""
    seg = cache.spec.segment
    starts = np.linspace(0, seg - window, per_segment).astype(int)
    return np.stack([cache.segment(int(i))[:, s:s + window] for i in index for s in starts])
