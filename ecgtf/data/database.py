"""One base class for the databases ecgtf reads; each subclass documents itself (name, folders, units, licence).

A database lives in a folder below one **data root**: ``--data-dir`` when given, else ``$ECGTF_DATA``, else
``~/.cache/ecgtf/data`` (``$XDG_CACHE_HOME/ecgtf/data`` when set). :data:`ecgtf.data.sources.DATABASES` is the
name → class table: the one place a dataset name is resolved.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar


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
