"""The Keras callbacks of the training template: crash-safe epoch checkpoints, per-epoch learning-rate
schedules, validation with re-estimated BatchNorm statistics, epoch timing and a wall-clock budget.

Every weight file is written beside its final name and renamed over it (:func:`save_weights_atomic`), so a
crash or a full disk leaves the previous good file, never a half-written one.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from ecgtf.backend import keras, tf
from ecgtf.files import atomic_write_json, record_digest

__all__ = ["EpochCheckpoint", "EpochLrDecay", "RecalibratedValidation", "TimeBudget", "Timer", "recalibrate_batchnorm",
           "save_weights_atomic"]


def save_weights_atomic(network, path: str | Path) -> None:
    """``network.save_weights(path)`` through a temporary file in the same folder, renamed over ``path``; its
    SHA-256 is recorded in the folder's ``digests.json`` (:func:`ecgtf.files.verify_digest` checks it on load)."""
    path = Path(path)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")   # keeps the .weights.h5 / .h5 suffix Keras reads
    try:
        network.save_weights(str(tmp))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    record_digest(path)


class EpochCheckpoint(keras.callbacks.Callback):
    """Append the epoch to ``history.json``, then save networks + optimizers + the epoch counter.

    The history is written first (atomically) and TensorFlow only points its index at a checkpoint
    once all of its files are written, so a kill at any moment loses at most the epoch in progress:
    on resume the history is cut back to the restored epoch (a kill between the two writes leaves the
    history one epoch ahead, never behind). ``on_first_save()`` is called once, after the first
    checkpoint of this session is on disk (the template then deletes a run that ``--overwrite`` moved aside).
    """

    def __init__(self, run, objects: dict, optimizer_pairs=(), keep: int = 2, on_first_save=None):
        """``run``: a :class:`ecgtf.runs.RunDir`; ``objects``: name → network/optimizer; ``optimizer_pairs``:
        (optimizer, network) to build before restore."""
        super().__init__()
        self.run = run
        self.optimizer_pairs = list(optimizer_pairs)
        self.on_first_save = on_first_save
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
        if self.on_first_save is not None:
            hook, self.on_first_save = self.on_first_save, None
            hook()


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
    (:func:`recalibrate_batchnorm`), then evaluate on the validation set and add ``val_*`` entries to
    the logs. Put it before the checkpoint callback."""

    def __init__(self, model, generator, x_train, val_ds, batch_size: int = 64, best_path: Path | None = None,
                 monitor: str = "l1"):
        """With ``best_path``, the generator's weights are saved there whenever ``val_<monitor>`` improves."""
        super().__init__()
        self._model, self.generator, self.x_train, self.val_ds = model, generator, x_train, val_ds
        self.batch_size, self.best_path, self.monitor = batch_size, best_path, monitor
        self.best = float("inf")
        info = best_path.with_suffix(".json") if best_path is not None else None
        if info is not None and info.exists():  # keep best-validation tracking across resumes
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
            save_weights_atomic(self.generator, self.best_path)
            atomic_write_json(self.best_path.with_suffix(".json"), {"epoch": epoch + 1, f"val_{self.monitor}": value})


class Timer(keras.callbacks.Callback):
    """Adds ``epoch_seconds`` to the logs."""

    def on_epoch_begin(self, epoch, logs=None):
        self._t = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self._t


class TimeBudget(keras.callbacks.Callback):
    """Stops at the first epoch end after ``minutes`` of training (this session; ``None``: no budget);
    ``stopped`` says whether it did."""

    def __init__(self, minutes: float | None):
        super().__init__()
        self.minutes, self.stopped = minutes, False

    def on_train_begin(self, logs=None):
        self.start, self.stopped = time.perf_counter(), False

    def on_epoch_end(self, epoch, logs=None):
        if self.minutes is not None and time.perf_counter() - self.start > 60 * self.minutes:
            self.model.stop_training, self.stopped = True, True


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
