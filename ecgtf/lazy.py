"""Lazy package exports: a package's names are imported from its submodules only when used."""
from __future__ import annotations

from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str]):
    """A module ``__getattr__`` that imports ``package.<submodule>`` only when one of its names is used
    (so ``import ecgtf.models.ekgan.preprocessing`` does not load TensorFlow)."""

    def __getattr__(name):
        if name in exports:
            return getattr(import_module(f"{package}.{exports[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__
