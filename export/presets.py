"""Turn finished runs into a preset shipped with ecgtf: the model folder assembles it, this exports and documents it.

    python -c "from export.presets import build_preset; build_preset('runs/unet1d-lite', 'unet1d_lite', \\
               'runs/eval-lite', formats=('int8',))"

The run's model folder says where its presets live (``ModelSpec.presets``: a module with ``PRESETS``,
``PRESET_ROOT``, ``assemble_preset``, ``model_card`` and ``weights_card``).
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ecgtf.runs import Run
from export.engine import export_run, format_records

NOT_EVALUATED = "(not evaluated)"


def add_evaluation(folder: str | Path, table: str) -> Path:
    """Put an evaluation ``table`` (markdown) into the model card of a preset built without one (the preset itself
    being what was evaluated). Returns the card."""
    card = Path(folder) / "MODEL_CARD.md"
    text = card.read_text()
    if NOT_EVALUATED not in text:
        raise ValueError(f"{card} already holds an evaluation")
    card.write_text(text.replace(NOT_EVALUATED, table))
    return card


def build_preset(run_dirs, name: str, evaluation: str | Path | None = None, formats=("dynamic", "int8"),
                 weights: str = "best") -> Path:
    """Assemble preset ``name`` from run(s), export and validate ``formats`` into its folder (formats that fail
    are left out and named in the model card) and write ``MODEL_CARD.md`` with the evaluation table from
    ``evaluation``'s ``results.md``. Returns the folder."""
    first = Run(run_dirs if isinstance(run_dirs, (str, Path)) else run_dirs[0])
    if first.spec.presets is None:
        raise ValueError(f"{first.path}: model {first.model} ships no presets (its ModelSpec has no presets module)")
    presets = import_module(first.spec.presets)
    out, runs = presets.assemble_preset(run_dirs, name, weights)
    records = export_run(out, list(formats), out, weights="best")
    print(format_records(records))
    if not any(r["passed"] for r in records):
        raise ValueError(f"preset {name}: no format passed validation")
    for f in ("heldout.npz", "export_report.json"):
        (out / f).unlink(missing_ok=True)
    table = Path(evaluation, "results.md").read_text() if evaluation else NOT_EVALUATED
    (out / "MODEL_CARD.md").write_text(presets.model_card(name, runs, records, table))
    (out / "final" / "MODEL_CARD.md").write_text(presets.weights_card(name, runs))
    return out
