"""Train the 1-D U-Net Lead I → 12-lead reconstructor on every real source, streamed from a cache.

    ecgtf train unet1d --data-dir DATA --out runs/unet1d          # PTB-XL + z-scored PTB-XL + CinC
    ecgtf train unet1d --data ptb-xl:1 --epochs 5 --steps-per-epoch 50
    ecgtf train unet1d --out runs/unet1d --resume                 # after a crash / kill -9
    ecgtf train unet1d --any-leads --members 2 --init-from unet1d_12lead   # any leads in, from the Lead I preset

Sources are ``NAME:WEIGHT`` (the probability of drawing a window from a source is proportional to
its weight): ``ptb-xl`` (mV; folds 1–8 train, 9 validation, 10 test), ``ptb-xl-zscore`` (shape
only; records of validation/test patients are left out where their patient id is known),
``cinc2011`` (acceptable phone recordings without saturated or flat leads), ``cinc2021`` (mV),
``synthetic`` (ecgtf's dipole generator, generated into the cache). LUDB is never trained on: it is
the external test set. Each source is preprocessed once into an on-disk cache
(:mod:`ecgtf.data.cache`; ``--cache-dir``, default ``$ECGTF_CACHE`` or ``~/.cache/ecgtf/cache``)
and streamed from memory-mapped shards, so memory stays bounded for any number of records.

One file, over 300 lines on purpose: the configs, the per-source weighting, distillation and the training loop of one trainer.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.data import segments
from ecgtf.data.cache import CacheSpec, mix_caches
from ecgtf.data.segments import SEGMENT_SOURCES as KNOWN_SOURCES
from ecgtf.data.sources import canonical_name
from ecgtf.files import atomic_write_json
from ecgtf.models.unet1d.model import Unet1dTrainer
from ecgtf.models.unet1d.networks import Unet1dConfig, build_reconstructor, widen_from_lead_i
from ecgtf.models.unet1d.preprocessing import Unet1dPreprocessing
from ecgtf.models.unet1d.presets import run_or_preset
from ecgtf.runs import Run, new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    finite_float,
    make_optimizer,
    positive_float,
    positive_int,
    run_trainer,
    save_weights_atomic,
    starting_run,
    training_config,
)


@dataclass(frozen=True)
class Unet1dData:
    """Training data of a 1-D U-Net run."""

    sources: tuple[str, ...] = ("ptb-xl:1", "ptb-xl-zscore:1", "cinc2011:0.5", "cinc2021:1")
    data_dir: str | None = None
    cache_dir: str | None = None
    n_synthetic: int = 2000
    val_fold: int = 9
    test_fold: int = 10
    seed: int = 0

    def parsed_sources(self) -> list[tuple[str, float]]:
        out = []
        for item in self.sources:
            name, _, w = item.partition(":")
            name = canonical_name(name.strip())
            if name not in KNOWN_SOURCES:
                raise ValueError(f"source {name!r} cannot train the reconstructor; expected one of {KNOWN_SOURCES}")
            try:
                weight = float(w) if w else 1.0
            except ValueError:
                raise ValueError(f"source {item!r}: weight {w!r} is not a number (expected NAME:WEIGHT)") from None
            if not weight >= 0:
                raise ValueError(f"source {item!r}: weight must be ≥ 0")
            out.append((name, weight))
        if not out:
            raise ValueError("no training sources given")
        return out


@dataclass(frozen=True)
class Unet1dTraining(TrainingConfig):
    """Optimisation settings."""

    epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-3
    steps_per_epoch: int = 250
    lr_min: float = 2e-5
    """Cosine decay from ``lr`` to ``lr_min`` over the epochs."""
    lambda_amp: float = 1.0
    lambda_mv: float = 0.0
    teacher: str | None = None
    """Distillation: a preset name or run directory whose (frozen) network the student also matches."""
    lambda_truth: float = 1.0
    """Weight of the ground-truth losses (``lambda_amp``/``lambda_mv`` inside them)."""
    lambda_teacher: float = 1.0
    """Distillation only: L1 to the teacher's shape and log gain."""
    lambda_grad: float = 0.0
    """Distillation only: L1 between the first differences of student and teacher shapes (keeps the QRS)."""
    jit_compile: bool = False
    extra: dict = field(default_factory=dict)


def cache_spec(pre: Unet1dPreprocessing) -> CacheSpec:
    """The segment cache the model's preprocessing reads from."""
    return CacheSpec(fs=pre.fs, band_hz=pre.band_hz, filter_order=pre.filter_order)


