"""Reading a user's Lead I recording from CSV, NPY, WFDB or EDF, with errors that name the file.

    signal, fs = read_lead("watch.csv", fs=250)            # CSV/NPY need the rate
    signal, fs = read_lead("ptbxl/00001_hr")                # WFDB: rate and units from the header
    signal, fs = read_lead("night.edf", lead="I")           # EDF through wfdb's reader

Units: WFDB/EDF samples are converted to mV from the header units (µV and V are scaled; other
units are refused). CSV/NPY values are taken as mV; an amplitude implausible for mV
(|Lead I| p99 > 20) is refused with a message suggesting the unit fix.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ecgtf.leads import normalize_lead_name

_UNIT_TO_MV = {"mv": 1.0, "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "v": 1e3}


def to_millivolts(x: np.ndarray, units: str) -> np.ndarray:
    """``x`` given in ``units`` (``mV``, ``uV``/``µV`` or ``V``) in millivolts."""
    key = str(units).strip().lower()
    if key not in _UNIT_TO_MV:
        raise ValueError(f"units {units!r}: expected 'mV', 'uV' or 'V'")
    return np.asarray(x, dtype=np.float64) * _UNIT_TO_MV[key]


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


def input_files(path: str | Path) -> list[Path]:
    """The files :func:`read_lead` reads for ``path``: a WFDB record's header and its signal files, else ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".hea", ".dat") or (not suffix and path.with_suffix(".hea").exists()):
        base = path.with_suffix("")
        files = [base.with_suffix(".hea"), base.with_suffix(".dat")]
        try:
            import wfdb

            files += [base.parent / f for f in wfdb.rdheader(str(base)).file_name or []]
        except Exception:   # an unreadable header is reported by read_lead
            pass
        return list(dict.fromkeys(files))
    return [path]


def read_lead(path: str | Path, fs: float | None = None, lead: str = "I",
              units: str = "mV") -> tuple[np.ndarray, float]:
    """One lead ``(n,)`` in mV and its sampling rate from a CSV, NPY, WFDB record or EDF file. ``units``: what the
    numbers of a CSV/NPY file are in (WFDB and EDF headers say it themselves).

    Lead names in the file (WFDB/EDF signal names, a CSV header) win: ``lead`` picks a lead by name, and a
    single named column whose name is another lead is refused rather than taken for ``lead``."""
    path = Path(path)
    try:
        lead = normalize_lead_name(lead)
    except ValueError as exc:
        raise InputFileError(f"--lead {lead!r}: {exc}") from None
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
    return _check_mv(to_millivolts(x, units), path), float(fs)


def read_leads(path: str | Path, fs: float | None = None, leads=None,
               units: str = "mV") -> tuple[np.ndarray, float, tuple[str, ...]]:
    """Several leads ``(k, n)`` in mV, the rate and their canonical names. ``leads`` (``("I", "II")`` or ``"I,II"``)
    picks them by name; without it, a CSV whose header names leads gives all of them, anything else Lead I."""
    from ecgtf.leads import lead_names

    path = Path(path)
    if leads is None:
        named = _csv_lead_columns(path) if path.suffix.lower() in (".csv", ".txt") and path.exists() else []
        leads = named or ("I",)
    names = lead_names(leads)
    suffix = path.suffix.lower()
    if len(names) > 1 and (suffix in (".hea", ".dat") or (not suffix and path.with_suffix(".hea").exists())):
        base = path.with_suffix("")                          # a WFDB record: read (and checksum) it once
        signals, rate, in_file = read_wfdb_mv(base)
        if fs is not None and not np.isclose(fs, rate):
            raise InputFileError(f"{base}.hea says {rate:g} Hz but --fs {fs:g} was given; drop --fs for WFDB records")
        rows = [_check_mv(signals[_pick_lead(in_file, name, base)].astype(np.float64), base) for name in names]
        return np.stack(rows), float(rate), names
    rows, rate = [], None
    for name in names:                                       # CSV/NPY/EDF: small files, read per lead
        x, rate = read_lead(path, fs, name, units)
        rows.append(x)
    if len({r.size for r in rows}) > 1:
        raise InputFileError(f"{path}: leads {list(names)} have different lengths {[r.size for r in rows]}")
    return np.stack(rows), float(rate), names


def _csv_lead_columns(path: Path) -> list[str]:
    """The leads a CSV's header names, in column order (empty without a header naming leads)."""
    header, _ = _csv_table(path)
    return [lead for lead in map(_lead_of_header, header or []) if lead is not None]


