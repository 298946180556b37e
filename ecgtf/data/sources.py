"""Where data lives, one entry point for every data source a trainer accepts, and splits.

**Data root.** Named datasets live in folders below one data root: ``--data-dir`` when given, else
the ``ECGTF_DATA`` environment variable, else ``~/.cache/ecgtf/data`` (``$XDG_CACHE_HOME/ecgtf/data``
when that is set). ``ecgtf data download NAME`` puts a database there. Names are spelled the same
everywhere (download, training, evaluation): see :data:`DATASETS`.

Sources: ``synthetic`` (the embedded dipole generator, the default), ``PREFIX:RUN`` (records drawn
from a trained generator run whose model registered the prefix, see :data:`SOURCE_PREFIXES`), a dataset name, or a directory path (PTB-XL or
LUDB layout, detected, or any folder of 12-lead WFDB records).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ecgtf.data.cinc import CinC2011, CinC2021
from ecgtf.data.database import Database, data_root  # noqa: F401 (data_root: part of this module's API)
from ecgtf.data.ludb import LUDB
from ecgtf.data.mitdb import MITDB, NSTDB
from ecgtf.data.ptbxl import PTBXL, PtbxlZscore
from ecgtf.data.records import EcgDataset, EcgRecord, canonical_12lead, drop_exact_duplicates, load_many, read_wfdb
from ecgtf.data.splits import split_by_fold, split_by_patient
from ecgtf.leads import LEADS

DATABASES: dict[str, type[Database]] = {db.name: db for db in (PTBXL, PtbxlZscore, LUDB, CinC2011, CinC2021,
                                                                  MITDB, NSTDB)}
"""Dataset name → its :class:`ecgtf.data.database.Database` class: the one place a dataset name is resolved."""

DETECTION_ORDER = (CinC2011, CinC2021, PtbxlZscore, PTBXL, LUDB)
"""Layouts tried, in this order, when ``--data`` is a directory (the first whose ``detect`` matches reads it)."""

DATASETS = {name: {"folders": db.folders, "units": db.units, "about": db.about} for name, db in DATABASES.items()}
"""Every named dataset: folder names accepted below the data root, units, provenance and licence (from
:data:`DATABASES`)."""

_ALIASES = {"ptbxl": "ptb-xl", "ptb_xl": "ptb-xl"}


def databases_for(role: str) -> tuple[str, ...]:
    """Names of the databases serving ``role`` (a :class:`ecgtf.data.database.Database` role method), in table order."""
    return tuple(name for name, db in DATABASES.items() if db.serves(role))


def database(name: str, data_dir: str | Path | None = None, role: str | None = None):
    """The opened database ``name`` (aliases accepted) below the data root; with ``role``, one that serves it
    (``ValueError`` naming those that do)."""
    canonical = canonical_or_none(name)
    if role is not None and (canonical is None or not DATABASES[canonical].serves(role)):
        raise ValueError(f"data source {name!r} cannot be used here ({role.replace('_', ' ')}); expected one of "
                         f"{list(databases_for(role))}")
    return DATABASES[canonical_name(name)].open(data_dir)


def canonical_or_none(name: str) -> str | None:
    """The canonical dataset name, or ``None`` when ``name`` is not one (a path, say)."""
    try:
        return canonical_name(name)
    except ValueError:
        return None


def canonical_name(name: str) -> str:
    """The one spelling of a dataset name (``ptbxl`` → ``ptb-xl``); ``ValueError`` for unknown names."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in DATASETS and key != "synthetic":
        raise ValueError(f"unknown dataset {name!r}; expected 'synthetic', one of {sorted(DATASETS)} or a directory")
    return key


def dataset_dir(name: str, data_dir: str | Path | None = None) -> Path:
    """The folder of dataset ``name`` below the data root; ``FileNotFoundError`` saying where it looked."""
    return DATABASES[canonical_name(name)].locate(data_dir)


def default_dir(name: str) -> Path:
    """Folder of a named dataset below the default data root (kept for older callers)."""
    return dataset_dir(name)


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
    prefixed = split_prefix(source)
    if prefixed is not None:
        prefix, arg = prefixed
        if prefix not in SOURCE_PREFIXES:
            raise ValueError(f"data source {source!r}: unknown source prefix {prefix + ':'!r}; registered: "
                             f"{sorted(SOURCE_PREFIXES) or 'none'} (model sources are registered by "
                             "ecgtf.registry.register_sources())")
        return SOURCE_PREFIXES[prefix](arg, n_synthetic, seed)
    if source.lower() in DATASETS or source.lower() in _ALIASES:
        path = dataset_dir(source, data_dir)
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"data source {source!r}: expected 'synthetic', a dataset name "
                                    f"({', '.join(sorted(DATASETS))}) or an existing directory of WFDB records")
    database = next((db for db in DETECTION_ORDER if db.detect(path)), None)
    if database is None and canonical_or_none(source) == LUDB.name:
        database = LUDB
    ds = database(path).load(progress=progress) if database is not None else load_wfdb_directory(path, progress)
    ds, _ = drop_exact_duplicates(ds)
    return ds


SOURCE_PREFIXES: dict[str, Callable] = {}
"""Source prefix → loader ``(argument, n, seed) → EcgDataset`` for sources drawn from trained models
(``PREFIX:RUN``). Model folders declare theirs (``ModelSpec.data_sources``); :mod:`ecgtf.registry` registers
them here when it is first used (``ecgtf.registry.register_sources()``)."""


def register_source_prefix(prefix: str, loader: Callable) -> None:
    """Make ``PREFIX:ARG`` a data source: ``loader(ARG, n, seed)`` returns an :class:`EcgDataset` in mV."""
    SOURCE_PREFIXES[prefix] = loader


def split_prefix(source: str) -> tuple[str, str] | None:
    """``(prefix, argument)`` of a ``PREFIX:ARG`` model source, ``None`` for a dataset name or a path."""
    prefix, sep, arg = source.partition(":")
    if not sep or len(prefix) < 2 or "/" in prefix or "\\" in prefix:   # not a Windows drive letter or a path
        return None
    return prefix, arg


def split_source(ds: EcgDataset, seed: int = 0, fractions=(0.8, 0.1, 0.1)) -> list[np.ndarray]:
    """Train/validation/test indices: PTB-XL's folds 1–8 / 9 / 10 when present, else by patient."""
    folds = [m.get("strat_fold") for m in ds.meta] if ds.meta else []
    if folds and all(f is not None for f in folds):
        splits = split_by_fold(folds)
        if all(len(s) for s in splits):
            return splits
    return split_by_patient(ds.patient_ids, fractions, seed)
