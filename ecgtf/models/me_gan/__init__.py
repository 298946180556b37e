"""ME-GAN (Chen et al., ICML 2022): disease-conditioned multi-view (12-lead) beat synthesis with a
panoptic electrocardio representation, MixupNorm and a view discriminator; its Table 4 ablations and
two baselines (conditional DCGAN, BiLSTM-CNN GAN adapted to 12 views); the bench (1NNC, FID/rFID with a
self-trained 1-D Inception, multi-view consistency, a utility test) in :mod:`.evaluate`.

    ecgtf train me-gan --width 64 --epochs 40               # python -m training.me_gan
    ecgtf train me-gan --ablation self_modulation …         # or --variant cdcgan | bilstm_cnn
    python -m training.evaluate_me_gan runs/me-gan-* --out DIR   # the README's table
    ecgtf export runs/me-gan-…                              # condition + noise → 12 × 512 TFLite
"""
from __future__ import annotations


def model_spec():
    from ecgtf.registry import ModelSpec

    from .data import BeatConfig, MeganData, load_splits
    from .inference import load_generator_for_run
    from .networks import VARIANTS, MeganConfig
    from .trainer import MeganTraining

    return ModelSpec(name="me_gan", architecture=MeganConfig, preprocessing=BeatConfig, training=MeganTraining,
                     data=MeganData, load_generator=load_generator_for_run, load_splits=load_splits,
                     trainer=f"{__name__}.trainer", task="generation",
                     variants=tuple(VARIANTS), evaluate=f"{__name__}.evaluate", mobile=f"{__name__}.mobile",
                     smoke_args=("--data", "synthetic", "--n-synthetic", "24", "--width", "16", "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "4", "--verbose", "0"))
