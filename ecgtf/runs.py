"""A trained run as a library object, and the run directory the trainers write.

A run directory holds::

    config.json        the run's full configuration: the model's dataclasses (architecture,
                       preprocessing incl. sampling rate and normalisation, training, data),
                       written once by the trainer and read back into the same dataclasses
    checkpoints/       tf.train checkpoints of networks + optimizers + epoch (last 2 kept)
    logs/              TensorBoard event files
    plots/             per-epoch figures
    history.json       per-epoch metrics
    final/             final and best-validation weights (``<network>.weights.h5``)
    metrics.json       evaluation results

    run = Run("runs/ekgan-ptbxl")
    run.architecture, run.preprocessing, run.training, run.data      # dataclasses
    gen = run.generator(weights="best")                              # a keras.Model
    rec = ecgtf.Reconstructor.from_run(run)                          # reconstruction models

The trainer writes it (:class:`RunDir`), the exporter, the evaluator and :class:`ecgtf.Reconstructor`
read it (:class:`Run`).
"""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from ecgtf import registry
from ecgtf.configs import POSITIVE_FIELDS, config_from_dict, config_to_dict, read_json_object  # noqa: F401
from ecgtf.files import (  # noqa: F401 (re-exported)
    LOCK_NAME,
    RunLockedError,
    _json_default,
    atomic_write,
    atomic_write_json,
    atomic_write_text,
    check_unlocked,
    record_digest,
    verify_digest,
    write_lock,
)

CONFIG_FORMAT = 2
"""Version of config.json's layout. Version 1 (ecgtf 0.1 runs) is converted on reading."""


def new_run_config(model: str, variant: str, architecture, preprocessing, training, data, **extra) -> dict:
    """The ``config.json`` of a new run: the layout version, model and variant, the creation time, the four config
    dataclasses as plain data (and ``extra`` top-level fields). Read back by :class:`Run`."""
    return {"format_version": CONFIG_FORMAT, "model": model, "variant": variant, **extra,
            "created": datetime.now().isoformat(timespec="seconds"),
            "architecture": config_to_dict(architecture), "preprocessing": config_to_dict(preprocessing),
            "training": config_to_dict(training), "data": config_to_dict(data)}


