"""Train EKGAN (or its ablations / the Pix2Pix baseline) for Lead I → 12-lead reconstruction.

    ecgtf train ekgan                                # synthetic data, paper settings, 10 epochs
    ecgtf train ekgan --data ptb-xl --width 0.5 --out runs/ekgan-ptbxl
    ecgtf train ekgan --out runs/ekgan-ptbxl --resume
    (``python -m training.ekgan …`` is the same command)

Choices the paper and the original code leave open, and what ecgtf uses: Adam β1 = 0.5, β2 = 0.999
(the pix2pix convention the EKGAN code builds on); no label smoothing (option); the label generator
reconstructs the *input* as in the original code (``--label-input target`` for the paper's wording);
the learning rate is multiplied by 0.95 per epoch from epoch 6 on (compounding); batch size 32.

One file, over 300 lines on purpose: EKGAN's configs, its variants' training models and the training loop are one cohesive thing.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.backend import keras
from ecgtf.data.records import require_millivolts
from ecgtf.data.sources import canonical_name, load_source, split_source
from ecgtf.data.tfdata import make_dataset
from ecgtf.models.ekgan.baselines.pix2pix import Pix2Pix
from ecgtf.models.ekgan.model import EKGAN
from ecgtf.models.ekgan.networks import EkganConfig
from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, prepare_cropped_pairs, prepare_pairs
from ecgtf.runs import RunDir, atomic_write_json, new_run_config
from ecgtf.scores import format_per_lead
from ecgtf.trainer import (
    EpochCheckpoint,
    EpochLrDecay,
    RecalibratedValidation,
    Timer,
    add_common_arguments,
    describe_devices,
    fail,
    make_optimizer,
    positive_float,
    positive_int,
    start_run,
)

from .inference import _as_run, evaluate_predictions, plot_examples, predict

VARIANTS = ("ekgan", "no-label-generator", "no-discriminator", "pix2pix", "cyclegan", "cardiogan")
CYCLE_VARIANTS = {"cyclegan": 10.0, "cardiogan": 30.0}
"""Unpaired baselines and their default cycle-consistency weight (``--lambda-l1`` sets it)."""


@dataclass(frozen=True)
class EkganTraining:
    """Optimisation settings; defaults are the paper's (Adam 1e-4, ×0.95 per epoch after 5, λ = 50)."""

    epochs: int = 10
    batch_size: int = 32
    lr: float = 1e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lambda_l1: float = 50.0
    alpha_latent: float = 1.0
    label_input: str = "input"
    label_smoothing: float = 0.0
    lr_decay: float = 0.95
    lr_decay_start: int = 5
    mixed_precision: bool = False
    strategy: str = "default"


@dataclass(frozen=True)
class EkganData:
    """Where an EKGAN run's records come from and how they are split."""

    source: str = "synthetic"
    data_dir: str | None = None
    n_synthetic: int = 600
    max_train: int | None = None
    augment_crops: int = 1
    resample: bool = False
    """Resample records whose rate differs from the preprocessing's (else they are refused)."""
    seed: int = 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.ekgan", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="synthetic",
                   help="'synthetic' (default, the embedded dipole generator), 'pulse2pulse:RUN' (records from a trained "
                        "Pulse2Pulse run), a dataset name (ptb-xl, ludb, cinc2021 …) below the data root, or a "
                        "directory of 12-lead WFDB records")
    p.add_argument("--n-synthetic", type=positive_int, default=600, help="synthetic records to generate (default 600)")
    add_common_arguments(p, default_epochs=10, default_batch=32)
    p.add_argument("--width", type=positive_float, default=1.0, help="filter-count multiplier (1.0 = paper)")
    p.add_argument("--physics-head", action="store_true",
                   help="predict II, V1–V6 and derive III, aVR, aVL, aVF (implies --normalization fixed)")
    p.add_argument("--normalization", choices=["per_lead", "fixed"], default=None,
                   help="per_lead min-max (paper, default) or fixed 2.5 mV scale")
    p.add_argument("--variant", choices=VARIANTS, default="ekgan",
                   help="EKGAN, its ablations, Pix2Pix, or the unpaired CycleGAN / CardioGAN baselines")
    p.add_argument("--lr", type=positive_float, default=1e-4, help="Adam learning rate (default 1e-4)")
    p.add_argument("--beta1", type=float, default=0.5)
    p.add_argument("--lambda-l1", type=float, default=None,
                   help="L1 weight (default 50; 100 for pix2pix); the cycle weight for cyclegan (10) / cardiogan (30)")
    p.add_argument("--alpha-latent", type=float, default=1.0, help="latent L1 weight α (default 1)")
    p.add_argument("--label-input", choices=["input", "target"], default="input")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--lr-decay-start", type=int, default=5, help="first epoch after which lr ×0.95 (default 5)")
    p.add_argument("--plot-every", type=positive_int, default=1, help="plot a validation record every N epochs")
    p.add_argument("--max-train", type=positive_int, default=None, help="cap on training records (quick experiments)")
    p.add_argument("--resample", action="store_true",
                   help="resample records at another rate (e.g. CinC 2011 at 250 Hz) to 500 Hz instead of refusing them")
    p.add_argument("--augment-crops", type=positive_int, default=1,
                   help="training windows per record at random offsets (1 = the paper's single window)")
    return p


