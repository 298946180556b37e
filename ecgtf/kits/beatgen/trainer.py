"""One trainer for every MIT-BIH beat generator (``ecgtf train NAME`` / ``python -m training.NAME``).

Each model folder's ``networks.py`` provides ``CONFIG`` (its architecture dataclass, paper defaults),
``VARIANTS`` (variant name → config overrides), ``WINDOW`` (the paper's beat window), ``TRAINING``
(the paper's optimiser settings) and ``build_model(config)`` → a ``keras.Model`` with
``compile(g_optimizer, d_optimizer)``, ``generator``, ``checkpoint_objects()``, ``optimizer_pairs()``.

Data: MIT-BIH from the data root (``--data mitdb``, DS1 train / DS2 held out, inter-patient), a
MIT-BIH directory, or ``--data synthetic`` (smoke tests). ``--minutes`` stops at the first epoch end
past a wall-clock budget (the bench trains every model for the same budget on this CPU).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path

import numpy as np

from ecgtf.arguments import non_negative_int
from ecgtf.backend import keras
from ecgtf.data.tfdata import make_dataset
from ecgtf.plots import plot_beats_grid, plot_curves
from ecgtf.runs import new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    fail,
    make_optimizer,
    positive_float,
    positive_int,
    run_trainer,
    training_config,
)

from .data import BeatGenData, class_names, load_splits
from .sampling import sample_beats


@dataclass(frozen=True)
class BeatGenTraining(TrainingConfig):
    """Optimiser and schedule. ``steps_per_epoch``: batches per epoch (``None``: one pass over the training beats)."""

    epochs: int = 30
    batch_size: int = 64
    lr: float = 2e-4
    beta1: float = 0.5
    d_lr: float | None = None
    """Discriminator learning rate (``None``: same as ``lr``)."""
    steps_per_epoch: int | None = None


def networks_module(name: str):
    return import_module(f"ecgtf.models.{name}.networks")


def window_for(name: str, variant: str, **given):
    """The beat window of ``name``/``variant``: the paper's (``WINDOW`` + ``VARIANT_WINDOWS``), then ``given``."""
    net = networks_module(name)
    return replace(net.WINDOW, **{**getattr(net, "VARIANT_WINDOWS", {}).get(variant, {}), **given})


def config_for(name: str, variant: str, window):
    """The architecture config of ``name``/``variant`` sized for ``window`` (its length; its number of
    classes for conditional models, those whose config has ``n_classes`` > 0)."""

    net = networks_module(name)
    cfg = replace(net.CONFIG(), variant=variant, **net.VARIANTS[variant])
    sizes = {"length": window.length}
    if cfg.n_classes:
        sizes["n_classes"] = len(class_names(window))
    return replace(cfg, **sizes)


def build_parser(name: str) -> argparse.ArgumentParser:
    net = networks_module(name)
    t, w = net.TRAINING, net.WINDOW
    doc = (import_module(f"ecgtf.models.{name}").__doc__ or "") + "\n" + (__doc__ or "")
    p = argparse.ArgumentParser(prog=f"ecgtf train {name.replace('_', '-')}", description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", default=net.CONFIG().variant, choices=sorted(net.VARIANTS),
                   help=f"which model of the paper (default {net.CONFIG().variant})")
    p.add_argument("--data", default="mitdb", help="'mitdb' (default, from the data root), a MIT-BIH directory, "
                   "or 'synthetic' (smoke tests)")
    p.add_argument("--n-synthetic", type=positive_int, default=60, help="synthetic records for --data synthetic")
    p.add_argument("--max-train-beats", type=positive_int, default=None, help="random subset of training beats")
    p.add_argument("--fs", type=positive_float, default=None, help=f"beat sampling rate in Hz (default {w.fs:g})")
    p.add_argument("--before", type=non_negative_int, default=None, help=f"samples before the R peak (default {w.before})")
    p.add_argument("--after", type=positive_int, default=None, help=f"samples from the R peak on (default {w.after})")
    p.add_argument("--symbols", default=",".join(w.symbols) if w.symbols else None,
                   help="annotation symbols kept, comma-separated (default %(default)s)")
    p.add_argument("--normalization", default=w.normalization, choices=["none", "minmax", "zscore"])
    add_training_arguments(p, t)
    p.add_argument("--steps-per-epoch", type=positive_int, default=None, help="batches per epoch")
    p.add_argument("--plot-every", type=positive_int, default=1)
    return p


