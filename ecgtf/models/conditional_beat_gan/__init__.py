"""A class-conditional LSTM/FCN GAN (after Ehrhart et al., Sensors 2022) of MIT-BIH beats N, L, R, V, A.

    ecgtf train conditional-beat-gan --minutes 10    # python -m training.conditional_beat_gan
"""
from __future__ import annotations


def model_spec():
    from ecgtf.kits.beatgen import beat_model_spec

    from .networks import ConditionalBeatGanConfig

    return beat_model_spec("conditional_beat_gan", __name__, ConditionalBeatGanConfig, paper="cond. GAN (Sensors 2022)")
