"""``ecgtf train denoiser`` (= ``python -m training.denoiser``): train an ECG denoising GAN.

Each step draws fresh training pairs: a random 1,024-sample stretch of a training record's MLII, a
random noise type (bw, ma, mix) from the training part of the NSTDB noise, a uniform SNR in the
training range. ``--minutes`` stops at the first epoch end past a wall-clock budget (the bench trains
every variant for the same budget); ``--resume`` continues from the last checkpoint.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ecgtf.arguments import finite_float
from ecgtf.backend import keras, tf
from ecgtf.plots import plot_curves, plot_denoising
from ecgtf.runs import new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    make_optimizer,
    positive_int,
    run_trainer,
    training_config,
)

from . import __doc__ as package_doc
from .data import DenoiserData, DenoiseWindow, NoiseBank, load_splits, random_pairs
from .networks import CONFIG, VARIANTS, build_model


@dataclass(frozen=True)
class DenoiserTraining(TrainingConfig):
    """Optimiser and schedule (Adam, as DCGAN; the paper's own values are not in the text available here)."""

    epochs: int = 30
    batch_size: int = 32
    lr: float = 2e-4
    beta1: float = 0.5
    steps_per_epoch: int = 200


def build_parser() -> argparse.ArgumentParser:

    t = DenoiserTraining()
    p = argparse.ArgumentParser(prog="ecgtf train denoiser", description=(package_doc or "") + "\n" + (__doc__ or ""),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", default=CONFIG().variant, choices=sorted(VARIANTS),
                   help=f"lstm_dcgan (the paper), dcgan or lstm_gan (its baselines); default {CONFIG().variant}")
    p.add_argument("--data", default="mitdb", help="'mitdb' (MIT-BIH + NSTDB below the data root, default), a MIT-BIH "
                   "directory (NSTDB still from the data root), or 'synthetic' (smoke tests)")
    p.add_argument("--n-synthetic", type=positive_int, default=12, help="synthetic records for --data synthetic")
    p.add_argument("--length", type=positive_int, default=None, help="fragment length in samples (default 1024)")
    p.add_argument("--filters", default=None, help="encoder channels, comma-separated (default 16,32,48,64)")
    p.add_argument("--content-weight", type=finite_float, default=None, help="L1 weight vs adversarial (default 100)")
    p.add_argument("--residual", action="store_true", help="the network estimates the noise; output = input − noise "
                   "(ours, not the paper's)")
    add_training_arguments(p, t)
    p.add_argument("--steps-per-epoch", type=positive_int, default=t.steps_per_epoch,
                   help=f"batches per epoch (default {t.steps_per_epoch})")
    return p


def pair_stream(sources: dict, window, data, batch: int, seed: int):
    """Endless batches of fresh (noisy, clean) training pairs (batch, L) float32 in mV."""

    bank = NoiseBank(sources["noise"], "train", data)
    rng = np.random.default_rng([seed, 1])
    span = (0.0, 1.0 - data.val_fraction)
    while True:
        yield random_pairs(sources["train"], bank, batch, window.length, data.noise_kinds, data.train_snr_db, rng, span)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return run_trainer(args, argv, f"denoiser-{args.variant}", lambda: run_config(args), load_splits, train)


def run_config(args) -> dict:
    """A new run's config.json from the arguments (validated; nothing on disk changes)."""
    if args.data not in ("mitdb", "synthetic") and not Path(args.data).is_dir():
        raise ValueError(f"--data {args.data!r}: expected 'mitdb', 'synthetic' or a MIT-BIH directory")
    window = DenoiseWindow(**({"length": args.length, "hop": args.length // 2} if args.length else {}))
    given = {}
    if args.filters:
        try:
            given["filters"] = tuple(int(f) for f in args.filters.split(","))
        except ValueError:
            raise ValueError(f"--filters {args.filters!r}: expected comma-separated integers") from None
    if args.residual:
        given["residual"] = True
    if args.content_weight is not None:
        given["content_weight"] = args.content_weight
    arch = replace(CONFIG(variant=args.variant), **VARIANTS[args.variant], length=window.length, **given)
    data = DenoiserData(source=args.data, data_dir=str(args.data_dir) if args.data_dir else None,
                        n_synthetic=args.n_synthetic, seed=args.seed)
    build_model(arch)  # fails here, before anything on disk changes, if the sizes do not fit
    return new_run_config("denoiser", args.variant, arch, window, training_config(DenoiserTraining, args), data)


def train(session) -> None:
    run, r, splits = session.run_dir, session.run, session.data
    t, w = r.training, r.preprocessing
    val_noisy, val_clean = splits["validation"]
    print(f"denoiser ({r.variant}) on {describe_devices()}: {len(splits['train'])} train / {len(splits['test'])} "
          f"test records, noise {list(splits['noise'])} ({r.data.source}); {t.steps_per_epoch} steps × "
          f"{t.batch_size} fresh pairs per epoch; run dir {run.path}")
    with session.strategy.scope():
        model = build_model(r.architecture)
        model.compile(g_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision),
                      d_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision))
    initial_epoch = session.resume(model)

    class Monitor(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            den = model.generator.predict(val_noisy[:3], verbose=0)
            plot_denoising(val_noisy[:3], val_clean[:3], {r.variant: den}, w.fs,
                           run / "plots" / f"epoch_{epoch + 1:03d}.png",
                           f"denoiser {r.variant}, epoch {epoch + 1} (validation fragments)")

    spec = tf.TensorSpec((t.batch_size, w.length), tf.float32)

    def dataset():
        return tf.data.Dataset.from_generator(
            lambda: pair_stream(splits, w, r.data, t.batch_size, r.data.seed + initial_epoch),
            output_signature=(spec, spec)).prefetch(2)

    val = tf.data.Dataset.from_tensor_slices((val_noisy, val_clean)).batch(64)
    session.fit(model, dataset, steps_per_epoch=t.steps_per_epoch, validation=val, callbacks=[Monitor()])
    hist = run.history()
    plot_curves({k: v for k, v in hist.items() if k in ("content", "val_content")}, run / "plots" / "content.png",
                f"denoiser {r.variant}: L1 (mV)")
    epoch_seconds = session.write_metrics(generator_parameters=int(model.generator.count_params()),
                                          val_snr_out_db=hist.get("val_snr_out", [None])[-1])
    print(f"trained {len(epoch_seconds)} epochs ({np.sum(epoch_seconds):.0f} s); weights in {run.path}/final; "
          f"evaluate with `python -m training.evaluate_denoisers {run.path}`")


if __name__ == "__main__":
    sys.exit(main())
