"""What the MIT-BIH beat generators share: the training models, data, trainer, sampling and phone signature.

Each paper's generator lives in its own folder (``bilstm_cnn_gan``, ``lstm_cnn_gans``, ``wavenet_gan``,
``normal_beat_gans``, ``conditional_beat_gan``) with a config dataclass whose defaults are the paper's
numbers and a ``build_model(config)``; this package provides the pieces they are built from:

- :mod:`.engine`: :class:`BeatGAN` (non-saturating BCE or WGAN-GP, optionally class-conditional),
  :class:`BeatAutoencoder` (AE, VAE, adversarial AE) — each a ``keras.Model`` trained with ``fit()``;
- :mod:`.data`: beats from MIT-BIH (DS1 train / DS2 held out, :mod:`ecgtf.data.mitdb_beats`) or synthetic;
- :mod:`.trainer`: one trainer for all of them (``ecgtf train NAME``);
- :mod:`.mobile`: the batch-1 TFLite signature (noise [+ class one-hot] → beat);
- :mod:`.sampling`: ``sample_beats(run, n, labels)``.

The bench over all of them is ``python -m training.evaluate_beat_generators``.
"""
from __future__ import annotations

from importlib import import_module

from ecgtf import registry

FAMILY = "mitdb-beats"
"""``ModelSpec.family`` of the beat generators built on this kit (the LSTM-GAN has its own LUDB data path)."""


def beat_models() -> tuple[str, ...]:
    """Registry names of the beat-generator folders (every spec of :data:`FAMILY`)."""
    return tuple(s.name for s in registry.specs() if s.family == FAMILY)


SMOKE_ARGS = ("--data", "synthetic", "--n-synthetic", "8", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "8",
              "--verbose", "0")
"""A tiny run of any beat generator (``ModelSpec.smoke_args``)."""


def beat_model_spec(name: str, package: str, architecture: type, task: str = "generation", paper: str = "",
                    smoke_extra: tuple[str, ...] = ()):
    """The :class:`ecgtf.registry.ModelSpec` of a beat-generator folder."""
    from ecgtf.data.mitdb_beats import BeatWindowConfig
    from ecgtf.registry import ModelSpec

    from .data import BeatGenData, load_splits
    from .inference import load_generator_for_run
    from .trainer import BeatGenTraining

    variants = tuple(import_module(f"{package}.networks").VARIANTS)
    return ModelSpec(name=name, architecture=architecture, preprocessing=BeatWindowConfig, training=BeatGenTraining,
                     data=BeatGenData, load_generator=load_generator_for_run, load_splits=load_splits,
                     trainer=f"{package}.trainer", task=task, family=FAMILY, paper=paper, smoke_args=SMOKE_ARGS + tuple(smoke_extra), variants=variants,
                     evaluate=f"{__name__}.evaluate", mobile=f"{package}.mobile")
