"""Atomic file writing: every output goes to a temporary file beside its target and is renamed into place,
so a crash, a full disk or an exception leaves the old file (or none), never a half-written one."""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path


def atomic_write_json(path: str | Path, obj) -> None:
    """Write JSON to a temporary file in the same folder, then rename it over ``path``."""
    atomic_write(path, lambda fh: json.dump(obj, fh, indent=2, default=_json_default))


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write text atomically (temporary file in the same folder, then renamed over ``path``)."""
    atomic_write(path, lambda fh: fh.write(text))


def atomic_write(path: str | Path, write, mode: str = "w") -> None:
    """Call ``write(file)`` on a temporary file beside ``path`` and rename it over ``path`` only if it
    succeeds; a crash or an exception leaves the old file (or none) and no temporary file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _json_default(o):
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    return str(o)
