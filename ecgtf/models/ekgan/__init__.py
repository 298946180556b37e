"""EKGAN (Joo et al., MICCAI 2023): Lead I → 12 leads, everything in one folder.

- :mod:`.networks`: inference generator, label generator, 1-D U-Net discriminator, :class:`EkganConfig`;
- :mod:`.model`: the :class:`EKGAN` training model (``fit()``);
- :mod:`.preprocessing`: the paper's preprocessing (:class:`EkganPreprocessing`) and (16, 512, 1) layout;
- :mod:`.trainer`: ``ecgtf train ekgan`` / ``python -m training.ekgan``;
- :mod:`.inference`: a run's generator, window pipeline and Keras window function;
- :mod:`.evaluate`: ``ecgtf evaluate RUN`` (the paper's protocol);
- :mod:`.streaming`: the raw 500 Hz live stream of the Android core;
- :mod:`.quantization`: skip-range equalisation and QAT for int8;
- :mod:`.baselines`: Pix2Pix, CycleGAN and CardioGAN, trained by the same trainer (``--variant``);
- :mod:`.mobile`: the phone-facing TFLite signature (``lead_i`` → ``leads``).

Names are imported lazily so that ``import ecgtf.models.ekgan.preprocessing`` does not load TensorFlow.
"""
from __future__ import annotations

from ecgtf.lazy import lazy_exports

_EXPORTS = {
    "EkganConfig": "networks", "build_inference_generator": "networks", "build_label_generator": "networks",
    "build_discriminator": "networks", "PhysicsHead": "networks",
    "EKGAN": "model", "adversarial_loss": "model", "l1": "model",
    "EkganPreprocessing": "preprocessing", "EkganTraining": "trainer", "EkganData": "trainer",
    "EkganMobile": "mobile",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)


def _upgrade_v1(cfg: dict) -> dict:
    """An ecgtf 0.1 (format 1) EKGAN config's sections in the current layout."""
    t, d = dict(cfg.get("training", {})), dict(cfg.get("data", {}))
    return {"architecture": dict(cfg.get("architecture", {})), "preprocessing": dict(cfg.get("preprocessing", {})),
            "training": {k: v for k, v in t.items() if k != "seed"},
            "data": {"source": d.get("source", "synthetic"), "data_dir": d.get("data_dir"),
                     "n_synthetic": d.get("n_synthetic", 600), "max_train": d.get("max_train"),
                     "augment_crops": d.get("augment_crops", 1), "seed": t.get("seed", 0)}}


def model_spec():
    from ecgtf.registry import ModelSpec

    from .golden import golden_vectors
    from .inference import keras_windows, load_generator_for_run, window_pipeline
    from .networks import EkganConfig
    from .preprocessing import EkganPreprocessing
    from .trainer import VARIANTS, EkganData, EkganTraining, load_splits

    return ModelSpec(name="ekgan", task="reconstruction", architecture=EkganConfig, preprocessing=EkganPreprocessing,
                     training=EkganTraining, data=EkganData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer=f"{__name__}.trainer",
                     description="EKGAN (Joo et al., MICCAI 2023), Lead I → 12 leads; baselines by --variant",
                     variants=VARIANTS, shortcuts={"pix2pix": ("--variant", "pix2pix"),
                                                   "cyclegan": ("--variant", "cyclegan"),
                                                   "cardiogan": ("--variant", "cardiogan")},
                     evaluate=f"{__name__}.evaluate", mobile=f"{__name__}.mobile",
                     export_formats=("float32", "float16", "dynamic", "int8", "qat"),
                     window_pipeline=window_pipeline, keras_windows=keras_windows, upgrade_v1=_upgrade_v1,
                     golden=golden_vectors,
                     quickstart=("--width", "0.25", "--epochs", "40", "--n-synthetic", "1200", "--batch-size", "32",
                                 "--normalization", "fixed", "--seed", "0"),
                     smoke_args=("--n-synthetic", "24", "--width", "0.0625", "--batch-size", "4", "--epochs", "1",
                                 "--normalization", "fixed", "--verbose", "0"))
