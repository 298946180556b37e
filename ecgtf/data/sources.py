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

import os
from pathlib import Path
from typing import Callable

import numpy as np

from ecgtf.data.records import EcgDataset, EcgRecord, canonical_12lead, drop_exact_duplicates, load_many, read_wfdb
from ecgtf.data.splits import split_by_fold, split_by_patient
from ecgtf.leads import LEADS

DATASETS = {
    "ptb-xl": {"folders": ("ptb-xl",), "units": "mV",
               "about": "PTB-XL (Wagner et al., Sci. Data 7, 154, 2020), 12-lead, 500 Hz, mV; CC BY 4.0"},
    "ptb-xl-zscore": {"folders": ("ptb-xl-zscore",), "units": "z",
                      "about": "PTB-XL records published band-passed and z-scored per lead, 100 Hz (shape only); CC BY 4.0"},
    "ludb": {"folders": ("ludb",), "units": "mV",
             "about": "LUDB (Kalyakulina et al., IEEE Access 8, 2020), 12-lead, 500 Hz; ODC-By 1.0"},
    "cinc2011": {"folders": ("cinc2011", "cinc2011-seta"), "units": "mV",
                 "about": "PhysioNet/CinC Challenge 2011 set-a, phone ECGs with quality labels; ODC-By 1.0"},
    "cinc2021": {"folders": ("cinc2021", "cinc2021-extra"), "units": "mV",
                 "about": "PhysioNet/CinC Challenge 2020/2021 .hea + .mat records, SNOMED #Dx; CC BY 4.0"},
    "mitdb": {"folders": ("mitdb",), "units": "mV",
              "about": "MIT-BIH Arrhythmia Database (Moody & Mark 2001), 2 leads, 360 Hz; ODC-By 1.0"},
    "nstdb": {"folders": ("nstdb",), "units": "mV",
              "about": "MIT-BIH Noise Stress Test Database (Moody et al. 1984), 360 Hz; ODC-By 1.0"},
}
"""Every named dataset: folder names accepted below the data root, units, provenance and licence."""

_ALIASES = {"ptbxl": "ptb-xl", "ptb_xl": "ptb-xl"}


def canonical_name(name: str) -> str:
    """The one spelling of a dataset name (``ptbxl`` → ``ptb-xl``); ``ValueError`` for unknown names."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in DATASETS and key != "synthetic":
        raise ValueError(f"unknown dataset {name!r}; expected 'synthetic', one of {sorted(DATASETS)} or a directory")
    return key


def data_root(data_dir: str | Path | None = None) -> Path:
    """``data_dir``, else ``$ECGTF_DATA``, else the per-user cache folder ``~/.cache/ecgtf/data``."""
    if data_dir:
        return Path(data_dir).expanduser()
    if os.environ.get("ECGTF_DATA"):
        return Path(os.environ["ECGTF_DATA"]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "ecgtf" / "data"


def dataset_dir(name: str, data_dir: str | Path | None = None) -> Path:
    """The folder of dataset ``name`` below the data root; ``FileNotFoundError`` saying where it looked."""
    name = canonical_name(name)
    root = data_root(data_dir)
    for folder in DATASETS[name]["folders"]:
        if (root / folder).is_dir():
            return root / folder
    raise FileNotFoundError(
        f"dataset {name!r} not found: looked for {' or '.join(str(root / f) for f in DATASETS[name]['folders'])}. "
        f"Set the data root with --data-dir or ECGTF_DATA, or download it with `ecgtf data download {name}`.")


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
    if (path / "RECORDS-acceptable").exists():
        from ecgtf.data.cinc import CinC2011
        ds = CinC2011(path).load(progress=progress)
    elif any(path.glob("*.mat")) or any(path.glob("*/*.mat")):
        from ecgtf.data.cinc import CinC2021
        ds = CinC2021(path).load(progress=progress)
    elif (path / "records100").is_dir() and not (path / "ptbxl_database.csv").exists():
        from ecgtf.data.ptbxl import PtbxlZscore
        ds = PtbxlZscore(path).load(progress=progress)
    elif (path / "ptbxl_database.csv").exists():
        from ecgtf.data.ptbxl import PTBXL
        ds = PTBXL(path).load(progress=progress)
    elif (path / "ludb.csv").exists() or source == "ludb":
        from ecgtf.data.ludb import LUDB
        ds = LUDB(path).load(progress=progress)
    else:
        ds = load_wfdb_directory(path, progress=progress)
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
