"""What every ecgtf trainer shares: crash-safe checkpoints and resume, learning-rate decay,
distribution strategies, mixed precision, per-epoch history and the common CLI arguments.

The run directory layout is described in :mod:`ecgtf.runs`. A killed run (even ``kill -9``)
resumes from its last finished epoch with ``--resume``.

One file, over 300 lines on purpose: the training template (run start/resume, callbacks, fit, save, metrics) is one cohesive thing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ecgtf import registry
from ecgtf.backend import keras, tf
from ecgtf.runs import Run, RunDir, atomic_write_json, upgrade_config

__all__ = ["EpochCheckpoint", "EpochLrDecay", "RecalibratedValidation", "RunDir", "Timer", "add_common_arguments",
           "atomic_write_json", "describe_devices", "fail", "make_optimizer", "make_strategy", "open_run", "start_run",
           "setup_precision", "positive_int", "positive_float"]


class EpochCheckpoint(keras.callbacks.Callback):
    """Append the epoch to ``history.json``, then save networks + optimizers + the epoch counter.

    The history is written first (atomically) and TensorFlow only points its index at a checkpoint
    once all of its files are written, so a kill at any moment loses at most the epoch in progress:
    on resume the history is cut back to the restored epoch (a kill between the two writes leaves the
    history one epoch ahead, never behind).
    """

    def __init__(self, run: RunDir, objects: dict, optimizer_pairs=(), keep: int = 2):
        """``objects``: name → network/optimizer; ``optimizer_pairs``: (optimizer, network) to build before restore."""
        super().__init__()
        self.run = run
        self.optimizer_pairs = list(optimizer_pairs)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.checkpoint = tf.train.Checkpoint(epoch=self.epoch, **objects)
        self.manager = tf.train.CheckpointManager(self.checkpoint, str(run / "checkpoints"), max_to_keep=keep)
        self.history = run.history()

    def restore(self) -> int:
        """Restore the newest readable checkpoint; returns the number of finished epochs.

        An empty ``checkpoints/`` is refused (``FileNotFoundError``: resuming would silently start
        over and replace the run's weights); an unreadable newest checkpoint (e.g. truncated by a
        crash or a full disk) falls back to the previous kept one, saying so.
        """
        candidates = list(reversed(self.manager.checkpoints))
        if not candidates:
            raise FileNotFoundError(f"--resume: {self.run / 'checkpoints'} holds no checkpoint to resume from "
                                    "(start a new run instead, or use --overwrite to replace this one)")
        for opt, net in self.optimizer_pairs:  # create optimizer slots so that they restore now, not lazily
            inner = getattr(opt, "inner_optimizer", opt)
            inner.build(net.trainable_variables)
        errors = []
        for path in candidates:
            try:
                self.checkpoint.restore(path).assert_existing_objects_matched()
                break
            except (AssertionError, ValueError) as exc:
                raise ValueError(f"checkpoint {path} does not fit this model (different width or options?): "
                                 f"{str(exc).splitlines()[0]}") from exc
            except (tf.errors.OpError, IndexError, OSError) as exc:  # truncated / corrupt files
                errors.append(f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                print(f"warning: checkpoint {path} is unreadable ({type(exc).__name__}); trying the previous one",
                      file=sys.stderr)
        else:
            raise ValueError("no readable checkpoint to resume from: " + "; ".join(errors))
        done = int(self.epoch.numpy())
        self.history = {k: v[:done] for k, v in self.history.items()}
        return done

    def on_epoch_end(self, epoch, logs=None):
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(float(v))
        atomic_write_json(self.run / "history.json", self.history)
        self.epoch.assign(epoch + 1)
        self.manager.save(checkpoint_number=epoch + 1)


class EpochLrDecay(keras.callbacks.Callback):
    """Learning rate ``base · factor^max(0, e − start)`` for 1-indexed epoch ``e`` on every optimizer."""

    def __init__(self, optimizers, base_lr: float, factor: float = 0.95, start_epoch: int = 5):
        super().__init__()
        self.optimizers, self.base_lr, self.factor, self.start_epoch = optimizers, base_lr, factor, start_epoch

    def lr_for(self, epoch_index: int) -> float:
        return self.base_lr * self.factor ** max(0, epoch_index + 1 - self.start_epoch)

    def on_epoch_begin(self, epoch, logs=None):
        for opt in self.optimizers:
            opt.learning_rate.assign(self.lr_for(epoch))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = self.lr_for(epoch)


class RecalibratedValidation(keras.callbacks.Callback):
    """After each epoch: re-estimate the generator's BatchNorm statistics on the training inputs
    (:func:`ecgtf.kits.gan.recalibrate_batchnorm`), then evaluate on the validation set and add
    ``val_*`` entries to the logs. Put it before the checkpoint callback."""

    def __init__(self, model, generator, x_train, val_ds, batch_size: int = 64, best_path: Path | None = None,
                 monitor: str = "l1"):
        """With ``best_path``, the generator's weights are saved there whenever ``val_<monitor>`` improves."""
        super().__init__()
        self._model, self.generator, self.x_train, self.val_ds = model, generator, x_train, val_ds
        self.batch_size, self.best_path, self.monitor = batch_size, best_path, monitor
        self.best = float("inf")
        info = best_path.with_suffix(".json") if best_path is not None else None
        if info is not None and info.exists():  # keep best-validation tracking across resumes
            import json

            self.best = float(json.loads(info.read_text()).get(f"val_{monitor}", self.best))

    def on_epoch_end(self, epoch, logs=None):

        recalibrate_batchnorm(self.generator, self.x_train, self.batch_size)
        results = self._model.evaluate(self.val_ds, verbose=0, return_dict=True)
        if logs is not None:
            logs.update({f"val_{k}": v for k, v in results.items()})
        print(" - ".join(f"val_{k}: {v:.4f}" for k, v in results.items()))
        value = float(results[self.monitor])
        if self.best_path is not None and value < self.best:
            self.best = value
            self.generator.save_weights(str(self.best_path))
            atomic_write_json(self.best_path.with_suffix(".json"), {"epoch": epoch + 1, f"val_{self.monitor}": value})


