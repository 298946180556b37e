"""``ecgtf train pulse2pulse`` (= ``python -m training.pulse2pulse``): train Pulse2Pulse on 10 s 12-lead records.

``--variant paper`` is the published model (500 Hz × 5,000, a ~204 M-parameter critic: for GPUs);
``--variant cpu`` (100 Hz × 1,000, 4.9 M critic) trains on two CPU cores. Records come from the millivolt
sets below the data root (``--data``), never from the synthesis protocol's reference half of PTB-XL.
``--variant finetune --init-generator RUN`` continues the paper-sized generator of another run (e.g. the
published weights, ``python -m ecgtf.models.pulse2pulse.published``) against a new ``cpu``-sized critic that
judges the output at 100 Hz; ``--critic-warmup`` first trains that critic alone.
``--minutes`` stops at the first epoch end past a wall-clock budget; ``--resume`` continues a run.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace

import numpy as np

from ecgtf.arguments import non_negative_int
from ecgtf.backend import keras, tf
from ecgtf.data.reference import MV_SOURCES
from ecgtf.plots import plot_12lead, plot_curves
from ecgtf.runs import new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    make_optimizer,
    positive_float,
    positive_int,
    run_trainer,
    starting_run,
    training_config,
)

from . import __doc__ as package_doc
from .data import Pulse2PulseData, load_splits, to_millivolts
from .inference import load_generator_for_run
from .networks import VARIANTS, Pulse2PulseConfig, build_model


@dataclass(frozen=True)
class Pulse2PulseTraining(TrainingConfig):
    """The paper's optimiser: Adam 1e-4, β = (0.5, 0.9), batch 32 (4,000 epochs on a GPU)."""

    epochs: int = 4000
    batch_size: int = 32
    lr: float = 1e-4
    beta1: float = 0.5
    beta2: float = 0.9
    steps_per_epoch: int | None = None
    init_generator: str | None = None
    """A run whose generator weights start this one (same generator architecture); None: random."""
    generator_lr: float | None = None
    """The generator's learning rate (None: ``lr``)."""
    critic_warmup: int = 0
    """Generator steps at the start with the generator's learning rate at 0 (the critic learns alone)."""


GENERATOR_FIELDS = ("length", "fs", "model_size", "kernel", "encoder_strides", "encoder_channels", "leaky_generator")
"""The architecture fields a generator's weights depend on."""


def init_run(path: str, arch):
    """The run named by ``--init-generator``, checked against the new run's architecture ``arch``."""
    run = starting_run(path, "pulse2pulse", "--init-generator")
    diff = {f: (getattr(run.architecture, f), getattr(arch, f)) for f in GENERATOR_FIELDS
            if tuple(np.atleast_1d(getattr(run.architecture, f))) != tuple(np.atleast_1d(getattr(arch, f)))}
    if diff:
        raise ValueError(f"--init-generator {path}: its generator differs from --variant {arch.variant}'s "
                         f"(field: theirs, this run's): {diff}")
    return run


def build_parser() -> argparse.ArgumentParser:

    t, d = Pulse2PulseTraining(), Pulse2PulseData()
    p = argparse.ArgumentParser(prog="ecgtf train pulse2pulse", description=(package_doc or "") + "\n" + (__doc__ or ""),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", default="paper", choices=sorted(VARIANTS),
                   help="paper (500 Hz × 5,000, default) or cpu (100 Hz × 1,000, a small critic)")
    p.add_argument("--model-size", type=positive_int, default=None, help="generator width d (default 50)")
    p.add_argument("--critic-size", type=positive_int, default=None,
                   help="critic width (default 50 for paper, 16 for cpu)")
    p.add_argument("--data", "--sources", dest="sources", default=",".join(d.sources),
                   help=f"comma-separated millivolt 12-lead datasets below the data root (default {','.join(d.sources)}), "
                        "or 'synthetic' (the dipole generator; smoke tests)")
    p.add_argument("--n-synthetic", type=positive_int, default=d.n_synthetic, help="records for --sources synthetic")
    p.add_argument("--scale-mv", type=positive_float, default=None,
                   help=f"millivolts per model unit (default {d.scale_mv:g}, or the --init-generator run's; "
                        "outputs are clipped to ±1 unit)")
    add_training_arguments(p, t)
    p.add_argument("--steps-per-epoch", type=positive_int, default=None,
                   help="generator steps per epoch (default: one pass over the records)")
    p.add_argument("--init-generator", default=None, metavar="RUN",
                   help="start the generator from this pulse2pulse run's final weights (same generator "
                        "architecture; e.g. the published weights written by `python -m ecgtf.models.pulse2pulse.published`)")
    p.add_argument("--generator-lr", type=positive_float, default=None,
                   help="the generator's learning rate (default: --lr)")
    p.add_argument("--critic-warmup", type=non_negative_int, default=t.critic_warmup,
                   help="generator steps at the start with the generator frozen (default 0)")
    p.add_argument("--plot-every", type=positive_int, default=5, help="plot generated records every N epochs")
    return p


