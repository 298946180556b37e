"""Download PhysioNet databases with wfdb (needs internet; fails with a clear message offline)."""
from __future__ import annotations

from pathlib import Path

from ecgtf.data.sources import DATABASES as _ALL

DATABASES = {name: db.physionet for name, db in _ALL.items() if db.physionet}
"""Name → PhysioNet slug of the databases ``ecgtf data download`` fetches (each database's ``physionet``)."""


class DownloadError(RuntimeError):
    """A PhysioNet download failed (most often: no internet access)."""


def download(name: str, directory: str | Path, records: list[str] | None = None) -> Path:
    """Download database ``name`` (ptb-xl, ludb, mitdb, nstdb) into ``directory`` with ``wfdb.dl_database``.

    Raises :class:`DownloadError` with the reason when PhysioNet cannot be reached.
    """
    import wfdb

    if name not in DATABASES:
        raise ValueError(f"unknown database {name!r}; expected one of {sorted(DATABASES)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        wfdb.dl_database(DATABASES[name], dl_dir=str(directory), records=records or "all")
    except Exception as exc:  # requests' connection errors, HTTP errors, ...
        raise DownloadError(
            f"could not download {name!r} from PhysioNet into {directory}: {type(exc).__name__}: {exc}. "
            "This needs internet access to physionet.org; on an offline machine copy the database "
            "directory by hand and point ecgtf at it.") from exc
    return directory
