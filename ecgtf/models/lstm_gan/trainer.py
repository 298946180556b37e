"""Train the LSTM-GAN (ecgGAN) beat generator.

    ecgtf train lstm-gan                       # synthetic beats (embedded default)
    ecgtf train lstm-gan --data ludb --epochs 30 --out runs/lstm-gan-ludb
    ecgtf train lstm-gan --out runs/lstm-gan-ludb --resume
    (``python -m training.lstm_gan …`` is the same command)

Defaults are the original notebook's: BCE from logits, Adam 2e-4 for both networks (β1 = 0.9, the
Keras default the notebook kept), batch 64, noise N(0, 1); windows of 400 samples from LUDB
(`ecgtf.models.lstm_gan.preprocessing`) of lead I by default (the notebook does not record its lead;
the original weights' beats match lead I's amplitude: median peak 0.30 vs 0.31). Records are split
80/20 by patient; the held-out 20 % is used by the evaluation.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.backend import keras
from ecgtf.data.ludb import LUDB_COMMON_GAIN
from ecgtf.data.records import require_millivolts
from ecgtf.data.sources import canonical_name, load_source
from ecgtf.data.splits import split_by_patient
from ecgtf.data.tfdata import make_dataset
from ecgtf.leads import lead_index, normalize_lead_name
from ecgtf.models.lstm_gan import LSTMGAN, generate_beats
from ecgtf.models.lstm_gan.networks import LstmGanConfig
from ecgtf.models.lstm_gan.preprocessing import BeatWindowing, ludb_beat_windows
from ecgtf.plots import plot_beats_grid, plot_curves
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


@dataclass(frozen=True)
class LstmGanTraining(TrainingConfig):
    """The notebook's settings: BCE from logits, Adam 2e-4 (β1 0.9) for both networks, batch 64."""

    epochs: int = 20
    batch_size: int = 64
    lr: float = 2e-4
    beta1: float = 0.9


@dataclass(frozen=True)
class LstmGanData:
    source: str = "synthetic"
    data_dir: str | None = None
    lead: str = "I"
    n_synthetic: int = 200
    seed: int = 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ecgtf train lstm-gan", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="synthetic", help="'synthetic' (default) or 'ludb' (or a LUDB directory)")
    p.add_argument("--lead", default="I", help="lead to cut beats from (default I)")
    p.add_argument("--n-synthetic", type=positive_int, default=200, help="synthetic 10 s records (default 200)")
    add_training_arguments(p, LstmGanTraining())
    p.add_argument("--plot-every", type=positive_int, default=1)
    return p


def load_splits(run, progress: bool = False) -> dict:
    return load_beats(run, progress)


def load_beats(run, progress: bool = True) -> dict:
    """{"train": (N, 1, 400), "heldout": (M, 1, 400)} split 80/20 by patient."""

    d = run.data
    ds = load_source(d.source, d.data_dir, n_synthetic=d.n_synthetic, seed=d.seed, progress=progress)
    require_millivolts(ds.units, f"data source {d.source!r}")
    train_idx, held_idx = split_by_patient(ds.patient_ids, (0.8, 0.2), seed=d.seed)
    li = lead_index(d.lead)
    out = {}
    for name, idx in (("train", train_idx), ("heldout", held_idx)):
        beats, _ = ludb_beat_windows(ds.signals[idx], li, LUDB_COMMON_GAIN)
        if len(beats) == 0:
            raise ValueError(f"no beat windows in the {name} split of {d.source!r} (lead {d.lead})")
        out[name] = beats
    return out


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)

    def new_config():

        source = args.data if Path(args.data).exists() else canonical_name(args.data)
        data = LstmGanData(source=source, data_dir=str(args.data_dir) if args.data_dir else None,
                           lead=normalize_lead_name(args.lead), n_synthetic=args.n_synthetic, seed=args.seed)
        training = training_config(LstmGanTraining, args)
        return new_run_config("lstm_gan", "lstm_gan", LstmGanConfig(), BeatWindowing(), training, data)

    return run_trainer(args, argv, "lstm-gan", new_config, lambda r: load_beats(r, progress=args.verbose > 0), train)


def train(session) -> None:
    run, r, beats, t, args = session.run_dir, session.run, session.data, session.training, session.args
    batch = min(t.batch_size, len(beats["train"]))
    print(f"LSTM-GAN on {describe_devices()}: {len(beats['train'])} train / {len(beats['heldout'])} held-out beats "
          f"(lead {r.data.lead}, {r.data.source}); run dir {run.path}")
    with session.strategy.scope():
        model = LSTMGAN(r.architecture)
        model.compile(g_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision),
                      d_optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision))
    session.resume(model)
    fixed_noise = np.random.default_rng(1234).standard_normal((12,) + model.config.noise_shape).astype(np.float32)
    real_row = beats["heldout"][:4, 0]

    class BeatGrid(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % args.plot_every == 0:
                plot_beats_grid(generate_beats(model.generator, noise=fixed_noise),
                                run / "plots" / f"epoch_{epoch + 1:03d}.png",
                                title=f"LSTM-GAN epoch {epoch + 1}: real (top) vs generated", reference=real_row)

    session.fit(model, lambda: make_dataset(beats["train"], batch_size=batch, seed=r.data.seed), callbacks=[BeatGrid()])
    hist = run.history()
    plot_curves({k: hist[k] for k in ("g_loss", "d_loss") if k in hist}, run / "plots" / "losses.png", "LSTM-GAN losses")
    session.write_metrics(epoch_seconds=hist.get("epoch_seconds", []))
    print(f"trained {t.epochs} epochs in {session.seconds:.0f} s this session; weights in {run.path}/final; "
          f"evaluate with `ecgtf evaluate {run.path}`")


if __name__ == "__main__":
    sys.exit(main())
