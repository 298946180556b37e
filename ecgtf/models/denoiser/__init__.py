"""ECG denoising GANs: the LSTM-DCGAN of Wang et al. (Comput. Math. Methods Med. 2023, 6737102) and its
DCGAN and LSTM-GAN baselines, trained on MIT-BIH MLII with NSTDB noise; classical baselines
(band-pass, wavelet) in :mod:`.classical`; the bench in :mod:`.bench`.

    ecgtf train denoiser --variant lstm_dcgan --minutes 15      # python -m training.denoiser
    python -m training.evaluate_denoisers runs/denoiser-*        # the README's table
    ecgtf reconstruct lead_i.csv --denoise runs/denoiser-…        # denoise Lead I before reconstruction
"""
from __future__ import annotations


def model_spec():
    from ecgtf.models import ModelSpec

    from .data import DenoiserData, DenoiseWindow, load_splits
    from .networks import DenoiserConfig
    from .trainer import DenoiserTraining, load_generator_for_run

    return ModelSpec(name="denoiser", architecture=DenoiserConfig, preprocessing=DenoiseWindow,
                     training=DenoiserTraining, data=DenoiserData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer", task="denoising")