def source_cache(name: str, data: Unet1dData, pre: Unet1dPreprocessing, progress: bool = True):
    """Build (or reuse) the cache of one source and open it (:func:`ecgtf.data.segments.source_cache`)."""
    return segments.source_cache(name, cache_spec(pre), data.data_dir, data.cache_dir, data.n_synthetic, data.seed,
                                 progress)


def split_indices(name: str, cache, data: Unet1dData) -> dict[str, np.ndarray]:
    """Segment indices per split for one source (:func:`ecgtf.data.segments.split_indices`)."""
    return segments.split_indices(name, cache, data.data_dir, data.val_fold, data.test_fold)


def load_splits(run, progress: bool = False) -> dict:
    """Windows (N, 12, W) in mV for ``train`` (a fixed sample of 512, for calibration), ``val`` and ``test``."""
    data, pre = run.data, run.preprocessing
    out = {}
    cache = source_cache("ptb-xl", data, pre, progress=progress)
    idx = split_indices("ptb-xl", cache, data)
    rng = np.random.default_rng(data.seed)
    train_idx = rng.permutation(idx["train"])[:256]
    out["train"] = segments.fixed_windows(cache, train_idx, pre.window)
    out["val"] = segments.fixed_windows(cache, idx["val"], pre.window)
    out["test"] = segments.fixed_windows(cache, idx["test"], pre.window)
    return out


def build_parser() -> argparse.ArgumentParser:
    d, t = Unet1dData(), Unet1dTraining()
    p = argparse.ArgumentParser(prog="ecgtf train unet1d", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", "--sources", dest="sources", default=",".join(d.sources),
                   help=f"comma-separated NAME:WEIGHT training sources (default {','.join(d.sources)})")
    p.add_argument("--cache-dir", default=None, help="where preprocessed caches go (default $ECGTF_CACHE or "
                   "~/.cache/ecgtf/cache)")
    p.add_argument("--n-synthetic", type=positive_int, default=d.n_synthetic,
                   help="records of the 'synthetic' source")
    add_training_arguments(p, t)
    p.add_argument("--steps-per-epoch", type=positive_int, default=t.steps_per_epoch)
    p.add_argument("--lambda-amp", type=finite_float, default=t.lambda_amp, help="weight of the amplitude (log gain) loss")
    p.add_argument("--lambda-mv", type=finite_float, default=t.lambda_mv, help="weight of the mV L1 loss")
    p.add_argument("--teacher", default=None, help="distil from this preset name or unet1d run directory "
                   "(the student is the network given by --filters/--width/--kernel)")
    p.add_argument("--lambda-teacher", type=finite_float, default=t.lambda_teacher,
                   help=f"distillation: weight of L1 to the teacher's shape and gain (default {t.lambda_teacher})")
    p.add_argument("--lambda-grad", type=finite_float, default=2.0,
                   help="distillation: weight of L1 between first differences of student and teacher shapes "
                        "(default 2; keeps QRS slopes)")
    p.add_argument("--lambda-truth", type=finite_float, default=t.lambda_truth,
                   help=f"distillation: weight of the ground-truth losses (default {t.lambda_truth})")
    p.add_argument("--width", type=positive_float, default=1.0, help="filter-count multiplier")
    p.add_argument("--filters", default=None, help="filters per level, e.g. 32,64,96,128,192")
    p.add_argument("--kernel", type=positive_int, default=Unet1dConfig().kernel)
    p.add_argument("--members", type=positive_int, default=1, help="ensemble size (networks averaged, default 1)")
    p.add_argument("--any-leads", action="store_true",
                   help="any leads in: the network takes every lead the device records plus a presence mask, "
                        "trained with random lead subsets (Lead I always)")
    p.add_argument("--lead-mix", type=int, default=0, metavar="TAPS",
                   help="any leads: also a linear path (TAPS-tap convolution) from the given leads, each z-scored by "
                        "its own std, to the shapes (e.g. 33; default 0 = none)")
    p.add_argument("--jit-compile", action="store_true", help="XLA-compile the train step")
    p.add_argument("--init-from", default=None,
                   help="start from another unet1d run's (or preset's) best weights (fine-tuning); an any-leads run "
                        "may start from a Lead I one of the same sizes (it starts computing the same function)")
    return p


