"""BiLSTM-CNN GAN (Zhu et al., Sci. Rep. 2019) with its RNN/LSTM AE/VAE baselines, on MIT-BIH beats.

    ecgtf train bilstm-cnn-gan --minutes 10                 # python -m training.bilstm_cnn_gan
    ecgtf train bilstm-cnn-gan --variant lstm_vae
- :mod:`.networks`: :class:`BiLstmCnnGanConfig` (paper defaults), ``build_model``;
- training, sampling, export: shared with the other beat generators (:mod:`ecgtf.kits.beatgen`).
"""
from __future__ import annotations


def model_spec():
    from ecgtf.kits.beatgen import beat_model_spec

    from .networks import BiLstmCnnGanConfig

    return beat_model_spec("bilstm_cnn_gan", __name__, BiLstmCnnGanConfig, paper="Zhu 2019",
                           smoke_extra=("--variant", "lstm_ae"))