def train_model(name: str, argv=None) -> int:
    """``ecgtf train NAME`` for the beat generator in folder ``name``."""
    args = build_parser(name).parse_args(argv)
    net = networks_module(name)

    def new_config():
        if args.data not in ("mitdb", "synthetic") and not Path(args.data).is_dir():
            raise ValueError(f"--data {args.data!r}: expected 'mitdb', 'synthetic' or a MIT-BIH directory")
        symbols = tuple(s.strip() for s in args.symbols.split(",") if s.strip()) if args.symbols else None
        given = {k: getattr(args, k) for k in ("fs", "before", "after") if getattr(args, k) is not None}
        window = window_for(name, args.variant, **given, symbols=symbols, normalization=args.normalization)
        arch = config_for(name, args.variant, window)
        training = training_config(net.TRAINING, args)
        data = BeatGenData(source=args.data, data_dir=str(args.data_dir) if args.data_dir else None,
                           max_train_beats=args.max_train_beats, n_synthetic=args.n_synthetic, seed=args.seed)
        net.build_model(arch)  # fails here (before anything on disk changes) if the sizes do not fit
        return new_run_config(name, args.variant, arch, window, training, data)

    def train(session) -> None:
        run, r, splits, t = session.run_dir, session.run, session.data, session.training
        train_beats, train_labels = splits["train"]
        batch = min(t.batch_size, len(train_beats))
        print(f"{name} ({r.variant}) on {describe_devices()}: {len(train_beats)} train / {len(splits['heldout'][0])} "
              f"held-out beats of {r.preprocessing.length} samples at {r.preprocessing.fs:g} Hz, classes "
              f"{splits['class_names']} ({r.data.source}); run dir {run.path}")
        with session.strategy.scope():
            model = net.build_model(r.architecture)
            model.compile(g_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision),
                          d_optimizer=make_optimizer(t.d_lr or t.lr, t.beta1, t.beta2, t.mixed_precision))
        session.resume(model)
        n_classes = len(splits["class_names"])
        plot_labels = np.arange(8) % n_classes
        real_rows = splits["heldout"][0][:4]

        class Monitor(keras.callbacks.Callback):
            """Before the checkpoint: refit an AE's latent Gaussian; plot generated beats."""

            def on_epoch_end(self, epoch, logs=None):
                if hasattr(model, "fit_latent"):
                    model.fit_latent(train_beats[:4096])
                if (epoch + 1) % args.plot_every == 0:
                    beats = sample_beats(r, model.generator, 8, labels=plot_labels, seed=1234)
                    plot_beats_grid(beats, run / "plots" / f"epoch_{epoch + 1:03d}.png", fs=r.preprocessing.fs,
                                    title=f"{name} ({r.variant}) epoch {epoch + 1}: real (top) vs generated",
                                    reference=real_rows)

        arrays = (train_beats, train_labels) if n_classes > 1 else (train_beats,)
        session.fit(model, lambda: make_dataset(*arrays, batch_size=batch, seed=r.data.seed,
                                                repeat=t.steps_per_epoch is not None),
                    steps_per_epoch=t.steps_per_epoch, callbacks=[Monitor()])
        hist = run.history()
        plot_curves({k: v for k, v in hist.items() if k.endswith("loss") or k == "recon"}, run / "plots" / "losses.png",
                    f"{name} ({r.variant}) losses")
        epoch_seconds = hist.get("epoch_seconds", [])
        session.write_metrics(epoch_seconds=epoch_seconds, generator_parameters=int(model.generator.count_params()),
                              train_beats=int(len(train_beats)))
        print(f"trained {len(epoch_seconds)} epochs ({np.sum(epoch_seconds):.0f} s) ; weights in {run.path}/final; "
              f"bench with `python -m training.evaluate_beat_generators {run.path}`")

    return run_trainer(args, argv, f"{name}-{args.variant}", new_config,
                       lambda r: load_splits(r, progress=args.verbose > 0), train)


def main_for(name: str):
    """The ``main(argv)`` of one model folder's trainer module."""
    def main(argv=None) -> int:
        return train_model(name, argv)
    main.__doc__ = f"``ecgtf train {name.replace('_', '-')}``"
    return main


if __name__ == "__main__":
    sys.exit(fail("run a model's trainer: ecgtf train NAME (python -m training.NAME)"))
