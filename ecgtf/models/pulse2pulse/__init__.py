"""Pulse2Pulse: a WGAN-GP U-Net generator of 10 s, 8 independent leads (Thambawita et al., Sci. Rep. 2021).

    ecgtf train pulse2pulse --variant cpu --minutes 60      # python -m training.pulse2pulse
    ecgtf train pulse2pulse --variant finetune --init-generator runs/pulse2pulse-published   # continue published weights
    python -m training.evaluate_synthesis --sources real,dipole,runs/pulse2pulse-cpu

Trained on the millivolt 12-lead sets below the data root (never on the protocol's reference half of
PTB-XL); III, aVR, aVL, aVF are derived, so Einthoven's law holds exactly. As a data source:
``ecgtf.models.pulse2pulse.sample_records(run, n)`` (mV, 12 leads) or ``--data pulse2pulse:RUN``.
"""
from __future__ import annotations

from ecgtf.lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {"Pulse2PulseConfig": "networks", "generator": "networks",
                                      "discriminator": "networks", "build_model": "networks",
                                      "Pulse2PulseData": "data", "sample_records": "sampling"})


def model_spec():
    from ecgtf.registry import ModelSpec

    from .data import Pulse2PulseData, load_splits
    from .inference import load_generator_for_run
    from .networks import VARIANTS, Pulse2PulseConfig
    from .sampling import learned_source
    from .trainer import Pulse2PulseTraining

    return ModelSpec(name="pulse2pulse", architecture=Pulse2PulseConfig, preprocessing=Pulse2PulseData,
                     training=Pulse2PulseTraining, data=Pulse2PulseData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer", task="generation",
                     variants=tuple(VARIANTS), evaluate="ecgtf.synthesis_bench", mobile=f"{__name__}.mobile",
                     data_sources={"pulse2pulse": learned_source},
                     smoke_args=("--variant", "cpu", "--model-size", "10", "--critic-size", "2", "--data", "synthetic", "--n-synthetic", "8", "--batch-size", "4", "--epochs", "1", "--steps-per-epoch", "1", "--verbose", "0"))