class RunDir:
    """A training run's directory as the trainer writes it, locked against a second writer.

    Refuses to touch an existing run without ``resume``/``overwrite``, and any run another live process
    writes (:class:`RunLockedError`, naming that process). With ``overwrite`` the old run is moved
    aside (``<name>.replaced-<n>``) rather than deleted: :meth:`commit` deletes it once the new run has
    saved its first checkpoint, :meth:`abandon` puts it back after a failure before that (and removes
    a new run directory this call created). Call :meth:`release` at the end to drop the lock.
    """

    def __init__(self, path: str | Path, resume: bool = False, overwrite: bool = False):
        self.path = Path(path)
        self.replaced: Path | None = None
        self.committed = False
        exists = (self.path / "config.json").exists()
        self.created = not (self.path.exists() and any(self.path.iterdir()))
        if self.path.exists():
            check_unlocked(self.path)
        if resume:
            if not exists:
                raise FileNotFoundError(f"--resume: {self.path} has no config.json (not a run directory)")
        elif not self.created:
            if not overwrite:
                raise FileExistsError(f"{self.path} already exists and is not empty; pass --resume to continue "
                                      "that run or --overwrite to replace it")
            n = 0
            while (aside := self.path.with_name(f"{self.path.name}.replaced-{n}")).exists():
                n += 1
            self.path.rename(aside)
            self.replaced = aside
            self.created = True
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock()
        for sub in ("checkpoints", "logs", "plots", "final"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def _lock(self) -> None:
        write_lock(self.path)
        self.locked = True

    def release(self) -> None:
        """Drop this process's lock (idempotent)."""
        if getattr(self, "locked", False):
            (self.path / LOCK_NAME).unlink(missing_ok=True)
            self.locked = False

    def commit(self) -> None:
        """The new run is under way (its first checkpoint is saved): delete the run ``overwrite`` moved aside."""
        if self.replaced is not None and self.replaced.exists():
            shutil.rmtree(self.replaced)
        self.replaced, self.committed = None, True

    def abandon(self) -> None:
        """The run failed before :meth:`commit`: put a moved-aside run back, or remove the run directory this
        call created; a resumed or committed run is left as it is."""
        if self.committed:
            return
        if self.replaced is not None and self.replaced.exists():
            shutil.rmtree(self.path, ignore_errors=True)
            self.replaced.rename(self.path)
            self.replaced = None
            self.locked = False   # the lock went with the failed run's files
        elif self.created:
            shutil.rmtree(self.path, ignore_errors=True)
            self.locked = False

    def __truediv__(self, other: str) -> Path:
        return self.path / other

    def write_config(self, config: dict) -> None:
        """``config.json`` (atomically), its SHA-256 recorded in the run's ``digests.json``."""
        atomic_write_json(self.path / "config.json", config)
        record_digest(self.path / "config.json")

    def read_config(self) -> dict:
        path = self.path / "config.json"
        verify_digest(path, "Restore the run folder from a backup, or start a new run.")
        config = read_json_object(path)
        if not config:
            raise ValueError(f"{path}: empty; not a run's config")
        return config

    def history(self) -> dict:
        return read_json_object(self.path / "history.json")


def upgrade_config(cfg: dict, source: str = "config.json") -> dict:
    """Convert an ecgtf 0.1 (format 1) run config to the current layout; current ones pass through."""
    version = cfg.get("format_version", 1)
    if version == CONFIG_FORMAT:
        return cfg
    if version != 1:
        raise ValueError(f"{source}: config format {version} is newer than this ecgtf understands "
                         f"({CONFIG_FORMAT}); upgrade ecgtf")
    model = cfg.get("model")
    spec = registry.get(model, source=source)
    if spec.upgrade_v1 is None:
        raise ValueError(f"{source}: cannot convert a format-1 config of model {model!r}; retrain the run")
    out = {"format_version": CONFIG_FORMAT, "model": spec.name, "variant": cfg.get("variant", model),
           "created": cfg.get("created"), "converted_from_format": 1, **spec.upgrade_v1(cfg)}
    return out


class Run:
    """A finished (or interrupted) training run, opened read-only.

    Attributes are the real config dataclasses of the run's model: ``architecture``,
    ``preprocessing``, ``training``, ``data``. ``model`` is the registry name (``ekgan``,
    ``lstm_gan``, ``unet1d``) and ``variant`` the trained variant.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        cfg_path = self.path / "config.json"
        if not cfg_path.exists():
            raise FileNotFoundError(f"{self.path} is not a run directory (no config.json)")
        verify_digest(cfg_path, "Restore the run folder from a backup, or retrain the run.")
        raw = read_json_object(cfg_path)
        self.raw = upgrade_config(raw, str(cfg_path))
        self.spec = registry.get(self.raw.get("model"), source=str(cfg_path))
        self.model = self.spec.name
        self.variant = self.raw.get("variant", self.model)
        src = str(cfg_path)
        self.architecture = config_from_dict(self.spec.architecture, self.raw.get("architecture", {}), src)
        self.preprocessing = config_from_dict(self.spec.preprocessing, self.raw.get("preprocessing", {}), src)
        self.training = config_from_dict(self.spec.training, self.raw.get("training", {}), src)
        self.data = config_from_dict(self.spec.data, self.raw.get("data", {}), src)

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, model={self.model!r}, variant={self.variant!r})"

    @property
    def seed(self) -> int:
        return self.data.seed

    def weights_path(self, network: str, weights: str = "final") -> Path:
        """``final/<network>.weights.h5`` (``best_…`` for ``weights="best"``); an existing file is checked against the
        SHA-256 recorded when it was written (:class:`ecgtf.files.IntegrityError` if it differs)."""
        if weights not in ("final", "best"):
            raise ValueError(f"weights must be 'final' or 'best', got {weights!r}")
        path = self.path / "final" / (f"best_{network}.weights.h5" if weights == "best" else f"{network}.weights.h5")
        if path.exists():
            verify_digest(path, "Restore it from a backup; for a run with checkpoints, `--resume` rewrites the final "
                                "weights.")
        return path

    def generator(self, weights: str = "final"):
        """The trained generator (keras.Model). ``weights="final"``: last epoch (else the latest
        checkpoint of an unfinished run); ``"best"``: best validation epoch."""
        return self.spec.load_generator(self, weights)

    def splits(self, progress: bool = False) -> dict:
        """The run's data, split as in training (model-specific layout, see the model's trainer)."""
        return self.spec.load_splits(self, progress=progress)

    def history(self) -> dict:
        """Per-epoch values ``{name: [float per epoch]}`` (empty before the first epoch)."""
        history = read_json_object(self.path / "history.json")
        for k, v in history.items():
            if not isinstance(v, list) or not all(isinstance(x, (int, float)) for x in v):
                raise ValueError(f"{self.path / 'history.json'}: {k!r} is not a list of numbers; the file is corrupt")
        return history

    def metrics(self) -> dict:
        """The trainer's ``metrics.json`` (empty before the run finished a session)."""
        return read_json_object(self.path / "metrics.json")