def run_config(args) -> dict:
    """A new run's config.json (format 2: the full dataclasses); validates the arguments first."""

    normalization = args.normalization or ("fixed" if args.physics_head else "per_lead")
    if args.physics_head and normalization != "fixed":
        raise ValueError("--physics-head needs --normalization fixed (the limb-lead laws only hold in "
                         "the data when all leads share one scale)")
    source = args.data
    if not Path(source).exists():
        source = canonical_name(source)
    arch = EkganConfig(width=args.width, physics_head=args.physics_head,
                       norm="instance" if args.variant == "cyclegan" else "batch")
    if args.variant in CYCLE_VARIANTS and args.physics_head:
        raise ValueError(f"--physics-head is not available for the {args.variant} baseline")
    pre = EkganPreprocessing(normalization=normalization,
                             input_layout="zero_padded" if args.variant in CYCLE_VARIANTS else "replicated")
    training = EkganTraining(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, beta1=args.beta1,
                             lambda_l1=args.lambda_l1 if args.lambda_l1 is not None
                             else CYCLE_VARIANTS.get(args.variant, 100.0 if args.variant == "pix2pix" else 50.0),
                             alpha_latent=args.alpha_latent, label_input=args.label_input,
                             label_smoothing=args.label_smoothing, lr_decay_start=args.lr_decay_start,
                             mixed_precision=args.mixed_precision, strategy=args.strategy)
    data = EkganData(source=source, data_dir=str(args.data_dir) if args.data_dir else None,
                     n_synthetic=args.n_synthetic, max_train=args.max_train, augment_crops=args.augment_crops,
                     resample=args.resample, seed=args.seed)
    return new_run_config("ekgan", args.variant, arch, pre, training, data)


def configs_from_run(run):
    """(EkganConfig, EkganPreprocessing) of a run."""
    run = _as_run(run)
    return run.architecture, run.preprocessing


def load_split_data(run, progress: bool = True) -> dict:
    """Load, split by patient and preprocess the run's data: {split: (inputs, targets, scale, offset, ids)}."""

    run = _as_run(run)
    d, pre = run.data, run.preprocessing
    ds = load_source(d.source, d.data_dir, n_synthetic=d.n_synthetic, seed=d.seed, progress=progress)

    if pre.normalization == "fixed":
        require_millivolts(ds.units, f"data source {d.source!r}")
    if not np.isclose(ds.fs, pre.fs):
        if not d.resample:
            raise ValueError(f"data source {d.source!r} is sampled at {ds.fs:g} Hz, the model's preprocessing at "
                             f"{pre.fs:g} Hz; pass --resample to convert it")
        from ecgtf.preprocessing.signal import resample

        ds.signals, ds.fs = resample(ds.signals, ds.fs, pre.fs).astype(np.float32), pre.fs
    splits = split_source(ds, seed=d.seed)
    out = {}
    for name, idx in zip(("train", "val", "test"), splits):
        if name == "train" and d.max_train:
            idx = idx[:d.max_train]
        if len(idx) == 0:
            raise ValueError(f"the {name} split of {d.source!r} is empty ({len(ds)} records in all)")
        ids = [ds.record_ids[i] for i in idx]
        if name == "train" and d.augment_crops > 1:
            x, y, sc, off = prepare_cropped_pairs(ds.signals[idx], ds.fs, pre, d.augment_crops, d.seed)
            ids = [rid for rid in ids for _ in range(d.augment_crops)]
        else:
            x, y, sc, off = prepare_pairs(ds.signals[idx], ds.fs, pre)
        out[name] = (x, y, sc, off, ids)
    return out


def load_splits(run, progress: bool = False) -> dict:
    return load_split_data(run, progress)


def build_model(run):
    """The training model for the run's variant, compiled with its optimizers."""

    run = _as_run(run)
    arch, t = run.architecture, run.training
    opt = lambda: make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision)  # noqa: E731
    if run.variant in CYCLE_VARIANTS:
        from ecgtf.models.ekgan.baselines.cardiogan import CardioGAN
        from ecgtf.models.ekgan.baselines.cyclegan import CycleGAN

        model = (CycleGAN if run.variant == "cyclegan" else CardioGAN)(arch)
        model.compile(g_optimizer=opt(), d_optimizer=opt(), lambda_cycle=t.lambda_l1)
        return model, model.optimizer_pairs()
    if run.variant == "pix2pix":
        model = Pix2Pix(arch)
        model.compile(g_optimizer=opt(), d_optimizer=opt(), lambda_l1=t.lambda_l1)
        pairs = [(model.g_optimizer, model.inference_generator), (model.d_optimizer, model.discriminator)]
        return model, pairs
    model = EKGAN(arch, use_label_generator=run.variant != "no-label-generator",
                  use_discriminator=run.variant != "no-discriminator")
    model.compile(ig_optimizer=opt(), lg_optimizer=opt() if model.use_label_generator else None,
                  d_optimizer=opt() if model.use_discriminator else None, lambda_l1=t.lambda_l1,
                  alpha_latent=t.alpha_latent, label_input=t.label_input, label_smoothing=t.label_smoothing)
    pairs = [(model.ig_optimizer, model.inference_generator)]
    if model.use_label_generator:
        pairs.append((model.lg_optimizer, model.label_generator))
    if model.use_discriminator:
        pairs.append((model.d_optimizer, model.discriminator))
    return model, pairs


