"""The model registry: every model folder ``ecgtf/models/NAME/`` describes itself with one :class:`ModelSpec`.

Adding a model = adding a folder whose ``__init__`` defines ``model_spec()``: the registry finds it by
walking ``ecgtf/models/`` (no list to edit), and the CLI, :class:`ecgtf.Reconstructor`, the live stream,
the presets, the export engine and the evaluation dispatch read what they need from the spec. Generic
code never names a model; it asks the registry.

    from ecgtf import registry
    registry.names()                        # every registered model
    spec = registry.get("unet1d")           # or an alias / CLI name ("pix2pix", "lstm-gan")
    registry.by_task("reconstruction")      # the Lead I → 12-lead models
"""
from __future__ import annotations

import pkgutil
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import import_module
from typing import Callable

MODELS_PACKAGE = "ecgtf.models"
TASKS = ("reconstruction", "generation", "denoising", "classification")
BASE_FORMATS = ("float32", "float16", "dynamic")
"""Export formats every model offers (see :mod:`export.formats`); a spec adds its own (``int8``, ``qat``)."""


@dataclass(frozen=True)
class ModelSpec:
    """What generic code needs to know about one model family (one folder of :mod:`ecgtf.models`)."""

    name: str
    """Registry name = folder name (``unet1d``)."""
    task: str
    """One of :data:`TASKS`: ``reconstruction`` (Lead I → 12 leads), ``generation``, ``denoising``, ``classification``."""
    architecture: type
    preprocessing: type
    training: type
    data: type
    """The four config dataclasses saved in a run's ``config.json`` and read back by :class:`ecgtf.runs.Run`."""
    load_generator: Callable
    """``(run, weights) → keras.Model``: the network used for inference."""
    load_splits: Callable
    """``(run, progress) → dict`` of the run's data splits."""
    trainer: str
    """Module with ``main(argv)``: ``ecgtf train NAME`` / ``python -m training.NAME``."""
    description: str = ""
    """One line for ``ecgtf train --help`` (default: the first line of the folder's docstring)."""
    paper: str = ""
    """Short citation for result tables (``Zhu 2019``)."""
    aliases: tuple[str, ...] = ()
    """Other names accepted for the model (``lstm-gan``)."""
    variants: tuple[str, ...] = ()
    """The trainer's ``--variant`` choices (listed in ``ecgtf train --help``)."""
    shortcuts: dict = field(default_factory=dict)
    """CLI name → trainer arguments it stands for: ``{"pix2pix": ("--variant", "pix2pix")}``."""
    family: str = ""
    """Models built on one kit share a family (``mitdb-beats``: the MIT-BIH beat generators)."""
    evaluate: str | None = None
    """Module with ``main(argv)`` that evaluates a run of this model (``ecgtf evaluate RUN``)."""
    evaluate_flags: tuple[str, ...] = ()
    """Options of that evaluation that select it without a run (``ecgtf evaluate --diagnostic …``)."""
    mobile: str | None = None
    """Module with the export hooks: ``mobile_module(run, generator)``, ``export_data``, ``module_for_format``,
    ``export_metadata`` (see :mod:`export.engine`)."""
    export_formats: tuple[str, ...] = BASE_FORMATS
    """Formats of :data:`export.formats.FORMATS` this model exports (and exports by default)."""
    format_budgets: dict = field(default_factory=dict)
    """Format → validation budget replacing the format's default (justified where the spec sets it)."""
    window_pipeline: Callable | None = None
    """Reconstruction: ``(preprocessing, run_windows) → ecgtf.windows.WindowPipeline``."""
    keras_windows: Callable | None = None
    """Reconstruction: ``(run, generator) → run_windows``; default: the generator's ``"leads"`` output, batched."""
    input_leads: Callable | None = None
    """Reconstruction: ``(architecture dict) → 1 or 12``: whether a model window is Lead I ``(B, L)`` or every lead
    ``(B, 12, L)`` in canonical order with zeros for leads not recorded (default 1)."""
    presets: str | None = None
    """Module with ``PRESETS`` (name → {folder, description, …}) and ``PRESET_ROOT``: weights shipped with ecgtf."""
    data_sources: dict = field(default_factory=dict)
    """Source prefix → ``(run_dir, n, seed) → EcgDataset`` loader: ``--data PREFIX:RUN`` draws from a trained run."""
    upgrade_v1: Callable | None = None
    """``(config dict) → config dict``: converts an ecgtf 0.1 (format 1) run config, where that format existed."""
    smoke_args: tuple[str, ...] = ()
    """Trainer arguments for a tiny run on synthetic data (a few steps, seconds on a CPU): the contract test trains
    every registered model with them, and a user can smoke-test a machine the same way."""
    quickstart: tuple[str, ...] = ()
    """Trainer arguments of ``python -m export.pipeline --from-scratch``: a model worth exporting, trained on the
    embedded synthetic data in about ten minutes on a 2-core CPU."""
    golden: Callable | None = None
    """``(out_dir) → list of files``: golden vectors for the Android Java core (``python -m export.golden``)."""

    @property
    def cli_name(self) -> str:
        return self.name.replace("_", "-")

    def budget_for(self, fmt: str, default: float) -> float:
        return float(self.format_budgets.get(fmt, default))


