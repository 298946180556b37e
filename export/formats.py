"""The one table of export formats: it drives conversion, validation budgets and the CLI choices.

    python -m export --list-formats       # prints this table

Which formats a model exports (and their per-model budgets) is its registry entry's business
(``ModelSpec.export_formats``, ``ModelSpec.format_budgets``): the table lists them from the registry.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf import registry


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


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("float32", "float32 weights and activations (reference)", optimize=False, budget=1e-3),
    ExportFormat("float16", "float16 weights, float32 compute (half the size)", optimize=True, float16_weights=True,
                 budget=0.01),
    ExportFormat("dynamic", "int8 weights, float activations (dynamic range)", optimize=True, budget=0.05),
    ExportFormat("int8", "int8 weights and activations, float32 I/O (calibrated)", optimize=True,
                 int8_activations=True, calibration=True, budget=0.10),
    ExportFormat("qat", "int8 after quantization-aware fine-tuning (tfmot)", optimize=True, budget=0.12),
)}
"""Format name → :class:`ExportFormat`. Recurrent generators get no int8 (a BiLSTM's full-int8 error is ≈100 %)."""


def formats_for(spec: registry.ModelSpec) -> list[str]:
    """The formats ``spec``'s model offers, in table order (none without a mobile signature)."""
    return [name for name in FORMATS if name in spec.export_formats] if spec.mobile else []


def default_formats(spec: registry.ModelSpec) -> list[str]:
    """What ``ecgtf export RUN`` writes without ``--formats``: every format the model offers."""
    return formats_for(spec)


def models_for(fmt: str) -> list[str]:
    """Registry names of the models that offer ``fmt``."""
    return [s.name for s in registry.specs() if fmt in formats_for(s)]


def export_formats_table() -> str:
    """The table as text (``python -m export --list-formats``)."""
    head = f"{'format':<9}{'calibration':>12}{'budget':>9}  {'models':<44}description"
    rows = [head, "-" * len(head)]
    for f in FORMATS.values():
        models = ",".join(models_for(f.name)) if len(models_for(f.name)) < len(registry.names()) - 1 else "all"
        rows.append(f"{f.name:<9}{'yes' if f.calibration else 'no':>12}{f.budget:>9g}  {models:<44}{f.description}")
    budgets = [f"{s.name} {fmt} {b:g}" for s in registry.specs() for fmt, b in s.format_budgets.items()]
    if budgets:
        rows.append("per-model budgets: " + ", ".join(budgets))
    return "\n".join(rows)
