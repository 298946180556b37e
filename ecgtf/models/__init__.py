"""Model registry: one folder per model family, each describing itself with a :class:`ModelSpec`.

Adding a model = adding a folder ``ecgtf/models/NAME/`` whose ``__init__`` defines ``model_spec()``
and listing it in :data:`MODEL_FOLDERS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from ecgtf.models.beatgen import BEAT_MODELS

MODEL_FOLDERS = {"ekgan": "ecgtf.models.ekgan", "lstm_gan": "ecgtf.models.lstm_gan", "unet1d": "ecgtf.models.unet1d",
                 "denoiser": "ecgtf.models.denoiser", "me_gan": "ecgtf.models.me_gan",
                 "classifier": "ecgtf.models.classifier", "pulse2pulse": "ecgtf.models.pulse2pulse",
                 **{name: f"ecgtf.models.{name}" for name in BEAT_MODELS}}
"""Registry name → package. ``pix2pix`` is trained as an EKGAN variant (``--variant pix2pix``)."""

ALIASES = {"lstm-gan": "lstm_gan", "pix2pix": "ekgan", "me-gan": "me_gan", **{n.replace("_", "-"): n for n in BEAT_MODELS}}


@dataclass(frozen=True)
class ModelSpec:
    """What the library needs to know about a model family to open its runs."""

    name: str
    architecture: type
    preprocessing: type
    training: type
    data: type
    load_generator: Callable
    """``(run, weights) → keras.Model``."""
    load_splits: Callable
    """``(run, progress) → dict`` of the run's data splits."""
    trainer: str
    """Module with ``main(argv)``: ``ecgtf train NAME``."""
    task: str
    """``reconstruction`` (Lead I → 12 leads), ``generation`` or ``denoising``."""


def lazy_exports(package: str, exports: dict[str, str]):
    """A module ``__getattr__`` that imports ``package.<submodule>`` only when one of its names is used
    (so ``import ecgtf.models.ekgan.preprocessing`` does not load TensorFlow)."""

    def __getattr__(name):
        if name in exports:
            return getattr(import_module(f"{package}.{exports[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__


def get_model_spec(name: str | None, source: str = "config") -> ModelSpec:
    key = ALIASES.get(str(name), str(name))
    if key not in MODEL_FOLDERS:
        raise ValueError(f"{source}: unknown model {name!r}; expected one of {sorted(MODEL_FOLDERS)}")
    return import_module(MODEL_FOLDERS[key]).model_spec()