def main(argv=None) -> int:

    args = build_parser().parse_args(argv)

    def new_config():

        sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
        bad = [s for s in sources if s not in MV_SOURCES + ("synthetic",)]
        if bad or not sources or ("synthetic" in sources and len(sources) > 1):
            raise ValueError(f"--data {args.sources!r}: expected some of {','.join(MV_SOURCES)}, "
                             "or 'synthetic' alone")
        arch = Pulse2PulseConfig(**{"variant": args.variant, **VARIANTS[args.variant]})
        sizes = {k: v for k, v in (("model_size", args.model_size), ("disc_model_size", args.critic_size)) if v}
        arch = replace(arch, **sizes)
        if args.critic_warmup < 0:
            raise ValueError(f"--critic-warmup {args.critic_warmup}: expected a number of steps ≥ 0")
        scale_mv = args.scale_mv or Pulse2PulseData().scale_mv
        if args.init_generator:
            start = init_run(args.init_generator, arch)
            if args.scale_mv and args.scale_mv != start.data.scale_mv:
                raise ValueError(f"--scale-mv {args.scale_mv:g}: the generator of {args.init_generator} writes "
                                 f"{start.data.scale_mv:g} mV per unit")
            scale_mv = start.data.scale_mv
        training = training_config(Pulse2PulseTraining, args)
        data = Pulse2PulseData(sources=sources, data_dir=str(args.data_dir) if args.data_dir else None,
                               scale_mv=scale_mv, n_synthetic=args.n_synthetic, seed=args.seed)
        build_model(arch)  # fails here, before anything on disk changes, if the sizes do not fit
        return new_run_config("pulse2pulse", args.variant, arch, data, training, data)

    return run_trainer(args, argv, f"pulse2pulse-{args.variant}", new_config,
                       lambda run: load_splits(run, progress=args.verbose > 0), train)


def train(session) -> None:
    run, r, splits, args = session.run_dir, session.run, session.data, session.args
    t, arch = r.training, r.architecture
    leads = splits["train"]["leads"]
    batch = min(t.batch_size, len(leads))


    print(f"Pulse2Pulse ({arch.variant}) on {describe_devices()}: {len(leads)} training records "
          f"{splits['train']['counts']} of {arch.length} samples at {arch.fs:g} Hz; run dir {run.path}")
    g_lr = t.generator_lr or t.lr
    if t.critic_warmup:   # Adam with a learning rate of 0 leaves the generator as it is
        g_lr = keras.optimizers.schedules.PiecewiseConstantDecay([t.critic_warmup], [0.0, g_lr])
    with session.strategy.scope():
        model = build_model(arch)
        model.compile(g_optimizer=make_optimizer(g_lr, t.beta1, t.beta2, t.mixed_precision),
                      d_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision))
    initial_epoch = session.resume(model)
    if t.init_generator and initial_epoch == 0:
        start = init_run(t.init_generator, arch)
        model.generator.set_weights(load_generator_for_run(start).get_weights())
        print(f"generator starts from {t.init_generator} (final weights)")
    monitor_noise = np.random.default_rng(1234).uniform(-1, 1, (2, arch.length, 8)).astype(np.float32)

    class Monitor(keras.callbacks.Callback):
        """Plot one generated 12-lead record every ``--plot-every`` epochs."""

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % args.plot_every == 0:
                mv = to_millivolts(model.generator(monitor_noise, training=False).numpy(), r.data)
                plot_12lead(mv[0], arch.fs, run / "plots" / f"epoch_{epoch + 1:04d}.png",
                            title=f"Pulse2Pulse ({arch.variant}) epoch {epoch + 1}")

    def dataset():
        return (tf.data.Dataset.from_tensor_slices(leads)
                .shuffle(len(leads), seed=r.data.seed + initial_epoch, reshuffle_each_iteration=True)
                .repeat().batch(batch, drop_remainder=True).prefetch(2))

    steps = t.steps_per_epoch or max(1, len(leads) // (batch * arch.n_critic))
    session.fit(model, dataset, steps_per_epoch=steps, callbacks=[Monitor()])
    hist = run.history()
    plot_curves({k: v for k, v in hist.items() if k in ("g_loss", "d_loss")}, run / "plots" / "losses.png",
                "Pulse2Pulse losses (WGAN-GP)")
    epoch_seconds = session.write_metrics(generator_parameters=int(model.generator.count_params()),
                                          critic_parameters=int(model.discriminator.count_params()),
                                          train_records=int(len(leads)))
    print(f"trained {len(epoch_seconds)} epochs ({np.sum(epoch_seconds):.0f} s); weights in {run.path}/final; "
          f"judge with `python -m training.evaluate_synthesis --sources real,dipole,{run.path}`")


if __name__ == "__main__":
    sys.exit(main())
