"""Train EKGAN (or its ablations / the Pix2Pix baseline) for Lead I → 12-lead reconstruction.

    ecgtf train ekgan                                # synthetic data, paper settings, 10 epochs
    ecgtf train ekgan --data ptb-xl --width 0.5 --out runs/ekgan-ptbxl
    ecgtf train ekgan --out runs/ekgan-ptbxl --resume
    (``python -m training.ekgan …`` is the same command)

Choices the paper and the original code leave open, and what ecgtf uses: Adam β1 = 0.5, β2 = 0.999
(the pix2pix convention the EKGAN code builds on); no label smoothing (option); the label generator
reconstructs the *input* as in the original code (``--label-input target`` for the paper's wording);
the learning rate is multiplied by 0.95 per epoch from epoch 6 on (compounding); batch size 32.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.arguments import non_negative_int
from ecgtf.backend import keras
from ecgtf.data.records import require_millivolts
from ecgtf.data.sources import canonical_name, load_source, split_source
from ecgtf.data.tfdata import make_dataset
from ecgtf.models.ekgan.baselines.pix2pix import Pix2Pix
from ecgtf.models.ekgan.model import EKGAN
from ecgtf.models.ekgan.networks import EkganConfig
from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, prepare_cropped_pairs, prepare_pairs
from ecgtf.runs import RunDir, new_run_config
from ecgtf.scores import format_per_lead
from ecgtf.trainer import (
    EpochLrDecay,
    RecalibratedValidation,
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    finite_float,
    make_optimizer,
    positive_float,
    positive_int,
    recalibrate_batchnorm,
    run_trainer,
    training_config,
)

from .inference import _as_run, evaluate_predictions, plot_examples, predict

VARIANTS = ("ekgan", "no-label-generator", "no-discriminator", "pix2pix", "cyclegan", "cardiogan")
CYCLE_VARIANTS = {"cyclegan": 10.0, "cardiogan": 30.0}
"""Unpaired baselines and their default cycle-consistency weight (``--lambda-l1`` sets it)."""


@dataclass(frozen=True)
class EkganTraining(TrainingConfig):
    """Optimisation settings; defaults are the paper's (Adam 1e-4, ×0.95 per epoch after 5, λ = 50)."""

    epochs: int = 10
    batch_size: int = 32
    lr: float = 1e-4
    beta1: float = 0.5
    lambda_l1: float = 50.0
    alpha_latent: float = 1.0
    label_input: str = "input"
    label_smoothing: float = 0.0
    lr_decay: float = 0.95
    lr_decay_start: int = 5


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
    add_training_arguments(p, EkganTraining())
    p.add_argument("--width", type=positive_float, default=1.0, help="filter-count multiplier (1.0 = paper)")
    p.add_argument("--physics-head", action="store_true",
                   help="predict II, V1–V6 and derive III, aVR, aVL, aVF (implies --normalization fixed)")
    p.add_argument("--normalization", choices=["per_lead", "fixed"], default=None,
                   help="per_lead min-max (paper, default) or fixed 2.5 mV scale")
    p.add_argument("--variant", choices=VARIANTS, default="ekgan",
                   help="EKGAN, its ablations, Pix2Pix, or the unpaired CycleGAN / CardioGAN baselines")
    p.add_argument("--lambda-l1", type=finite_float, default=None,
                   help="L1 weight (default 50; 100 for pix2pix); the cycle weight for cyclegan (10) / cardiogan (30)")
    p.add_argument("--alpha-latent", type=finite_float, default=1.0, help="latent L1 weight α (default 1)")
    p.add_argument("--label-input", choices=["input", "target"], default="input")
    p.add_argument("--label-smoothing", type=finite_float, default=0.0)
    p.add_argument("--lr-decay-start", type=non_negative_int, default=5, help="first epoch after which lr ×0.95 (default 5)")
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
    training = training_config(EkganTraining, args, lambda_l1=args.lambda_l1 if args.lambda_l1 is not None
                               else CYCLE_VARIANTS.get(args.variant, 100.0 if args.variant == "pix2pix" else 50.0))
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
    """The training model for the run's variant, compiled with its optimizers (``checkpoint_objects()``,
    ``optimizer_pairs()``, ``inference_generator``)."""

    run = _as_run(run)
    arch, t = run.architecture, run.training
    opt = lambda: make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision)  # noqa: E731
    if run.variant in CYCLE_VARIANTS:
        from ecgtf.models.ekgan.baselines.cardiogan import CardioGAN
        from ecgtf.models.ekgan.baselines.cyclegan import CycleGAN

        model = (CycleGAN if run.variant == "cyclegan" else CardioGAN)(arch)
        model.compile(g_optimizer=opt(), d_optimizer=opt(), lambda_cycle=t.lambda_l1)
        return model
    if run.variant == "pix2pix":
        model = Pix2Pix(arch)
        model.compile(g_optimizer=opt(), d_optimizer=opt(), lambda_l1=t.lambda_l1)
        return model
    model = EKGAN(arch, use_label_generator=run.variant != "no-label-generator",
                  use_discriminator=run.variant != "no-discriminator")
    model.compile(ig_optimizer=opt(), lg_optimizer=opt() if model.use_label_generator else None,
                  d_optimizer=opt() if model.use_discriminator else None, lambda_l1=t.lambda_l1,
                  alpha_latent=t.alpha_latent, label_input=t.label_input, label_smoothing=t.label_smoothing)
    return model


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
    return run_trainer(args, argv, "ekgan", lambda: run_config(args),
                       lambda r: load_split_data(r, progress=args.verbose > 0), train)


