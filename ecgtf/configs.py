"""Config dataclasses ↔ JSON, and the schema check of every JSON file ecgtf reads back.

:func:`config_from_dict` rebuilds a config dataclass from parsed JSON and refuses, naming the file and the field,
unknown keys, values of the wrong type (``"fs": "100"``, ``NaN``, ``null`` for a number) and settings no ECG model
has (a rate, window or hop ≤ 0, a band whose low edge is not below its high edge); :func:`read_json_object`
refuses a JSON file that is not an object. Run configs, exported metadata and presets all pass through here.
"""
from __future__ import annotations

import dataclasses
import json
import math
import typing
from pathlib import Path

from ecgtf.files import _json_default


def config_to_dict(cfg) -> dict:
    """A config dataclass as plain JSON-able data."""
    return json.loads(json.dumps(dataclasses.asdict(cfg), default=_json_default))


def _coerce(value, hint):
    """``value`` (parsed JSON) as type ``hint``: lists back to tuples, nested dataclasses rebuilt, ints to floats;
    ``TypeError`` saying what was expected when it is not of that type (NaN/inf are not numbers here)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if value is None:
        if hint is None or hint is typing.Any or type(None) in args:
            return None
        raise TypeError(f"null, expected {getattr(hint, '__name__', hint)}")
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(value, a)
            except (TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise TypeError(" or ".join(errors))
    if origin is tuple or hint is tuple:
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{type(value).__name__} {value!r}, expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0]) for v in value)
        if args:
            if len(value) != len(args):
                raise TypeError(f"{len(value)} values, expected {len(args)}")
            return tuple(_coerce(v, a) for v, a in zip(value, args))
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise TypeError(f"{value!r}, expected a finite number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{value!r}, expected a whole number")
        return value
    if hint is bool and not isinstance(value, bool):
        raise TypeError(f"{value!r}, expected true or false")
    if hint is str and not isinstance(value, str):
        raise TypeError(f"{value!r}, expected a string")
    if hint is dict and not isinstance(value, dict):
        raise TypeError(f"{value!r}, expected an object")
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise TypeError(f"{value!r}, expected an object ({hint.__name__})")
        return config_from_dict(hint, value)
    return value


POSITIVE_FIELDS = {"fs", "window", "hop", "length", "window_in", "window_out", "hop_in", "segment", "batch_size",
                   "epochs", "n_samples", "min_std_mv", "scale_mv"}
"""Config fields that must be > 0 wherever they appear (a window of 0 samples or a rate of 0 Hz is no setting)."""


def _check_values(obj, source: str) -> None:
    """``ValueError`` naming the field for values no ECG setting has: non-positive rates/windows/hops, a band whose
    low edge is not below its high edge."""
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if f.name in POSITIVE_FIELDS and isinstance(v, (int, float)) and not isinstance(v, bool) and not v > 0:
            raise ValueError(f"{source}: {type(obj).__name__}.{f.name} = {v!r}; expected a number > 0")
        if f.name.endswith("band_hz") and v is not None:
            if len(v) != 2 or not 0 <= v[0] < v[1]:
                raise ValueError(f"{source}: {type(obj).__name__}.{f.name} = {list(v)}; expected [low, high] Hz with "
                                 "0 ≤ low < high")


def config_from_dict(cls, d: dict, source: str = "config"):
    """Rebuild dataclass ``cls`` from :func:`config_to_dict` output (lists back to tuples, nested
    dataclasses rebuilt). Unknown keys, values of the wrong type (``"fs": "100"``, NaN) and impossible settings
    (a hop of 0, a reversed band) raise ``ValueError`` naming the field; missing keys take defaults."""
    if not isinstance(d, dict):
        raise ValueError(f"{source}: expected a JSON object for {cls.__name__}, got {type(d).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(d) - names)
    if unknown:
        raise ValueError(f"{source}: unknown {cls.__name__} field(s) {unknown}; expected some of {sorted(names)}")
    values = {}
    for k, v in d.items():
        try:
            values[k] = _coerce(v, hints.get(k))
        except TypeError as exc:
            raise ValueError(f"{source}: {cls.__name__}.{k}: {exc}") from None
    obj = cls(**values)
    _check_values(obj, source)
    return obj


def read_json_object(path: Path) -> dict:
    """A JSON object file ecgtf wrote (``{}`` when absent); ``ValueError`` naming the file when it is not one."""
    if not path.exists():
        return {}
    try:
        obj = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); the file is corrupt (delete it, or retrain)") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: expected a JSON object, got a {type(obj).__name__}; the file is corrupt")
    return obj