class ValidationPlot:
    """Keras callback factory: overlay of one validation record (mV) every ``every`` epochs."""

    @staticmethod
    def make(run: RunDir, generator, x, y, scale, offset, pre, every: int):


        class _Cb(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if (epoch + 1) % every == 0:
                    pred = generator(x[:1], training=False)[0].numpy()
                    plot_examples(pred, y[:1], scale[:1], offset[:1], run / "plots", f"epoch_{epoch + 1:03d}",
                                  n=1, pre=pre, record_ids=["val0"])
        return _Cb()


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    started = start_run(args, argv, "ekgan", lambda: run_config(args),
                        lambda r: load_split_data(r, progress=args.verbose > 0))
    if isinstance(started, int):
        return started
    run, r, strategy, data = started
    t = r.training



    x_tr, y_tr, *_ = data["train"]
    x_va, y_va, sc_va, off_va, _ = data["val"]
    batch = min(t.batch_size, len(x_tr))
    print(f"EKGAN[{r.variant}] width={r.architecture.width} physics_head={r.architecture.physics_head} "
          f"on {describe_devices()}, {strategy.num_replicas_in_sync} replica(s); data={r.data.source}: "
          f"{len(x_tr)} train / {len(x_va)} val / {len(data['test'][0])} test records; run dir {run.path}")
    train_ds = make_dataset(x_tr, y_tr, batch_size=batch, seed=r.data.seed)
    val_ds = make_dataset(x_va, y_va, batch_size=min(batch, len(x_va)), shuffle=False, drop_remainder=False)

    with strategy.scope():
        model, pairs = build_model(r)
    pre = r.preprocessing
    ckpt = EpochCheckpoint(run, model.checkpoint_objects(), pairs)
    try:
        initial_epoch = ckpt.restore() if args.resume else 0
    except (ValueError, FileNotFoundError) as exc:
        return fail(str(exc))
    if initial_epoch:
        print(f"resuming after epoch {initial_epoch}")
    callbacks = [
        Timer(),
        EpochLrDecay([o for o, _ in pairs], t.lr, t.lr_decay, t.lr_decay_start),
        RecalibratedValidation(model, model.inference_generator, x_tr, val_ds,
                               best_path=run / "final" / "best_inference_generator.weights.h5"),
        ckpt,
        keras.callbacks.TensorBoard(log_dir=str(run / "logs")),
        ValidationPlot.make(run, model.inference_generator, x_va, y_va, sc_va, off_va, pre, args.plot_every),
    ]
    start = time.perf_counter()
    if initial_epoch < t.epochs:
        model.fit(train_ds, epochs=t.epochs, initial_epoch=initial_epoch, callbacks=callbacks,
                  verbose=args.verbose)
    else:  # nothing left to train: make sure the BatchNorm statistics fit the restored weights
        from ecgtf.trainer import recalibrate_batchnorm
        recalibrate_batchnorm(model.inference_generator, x_tr)
    train_seconds = time.perf_counter() - start

    for name, net in model.checkpoint_objects().items():
        if isinstance(net, keras.Model):
            net.save_weights(str(run / "final" / f"{name}.weights.h5"))
    results = {}
    for split in ("val", "test"):
        x, y, sc, off, ids = data[split]
        pred = predict(model.inference_generator, x)
        results[split] = evaluate_predictions(pred, y, sc, off, pre)
        plot_examples(pred, y, sc, off, run / "plots", f"{split}", n=2, pre=pre, record_ids=ids)
    history = run.history()
    metrics = {"train_seconds_this_session": train_seconds, "epochs": t.epochs,
               "epoch_seconds": history.get("epoch_seconds", []), **results}
    atomic_write_json(run / "metrics.json", metrics)
    print(f"\ntest set ({results['test']['n_records']} records), millivolts:")
    print(format_per_lead(results["test"]))
    o = results["test"]["overall"]
    print(f"overall: RMSE {o['rmse_mv']:.4f} mV, MAE {o['mae_mv']:.4f} mV, PRD {o['prd_pct']:.1f} %, "
          f"MMD {o.get('mmd', float('nan')):.4f}, HR MAE {o.get('hr_mae_bpm', float('nan')):.2f} bpm")
    print(f"wrote {run.path}/metrics.json, final weights in {run.path}/final, plots in {run.path}/plots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