def run_config(args) -> dict:
    """A new run's config.json from the arguments; everything is checked before anything on disk changes."""
    filters = {}
    if args.filters:
        try:
            filters = {"filters": tuple(int(f) for f in args.filters.split(","))}
        except ValueError:
            raise ValueError(f"--filters {args.filters!r}: expected comma-separated whole numbers, e.g. "
                             "32,64,96,128,192") from None
    if args.lead_mix and not args.any_leads:
        raise ValueError("--lead-mix needs --any-leads (it mixes the given leads)")
    if args.lead_mix < 0:
        raise ValueError(f"--lead-mix {args.lead_mix}: expected a number of taps ≥ 1 (or 0 for none)")
    arch = Unet1dConfig(width=args.width, kernel=args.kernel, members=args.members, any_leads=args.any_leads,
                        lead_mix=args.lead_mix, **filters)
    build_reconstructor(arch)   # sizes that do not fit fail here
    data = Unet1dData(sources=tuple(s.strip() for s in args.sources.split(",") if s.strip()),
                      data_dir=str(args.data_dir) if args.data_dir else None, cache_dir=args.cache_dir,
                      n_synthetic=args.n_synthetic, seed=args.seed)
    data.parsed_sources()
    if args.teacher:
        load_teacher(args.teacher)
    if args.init_from:
        init_run(args.init_from, arch)
    training = training_config(Unet1dTraining, args, lambda_grad=args.lambda_grad if args.teacher else 0.0,
                               extra={"init_from": str(args.init_from)} if args.init_from else {})
    return new_run_config("unet1d", "unet1d", arch, Unet1dPreprocessing(), training, data)


def init_run(path, arch: Unet1dConfig) -> Run:
    """The run named by ``--init-from`` (a run directory or a preset name): a unet1d run with best weights and the
    same architecture as ``arch`` (an any-leads ``arch`` may start from the Lead I twin)."""
    run = starting_run(run_or_preset(path, "--init-from"), "unet1d", "--init-from")
    if run.architecture not in (arch, replace(arch, any_leads=False, lead_mix=0), replace(arch, lead_mix=0)):
        raise ValueError(f"--init-from {path}: its network ({run.architecture}) differs from this run's ({arch}); "
                         "give the same --width/--filters/--kernel/--members")
    if not run.weights_path("reconstructor", "best").exists():
        raise ValueError(f"--init-from {path}: no {run.weights_path('reconstructor', 'best')} to start from")
    return run