class Timer(keras.callbacks.Callback):
    """Adds ``epoch_seconds`` to the logs."""

    def on_epoch_begin(self, epoch, logs=None):
        self._t = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self._t


def make_strategy(name: str):
    """``default`` (one device: the GPU when present, else CPU), ``mirrored`` (all local GPUs) or
    ``multi-worker`` (hosts listed in ``TF_CONFIG``)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}; expected default, mirrored or multi-worker")


def setup_precision(mixed: bool) -> None:
    """``mixed_float16`` compute with float32 variables (GPU); outputs are cast back to float32 by the models."""
    keras.mixed_precision.set_global_policy("mixed_float16" if mixed else "float32")


def make_optimizer(lr: float, beta_1: float, beta_2: float, mixed: bool):
    opt = keras.optimizers.Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2)
    return keras.mixed_precision.LossScaleOptimizer(opt) if mixed else opt


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text}")
    return value


def add_common_arguments(p: argparse.ArgumentParser, default_epochs: int, default_batch: int) -> None:
    p.add_argument("--epochs", type=positive_int, default=default_epochs, help=f"epochs (default {default_epochs})")
    p.add_argument("--batch-size", type=positive_int, default=default_batch,
                   help=f"global batch size (default {default_batch})")
    p.add_argument("--out", type=Path, default=None, help="run directory (default runs/<model>-<time>)")
    p.add_argument("--seed", type=int, default=0, help="seed for data, splits and weights (default 0)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing run in --out (moved aside, deleted once the new run has started)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="data root holding the named datasets (default: $ECGTF_DATA, else ~/.cache/ecgtf/data)")
    p.add_argument("--mixed-precision", action="store_true", help="mixed_float16 compute (for GPUs)")
    p.add_argument("--strategy", default="default", choices=["default", "mirrored", "multi-worker"],
                   help="tf.distribute strategy (default: one device, the GPU when present)")
    p.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="Keras fit verbosity (1 = progress bar)")


def open_run(args, argv, default_name: str, make_config):
    """Create (or, with ``--resume``, reopen) the run directory and its config.

    ``make_config()`` builds a new run's config (format 2 dict, see :mod:`ecgtf.runs`) from the
    arguments; it is called *before* anything on disk changes, so a bad argument never costs an
    existing run. On resume the stored config is used; an explicit ``--epochs`` extends it (and
    ``--minutes`` sets a new wall-clock budget, for trainers that have one). Then
    seeds, precision policy and strategy are set. Returns ``(run, cfg, strategy)``; raises
    ``FileExistsError``/``FileNotFoundError``/``ValueError``.
    """
    out = args.out or Path("runs") / f"{default_name}-{time.strftime('%Y%m%d-%H%M%S')}"
    registry.register_sources()   # --data PREFIX:RUN of every model
    cfg = None if args.resume else make_config()
    run = RunDir(out, resume=args.resume, overwrite=args.overwrite)
    if args.resume:
        cfg = upgrade_config(run.read_config(), str(run / "config.json"))
        given = argv if argv is not None else sys.argv[1:]
        if "--epochs" in given:
            cfg["training"]["epochs"] = args.epochs
        if "--minutes" in given and "minutes" in cfg["training"]:   # a new wall-clock budget for this session
            cfg["training"]["minutes"] = args.minutes
        run.write_config(cfg)
    else:
        run.write_config(cfg)
    keras.utils.set_random_seed(cfg["data"]["seed"])
    setup_precision(cfg["training"]["mixed_precision"])
    return run, cfg, make_strategy(cfg["training"]["strategy"])


def start_run(args, argv, default_name: str, make_config, load_data):
    """:func:`open_run`, then open it as a :class:`ecgtf.runs.Run` and load its data with
    ``load_data(run)``. A failure before training starts puts an overwritten run back.

    Returns ``(run_dir, run, strategy, data)``, or an exit code (2) after printing the error.
    """
    try:
        run_dir, _, strategy = open_run(args, argv, default_name, make_config)
    except (FileExistsError, FileNotFoundError, ValueError) as exc:
        return fail(str(exc))
    run = Run(run_dir.path)
    try:
        data = load_data(run)
    except (ValueError, FileNotFoundError) as exc:
        run_dir.rollback_overwrite()
        return fail(str(exc))
    run_dir.commit_overwrite()
    return run_dir, run, strategy, data


def time_budget(minutes: float | None):
    """A Keras callback that stops at the first epoch end after ``minutes`` of training (this session);
    its ``stopped`` says whether it did."""

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.stopped = time.perf_counter(), False

        def on_epoch_end(self, epoch, logs=None):
            if minutes is not None and time.perf_counter() - self.start > 60 * minutes:
                self.model.stop_training, self.stopped = True, True
    return TimeBudget()


def open_checkpoint(run: RunDir, model, resume: bool):
    """An :class:`EpochCheckpoint` over ``model.checkpoint_objects()`` (and its optimizer pairs); with
    ``resume`` the newest checkpoint is restored. Returns ``(checkpoint, finished epochs)``; raises
    ``ValueError``/``FileNotFoundError`` as :meth:`EpochCheckpoint.restore`."""
    ckpt = EpochCheckpoint(run, model.checkpoint_objects(), model.optimizer_pairs())
    initial_epoch = ckpt.restore() if resume else 0
    if resume:
        print(f"resuming after epoch {initial_epoch}")
    return ckpt, initial_epoch


def fit_and_save(model, run: RunDir, ckpt, make_dataset, *, epochs: int, initial_epoch: int, minutes: float | None,
                 verbose: int, steps_per_epoch: int | None = None, validation=None, callbacks=()):
    """``fit()`` with the timer, ``callbacks`` (e.g. a monitor), the checkpoint, TensorBoard and the
    wall-clock budget (``minutes``), then every network of ``model.checkpoint_objects()`` (not the
    optimizers) to ``final/<name>.weights.h5``. ``make_dataset()`` is called only if epochs remain.
    Returns ``(seconds of training this session, stopped by the budget)``."""
    budget = time_budget(minutes)
    start = time.perf_counter()
    if initial_epoch < epochs:
        model.fit(make_dataset(), epochs=epochs, initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                  validation_data=validation, verbose=verbose,
                  callbacks=[Timer(), *callbacks, ckpt, keras.callbacks.TensorBoard(log_dir=str(run / "logs")), budget])
    seconds = time.perf_counter() - start
    for key, network in model.checkpoint_objects().items():
        if "optimizer" not in key:
            network.save_weights(str(run / "final" / f"{key}.weights.h5"))
    return seconds, bool(getattr(budget, "stopped", False))


def write_run_metrics(run: RunDir, seconds: float, stopped: bool, **extra) -> list:
    """``metrics.json``: training seconds (this session and in total), epochs done, whether the time
    budget stopped the run, and ``extra``; returns the epoch durations from the run's history."""
    import numpy as np

    epoch_seconds = run.history().get("epoch_seconds", [])
    atomic_write_json(run / "metrics.json", {
        "train_seconds_this_session": seconds, "train_seconds_total": float(np.sum(epoch_seconds)),
        "epochs_done": len(epoch_seconds), "stopped_by_time_budget": bool(stopped), **extra})
    return epoch_seconds


