"""The 1-D U-Net Lead I → 12-lead reconstructor (ecgtf's shipped model family).

- :mod:`.networks`: the network (:func:`build_reconstructor`, :class:`Unet1dConfig`);
- :mod:`.preprocessing`: band-pass, 100 Hz, windows (:class:`Unet1dPreprocessing`);
- :mod:`.model`: the training model for ``fit()``;
- :mod:`.trainer`: ``ecgtf train unet1d`` (data cache, streaming, checkpoints);
- :mod:`.inference`: a run's network and window pipeline;
- :mod:`.mobile`: the phone-facing TFLite signature;
- :mod:`.presets`: trained weights shipped with the package.
"""
from __future__ import annotations


def model_spec():
    from ecgtf.registry import ModelSpec

    from .golden import golden_vectors
    from .inference import input_leads, keras_windows, load_generator, window_pipeline
    from .networks import Unet1dConfig
    from .preprocessing import Unet1dPreprocessing
    from .trainer import Unet1dData, Unet1dTraining, load_splits

    # int8 budget 0.035: selective int8 (normalisation, amplitude head, output and first block in float, see
    # .mobile.Unet1dMobile.float_tensors) measured 1.8 % (ensemble preset) and 2.0 % (Lead I Lite) of the output's std
    # vs Keras on PTB-XL test windows; the any-leads Lite (its own-scaled lead channels quantized too) 2.9–3.1 %,
    # which moves its RMSE vs the truth by 0.2 % (0.1136 vs 0.1134 mV). Keeping more ops in float left the file
    # mostly float32 (refused by the export check).
    return ModelSpec(name="unet1d", task="reconstruction", architecture=Unet1dConfig,
                     preprocessing=Unet1dPreprocessing, training=Unet1dTraining, data=Unet1dData,
                     load_generator=load_generator, load_splits=load_splits, trainer=f"{__name__}.trainer",
                     description="1-D U-Net Lead I → 12 leads in mV (the shipped presets)",
                     evaluate="ecgtf.reconstruction_eval", mobile=f"{__name__}.mobile",
                     export_formats=("float32", "float16", "dynamic", "int8"), format_budgets={"int8": 0.035},
                     window_pipeline=window_pipeline, keras_windows=keras_windows,
                     input_leads=input_leads, presets=f"{__name__}.presets", golden=golden_vectors,
                     smoke_args=("--data", "synthetic:1", "--n-synthetic", "12", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "4", "--filters", "4,8,8", "--kernel", "3", "--verbose", "0"))