def _csv_table(path: Path) -> tuple[list[str] | None, np.ndarray]:
    """(header or None, data (rows, columns)) of a CSV (``,``/``;``/whitespace separated, ``#`` comments)."""
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
    if header is not None and len(header) != data.shape[1]:
        if data.shape[1] != 1:
            raise InputFileError(f"{path}: the header names {len(header)} columns ({header}) but the rows have "
                                 f"{data.shape[1]}; expected one name per column")
        header = [rows[0].strip().strip('"')]   # one column whose name has spaces ("lead I")
    return header, data


def _read_csv(path: Path, lead: str) -> np.ndarray:
    header, data = _csv_table(path)
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
        said = _lead_of_header(named[0])   # None for a header such as "ecg" or "mV": the lead the caller names
        if said is not None and said != normalize_lead_name(lead):
            raise InputFileError(f"{path}: the column is headed {named[0]!r} (lead {said}), but lead {lead} was "
                                 f"asked for; if {said} is what you recorded, say so (--leads {said}, "
                                 f"leads=[\"{said}\"])")
        return data[:, cols.index(named[0])]
    return data[:, _pick_lead([c.split("_")[0] for c in cols], lead, path)]


def _lead_of_header(name: str) -> str | None:
    """The lead a column header names (``II``, ``lead II``, ``Lead_II``, ``II_mV``, ``II (mV)``), or ``None`` (also for
    the bounds of a band, ``II_lo_mV`` / ``II_hi``, that ecgtf's outputs carry)."""
    if re.search(r"_(lo|hi)(_|$)", name.strip(), flags=re.IGNORECASE):
        return None
    text = re.sub(r"^\s*lead[\s_-]*", "", name, flags=re.IGNORECASE)
    text = re.split(r"[\s_(\[]", text.strip(), maxsplit=1)[0]
    try:
        return normalize_lead_name(text)
    except ValueError:
        return None


def checksum_mismatches(rec) -> str | None:
    """What is wrong when a WFDB record's 16-bit sample sums differ from its header's checksums (read with
    ``physical=False``), else ``None``: a ``.dat`` overwritten at constant size, or another record's."""
    if rec.checksum is None or rec.d_signal is None:
        return None
    sums = rec.d_signal.astype(np.int64).sum(axis=0) & 0xFFFF
    expected = np.asarray(rec.checksum, dtype=np.int64) & 0xFFFF
    bad = np.flatnonzero(sums != expected)
    if not bad.size:
        return None
    return (f"checksum mismatch in signal(s) {[rec.sig_name[i] for i in bad]} (header {expected[bad].tolist()}, data "
            f"{sums[bad].tolist()}): the .dat file is corrupt or belongs to another header")


def read_wfdb_mv(base: str | Path) -> tuple[np.ndarray, float, list[str]]:
    """Every signal of a WFDB record in mV: ``(signals (n_signals, n) float64, fs, names)``. The header's
    checksums are verified and its units converted (µV, mV, V; other units are refused naming the signal)."""
    import wfdb

    base = Path(base)
    if not base.with_suffix(".hea").exists():
        raise InputFileError(f"{base}.hea: WFDB header not found")
    try:
        rec = wfdb.rdrecord(str(base), physical=False)
        problem = checksum_mismatches(rec)
        signal = rec.dac(return_res=64) if problem is None else None
    except Exception as exc:  # wfdb raises many types for corrupt files
        raise InputFileError(f"{base}: cannot read WFDB record ({type(exc).__name__}: {exc})") from exc
    if problem is not None:
        raise InputFileError(f"{base}: {problem}")
    if signal is None or signal.ndim != 2 or signal.shape[0] == 0:
        raise InputFileError(f"{base}: record has no samples")
    scale = []
    for name, unit in zip(rec.sig_name, rec.units):
        unit = (unit or "mV").strip().lower()
        if unit not in _UNIT_TO_MV:
            raise InputFileError(f"{base}.hea: signal {name} is in {unit!r}; expected mV, uV or V")
        scale.append(_UNIT_TO_MV[unit])
    return (signal * np.asarray(scale)).T, float(rec.fs), list(rec.sig_name)


def _read_wfdb(base: Path, fs: float | None, lead: str) -> tuple[np.ndarray, float]:
    import wfdb

    if not base.with_suffix(".hea").exists():
        raise InputFileError(f"{base}.hea: WFDB header not found")
    try:
        names = list(wfdb.rdheader(str(base)).sig_name)
    except Exception as exc:
        raise InputFileError(f"{base}: cannot read WFDB header ({type(exc).__name__}: {exc})") from exc
    k = _pick_lead(names, lead, base)
    signals, rate, _ = read_wfdb_mv(base)
    if fs is not None and not np.isclose(fs, rate):
        raise InputFileError(f"{base}.hea says {rate:g} Hz but --fs {fs:g} was given; drop --fs for WFDB records")
    return _check_mv(signals[k].astype(np.float64), base), rate


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
