"""The training template: every ``ecgtf train NAME`` is this skeleton plus what is specific to its model.

A trainer file holds its parser's model options, a ``make_config()`` (the run's dataclasses from the
arguments), a ``load_data(run)`` and a ``train(session)`` body; :func:`run_trainer` does the rest::

    def main(argv=None) -> int:
        args = build_parser().parse_args(argv)      # model options + add_training_arguments(p, MyTraining())
        return run_trainer(args, argv, "mynet", make_config, load_splits, train)

    def train(session):                             # session.run / .data / .strategy / .training / .args
        with session.strategy.scope():
            model = build_model(session.run)         # compiled, with checkpoint_objects() / optimizer_pairs()
        session.resume(model)                        # restores the newest checkpoint with --resume
        session.fit(model, make_dataset)             # timer, checkpoint, TensorBoard, budget; final weights
        session.write_metrics(extra=...)

What the template guarantees: a bad argument never touches disk (``make_config()`` runs first); a run
directory is locked against a second writer (:class:`ecgtf.runs.RunDir`); ``--overwrite`` moves the old
run aside and puts it back on *any* failure until the new run's first checkpoint is saved (a new run
directory that fails before its first checkpoint is removed); ``--resume`` continues from the newest
readable checkpoint and refuses options that would change what the run's ``config.json`` says; every
weight and JSON file is written atomically. Distribution (``--strategy``) and mixed precision
(``--mixed-precision``) are set from the run's config. The run directory layout is in :mod:`ecgtf.runs`.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ecgtf import registry
from ecgtf.arguments import finite_float, positive_float, positive_int  # noqa: F401 (re-exported)
from ecgtf.backend import describe_devices, keras, make_strategy, setup_precision, tf  # noqa: F401
from ecgtf.callbacks import (  # noqa: F401 (the template's callbacks, re-exported)
    EpochCheckpoint,
    EpochLrDecay,
    RecalibratedValidation,
    TimeBudget,
    Timer,
    recalibrate_batchnorm,
    save_weights_atomic,
)
from ecgtf.runs import Run, RunDir, atomic_write_json, upgrade_config

__all__ = ["EpochCheckpoint", "EpochLrDecay", "RecalibratedValidation", "RunDir", "Timer", "TrainingConfig",
           "TrainingSession", "add_training_arguments", "atomic_write_json", "describe_devices", "fail",
           "finite_float", "make_optimizer", "make_strategy", "positive_float", "positive_int", "recalibrate_batchnorm",
           "run_trainer", "save_weights_atomic", "setup_precision", "training_config"]


@dataclass(frozen=True)
class TrainingConfig:
    """Settings every trainer has. A model's training config subclasses it, sets its paper's defaults and adds
    its own fields; :func:`add_training_arguments` turns the defaults into the shared CLI block."""

    epochs: int = 10
    batch_size: int = 32
    lr: float = 2e-4
    """Adam learning rate."""
    beta1: float = 0.9
    beta2: float = 0.999
    minutes: float | None = None
    """Wall-clock budget of one session: stop at the first epoch end past it (``None``: no budget)."""
    mixed_precision: bool = False
    strategy: str = "default"


RESUME_OPTIONS = {"--resume", "--out", "--epochs", "--minutes", "--verbose", "--data-dir", "--cache-dir",
                  "--plot-every"}
"""What ``--resume`` may be given: where the run is and how long/loud this session is, never what is trained."""


def add_training_arguments(p: argparse.ArgumentParser, defaults: TrainingConfig) -> None:
    """The shared block: schedule and optimiser (defaults from ``defaults``, the model's training config), the
    run directory and its lifecycle, the data root, distribution and precision, verbosity."""
    p.add_argument("--epochs", type=positive_int, default=defaults.epochs, help=f"epochs (default {defaults.epochs})")
    p.add_argument("--batch-size", type=positive_int, default=defaults.batch_size,
                   help=f"global batch size (default {defaults.batch_size})")
    p.add_argument("--lr", type=positive_float, default=defaults.lr,
                   help=f"Adam learning rate (default {defaults.lr:g})")
    p.add_argument("--beta1", type=finite_float, default=defaults.beta1, help=f"Adam β1 (default {defaults.beta1:g})")
    p.add_argument("--minutes", type=positive_float, default=defaults.minutes,
                   help="wall-clock budget of this session: stop at the first epoch end past it")
    p.add_argument("--out", type=Path, default=None, help="run directory (default runs/<model>-<time>)")
    p.add_argument("--seed", type=int, default=0, help="seed for data, splits and weights (default 0)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in --out from its last checkpoint (--epochs/--minutes may extend it)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing run in --out (moved aside; deleted once the new run saved its first "
                        "checkpoint, put back if it fails before)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="data root holding the named datasets (default: $ECGTF_DATA, else ~/.cache/ecgtf/data)")
    p.add_argument("--mixed-precision", action="store_true", help="mixed_float16 compute (for GPUs)")
    p.add_argument("--strategy", default="default", choices=["default", "mirrored", "multi-worker"],
                   help="tf.distribute strategy (default: one device, the GPU when present)")
    p.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="Keras fit verbosity (1 = progress bar)")


def training_config(base, args, **overrides):
    """A training config from ``base`` (a :class:`TrainingConfig` subclass, or an instance whose values are the
    defaults), the arguments of the same field names (``None`` ones keep the default) and ``overrides``."""
    names = {f.name for f in dataclasses.fields(base)}
    values = {**{n: getattr(args, n) for n in names if getattr(args, n, None) is not None}, **overrides}
    return dataclasses.replace(base, **values) if not isinstance(base, type) else base(**values)


def starting_run(path, model: str, option: str) -> Run:
    """The run an option such as ``--init-from`` names, checked to be a ``model`` run (``ValueError`` naming the
    option otherwise); the caller checks that its architecture fits."""
    try:
        run = Run(path)
    except (FileNotFoundError, ValueError) as exc:
        raise ValueError(f"{option} {path}: {exc}") from None
    if run.model != model:
        raise ValueError(f"{option} {path}: a {run.model} run, expected a {model} run")
    return run


def make_optimizer(lr: float, beta_1: float, beta_2: float, mixed: bool):
    """Adam, wrapped in a loss-scale optimizer under mixed precision."""
    opt = keras.optimizers.Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2)
    return keras.mixed_precision.LossScaleOptimizer(opt) if mixed else opt


def open_run(args, argv, default_name: str, make_config):
    """Create (or, with ``--resume``, reopen and lock) the run directory and write its config.

    ``make_config()`` builds a new run's config (format-2 dict, :func:`ecgtf.runs.new_run_config`) from the
    arguments *before* anything on disk changes. On resume the stored config is used; ``--epochs`` and
    ``--minutes`` may extend it, any other option that would change the run is refused. Then seeds, precision
    and strategy are set. Returns ``(run_dir, strategy)``; raises ``FileExistsError``/``FileNotFoundError``/
    ``ValueError``.
    """
    out = args.out or Path("runs") / f"{default_name}-{time.strftime('%Y%m%d-%H%M%S')}"
    registry.register_sources()   # --data PREFIX:RUN of every model
    given = [a.split("=")[0] for a in (argv if argv is not None else sys.argv[1:]) if a.startswith("--")]
    if args.resume:
        changed = sorted(set(given) - RESUME_OPTIONS - {"--overwrite"})
        if changed:
            raise ValueError(f"--resume continues {out} as its config.json says; {', '.join(changed)} would change "
                             "what is trained: start a new run (another --out) to change it")
        if "--overwrite" in given:
            raise ValueError("--resume and --overwrite contradict each other: choose one")
    cfg = None if args.resume else make_config()
    run = RunDir(out, resume=args.resume, overwrite=args.overwrite)
    try:
        if args.resume:
            cfg = upgrade_config(run.read_config(), str(run / "config.json"))
            if "--epochs" in given:
                cfg["training"]["epochs"] = args.epochs
            if "--minutes" in given:   # a new wall-clock budget for this session
                cfg["training"]["minutes"] = args.minutes
        run.write_config(cfg)
        keras.utils.set_random_seed(cfg["data"]["seed"])
        setup_precision(cfg["training"].get("mixed_precision", False))
        strategy = make_strategy(cfg["training"].get("strategy", "default"))
    except BaseException:
        run.abandon()
        run.release()
        raise
    return run, strategy


class TrainingSession:
    """One session of one run, handed to a trainer's ``train(session)``.

    Attributes: ``args`` (parsed), ``run_dir`` (:class:`ecgtf.runs.RunDir`, writable), ``run``
    (:class:`ecgtf.runs.Run`: the config dataclasses), ``training`` (``run.training``), ``strategy``,
    ``data`` (what ``load_data(run)`` returned), ``initial_epoch``, ``seconds`` and ``stopped`` (after
    :meth:`fit`).
    """

    def __init__(self, args, run_dir: RunDir, run: Run, strategy, data):
        self.args, self.run_dir, self.run, self.strategy, self.data = args, run_dir, run, strategy, data
        self.training = run.training
        self.checkpoint: EpochCheckpoint | None = None
        self.initial_epoch, self.seconds, self.stopped = 0, 0.0, False

    @property
    def path(self) -> Path:
        return self.run_dir.path

    def resume(self, model, objects: dict | None = None, optimizer_pairs=None) -> int:
        """The checkpoint over ``objects`` (default ``model.checkpoint_objects()``, with
        ``model.optimizer_pairs()``); with ``--resume`` the newest readable one is restored. Returns the
        number of finished epochs (also ``self.initial_epoch``)."""
        self.objects = model.checkpoint_objects() if objects is None else objects
        pairs = model.optimizer_pairs() if optimizer_pairs is None else optimizer_pairs
        self.checkpoint = EpochCheckpoint(self.run_dir, self.objects, pairs, on_first_save=self.run_dir.commit)
        self.initial_epoch = self.checkpoint.restore() if self.args.resume else 0
        if self.args.resume:
            print(f"resuming after epoch {self.initial_epoch}")
        return self.initial_epoch

    def fit(self, model, make_dataset, *, steps_per_epoch: int | None = None, validation=None, callbacks=(),
            networks: dict | None = None) -> None:
        """``model.fit()`` from :attr:`initial_epoch` to the configured epochs with the timer, ``callbacks``
        (before the checkpoint, so their logs are saved), the checkpoint, TensorBoard and the wall-clock
        budget; then ``networks`` (default: every non-optimizer of the checkpoint) to
        ``final/<name>.weights.h5``. ``make_dataset()`` is called only if epochs remain."""
        if self.checkpoint is None:
            self.resume(model)
        t = self.training
        budget = TimeBudget(getattr(t, "minutes", None))
        start = time.perf_counter()
        if self.initial_epoch < t.epochs:
            model.fit(make_dataset(), epochs=t.epochs, initial_epoch=self.initial_epoch,
                      steps_per_epoch=steps_per_epoch, validation_data=validation, verbose=self.args.verbose,
                      callbacks=[Timer(), *callbacks, self.checkpoint,
                                 keras.callbacks.TensorBoard(log_dir=str(self.run_dir / "logs")), budget])
        self.seconds, self.stopped = time.perf_counter() - start, budget.stopped
        if networks is None:
            networks = {k: v for k, v in self.objects.items() if isinstance(v, keras.Model)}
        self.save_final(networks)

    def save_final(self, networks: dict) -> None:
        """Each network's weights to ``final/<name>.weights.h5`` (atomically)."""
        for name, network in networks.items():
            save_weights_atomic(network, self.run_dir / "final" / f"{name}.weights.h5")

    def write_metrics(self, **extra) -> list:
        """``metrics.json``: training seconds (this session and in total), epochs done, whether the time budget
        stopped the run, and ``extra``; returns the epoch durations from the run's history."""
        epoch_seconds = self.run_dir.history().get("epoch_seconds", [])
        atomic_write_json(self.run_dir / "metrics.json", {
            "train_seconds_this_session": self.seconds, "train_seconds_total": float(sum(epoch_seconds)),
            "epochs_done": len(epoch_seconds), "stopped_by_time_budget": bool(self.stopped), **extra})
        return epoch_seconds


EXPECTED_ERRORS = (ValueError, FileNotFoundError, FileExistsError, NotADirectoryError, PermissionError)
"""Failures with a message for the user (exit 2, no traceback); anything else is re-raised."""


def run_trainer(args, argv, default_name: str, make_config, load_data, train) -> int:
    """The skeleton of every trainer: open (or resume) and lock the run, load its data with ``load_data(run)``,
    call ``train(session)`` (a :class:`TrainingSession`), release the lock. A failure (or a non-zero exit code of
    ``train``) before the first checkpoint puts an overwritten run back (or removes the new run directory);
    expected failures print ``error: …`` and return 2. Returns ``train``'s exit code (``None`` = 0)."""
    try:
        run_dir, strategy = open_run(args, argv, default_name, make_config)
    except EXPECTED_ERRORS as exc:
        return fail(str(exc))
    try:
        run = Run(run_dir.path)
        session = TrainingSession(args, run_dir, run, strategy, load_data(run))
        code = train(session)
    except EXPECTED_ERRORS as exc:
        run_dir.abandon()
        return fail(str(exc))
    except BaseException:
        run_dir.abandon()
        raise
    finally:
        run_dir.release()
    if code:   # the trainer refused (and said why)
        run_dir.abandon()
        return int(code)
    run_dir.commit()
    return 0


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
