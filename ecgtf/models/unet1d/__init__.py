"""The 1-D U-Net Lead I → 12-lead reconstructor (ecgtf's shipped model family).

- :mod:`.networks`: the network (:func:`build_reconstructor`, :class:`Unet1dConfig`);
- :mod:`.preprocessing`: band-pass, 100 Hz, windows (:class:`Unet1dPreprocessing`);
- :mod:`.model`: the training model for ``fit()``;
- :mod:`.trainer`: ``ecgtf train unet1d`` (data cache, streaming, checkpoints);
- :mod:`.mobile`: the phone-facing TFLite signature;
- :mod:`.presets`: trained weights shipped with the package.
"""
from __future__ import annotations


def _load_generator(run, weights: str = "final"):
    from ecgtf.models.common import load_network

    from .networks import build_reconstructor

    return load_network(run, "reconstructor", lambda: build_reconstructor(run.architecture), weights)


def _load_splits(run, progress: bool = False):
    from .trainer import load_splits

    return load_splits(run, progress)


def model_spec():
    from ecgtf.models import ModelSpec

    from .networks import Unet1dConfig
    from .preprocessing import Unet1dPreprocessing
    from .trainer import Unet1dData, Unet1dTraining

    return ModelSpec(name="unet1d", architecture=Unet1dConfig, preprocessing=Unet1dPreprocessing,
                     training=Unet1dTraining, data=Unet1dData, load_generator=_load_generator,
                     load_splits=_load_splits, trainer="ecgtf.models.unet1d.trainer", task="reconstruction")