class CosineLr:
    """Per-epoch cosine learning rate from ``lr`` to ``lr_min``."""

    @staticmethod
    def make(optimizer, t: Unet1dTraining):
        class _Cb(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                frac = epoch / max(1, t.epochs - 1)
                optimizer.learning_rate.assign(t.lr_min + 0.5 * (t.lr - t.lr_min) * (1 + np.cos(np.pi * frac)))

            def on_epoch_end(self, epoch, logs=None):
                if logs is not None:
                    logs["lr"] = float(optimizer.learning_rate.numpy())
        return _Cb()


class BestWeights:
    """Save the reconstructor whenever ``val_loss`` improves; the best value survives resumes."""

    @staticmethod
    def make(run, network):
        path = run / "final" / "best_reconstructor.weights.h5"
        info = path.with_suffix(".json")

        class _Cb(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.best = json.loads(info.read_text())["val_loss"] if info.exists() else float("inf")

            def on_epoch_end(self, epoch, logs=None):
                value = float((logs or {}).get("val_loss", np.inf))
                if value < self.best:
                    self.best = value
                    save_weights_atomic(network, path)
                    atomic_write_json(info, {"epoch": epoch + 1, "val_loss": value})
        return _Cb()


def load_teacher(name_or_dir: str):
    """The frozen teacher network: a preset of this model (:data:`.presets.PRESETS`) or a unet1d run directory."""
    path = run_or_preset(name_or_dir, "--teacher")
    run = Run(path)
    if run.model != "unet1d":
        raise ValueError(f"--teacher {path} is a {run.model} run; the teacher must be a unet1d reconstructor")
    return run.generator("best" if run.weights_path("reconstructor", "best").exists() else "final")


def load_training_sources(run, progress: bool = True):
    """Build/open every source's cache: ``(sources [(cache, train indices, weight)], val cache, val indices)``.

    Validation is PTB-XL's fold; without PTB-XL, 10 % of the first source's segments are held out.
    """
    data, pre = run.data, run.preprocessing
    caches, sources, trained = {}, [], {}
    for name, weight in data.parsed_sources():
        caches[name] = source_cache(name, data, pre, progress=progress)
        idx = split_indices(name, caches[name], data)["train"]
        trained[name] = len(idx)
        if len(idx) and weight > 0:
            sources.append((caches[name], idx, weight))
        print(f"source {name}: {len(caches[name])} segments ({caches[name].units}), {len(idx)} for training, "
              f"weight {weight:g}")
    if not sources:
        raise ValueError("no training windows: every source is empty or has weight 0")
    teacher = getattr(run.training, "teacher", None)
    teacher_path = run_or_preset(teacher, "--teacher") if teacher else None
    segments.record_splits(run.path, trained, segments.trained_split_revisions(teacher_path) if teacher else None,
                           Run(teacher_path).architecture.any_leads if teacher else None)
    try:
        val_cache = caches.get("ptb-xl") or source_cache("ptb-xl", data, pre, progress=progress)
        val_idx = split_indices("ptb-xl", val_cache, data)["val"]
    except FileNotFoundError:
        val_cache, idx, w = sources[0]
        idx = np.random.default_rng(data.seed).permutation(idx)
        n_val = max(1, len(idx) // 10)
        val_idx, sources[0] = idx[:n_val], (val_cache, idx[n_val:], w)
        print(f"PTB-XL not found: validating on {n_val} held-out segments of {val_cache.source}")
    n_train = sum(len(i) for _, i, w in sources if w > 0)
    if n_train == 0 or len(val_idx) == 0:
        raise ValueError(f"too little data to split: {n_train} training and {len(val_idx)} validation segments of "
                         f"{pre.window / pre.fs:g} s; add records or sources (--data, --n-synthetic)")
    return sources, val_cache, val_idx


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return run_trainer(args, argv, "unet1d", lambda: run_config(args),
                       lambda r: load_training_sources(r, progress=args.verbose > 0), train)


def train(session) -> None:
    run, r, t = session.run_dir, session.run, session.training
    sources, val_cache, val_idx = session.data
    data, pre, arch = r.data, r.preprocessing, r.architecture
    x_val = segments.fixed_windows(val_cache, val_idx, pre.window)

    def batches():
        for x, m in mix_caches(sources, pre.window, t.batch_size, seed=data.seed + 1000 * len(r.history().get("loss", []))):
            yield x, m
    sig = (tf.TensorSpec((t.batch_size, 12, pre.window), tf.float32), tf.TensorSpec((t.batch_size,), tf.bool))
    val_ds = tf.data.Dataset.from_tensor_slices((x_val, np.ones(len(x_val), bool))).batch(64)

    with session.strategy.scope():
        net = build_reconstructor(arch)
        if t.extra.get("init_from"):
            src = init_run(t.extra["init_from"], arch)
            if src.architecture == arch:
                net.load_weights(str(src.weights_path("reconstructor", "best")))
            else:
                widen_from_lead_i(src.generator("best"), net)
            print(f"initialised from {src.path} (best weights{'' if src.architecture == arch else ', widened'})")
        teacher = load_teacher(t.teacher) if t.teacher else None
        if teacher is not None:
            print(f"distilling from {t.teacher} ({teacher.count_params():,} parameters)")
        model = Unet1dTrainer(net, pre.min_std_mv, teacher=teacher)
        opt = make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision)
        model.compile(optimizer=opt, lambda_amp=t.lambda_amp, lambda_mv=t.lambda_mv, lambda_truth=t.lambda_truth,
                      lambda_teacher=t.lambda_teacher, lambda_grad=t.lambda_grad, jit_compile=t.jit_compile)
    session.resume(model)
    print(f"unet1d ({net.count_params():,} parameters) on {describe_devices()}; {len(x_val)} validation windows; "
          f"run dir {run.path}")
    session.fit(model, lambda: tf.data.Dataset.from_generator(batches, output_signature=sig).prefetch(4),
                steps_per_epoch=t.steps_per_epoch, validation=val_ds,
                callbacks=[CosineLr.make(opt, t), BestWeights.make(run, net)])
    hist = run.history()
    session.write_metrics(epochs=t.epochs, windows_per_second=t.steps_per_epoch * t.batch_size /
                          np.median(hist["epoch_seconds"]) if hist.get("epoch_seconds") else None,
                          val_loss_last=hist.get("val_loss", [None])[-1],
                          val_loss_best=min(hist.get("val_loss", [np.inf])))
    print(f"done in {session.seconds / 60:.1f} min; weights in {run.path}/final "
          f"(evaluate with `ecgtf evaluate {run.path}`)")


if __name__ == "__main__":
    sys.exit(main())
