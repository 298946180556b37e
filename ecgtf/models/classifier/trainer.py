"""``ecgtf train classifier`` (= ``python -m training.classifier``): the multi-label 12-lead (or
Lead-I-only) ECG classifier of :mod:`ecgtf.models.classifier`.

    ecgtf train classifier --out runs/classifier-12lead                 # paper settings: 400 Hz × 4,096
    ecgtf train classifier --fs 100 --n-samples 1024 --out runs/clf     # CPU-sized input (10.24 s at 100 Hz)
    ecgtf train classifier --leads I --out runs/classifier-lead-i       # the single-lead floor
    ecgtf train classifier --out runs/clf --resume                      # continue after a crash

Loss: binary cross-entropy per class over the labels each record states (unstated classes masked),
optionally with positives up-weighted (``--pos-weight balanced``: √(negatives / positives), at most 10).
Optimiser as the paper: Adam 1e-3, batch 64, learning rate ×0.1 after 7 epochs without a better
validation loss. After each epoch the validation set is scored; the weights with the best mean
validation AUROC are kept (``final/best_classifier.weights.h5``). At the end, per-class thresholds
that maximise F1 on validation are fitted (``final/thresholds.json``) and the test split is scored
(``metrics.json``: AUROC and F1 with bootstrap 95 % intervals).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from ecgtf.arguments import fraction, non_negative_int
from ecgtf.backend import keras, tf
from ecgtf.leads import LEADS, normalize_lead_name
from ecgtf.runs import atomic_write_json, new_run_config
from ecgtf.trainer import (
    TrainingConfig,
    add_training_arguments,
    describe_devices,
    make_optimizer,
    positive_float,
    positive_int,
    run_trainer,
    save_weights_atomic,
    training_config,
)

from .data import CLASSES, SOURCES, ClassifierData, ClassifierPreprocessing, count_table, load_splits
from .inference import load_generator_for_run
from .networks import ResNetConfig, build_classifier
from .scoring import auroc, best_f1_threshold, score_classes


@dataclass(frozen=True)
class ClassifierTraining(TrainingConfig):
    """The paper's optimiser (Adam 1e-3, batch 64, ×0.1 on a 7-epoch plateau); 50 epochs."""

    epochs: int = 50
    batch_size: int = 64
    lr: float = 1e-3
    plateau_patience: int = 7
    pos_weight: str = "none"


