"""LSTM-GAN (the TF2 "ecgGAN" codebase): BiLSTM-CNN generator of single ECG beats, in one folder.

- :mod:`.networks`: generator, discriminator, :class:`LstmGanConfig`, beat generation;
- :mod:`.model`: the :class:`LSTMGAN` training model (``fit()``);
- :mod:`.weights`: loading the original ``.h5`` weights;
- :mod:`.preprocessing`: the notebook's beat windows;
- :mod:`.trainer`, :mod:`.evaluate`: ``ecgtf train lstm-gan`` and its evaluation;
- :mod:`.mobile`: the phone-facing TFLite signature (``noise`` → ``beat``).
"""
from __future__ import annotations

from ecgtf.models import lazy_exports

_EXPORTS = {
    "LstmGanConfig": "networks", "build_generator": "networks", "build_discriminator": "networks",
    "check_noise": "networks", "generate_beats": "networks", "LSTMGAN": "model",
    "WeightsFileError": "weights", "load_original_weights": "weights", "load_original_generator": "weights",
    "load_original_discriminator": "weights", "LstmGanMobile": "mobile",
    "LstmGanTraining": "trainer", "LstmGanData": "trainer",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)


def model_spec():
    from ecgtf.models import ModelSpec

    from .networks import LstmGanConfig
    from .preprocessing import BeatWindowing
    from .trainer import LstmGanData, LstmGanTraining, load_generator_for_run, load_splits

    return ModelSpec(name="lstm_gan", architecture=LstmGanConfig, preprocessing=BeatWindowing,
                     training=LstmGanTraining, data=LstmGanData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer="ecgtf.models.lstm_gan.trainer", task="generation")
