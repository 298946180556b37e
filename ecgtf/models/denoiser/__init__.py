"""ECG denoising GANs: the LSTM-DCGAN of Wang et al. (Comput. Math. Methods Med. 2023, 6737102) and its
DCGAN and LSTM-GAN baselines, trained on MIT-BIH MLII with NSTDB noise; classical baselines
(band-pass, wavelet) in :mod:`ecgtf.preprocessing.denoise`; the bench in :mod:`.evaluate`.

    ecgtf train denoiser --variant lstm_dcgan --minutes 15      # python -m training.denoiser
    python -m training.evaluate_denoisers runs/denoiser-*        # the README's table
    ecgtf reconstruct lead_i.csv --denoise runs/denoiser-…        # denoise Lead I before reconstruction
"""
from __future__ import annotations


def model_spec():
    from ecgtf.registry import ModelSpec

    from .data import DenoiserData, DenoiseWindow, load_splits
    from .inference import load_generator_for_run
    from .networks import VARIANTS, DenoiserConfig
    from .trainer import DenoiserTraining

    return ModelSpec(name="denoiser", architecture=DenoiserConfig, preprocessing=DenoiseWindow,
                     training=DenoiserTraining, data=DenoiserData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer", task="denoising",
                     variants=tuple(VARIANTS), evaluate=f"{__name__}.evaluate", mobile=f"{__name__}.mobile",
                     smoke_args=("--data", "synthetic", "--n-synthetic", "4", "--length", "256", "--filters", "8,16", "--epochs", "2", "--steps-per-epoch", "3", "--batch-size", "8", "--verbose", "0"))
