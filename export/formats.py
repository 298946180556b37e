"""The one table of export formats: it drives conversion, validation budgets and the CLI choices.

    python -m export --list-formats       # prints this table
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.models.beatgen import BEAT_MODELS

ALL_MODELS = ("ekgan", "lstm_gan", "unet1d", *BEAT_MODELS, "denoiser", "me_gan", "pulse2pulse")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    optimize: bool
    """``tf.lite.Optimize.DEFAULT`` (weight quantization)."""
    float16_weights: bool = False
    int8_activations: bool = False
    """Full-integer kernels (``TFLITE_BUILTINS_INT8``); float32 input/output."""
    calibration: bool = False
    """Needs representative (calibration) windows."""
    budget: float = 0.10
    """Default validation budget: RMS error vs Keras / std of the Keras output."""
    models: tuple[str, ...] = ALL_MODELS
    default_for: tuple[str, ...] = ALL_MODELS
    """Models that export this format when no ``--formats`` is given."""
    model_budgets: tuple[tuple[str, float], ...] = ()
    """Per-model budgets that replace ``budget`` (each justified where it is set)."""

    def budget_for(self, model: str) -> float:
        return dict(self.model_budgets).get(model, self.budget)


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("float32", "float32 weights and activations (reference)", optimize=False, budget=1e-3),
    ExportFormat("float16", "float16 weights, float32 compute (half the size)", optimize=True, float16_weights=True,
                 budget=0.01),
    ExportFormat("dynamic", "int8 weights, float activations (dynamic range)", optimize=True, budget=0.05),
    # unet1d int8: selective (normalisation, amplitude head, output and first block in float; see
    # ecgtf.models.unet1d.mobile.Unet1dMobile.float_tensors): 1.8 % (ensemble preset) and 2.0 % (Lite) of the
    # output's std vs Keras on PTB-XL test windows, measured; the budget 0.03 leaves room for calibration noise.
    ExportFormat("int8", "int8 weights and activations, float32 I/O (calibrated)", optimize=True,
                 int8_activations=True, calibration=True, budget=0.10, models=("ekgan", "unet1d"),
                 model_budgets=(("unet1d", 0.03),)),
    ExportFormat("qat", "int8 after quantization-aware fine-tuning (tfmot)", optimize=True, budget=0.12,
                 models=("ekgan",)),
)}
"""Format name → :class:`ExportFormat`. LSTM-GAN gets no int8 (the BiLSTM's full-int8 error is ≈100 %)."""


def formats_for(model: str) -> list[str]:
    return [f.name for f in FORMATS.values() if model in f.models]


def default_formats(model: str) -> list[str]:
    return [f.name for f in FORMATS.values() if model in f.default_for and model in f.models]


def export_formats_table() -> str:
    """The table as text (``python -m export --list-formats``)."""
    head = f"{'format':<9}{'calibration':>12}{'budget':>9}  {'models':<24}description"
    rows = [head, "-" * len(head)]
    for f in FORMATS.values():
        rows.append(f"{f.name:<9}{'yes' if f.calibration else 'no':>12}{f.budget:>9g}  {','.join(f.models):<24}"
                    f"{f.description}")
    return "\n".join(rows)
