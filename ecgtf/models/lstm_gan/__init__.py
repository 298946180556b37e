"""LSTM-GAN (the TF2 "ecgGAN" codebase): BiLSTM-CNN generator of single ECG beats, in one folder.

- :mod:`.networks`: generator, discriminator, :class:`LstmGanConfig`, beat generation;
- :mod:`.model`: the :class:`LSTMGAN` training model (``fit()``);
- :mod:`.weights`: loading the original ``.h5`` weights;
- :mod:`.preprocessing`: the notebook's beat windows;
- :mod:`.trainer`, :mod:`.evaluate`: ``ecgtf train lstm-gan`` and its evaluation;
- :mod:`.mobile`: the phone-facing TFLite signature (``noise`` → ``beat``).
"""
from __future__ import annotations

from ecgtf.lazy import lazy_exports

_EXPORTS = {
    "LstmGanConfig": "networks", "build_generator": "networks", "build_discriminator": "networks",
    "check_noise": "networks", "generate_beats": "networks", "LSTMGAN": "model",
    "WeightsFileError": "weights", "load_original_weights": "weights", "load_original_generator": "weights",
    "load_original_discriminator": "weights", "LstmGanMobile": "mobile",
    "LstmGanTraining": "trainer", "LstmGanData": "trainer",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)


def _upgrade_v1(cfg: dict) -> dict:
    """An ecgtf 0.1 (format 1) LSTM-GAN config's sections in the current layout."""
    t, d = dict(cfg.get("training", {})), dict(cfg.get("data", {}))
    return {"architecture": {}, "preprocessing": {}, "training": {k: v for k, v in t.items() if k != "seed"},
            "data": {"source": d.get("source", "ludb"), "data_dir": d.get("data_dir"), "lead": d.get("lead", "I"),
                     "seed": t.get("seed", 0)}}


def model_spec():
    from ecgtf.registry import ModelSpec

    from .inference import load_generator_for_run
    from .networks import LstmGanConfig
    from .preprocessing import BeatWindowing
    from .trainer import LstmGanData, LstmGanTraining, load_splits

    return ModelSpec(name="lstm_gan", architecture=LstmGanConfig, preprocessing=BeatWindowing,
                     training=LstmGanTraining, data=LstmGanData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer", task="generation",
                     aliases=("lstm-gan",), evaluate=f"{__name__}.evaluate", evaluate_flags=("--original",),
                     mobile=f"{__name__}.mobile", upgrade_v1=_upgrade_v1,
                     smoke_args=("--n-synthetic", "12", "--batch-size", "32", "--epochs", "1", "--verbose", "0"))
