"""Presets: trained models that ship inside the package, opened by name.

    ecgtf.presets.list_presets()                      # {name: description}
    ecgtf.Reconstructor.from_preset("unet1d_12lead")
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ecgtf import registry


def _all() -> dict:
    """Every preset of every registered model (``ModelSpec.presets``): name → {description, folder, path, …}."""
    out = {}
    for spec in registry.specs():
        if spec.presets is None:
            continue
        m = import_module(spec.presets)
        for name, p in m.PRESETS.items():
            out[name] = {**p, "path": m.PRESET_ROOT / p["folder"]}
    return out


def list_presets() -> dict[str, str]:
    """Names and descriptions of the presets installed with this package (only those whose files exist)."""
    return {n: p["description"] for n, p in _all().items() if (p["path"] / "config.json").exists()}


def preset_dir(name: str) -> Path:
    """The folder of preset ``name``; ``ValueError`` listing the available ones otherwise."""
    presets = _all()
    if name not in presets or not (presets[name]["path"] / "config.json").exists():
        raise ValueError(f"unknown preset {name!r}; installed presets: {sorted(list_presets()) or 'none'}")
    return presets[name]["path"]


def preset_tflite(name: str, fmt: str = "int8") -> Path:
    """The validated ``.tflite`` of a preset in ``fmt``."""
    d = preset_dir(name)
    files = sorted(d.glob(f"*_{fmt}.tflite"))
    if not files:
        raise FileNotFoundError(f"preset {name!r} ships no {fmt} .tflite (in {d})")
    return files[0]


def preset_phone_tflite(name: str) -> Path:
    """The ``.tflite`` a phone should use for preset ``name`` (its ``phone_format``, see the preset's model card)."""
    presets = _all()
    preset_dir(name)  # raises for unknown names
    return preset_tflite(name, presets[name].get("phone_format", "int8"))