def _folders() -> list[str]:
    package = import_module(MODELS_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg and not m.name.startswith("_"))


@lru_cache(maxsize=None)
def _specs() -> dict[str, ModelSpec]:
    out = {}
    for folder in _folders():
        package = import_module(f"{MODELS_PACKAGE}.{folder}")
        if not hasattr(package, "model_spec"):
            raise ImportError(f"{package.__name__}: a model folder must define model_spec() (see the contributor "
                              "docs, 'Adding a model')")
        spec = package.model_spec()
        if not spec.description:
            spec = replace(spec, description=_first_sentence(package.__doc__ or ""))
        if spec.name != folder:
            raise ImportError(f"{package.__name__}: model_spec().name is {spec.name!r}, expected the folder name")
        if spec.task not in TASKS:
            raise ImportError(f"{package.__name__}: task {spec.task!r} is not one of {TASKS}")
        out[folder] = spec
    _register_sources(out.values())
    return out


def _first_sentence(doc: str, width: int = 110) -> str:
    """A docstring's first paragraph on one line, cut at a word before ``width`` characters (``ecgtf train --help``)."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    if len(paragraph) <= width:
        return paragraph
    return paragraph[:paragraph.rfind(" ", 0, width)].rstrip(",;:(") + " …"


def _aliases() -> dict[str, str]:
    out = {}
    for spec in _specs().values():
        for alias in (spec.cli_name, *spec.aliases, *spec.shortcuts):
            out[alias] = spec.name
    return out


def names() -> list[str]:
    """Every registered model (folder names)."""
    return list(_specs())


def specs() -> list[ModelSpec]:
    return list(_specs().values())


def by_task(task: str) -> list[ModelSpec]:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {TASKS}")
    return [s for s in _specs().values() if s.task == task]


def resolve(name) -> str:
    """The registry name for ``name`` (a folder name, CLI name, alias or shortcut); ``ValueError`` otherwise."""
    key = str(name)
    if key in _specs():
        return key
    return _aliases().get(key, key)


def get(name, source: str = "model") -> ModelSpec:
    """The :class:`ModelSpec` of ``name`` (aliases accepted); ``ValueError`` naming the known models otherwise."""
    key = resolve(name)
    if key not in _specs():
        raise ValueError(f"{source}: unknown model {name!r}; expected one of {names()}")
    return _specs()[key]


def train_commands() -> dict[str, tuple[ModelSpec, tuple[str, ...]]]:
    """``ecgtf train NAME`` → (spec, arguments the name stands for): CLI names, aliases and shortcuts."""
    out = {}
    for spec in _specs().values():
        out[spec.cli_name] = (spec, ())
        for alias in spec.aliases:
            out.setdefault(alias, (spec, ()))
        for short, args in spec.shortcuts.items():
            out[short] = (spec, tuple(args))
    return out


def mobile_hooks(spec: ModelSpec):
    """The module with ``spec``'s export hooks (``ModelSpec.mobile``); ``ValueError`` if it exports nothing."""
    if spec.mobile is None:
        raise ValueError(f"model {spec.name!r} has no mobile signature (nothing to export to TFLite)")
    return import_module(spec.mobile)


def mobile_module(run, generator):
    """A run's batch-1 ``tf.Module`` (``concrete_function()``, ``input_name``, ``output_name``) for TFLite."""
    return mobile_hooks(run.spec).mobile_module(run, generator)


def _register_sources(all_specs) -> None:
    from ecgtf.data.sources import register_source_prefix

    for spec in all_specs:
        for prefix, loader in spec.data_sources.items():
            register_source_prefix(prefix, loader)


def register_sources() -> None:
    """Make every model's data sources (``PREFIX:RUN``) known to :func:`ecgtf.data.sources.load_source`."""
    _specs()