def train(session) -> None:
    run, r, data, t, args = session.run_dir, session.run, session.data, session.training, session.args
    x_tr, y_tr, *_ = data["train"]
    x_va, y_va, sc_va, off_va, _ = data["val"]
    batch = min(t.batch_size, len(x_tr))
    print(f"EKGAN[{r.variant}] width={r.architecture.width} physics_head={r.architecture.physics_head} "
          f"on {describe_devices()}, {session.strategy.num_replicas_in_sync} replica(s); data={r.data.source}: "
          f"{len(x_tr)} train / {len(x_va)} val / {len(data['test'][0])} test records; run dir {run.path}")
    val_ds = make_dataset(x_va, y_va, batch_size=min(batch, len(x_va)), shuffle=False, drop_remainder=False)
    with session.strategy.scope():
        model = build_model(r)
    pre = r.preprocessing
    session.resume(model)
    callbacks = [
        EpochLrDecay([o for o, _ in model.optimizer_pairs()], t.lr, t.lr_decay, t.lr_decay_start),
        RecalibratedValidation(model, model.inference_generator, x_tr, val_ds,
                               best_path=run / "final" / "best_inference_generator.weights.h5"),
        ValidationPlot.make(run, model.inference_generator, x_va, y_va, sc_va, off_va, pre, args.plot_every),
    ]
    if session.initial_epoch >= t.epochs:   # nothing left to train: the BatchNorm statistics must fit the weights
        recalibrate_batchnorm(model.inference_generator, x_tr)
    session.fit(model, lambda: make_dataset(x_tr, y_tr, batch_size=batch, seed=r.data.seed), callbacks=callbacks)
    results = {}
    for split in ("val", "test"):
        x, y, sc, off, ids = data[split]
        pred = predict(model.inference_generator, x)
        results[split] = evaluate_predictions(pred, y, sc, off, pre)
        plot_examples(pred, y, sc, off, run / "plots", f"{split}", n=2, pre=pre, record_ids=ids)
    session.write_metrics(epochs=t.epochs, epoch_seconds=run.history().get("epoch_seconds", []), **results)
    print(f"\ntest set ({results['test']['n_records']} records), millivolts:")
    print(format_per_lead(results["test"]))
    o = results["test"]["overall"]
    print(f"overall: RMSE {o['rmse_mv']:.4f} mV, MAE {o['mae_mv']:.4f} mV, PRD {o['prd_pct']:.1f} %, "
          f"MMD {o.get('mmd', float('nan')):.4f}, HR MAE {o.get('hr_mae_bpm', float('nan')):.2f} bpm")
    print(f"wrote {run.path}/metrics.json, final weights in {run.path}/final, plots in {run.path}/plots")


if __name__ == "__main__":
    sys.exit(main())
