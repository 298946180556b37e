"""WaveNet- and GAN-based generators of N/L/R MIT-BIH fragments (Neurocomputing 2020), class-conditional.

    ecgtf train wavenet-gan --variant wavenet --minutes 10     # python -m training.wavenet_gan
    ecgtf train wavenet-gan --variant gan --before 180 --after 180    # the QRS-centred 360-sample variant
"""
from __future__ import annotations


def model_spec():
    from ecgtf.kits.beatgen import beat_model_spec

    from .networks import WavenetGanConfig

    return beat_model_spec("wavenet_gan", __name__, WavenetGanConfig, paper="Neurocomputing 2020",
                           smoke_extra=("--before", "50", "--after", "50"))
