"""EKGAN (Joo et al., MICCAI 2023): Lead I → 12 leads, everything in one folder.

- :mod:`.networks`: inference generator, label generator, 1-D U-Net discriminator, :class:`EkganConfig`;
- :mod:`.model`: the :class:`EKGAN` training model (``fit()``);
- :mod:`.preprocessing`: the paper's preprocessing (:class:`EkganPreprocessing`) and (16, 512, 1) layout;
- :mod:`.trainer`: ``ecgtf train ekgan`` / ``python -m training.ekgan``;
- :mod:`.mobile`: the phone-facing TFLite signature (``lead_i`` → ``leads``).

Names are imported lazily so that ``import ecgtf.models.ekgan.preprocessing`` does not load TensorFlow.
"""
from __future__ import annotations

from ecgtf.models import lazy_exports

_EXPORTS = {
    "EkganConfig": "networks", "build_inference_generator": "networks", "build_label_generator": "networks",
    "build_discriminator": "networks", "PhysicsHead": "networks",
    "EKGAN": "model", "adversarial_loss": "model", "l1": "model",
    "EkganPreprocessing": "preprocessing", "EkganTraining": "trainer", "EkganData": "trainer",
    "EkganMobile": "mobile",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)


def model_spec():
    from ecgtf.models import ModelSpec

    from .networks import EkganConfig
    from .preprocessing import EkganPreprocessing
    from .trainer import EkganData, EkganTraining, load_generator_for_run, load_splits

    return ModelSpec(name="ekgan", architecture=EkganConfig, preprocessing=EkganPreprocessing,
                     training=EkganTraining, data=EkganData, load_generator=load_generator_for_run,
                     load_splits=load_splits, trainer="ecgtf.models.ekgan.trainer", task="reconstruction")