def describe_devices() -> str:
    gpus = tf.config.list_physical_devices("GPU")
    return f"{len(gpus)} GPU(s)" if gpus else f"CPU ({os.cpu_count()} cores)"


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def recalibrate_batchnorm(model: keras.Model, x, batch_size: int = 64) -> int:
    """Re-estimate every BatchNormalization layer's moving mean/variance over ``x``.

    Runs ``model(x, training=True)`` batch by batch (eagerly) with the momentum of batch ``k`` set
    to k/(k+1), so the moving statistics become the equal-weight average of the per-batch
    statistics: the population statistics of the *current* weights. A GAN generator's weights
    change too fast for the default exponential average (momentum 0.99) to keep up; without this,
    inference-mode outputs can be no better than zeros. Returns the number of layers updated.
    Weights other than the BN statistics are untouched.
    """
    bns = [layer for layer in model.submodules if isinstance(layer, keras.layers.BatchNormalization)]
    if not bns:
        return 0
    saved = [layer.momentum for layer in bns]
    try:
        for k, start in enumerate(range(0, len(x), batch_size)):
            for layer in bns:
                layer.momentum = k / (k + 1.0)
            model(x[start:start + batch_size], training=True)
    finally:
        for layer, m in zip(bns, saved):
            layer.momentum = m
    return len(bns)