def build_parser() -> argparse.ArgumentParser:

    p = argparse.ArgumentParser(prog="ecgtf train classifier", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_training_arguments(p, ClassifierTraining())
    p.add_argument("--data", "--sources", dest="sources", default=",".join(SOURCES),
                   help=f"labelled datasets below the data root (default {','.join(SOURCES)}), or 'synthetic'")
    p.add_argument("--synthetic", type=non_negative_int, default=0, metavar="N",
                   help="add N synthetic labelled records (ecgtf's dipole generator) to the training pool")
    p.add_argument("--leads", default="all", help="input leads: 'all' (12, default) or a list such as 'I'")
    p.add_argument("--fs", type=positive_float, default=400.0, help="input rate in Hz (default 400, the paper)")
    p.add_argument("--n-samples", type=positive_int, default=4096,
                   help="input samples per record (default 4096; a multiple of 256)")
    p.add_argument("--width", type=positive_float, default=1.0, help="filter-count multiplier (1.0 = paper)")
    p.add_argument("--dropout", type=fraction, default=0.8, help="dropout rate (default 0.8, the paper's code)")
    p.add_argument("--pos-weight", choices=["none", "balanced"], default="none",
                   help="up-weight positives of rare classes (balanced: sqrt(neg/pos), at most 10)")
    return p


def run_config(args) -> dict:


    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    bad = [s for s in sources if s not in (*SOURCES, "synthetic")]
    if bad:
        raise ValueError(f"--data: unknown {bad}; expected some of {list(SOURCES)} or 'synthetic'")
    leads = tuple(LEADS) if args.leads == "all" else tuple(normalize_lead_name(x) for x in args.leads.split(","))
    arch = ResNetConfig(width=args.width, dropout=args.dropout)

    build_classifier(arch, args.n_samples, len(leads), 1)
    pre = ClassifierPreprocessing(fs=args.fs, n_samples=args.n_samples, leads=leads)
    training = training_config(ClassifierTraining, args)
    data = ClassifierData(sources=sources, data_dir=str(args.data_dir) if args.data_dir else None,
                          n_synthetic=args.synthetic, seed=args.seed)
    variant = "lead_i" if leads == ("I",) else ("12lead" if len(leads) == 12 else "leads")
    return new_run_config("classifier", variant, arch, pre, training, data)


def masked_bce(pos_weight: np.ndarray):
    """Loss on ``y_true = [labels | known]`` (N, 2C) and logits (N, C): BCE over the stated labels only."""

    w = tf.constant(np.asarray(pos_weight, np.float32))

    def loss(y_true, logits):
        c = tf.shape(logits)[-1]
        y, known = y_true[:, :c], y_true[:, c:]
        logits = tf.cast(logits, tf.float32)
        per = tf.nn.weighted_cross_entropy_with_logits(labels=y, logits=logits, pos_weight=w)
        return tf.reduce_sum(per * known, axis=-1) / tf.maximum(tf.reduce_sum(known, axis=-1), 1.0)
    return loss


def positive_weights(y: np.ndarray, known: np.ndarray, mode: str) -> np.ndarray:
    if mode == "none":
        return np.ones(y.shape[1], np.float32)
    pos = (y * known).sum(0)
    neg = ((1 - y) * known).sum(0)
    return np.clip(np.sqrt(neg / np.maximum(pos, 1)), 1.0, 10.0).astype(np.float32)


def build_model(run, n_classes: int, pos_weight: np.ndarray):
    """The compiled training model (:class:`ClassifierModel`)."""

    pre, t = run.preprocessing, run.training
    model = ClassifierModel(build_classifier(run.architecture, pre.n_samples, len(pre.leads), n_classes))
    model.compile(optimizer=make_optimizer(t.lr, t.beta1, t.beta2, t.mixed_precision), loss=masked_bce(pos_weight))
    return model


class ClassifierModel(keras.Model):
    """``fit()`` on (signal, [labels | known]); calling it returns logits."""

    def __init__(self, network, **kwargs):
        super().__init__(**kwargs)
        self.network = network

    def call(self, x, training=False):
        return self.network(x, training=training)

    def checkpoint_objects(self) -> dict:
        return {"classifier": self.network, "optimizer": self.optimizer}

    def optimizer_pairs(self):
        return [(self.optimizer, self.network)]


def predict_proba(network, x: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """Sigmoid probabilities ``(N, C)`` of ``network`` on inputs ``x``."""
    if not len(x):
        return np.zeros((0, network.output_shape[-1]), np.float32)
    logits = np.concatenate([network(x[i:i + batch_size], training=False).numpy()
                             for i in range(0, len(x), batch_size)])
    from scipy.special import expit

    return expit(logits)


def mean_auroc(y, known, prob) -> float:

    vals = [auroc(y[known[:, k] > 0, k], prob[known[:, k] > 0, k]) for k in range(y.shape[1])]
    vals = [v for v in vals if np.isfinite(v)]
    return float(np.mean(vals)) if vals else float("nan")


def validation_monitor(network, val: dict, loss_fn, best_path):
    """Callback: ``val_loss`` and ``val_auroc`` (mean over classes with both labels) each epoch; the
    weights with the best ``val_auroc`` go to ``best_path`` (tracking survives a resume)."""
    import json

    class ValidationMonitor(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            info = best_path.with_suffix(".json")
            self.best = json.loads(info.read_text())["val_auroc"] if info.exists() else -np.inf

        def on_epoch_end(self, epoch, logs=None):
            prob = predict_proba(network, val["x"])
            logits = np.log(np.clip(prob, 1e-7, 1 - 1e-7) / np.clip(1 - prob, 1e-7, 1))
            loss = float(np.mean(loss_fn(np.concatenate([val["y"], val["known"]], 1).astype(np.float32),
                                         logits.astype(np.float32)).numpy()))
            auc = mean_auroc(val["y"], val["known"], prob)
            if logs is not None:
                logs.update({"val_loss": loss, "val_auroc": auc})
            if np.isfinite(auc) and auc > self.best:
                self.best = auc
                save_weights_atomic(network, best_path)
                atomic_write_json(best_path.with_suffix(".json"), {"epoch": epoch + 1, "val_auroc": auc})
    return ValidationMonitor()


def load_thresholds(run) -> np.ndarray:
    import json


    p = run.path / "final" / "thresholds.json"
    if not p.exists():
        return np.full(len(CLASSES), 0.5)
    t = json.loads(p.read_text())
    return np.array([t[c] for c in CLASSES], np.float64)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)

    return run_trainer(args, argv, "classifier", lambda: run_config(args),
                       lambda r: load_splits(r, progress=args.verbose > 0), train)


def train(session) -> None:
    run, r, splits, t = session.run_dir, session.run, session.data, session.training
    tr, va = splits["train"], splits["val"]
    if not len(tr["x"]) or not len(va["x"]):
        raise ValueError(f"the training pool is too small to split: {len(tr['x'])} train / {len(va['x'])} val "
                         "records")
    print(f"classifier {r.variant} (leads {','.join(r.preprocessing.leads)}, {r.preprocessing.fs:g} Hz × "
          f"{r.preprocessing.n_samples}) on {describe_devices()}: {len(tr['x'])} train / {len(va['x'])} val / "
          f"{len(splits['test']['x'])} test records; run dir {run.path}")
    print(count_table(splits))
    pw = positive_weights(tr["y"], tr["known"], t.pos_weight)
    with session.strategy.scope():
        model = build_model(r, len(CLASSES), pw)
    session.resume(model)
    best_path = run / "final" / "best_classifier.weights.h5"
    callbacks = [validation_monitor(model.network, va, masked_bce(pw), best_path),
                 keras.callbacks.ReduceLROnPlateau("val_loss", factor=0.1, patience=t.plateau_patience, min_lr=1e-7)]
    target = np.concatenate([tr["y"], tr["known"]], 1).astype(np.float32)

    def dataset():
        ds = tf.data.Dataset.from_tensor_slices((tr["x"], target)).shuffle(len(target), seed=r.data.seed)
        return ds.batch(min(t.batch_size, len(target))).prefetch(2)

    session.fit(model, dataset, callbacks=callbacks)
    network = load_generator_for_run(r, "best")
    p_val = predict_proba(network, va["x"])
    thresholds = [best_f1_threshold(va["y"][va["known"][:, k] > 0, k], p_val[va["known"][:, k] > 0, k])
                  for k in range(len(CLASSES))]
    atomic_write_json(run / "final" / "thresholds.json", dict(zip(CLASSES, thresholds)))
    te = splits["test"]
    p_test = predict_proba(network, te["x"])
    test = score_classes(te["y"], te["known"], p_test, thresholds, CLASSES)
    val = score_classes(va["y"], va["known"], p_val, thresholds, CLASSES, n_boot=200)
    session.write_metrics(test=test, val=val, counts=count_table(splits),
                      positive_weights=pw.tolist())
    print(f"\ntest ({len(te['x'])} records), thresholds fitted on validation:")
    for c, s in test.items():
        print(f"  {c:6s} n={s['n']:4d} pos={s['positives']:3d}  AUROC {s['auroc']:.3f} "
              f"[{s['auroc_ci'][0]:.3f}, {s['auroc_ci'][1]:.3f}]  F1 {s['f1']:.3f} [{s['f1_ci'][0]:.3f}, {s['f1_ci'][1]:.3f}]")
    print(f"wrote {run.path}/metrics.json, weights in {run.path}/final")


if __name__ == "__main__":
    sys.exit(main())
