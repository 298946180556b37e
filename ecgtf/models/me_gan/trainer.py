"""``ecgtf train me-gan`` (= ``python -m training.me_gan``): train ME-GAN on labelled 12-lead beats.

Beats and conditions come from the labelled 12-lead records below the data root (PTB-XL, the labelled
z-scored PTB-XL rows, LUDB, CinC 2021; see :mod:`ecgtf.models.me_gan.data`); the patient-disjoint test
split is never trained on. ``--ablation`` trains a Table 4 row, ``--variant cdcgan`` the conditional
DCGAN baseline, ``--small`` CPU-sized widths. ``--minutes`` stops at the first epoch end past a
wall-clock budget; ``--resume`` continues from the last checkpoint.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.plots import plot_curves
from ecgtf.runs import new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    make_optimizer,
    positive_float,
    positive_int,
    run_trainer,
    training_config,
)

from . import __doc__ as package_doc
from .data import SOURCES, BeatConfig, MeganData, count_table, load_splits
from .engine import build_model
from .networks import ABLATIONS, VARIANTS, MeganConfig, widths
from .plots import plot_beats_by_condition


@dataclass(frozen=True)
class MeganTraining(TrainingConfig):
    """The paper's optimiser: Adam 1e-4, β = (0.5, 0.999), batch 16."""

    epochs: int = 100
    batch_size: int = 16
    lr: float = 1e-4
    beta1: float = 0.5
    steps_per_epoch: int = 200


def build_parser() -> argparse.ArgumentParser:

    t = MeganTraining()
    p = argparse.ArgumentParser(prog="ecgtf train me-gan", description=(package_doc or "") + "\n" + (__doc__ or ""),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", default="me_gan", choices=sorted(VARIANTS),
                   help="me_gan (the paper, default), or the baselines cdcgan (conditional DCGAN) and bilstm_cnn "
                        "(Zhu et al.'s BiLSTM-CNN GAN adapted to 12 views)")
    p.add_argument("--ablation", default=None, choices=sorted(ABLATIONS), help="a Table 4 ablation of ME-GAN")
    p.add_argument("--width", type=positive_int, default=None,
                   help="channels of the ladder and the representation (decoder width/2, width/4); default: the "
                        "full model (256, decoder 128/64)")
    p.add_argument("--temperature", type=positive_float, default=None,
                   help="output = sigmoid(x / T) (default 3, as Nef-Net)")
    p.add_argument("--small", action="store_true", help="= --width 128: the CPU-sized model of the bench (1.23 M "
                   "generator parameters instead of 3.34 M, ~2× faster per step)")
    p.add_argument("--data", "--sources", dest="sources", default=",".join(SOURCES),
                   help=f"comma-separated labelled 12-lead datasets below the data root (default {','.join(SOURCES)}), "
                        "or 'synthetic' (ecgtf's labelled generator; smoke tests)")
    p.add_argument("--n-synthetic", type=positive_int, default=60, help="records for --sources synthetic")
    p.add_argument("--max-beats", type=positive_int, default=None, help="beats kept per record (default 4)")
    add_training_arguments(p, t)
    p.add_argument("--steps-per-epoch", type=positive_int, default=t.steps_per_epoch,
                   help=f"batches per epoch (default {t.steps_per_epoch})")
    return p


def run_name(variant: str, ablation: str | None) -> str:
    return "me-gan" if variant == "me_gan" and not ablation else f"me-gan-{ablation or variant}".replace("_", "-")


def main(argv=None) -> int:

    args = build_parser().parse_args(argv)

    def new_config():
        sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
        bad = [s for s in sources if s not in SOURCES + ("synthetic",)]
        if bad or not sources or ("synthetic" in sources and len(sources) > 1):
            raise ValueError(f"--data {args.sources!r}: expected some of {','.join(SOURCES)}, or 'synthetic' alone")
        if args.ablation and args.variant != "me_gan":
            raise ValueError("--ablation applies to --variant me_gan only")
        width = args.width or (128 if args.small else None)
        arch = MeganConfig(**{"variant": args.variant, **(widths(width) if width else {}), **VARIANTS[args.variant],
                              **(ABLATIONS[args.ablation] if args.ablation else {}),
                              **({"output_temperature": args.temperature} if args.temperature else {})})
        beats = BeatConfig(**({"max_beats_per_record": args.max_beats} if args.max_beats else {}))
        training = training_config(MeganTraining, args)
        data = MeganData(sources=sources, data_dir=str(args.data_dir) if args.data_dir else None,
                         n_synthetic=args.n_synthetic, seed=args.seed)
        build_model(arch)  # fails here, before anything on disk changes, if the sizes do not fit
        return new_run_config("me_gan", args.variant, arch, beats, training, data, ablation=args.ablation)

    return run_trainer(args, argv, run_name(args.variant, args.ablation), new_config,
                       lambda run: load_splits(run, progress=False), train)


def train(session) -> None:
    run, r, splits, t = session.run_dir, session.run, session.data, session.training
    train_set, test = splits["train"], splits["test"]
    print(f"ME-GAN ({r.raw.get('ablation') or r.architecture.variant}) on {describe_devices()}: "
          f"{len(train_set['beats'])} train / {len(test['beats'])} test beats from {', '.join(r.data.sources)}; "
          f"run dir {run.path}\n{count_table(splits)}")
    with session.strategy.scope():
        model = build_model(r.architecture)
        model.compile(g_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision),
                      d_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision))
    initial_epoch = session.resume(model)

    monitor_z = np.random.default_rng(0).standard_normal((4, r.architecture.z_dim)).astype(np.float32)

    class Monitor(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            conds = np.eye(4, 3, k=-1, dtype=np.float32)      # none, LAD, RAD, RBBB
            beats = model.generator([monitor_z, conds], training=False).numpy()
            plot_beats_by_condition(beats, ["none", "LAD", "RAD", "RBBB"], run / "plots" / f"epoch_{epoch + 1:03d}.png",
                                    f"ME-GAN ({r.architecture.variant}), epoch {epoch + 1}")

    def dataset():
        return (tf.data.Dataset.from_tensor_slices((train_set["beats"], train_set["conditions"]))
                .shuffle(len(train_set["beats"]), seed=r.data.seed + initial_epoch, reshuffle_each_iteration=True)
                .repeat().batch(t.batch_size, drop_remainder=True).prefetch(2))

    val = tf.data.Dataset.from_tensor_slices((test["beats"][:512], test["conditions"][:512])).batch(64)
    session.fit(model, dataset, steps_per_epoch=t.steps_per_epoch, validation=val, callbacks=[Monitor()])
    hist = run.history()
    plot_curves({k: v for k, v in hist.items() if k in ("g_loss", "d_loss", "view_real", "view_fake", "aux_real")},
                run / "plots" / "losses.png", "ME-GAN losses")
    epoch_seconds = session.write_metrics(
        generator_parameters=int(model.generator.count_params()),
        discriminator_parameters=int(model.discriminator.count_params()),
        view_discriminator_parameters=int(model.view_discriminator.count_params()),
        train_beats=int(len(train_set["beats"])), test_beats=int(len(test["beats"])))
    print(f"trained {len(epoch_seconds)} epochs ({np.sum(epoch_seconds):.0f} s); weights in {run.path}/final; "
          f"evaluate with `python -m training.evaluate_me_gan {run.path} --out DIR`")


if __name__ == "__main__":
    sys.exit(main())
