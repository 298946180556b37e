"""Atomic file writing: every output goes to a temporary file beside its target and is renamed into place,
so a crash, a full disk or an exception leaves the old file (or none), never a half-written one; SHA-256
digests recorded beside the files that drive a model (``digests.json`` in their folder) and verified on
reading; and a directory's writer lock, so that two processes never write one run at a time."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import sys
import tempfile
from datetime import datetime
from pathlib import Path


def check_outputs(outputs, inputs=()) -> list[Path]:
    """Refuse (``ValueError``) an output path that is one of the ``inputs`` (the same file, through any spelling or
    link) or another output of the same call; returns the outputs. A user's files are never written over by
    what is made from them."""
    def key(p: Path):
        p = Path(p)
        return os.path.realpath(p) if not p.exists() else (p.stat().st_dev, p.stat().st_ino)

    inputs = [Path(p) for p in inputs]
    taken = {key(p): p for p in inputs if p.exists()}
    taken.update({os.path.realpath(p): p for p in inputs})
    seen: dict = {}
    for i, out in enumerate(map(Path, outputs)):
        for k in {key(out), os.path.realpath(out)}:
            if k in taken:
                raise ValueError(f"output {out} would overwrite the input {taken[k]}; choose another output name "
                                 "(-o/--out)")
            if k in seen and seen[k][0] != i:
                raise ValueError(f"outputs {seen[k][1]} and {out} are the same file; choose another output name")
            seen[k] = (i, out)
    return [Path(o) for o in outputs]


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


class RunLockedError(FileExistsError):
    """Another live process writes this directory (a training run)."""


LOCK_NAME = ".lock"
"""A directory's writer lock: ``{"pid": …, "host": …, "started": …}`` of the process writing it."""


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, owned by another user
        return True
    return True


def check_unlocked(path: Path) -> None:
    """Raise :class:`RunLockedError` if a live process on this host holds ``path``'s lock; a stale lock
    (its process is gone, e.g. after ``kill -9``) is reported and removed."""
    lock = Path(path) / LOCK_NAME
    try:
        holder = json.loads(lock.read_text())
        pid, host = int(holder["pid"]), str(holder.get("host", ""))
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError):   # unreadable: a crash while it was written; treat as stale
        holder, pid, host = {}, -1, socket.gethostname()
    if host != socket.gethostname():
        raise RunLockedError(f"{path} is being written by process {pid} on host {host} (lock file {lock}); "
                             "wait for it, or delete the lock file if that training is gone")
    if pid != os.getpid() and pid > 0 and _process_alive(pid):
        raise RunLockedError(f"{path} is being written by process {pid} (started {holder.get('started', '?')}; "
                             f"lock file {lock}); wait for it to finish or stop it first")
    if pid != os.getpid():
        print(f"note: removing the stale lock of process {pid} in {path} (that process is gone)", file=sys.stderr)
    lock.unlink(missing_ok=True)


def write_lock(path: Path) -> None:
    """Take ``path``'s writer lock (created exclusively; a lock taken meanwhile by a live process is refused)."""
    lock = Path(path) / LOCK_NAME
    holder = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                         "started": datetime.now().isoformat(timespec="seconds")})
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:   # a writer started between the check and now
        check_unlocked(path)
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    with os.fdopen(fd, "w") as fh:
        fh.write(holder)


DIGESTS_NAME = "digests.json"
"""Beside the files it covers: ``{"sha256": {file name: hex digest}}``, updated whenever ecgtf writes one of them."""


class IntegrityError(ValueError):
    """A file differs from the digest recorded when ecgtf wrote it (corrupt, truncated or edited)."""


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_digests(folder: Path) -> dict:
    path = folder / DIGESTS_NAME
    if not path.exists():
        return {}
    try:
        table = json.loads(path.read_text())
        digests = table["sha256"]
        if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
            raise TypeError
        return digests
    except (ValueError, KeyError, TypeError):
        raise IntegrityError(f"{path}: unreadable digest table (expected {{\"sha256\": {{file: hex}}}}); delete it to "
                             "accept the files as they are, or restore the folder from a backup") from None


def record_digest(path: str | Path) -> str:
    """Record ``path``'s SHA-256 in its folder's ``digests.json`` (atomically); returns the digest."""
    path = Path(path)
    digest = sha256_file(path)
    try:
        table = _read_digests(path.parent)
    except IntegrityError:
        table = {}
    table[path.name] = digest
    atomic_write_json(path.parent / DIGESTS_NAME, {"sha256": dict(sorted(table.items()))})
    return digest


_DIGESTS_SEEN: dict = {}


def sha256_cached(path: str | Path) -> str:
    """:func:`sha256_file`, computed once per process for an unchanged file (same path, mtime and size)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _DIGESTS_SEEN:
        _DIGESTS_SEEN[key] = sha256_file(path)
    return _DIGESTS_SEEN[key]


def verify_digest(path: str | Path, recover: str = "") -> None:
    """:class:`IntegrityError` if ``path`` differs from the digest its folder's ``digests.json`` records (files
    without a recorded digest pass: written before digests existed). ``recover`` says how to get a good copy."""
    path = Path(path)
    want = _read_digests(path.parent).get(path.name)
    if want is not None:
        got = sha256_cached(path)
        if got != want:
            raise IntegrityError(f"{path}: SHA-256 {got[:12]}… differs from the {want[:12]}… recorded when ecgtf wrote "
                                 f"it: the file is corrupt or was edited. {recover or 'Restore it from a backup.'} "
                                 f"(If you changed it on purpose, delete its line in {path.parent / DIGESTS_NAME}.)")


def json_digest(obj: dict, skip: str) -> str:
    """SHA-256 of ``obj`` as canonical JSON (sorted keys), without its key ``skip`` (where the digest is kept)."""
    body = {k: v for k, v in obj.items() if k != skip}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                    default=_json_default).encode()).hexdigest()

