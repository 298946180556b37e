"""The LSTM/BiLSTM × LSTM/CNN GAN grid of Delaney, Brophy & Ward (2019) on 125 Hz MIT-BIH beats.

    ecgtf train lstm-cnn-gans --variant bilstm_cnn --minutes 10     # python -m training.lstm_cnn_gans
"""
from __future__ import annotations


def model_spec():
    from ecgtf.kits.beatgen import beat_model_spec

    from .networks import LstmCnnGansConfig

    return beat_model_spec("lstm_cnn_gans", __name__, LstmCnnGansConfig, paper="Delaney 2019")
