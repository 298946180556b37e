"""The mobile (TFLite) module of any run: each model folder's ``mobile.py`` signature."""
from __future__ import annotations


def mobile_module(run, generator):
    """A batch-1 ``tf.Module`` with ``concrete_function()``, ``input_name``, ``output_name`` for ``run``'s model."""
    if run.model == "ekgan":
        from ecgtf.models.ekgan.mobile import EkganMobile

        return EkganMobile(generator, run.preprocessing.pad_rows)
    if run.model == "lstm_gan":
        from ecgtf.models.lstm_gan.mobile import LstmGanMobile

        return LstmGanMobile(generator)
    if run.model == "unet1d":
        from ecgtf.models.unet1d.mobile import Unet1dMobile

        return Unet1dMobile(generator)
    from importlib import import_module

    try:
        hooks = import_module(f"ecgtf.models.{run.model}.mobile")
    except ModuleNotFoundError:
        hooks = None
    if hooks is not None and hasattr(hooks, "mobile_module"):
        return hooks.mobile_module(run, generator)
    raise ValueError(f"no mobile signature for model {run.model!r}")
