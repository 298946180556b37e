"""One base class for the databases ecgtf reads; each subclass documents itself (name, folders, units, licence).

A database lives in a folder below one **data root**: ``--data-dir`` when given, else ``$ECGTF_DATA``, else
``~/.cache/ecgtf/data`` (``$XDG_CACHE_HOME/ecgtf/data`` when set). :data:`ecgtf.data.sources.DATABASES` is the
name → class table: the one place a dataset name is resolved.

What a database offers to the rest of ecgtf is a method per **role**, each database saying how it plays it
(which records, which filter, which split); a role a database does not override is one it does not serve
(:meth:`Database.serves`, :func:`ecgtf.data.sources.databases_for`):

- :meth:`Database.labelled_records`: 12-lead records with diagnostic labels (conditional generators, classifier);
- :meth:`Database.segment_stream` + :meth:`Database.segment_splits`: records streamed into the reconstructors'
  segment caches, and which cached segments may be trained on;
- :meth:`Database.millivolt_dataset`: the set as millivolt 12-lead records (generators' training data, the
  synthesis protocol).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Iterator

import numpy as np


def data_root(data_dir: str | Path | None = None) -> Path:
    """``data_dir``, else ``$ECGTF_DATA``, else the per-user cache folder ``~/.cache/ecgtf/data``."""
    if data_dir:
        return Path(data_dir).expanduser()
    if os.environ.get("ECGTF_DATA"):
        return Path(os.environ["ECGTF_DATA"]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "ecgtf" / "data"


class Database:
    """A database below the data root. Subclasses set the class attributes and read their layout."""

    name: ClassVar[str]
    """The one spelling of the name (``ptb-xl``), used by ``--data``, ``ecgtf data download`` and the docs."""
    folders: ClassVar[tuple[str, ...]]
    """Folder names accepted below the data root, first the canonical one."""
    units: ClassVar[str] = "mV"
    about: ClassVar[str] = ""
    """Provenance and licence (written into exported models' metadata)."""
    revision: ClassVar[int] = 1
    """How the loader reads the records; a new revision rebuilds the segment caches made by an older one."""
    physionet: ClassVar[str | None] = None
    """Its PhysioNet slug when ``ecgtf data download NAME`` can fetch it (``wfdb.dl_database``)."""

    @classmethod
    def locate(cls, data_dir: str | Path | None = None) -> Path:
        """The database's folder below the data root; ``FileNotFoundError`` saying where it looked."""
        root = data_root(data_dir)
        for folder in cls.folders:
            if (root / folder).is_dir():
                return root / folder
        raise FileNotFoundError(
            f"dataset {cls.name!r} not found: looked for {' or '.join(str(root / f) for f in cls.folders)}. "
            f"Set the data root with --data-dir or ECGTF_DATA, or download it with `ecgtf data download {cls.name}`.")

    @classmethod
    def detect(cls, path: Path) -> bool:
        """Whether ``path`` looks like this database's layout (for ``--data DIR``)."""
        return False

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> "Database":
        """The database in its folder below the data root (:meth:`locate`)."""
        return cls(cls.locate(data_dir))

    @classmethod
    def serves(cls, role: str) -> bool:
        """Whether this database overrides the role method ``role`` (e.g. ``"labelled_records"``)."""
        return getattr(cls, role) is not getattr(Database, role)

    def labelled_records(self, progress: bool = False) -> Iterator:
        """Every 12-lead record with its diagnostic labels (:class:`ecgtf.data.records.EcgRecord`)."""
        raise ValueError(f"{self.name} has no labelled 12-lead records; databases that do: see ecgtf.data.sources.databases_for('labelled_records')")

    def segment_stream(self) -> tuple[Iterator, int, str, object]:
        """``(records, total, units, keep)`` feeding a segment cache: an iterator of records, their number, their
        units (``mV`` or ``z``) and an optional ``keep(record) → bool`` filter."""
        raise ValueError(f"{self.name} does not feed the segment caches; databases that do: see ecgtf.data.sources.databases_for('segment_stream')")

    @classmethod
    def segment_splits(cls, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10) -> dict[str, np.ndarray]:
        """Indices of ``cache``'s segments per split; by default every segment may be trained on."""
        return {"train": np.arange(len(cache))}

    def millivolt_dataset(self, progress: bool = False):
        """The set as millivolt 12-lead records at its own rate (:class:`ecgtf.data.records.EcgDataset`)."""
        raise ValueError(f"{self.name} has no millivolt 12-lead records; databases that do: see ecgtf.data.sources.databases_for('millivolt_dataset')")
