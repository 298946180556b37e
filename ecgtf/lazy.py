"""Lazy package exports (a package's names imported from its submodules only when used), and the user API handed
down to code below it."""
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


def require_api(api, who: str):
    """``api`` (the user API namespace, :data:`ecgtf.user_api.API`, handed down by a caller above the model
    folders), or a clear error when the caller did not hand it down."""
    if api is None:
        raise ValueError(f"{who} needs the user API (ecgtf.user_api.API): run it as `ecgtf evaluate …` or through "
                         "its `python -m training.…` command")
    return api
