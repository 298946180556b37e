"""The ME-GAN bench: ``python -m training.evaluate_me_gan RUNS --out DIR`` (also ``ecgtf evaluate RUN``).

Every run is scored on the same patient-disjoint test beats (never trained on), generated with the
test beats' own condition vectors:

- **1NNC** (leave-one-out 1-nearest-neighbour accuracy, Euclidean on the 12 × 512 beat; 0.5 ideal),
  overall and per condition (the paper's Table 1). A real beat's neighbours never include the other
  beats of its own record (up to 4 per record: they would find each other and make even two real
  sets look separable). The same with real training beats in the place of generated ones is the
  reference floor (different patients are not indistinguishable either).
- **FID / rFID**: Fréchet distance of Gaussian fits to features of a 1-D Inception network;
  rFID = FID(generated, real half 2) / FID(real half 1, real half 2) (1 = as close as another set of
  real patients). The paper's features come from an ImageNet Inception with the beat reshaped to
  12 × 512, which cannot be downloaded here. **Our features**: the 128-d global-average-pooled output
  of an InceptionTime-style 1-D network (Fawaz et al. 2020: three Inception modules, bottleneck 32,
  kernels 9/19/39 + max-pool branch, residual) trained by this bench, with a fixed seed, on the
  *training* beats only, as a multi-label classifier of every record label carried by ≥ 30 training
  records (SCP codes, axis, rhythm, conduction labels; the list and its held-out AUROCs are saved in
  ``feature_net.json``). All runs of one bench share one feature network.
- **Multi-view consistency** (the paper's Table 3): the Euclidean distance between every pair of the
  12 views within a beat; reported: its mean over pairs and beats (real vs generated) and the mean
  absolute difference between the real and generated 12 × 12 mean-distance matrices.
- **Utility** (the paper's Table 2): a small 1-D ResNet classifier of (LAD, RAD, RBBB) trained on the
  real training beats, with and without ``--n-synthetic`` generated beats per condition added; average
  precision (PR-AUC) per condition on the real test beats, mean of ``--seeds`` seeds, 95 % bootstrap
  intervals over test *records*.
Results are cached per run in ``DIR/<run name>.json``; the table is ``DIR/table.md``.

One file, over 300 lines on purpose: the ME-GAN bench (1NNC, rFID, multi-view consistency, utility) and its table.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ecgtf.arguments import positive_int
from ecgtf.metrics import bootstrap_interval, gaussian_frechet

from .data import CONDITIONS

FEATURE_MIN_RECORDS = 30
METRICS_VERSION = 2
"""Cached per-run results of another version are recomputed (2: 1NNC leaves each beat's record out)."""


# ---------- metrics ----------------------------------------------------------------------------------

def view_distances(beats: np.ndarray) -> np.ndarray:
    """(N, V, L) → (N, V, V) Euclidean distance between every pair of views of each beat."""
    b = np.asarray(beats, np.float64)
    sq = np.sum(b ** 2, axis=2)
    d2 = sq[:, :, None] + sq[:, None, :] - 2 * np.einsum("nvl,nwl->nvw", b, b)
    return np.sqrt(np.maximum(d2, 0.0))


def multiview_consistency(real: np.ndarray, generated: np.ndarray) -> dict:
    dr, dg = view_distances(real), view_distances(generated)
    iu = np.triu_indices(real.shape[1], 1)
    mr, mg = dr.mean(0), dg.mean(0)
    return {"view_distance_real": float(mr[iu].mean()), "view_distance_generated": float(mg[iu].mean()),
            "view_matrix_mae": float(np.abs(mr - mg)[iu].mean()),
            "view_matrix_corr": float(np.corrcoef(mr[iu], mg[iu])[0, 1])}


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the precision–recall curve as average precision (step-wise; sklearn's definition)."""
    y = np.asarray(y, bool)
    if not y.any():
        return float("nan")
    order = np.argsort(-np.asarray(score), kind="mergesort")
    hits = y[order]
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1)
    return float(np.sum(precision[hits]) / hits.sum())


def bootstrap_ap(y: np.ndarray, score: np.ndarray, groups: np.ndarray, n: int = 500, seed: int = 0):
    """(AP, low, high): 95 % percentile interval over resampled groups (test records; resamples without a positive
    are dropped; :func:`ecgtf.metrics.bootstrap_interval`)."""
    lo, hi = bootstrap_interval(average_precision, np.asarray(y), np.asarray(score), groups=groups, n=n, seed=seed)
    return average_precision(y, score), lo, hi


# ---------- networks of the bench ---------------------------------------------------------------------

def inception_features_net(n_labels: int, length: int = 512, n_views: int = 12, filters: int = 32,
                           modules: int = 3, seed: int = 0):
    """InceptionTime-style 1-D network (N, 12, L) → [features (N, 4·filters), label logits (N, n_labels)]."""
    from ecgtf.backend import keras

    L = keras.layers
    keras.utils.set_random_seed(seed)
    x_in = keras.Input((n_views, length))
    x = L.Permute((2, 1))(x_in)
    res = x
    for m in range(modules):
        bott = L.Conv1D(filters, 1, padding="same", use_bias=False)(x)
        branches = [L.Conv1D(filters, k, padding="same", use_bias=False)(bott) for k in (9, 19, 39)]
        branches.append(L.Conv1D(filters, 1, padding="same", use_bias=False)(L.MaxPooling1D(3, 1, "same")(x)))
        x = L.ReLU()(L.BatchNormalization()(L.Concatenate()(branches)))
        if m == modules - 1 or m % 3 == 2:
            short = L.BatchNormalization()(L.Conv1D(4 * filters, 1, padding="same", use_bias=False)(res))
            x = L.ReLU()(L.Add()([x, short]))
            res = x
    feats = L.GlobalAveragePooling1D(name="features")(x)
    logits = L.Dense(n_labels, name="logits")(feats)
    return keras.Model(x_in, [feats, logits])


def resnet_classifier(n_out: int = 3, length: int = 512, n_views: int = 12, seed: int = 0):
    """A small 1-D ResNet (four residual blocks, stride 2; Ribeiro et al. 2020 style) → logits (N, n_out)."""
    from ecgtf.backend import keras

    L = keras.layers
    keras.utils.set_random_seed(seed)
    x_in = keras.Input((n_views, length))
    x = L.ReLU()(L.BatchNormalization()(L.Conv1D(32, 15, padding="same", use_bias=False)(L.Permute((2, 1))(x_in))))
    for width in (32, 64, 64, 96):
        y = L.ReLU()(L.BatchNormalization()(L.Conv1D(width, 9, strides=2, padding="same", use_bias=False)(x)))
        y = L.Dropout(0.2)(y)
        y = L.BatchNormalization()(L.Conv1D(width, 9, padding="same", use_bias=False)(y))
        skip = L.Conv1D(width, 1, strides=2, padding="same", use_bias=False)(x)
        x = L.ReLU()(L.Add()([y, skip]))
    return keras.Model(x_in, L.Dense(n_out)(L.GlobalAveragePooling1D()(x)))


def _fit(model, x, y, epochs: int, batch: int = 32, lr: float = 1e-3, seed: int = 0):
    from ecgtf.backend import keras

    model.compile(keras.optimizers.Adam(lr), keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
    return model


def train_feature_net(splits: dict, out: Path, epochs: int = 8, seed: int = 0,
                      min_records: int = FEATURE_MIN_RECORDS):
    """Train (or load from ``out``) the FID feature network on the training beats; returns a function
    beats (N, 12, L) → features (N, 128)."""
    from ecgtf.backend import keras

    records = splits["records"]
    train, test = splits["train"], splits["test"]
    counts = {}
    for i in np.unique(train["record"]):
        for lab in records[i]["labels"]:
            counts[lab] = counts.get(lab, 0) + 1
    labels = sorted(lab for lab, c in counts.items() if c >= min_records)
    if not labels:
        raise ValueError(f"no record label is carried by ≥ {min_records} training records: "
                         "too little labelled data for the FID feature network")

    def targets(part):
        return np.array([[lab in records[r]["labels"] for lab in labels] for r in part["record"]], np.float32)

    length, n_views = train["beats"].shape[2], train["beats"].shape[1]
    net = inception_features_net(len(labels), length, n_views, seed=seed)
    weights, info_path = out / "feature_net.weights.h5", out / "feature_net.json"
    if weights.exists() and info_path.exists() and json.loads(info_path.read_text()).get("labels") == labels:
        net.load_weights(str(weights))
    else:
        clf = keras.Model(net.input, net.outputs[1])
        _fit(clf, train["beats"], targets(train), epochs, seed=seed)
        net.save_weights(str(weights))
        scores = clf.predict(test["beats"], verbose=0)
        yt = targets(test)
        aurocs = {lab: _auroc(yt[:, k], scores[:, k]) for k, lab in enumerate(labels)}
        info_path.write_text(json.dumps({
            "what": "InceptionTime-style 1-D network (3 modules, bottleneck 32, kernels 9/19/39 + max-pool, "
                    "residual), trained as a multi-label classifier of every record label carried by "
                    f">= {min_records} training records; FID features = its 128-d global-average-pooled "
                    "output", "labels": labels, "training_beats": int(len(train["beats"])), "epochs": epochs,
            "seed": seed, "test_auroc": aurocs}, indent=2, default=float))
    feat = keras.Model(net.input, net.outputs[0])
    return lambda beats: feat.predict(np.asarray(beats, np.float32), batch_size=128, verbose=0)


def _auroc(y: np.ndarray, s: np.ndarray) -> float:
    """Rank AUROC (Mann–Whitney), NaN when one class is absent."""
    from scipy.stats import rankdata

    y = np.asarray(y, bool)
    if y.all() or not y.any():
        return float("nan")
    r = rankdata(s)
    return float((r[y].sum() - y.sum() * (y.sum() + 1) / 2) / (y.sum() * (~y).sum()))


# ---------- evaluation ---------------------------------------------------------------------------------

def nnc_by_condition(real: dict, generated: np.ndarray, generated_groups=None) -> dict:
    """1NNC overall, per condition and for "none", leaving each real beat's own record out of its
    neighbours (generated beats are independent draws unless ``generated_groups`` says otherwise)."""
    from ecgtf.metrics import one_nn_accuracy

    masks = {"nnc": np.ones(len(real["beats"]), bool), "nnc_none": real["conditions"].sum(1) == 0,
             **{f"nnc_{c}": real["conditions"][:, k] > 0 for k, c in enumerate(CONDITIONS)}}
    out = {}
    for key, m in masks.items():
        gg = None if generated_groups is None else generated_groups[m]
        out[key] = (one_nn_accuracy(real["beats"][m], generated[m], real["record"][m], gg) if m.sum() >= 5
                    else float("nan"))
    return out


def real_reference(splits: dict, features) -> dict:
    """The real side of rFID, computed once per bench: features of real half 2 and FID(half 1, half 2)."""
    f2 = features(splits["real_half2"]["beats"])
    return {"half2": f2, "fid_real_halves": gaussian_frechet(features(splits["real_half1"]["beats"]), f2)}


def frechet_scores(candidates: np.ndarray, real: dict, features) -> dict:
    """FID(candidates, real half 2), FID of the real halves, and rFID (their ratio)."""
    fid = gaussian_frechet(features(candidates), real["half2"])
    return {"fid": fid, "fid_real_halves": real["fid_real_halves"], "rfid": fid / real["fid_real_halves"]}


def fidelity(real_test: dict, generated: np.ndarray, gen_half: np.ndarray, real: dict, features) -> dict:
    """1NNC overall and per condition, FID/rFID, multi-view consistency."""
    out = nnc_by_condition(real_test, generated)
    out.update(frechet_scores(gen_half, real, features))
    out.update(multiview_consistency(real_test["beats"], generated))
    return out


def utility(splits: dict, generate, n_synthetic: int, seeds=(0, 1), epochs: int = 6) -> dict:
    """PR-AUC per condition of the ResNet trained on real beats ± ``n_synthetic`` generated beats per
    condition (``generate(conditions) → beats``; None = real only)."""
    train, test = splits["train"], splits["test"]
    x, y = train["beats"], train["conditions"]
    if generate is not None:
        conds = np.repeat(np.eye(len(CONDITIONS), dtype=np.float32), n_synthetic, axis=0)
        x = np.concatenate([x, generate(conds)])
        y = np.concatenate([y, conds])
    scores = np.zeros((len(test["beats"]), len(CONDITIONS)))
    for seed in seeds:
        clf = _fit(resnet_classifier(len(CONDITIONS), x.shape[2], x.shape[1], seed=seed), x, y, epochs, seed=seed)
        scores += clf.predict(test["beats"], verbose=0) / len(seeds)
    out = {}
    for k, c in enumerate(CONDITIONS):
        ap, lo, hi = bootstrap_ap(test["conditions"][:, k] > 0, scores[:, k], test["record"], seed=k)
        out[f"ap_{c}"], out[f"ap_{c}_ci"] = ap, [lo, hi]
    return out


def reference_row(splits: dict, real: dict, features, rng) -> dict:
    """Real training beats in the place of generated ones (same conditions, n): the real-vs-real floor."""
    train, test = splits["train"], splits["test"]
    pick = []
    for cond in test["conditions"]:
        pool = np.flatnonzero(np.all(train["conditions"] == cond, axis=1))
        pick.append(rng.choice(pool) if len(pool) else rng.integers(len(train["beats"])))
    pick = np.array(pick)
    stand_in = train["beats"][pick]
    out = nnc_by_condition(test, stand_in, train["record"][pick])
    out.update(frechet_scores(stand_in[:len(splits["real_half1"]["beats"])], real, features))
    out.update(multiview_consistency(test["beats"], stand_in))
    return out


def evaluate_run(run, splits: dict, real: dict, features, out: Path, n_synthetic: int, seeds, utility_epochs: int,
                 recompute: bool = False) -> dict:
    from .engine import sample
    from .plots import plot_beats_by_condition

    cache = out / f"{run.path.name}.json"
    cached = json.loads(cache.read_text()) if cache.exists() and not recompute else {}
    if cached.get("metrics_version") == METRICS_VERSION:
        return cached
    gen = run.generator("final")
    test = splits["test"]
    generated = sample(gen, test["conditions"], seed=1)
    gen_half = sample(gen, splits["real_half1"]["conditions"], seed=2)
    epoch_seconds = run.history().get("epoch_seconds", [])
    res = {"run": str(run.path), "name": run.path.name, "variant": run.architecture.variant,
           "ablation": run.raw.get("ablation"), "generator_parameters": int(gen.count_params()),
           "train_minutes": float(np.sum(epoch_seconds)) / 60, "epochs": len(epoch_seconds),
           **fidelity(test, generated, gen_half, real, features)}
    kept = {k: v for k, v in cached.items() if k.startswith("ap_")}   # utility does not depend on the version
    res.update(kept or utility(splits, lambda c: sample(gen, c, seed=3), n_synthetic, seeds, utility_epochs))
    res["metrics_version"] = METRICS_VERSION
    conds = np.eye(4, 3, k=-1, dtype=np.float32)
    examples = sample(gen, conds, seed=4)
    refs = []
    for cond in conds:
        idx = np.flatnonzero(np.all(test["conditions"] == cond, axis=1))
        refs.append(test["beats"][idx[0]] if len(idx) else np.zeros_like(examples[0]))
    plot_beats_by_condition(examples, ["none", "LAD", "RAD", "RBBB"], out / f"{run.path.name}_examples.png",
                            f"{run.path.name}: generated (colour) and a real test beat of the condition (grey)",
                            reference=np.stack(refs))
    cache.write_text(json.dumps(res, indent=2, default=float))
    return res


def _fmt(x, digits=3):
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def table(results: list[dict], reference: dict) -> str:
    """The README's table; ``reference`` is the real-train-beats row (its APs are the real-only classifier's)."""
    head = ("| model | params | steps (wall min) | 1NNC all | LAD | RAD | RBBB | none | FID | rFID | view dist (real "
            f"{_fmt(reference['view_distance_real'], 2)}) | view-matrix MAE | "
            + " | ".join(f"AP {c} (real only {_fmt(reference[f'ap_{c}'], 2)})" for c in CONDITIONS) + " |")
    rows = [head, "|---|---:|---:|" + "---:|" * (9 + len(CONDITIONS))]

    def row(name, r, params="", minutes=""):
        ap = " | ".join(f"{_fmt(r[f'ap_{c}'], 2)} [{_fmt(r[f'ap_{c}_ci'][0], 2)}, {_fmt(r[f'ap_{c}_ci'][1], 2)}]"
                        if f"ap_{c}" in r else "–" for c in CONDITIONS)
        return (f"| {name} | {params} | {minutes} | {_fmt(r['nnc'])} | {_fmt(r['nnc_LAD'])} | {_fmt(r['nnc_RAD'])} | "
                f"{_fmt(r['nnc_RBBB'])} | {_fmt(r['nnc_none'])} | {_fmt(r['fid'], 2)} | {_fmt(r['rfid'], 2)} | "
                f"{_fmt(r['view_distance_generated'], 2)} | {_fmt(r['view_matrix_mae'], 2)} | {ap} |")

    rows.append(row("real train beats (floor)", reference))
    for r in results:
        rows.append(row(r["name"], r, f"{r['generator_parameters'] / 1e6:.2f} M",
                        f"{r.get('steps', r['epochs'])} ({r['train_minutes']:.1f})"))
    return "\n".join(rows)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_me_gan", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="ME-GAN run directories (same data config)")
    p.add_argument("--out", type=Path, default=Path("runs/me_gan_bench"), help="output directory")
    p.add_argument("--n-synthetic", type=positive_int, default=300, help="generated beats per condition in the utility test")
    p.add_argument("--seeds", type=positive_int, default=2, help="classifier seeds in the utility test (default 2)")
    p.add_argument("--utility-epochs", type=positive_int, default=6, help="classifier epochs (default 6)")
    p.add_argument("--feature-epochs", type=positive_int, default=8, help="FID feature network epochs (default 8)")
    p.add_argument("--feature-min-records", type=positive_int, default=FEATURE_MIN_RECORDS,
                   help=f"labels with at least this many training records train the feature network "
                        f"(default {FEATURE_MIN_RECORDS})")
    p.add_argument("--recompute", action="store_true", help="ignore cached per-run results")
    return p


def main(argv=None) -> int:
    from ecgtf.runs import Run

    from .data import count_table, load_splits

    args = build_parser().parse_args(argv)
    runs = []
    for path in args.runs:
        if not (path / "config.json").exists():
            print(f"error: {path} is not a run directory (no config.json)")
            return 2
        run = Run(path)
        if run.model != "me_gan":
            print(f"error: {path} is a {run.model} run, not ME-GAN")
            return 2
        runs.append(run)
    data = {json.dumps(r.raw["data"], sort_keys=True) for r in runs}
    if len(data) > 1:
        print("error: the runs were trained on different data configs; bench them separately")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    splits = load_splits(runs[0])
    print(count_table(splits))
    features = train_feature_net(splits, args.out, args.feature_epochs, min_records=args.feature_min_records)
    seeds = tuple(range(args.seeds))
    real = real_reference(splits, features)
    ref_path = args.out / "reference.json"
    cached = json.loads(ref_path.read_text()) if ref_path.exists() and not args.recompute else {}
    if cached.get("metrics_version") == METRICS_VERSION:
        reference = cached
    else:
        reference = reference_row(splits, real, features, np.random.default_rng(0))
        kept = {k: v for k, v in cached.items() if k.startswith("ap_")}
        reference.update(kept or utility(splits, None, 0, seeds, args.utility_epochs))
        reference["metrics_version"] = METRICS_VERSION
        ref_path.write_text(json.dumps(reference, indent=2, default=float))
    results = []
    for run in runs:
        print(f"evaluating {run.path} …", flush=True)
        res = evaluate_run(run, splits, real, features, args.out, args.n_synthetic, seeds, args.utility_epochs,
                           args.recompute)
        results.append({**res, "steps": res["epochs"] * run.training.steps_per_epoch})
    text = table(results, reference)
    (args.out / "table.md").write_text(count_table(splits) + "\n\n" + text + "\n")
    print(text)
    return 0
