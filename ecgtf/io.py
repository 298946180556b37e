"""Reading a user's Lead I recording from CSV, NPY, WFDB or EDF, with errors that name the file.

    signal, fs = read_lead("watch.csv", fs=250)            # CSV/NPY need the rate
    signal, fs = read_lead("ptbxl/00001_hr")                # WFDB: rate and units from the header
    signal, fs = read_lead("night.edf", lead="I")           # EDF through wfdb's reader

Units: WFDB/EDF samples are converted to mV from the header units (µV and V are scaled; other
units are refused). CSV/NPY values are taken as mV; an amplitude implausible for mV
(|Lead I| p99 > 20) is refused with a message suggesting the unit fix.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgtf.leads import normalize_lead_name

_UNIT_TO_MV = {"mv": 1.0, "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "v": 1e3}


class InputFileError(ValueError):
    """A user input file could not be read as an ECG; the message names the file and what was expected."""


def _pick_lead(names: list[str], lead: str, path: Path) -> int:
    want = normalize_lead_name(lead)
    canon = []
    for n in names:
        try:
            canon.append(normalize_lead_name(n))
        except ValueError:
            canon.append(str(n))
    if want in canon:
        return canon.index(want)
    raise InputFileError(f"{path}: no lead {want!r}; the file has {names}")


def _check_mv(x: np.ndarray, path: Path) -> np.ndarray:
    if x.size == 0:
        raise InputFileError(f"{path}: no samples")
    if not np.all(np.isfinite(x)):
        raise InputFileError(f"{path}: {int(np.sum(~np.isfinite(x)))} NaN/inf samples; expected a finite signal")
    from ecgtf.preprocessing.signal import check_millivolts

    try:
        check_millivolts(x, str(path))
    except ValueError as exc:
        raise InputFileError(str(exc)) from None
    return x


def read_lead(path: str | Path, fs: float | None = None, lead: str = "I") -> tuple[np.ndarray, float]:
    """One lead ``(n,)`` in mV and its sampling rate from a CSV, NPY, WFDB record or EDF file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".hea", ".dat") or (not suffix and path.with_suffix(".hea").exists()):
        return _read_wfdb(path.with_suffix(""), fs, lead)
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if suffix == ".edf":
        return _read_edf(path, fs, lead)
    if suffix in (".csv", ".txt"):
        x = _read_csv(path, lead)
    elif suffix == ".npy":
        try:
            arr = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise InputFileError(f"{path}: not a readable .npy array ({exc})") from exc
        arr = np.asarray(arr)
        if not np.issubdtype(arr.dtype, np.number):
            raise InputFileError(f"{path}: dtype {arr.dtype}, expected numbers")
        if arr.ndim == 2 and 12 in arr.shape and min(arr.shape) > 1:
            arr = arr if arr.shape[0] == 12 else arr.T
            from ecgtf.leads import lead_index

            x = arr[lead_index(normalize_lead_name(lead))]
        elif arr.ndim == 1 or (arr.ndim == 2 and 1 in arr.shape):
            x = arr.reshape(-1)
        else:
            raise InputFileError(f"{path}: shape {arr.shape}; expected (n,) Lead I or (12, n) leads")
        x = x.astype(np.float64)
    else:
        raise InputFileError(f"{path}: unknown file type {suffix or '(none)'}; expected .csv, .npy, .edf or a WFDB "
                             "record (.hea/.dat)")
    if fs is None:
        raise InputFileError(f"{path}: a {suffix} file does not say its sampling rate; pass --fs HZ")
    return _check_mv(x, path), float(fs)


def _read_csv(path: Path, lead: str) -> np.ndarray:
    text = path.read_text(errors="replace").splitlines()
    rows = [ln for ln in text if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise InputFileError(f"{path}: empty CSV")
    delim = "," if "," in rows[0] else (";" if ";" in rows[0] else None)
    first = [c.strip().strip('"') for c in (rows[0].split(delim) if delim else rows[0].split())]
    try:
        [float(c) for c in first]
        header, body = None, rows
    except ValueError:
        header, body = first, rows[1:]
    try:
        data = np.array([[float(c) for c in (r.split(delim) if delim else r.split())] for r in body], dtype=np.float64)
    except ValueError as exc:
        raise InputFileError(f"{path}: non-numeric value in the data rows ({exc}); expected one number per cell") from exc
    if data.ndim != 2 or data.size == 0:
        raise InputFileError(f"{path}: no data rows")
    if header is None:
        if data.shape[1] == 1:
            return data[:, 0]
        if data.shape[1] == 12:
            from ecgtf.leads import lead_index

            return data[:, lead_index(normalize_lead_name(lead))]
        raise InputFileError(f"{path}: {data.shape[1]} unnamed columns; expected one column (Lead I), 12 columns "
                             "(I … V6), or a header naming the leads")
    cols = [h for h in header]
    named = [c for c in cols if c.lower() not in ("time", "time_s", "t", "sample", "index")]
    if len(named) == 1 and len(cols) <= 2:
        return data[:, cols.index(named[0])]
    return data[:, _pick_lead([c.split("_")[0] for c in cols], lead, path)]


def _read_wfdb(base: Path, fs: float | None, lead: str) -> tuple[np.ndarray, float]:
    import wfdb

    if not base.with_suffix(".hea").exists():
        raise InputFileError(f"{base}.hea: WFDB header not found")
    try:
        rec = wfdb.rdrecord(str(base))
    except Exception as exc:  # wfdb raises many types for corrupt files
        raise InputFileError(f"{base}: cannot read WFDB record ({type(exc).__name__}: {exc})") from exc
    k = _pick_lead(list(rec.sig_name), lead, base)
    unit = (rec.units[k] or "mV").strip().lower()
    if unit not in _UNIT_TO_MV:
        raise InputFileError(f"{base}.hea: lead {rec.sig_name[k]} is in {rec.units[k]!r}; expected mV, uV or V")
    if fs is not None and not np.isclose(fs, rec.fs):
        raise InputFileError(f"{base}.hea says {rec.fs:g} Hz but --fs {fs:g} was given; drop --fs for WFDB records")
    return _check_mv(rec.p_signal[:, k].astype(np.float64) * _UNIT_TO_MV[unit], base), float(rec.fs)


def _read_edf(path: Path, fs: float | None, lead: str) -> tuple[np.ndarray, float]:
    try:
        from wfdb.io.convert.edf import read_edf

        rec = read_edf(str(path))
    except Exception as exc:
        raise InputFileError(f"{path}: cannot read EDF ({type(exc).__name__}: {exc})") from exc
    k = _pick_lead(list(rec.sig_name), lead, path)
    unit = (rec.units[k] or "mV").strip().lower()
    if unit not in _UNIT_TO_MV:
        raise InputFileError(f"{path}: signal {rec.sig_name[k]} is in {rec.units[k]!r}; expected mV, uV or V")
    rate = float(rec.fs)
    if fs is not None and not np.isclose(fs, rate):
        raise InputFileError(f"{path} says {rate:g} Hz but --fs {fs:g} was given")
    return _check_mv(rec.p_signal[:, k].astype(np.float64) * _UNIT_TO_MV[unit], path), rate
