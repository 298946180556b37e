"""The diagnostic 12-lead ECG classifier (a 1-D ResNet after Ribeiro et al., Nat. Commun. 2020) and the
EKGAN paper's Table 4 on public data: which diagnoses survive Lead I → 12-lead reconstruction.

- :mod:`.networks`: :class:`ResNetConfig` (the paper's defaults) and :func:`build_classifier`;
- :mod:`.data`: labelled records of PTB-XL, the z-scored PTB-XL rows, LUDB, CinC 2021 (+ synthetic),
  classes with a known-label mask, patient-disjoint splits, the shared preprocessing;
- :mod:`.trainer`: ``ecgtf train classifier`` (12 leads, or ``--leads I`` for the single-lead floor);
- :mod:`.scoring`: AUROC, F1, thresholds, bootstrap intervals;
- :mod:`.evaluate`: ``ecgtf evaluate --diagnostic``: the same held-out records classified from the
  original 12 leads, from each reconstructor's output, and from Lead I alone.
"""
from __future__ import annotations


def model_spec():
    from ecgtf.registry import ModelSpec

    from .data import ClassifierData, ClassifierPreprocessing, load_splits
    from .inference import load_generator_for_run
    from .networks import ResNetConfig
    from .trainer import ClassifierTraining

    return ModelSpec(name="classifier", architecture=ResNetConfig, preprocessing=ClassifierPreprocessing,
                     training=ClassifierTraining, data=ClassifierData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer", task="classification",
                     evaluate=f"{__name__}.evaluate", evaluate_flags=("--diagnostic",),
                     smoke_args=("--data", "synthetic", "--synthetic", "48", "--fs", "100", "--n-samples", "1024", "--width", "0.125", "--epochs", "1", "--batch-size", "16", "--verbose", "0"))
