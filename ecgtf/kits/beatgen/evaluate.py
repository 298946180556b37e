"""The beat-generator bench: every model against the same held-out MIT-BIH records (DS2).

For one run (any beat generator, in its own window: length, rate and scaling of its paper):

- **fidelity**, generated vs held-out real beats of the classes it was trained on (``n`` of each):
  the papers' metrics — PRD (%) and RMSE to the nearest real beat (Euclidean), Fréchet distance
  (FD) and DTW to the nearest real beat, the Euclidean nearest-neighbour distance, MMD² (Gaussian
  kernel) — and the set-level 1-NN two-sample accuracy (1NNC, 0.5 ideal). Each distance has its
  *real floor*: the same statistic for held-out real beats against other held-out real beats.
- **utility** (TSTR vs TRTR): a small 1-D CNN classifies held-out beats into N, L, R, V, A. TRTR trains
  it on real DS1 beats; TSTR on the same, with the classes the model generates replaced by its
  synthetic beats (N for the normal-beat models, N/L/R for WaveNet/GAN, all five for the
  conditional GAN). Per-class F1 on DS2 (mean of 3 classifier seeds), same class balance for both. Models trained on
  all classes without conditioning cannot stand in for one class: their TSTR is not defined.
- **cost**: training time (``metrics.json``), parameters, sampling time per beat on this CPU.

One file, over 300 lines on purpose: fidelity, diversity, utility and speed of one bench, and its table.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ecgtf import metrics as M
from ecgtf import registry
from ecgtf.arguments import positive_int

from .sampling import is_conditional, sample_beats

UTILITY_CLASSES = ("N", "L", "R", "V", "A")


def _nearest(gen: np.ndarray, real: np.ndarray) -> np.ndarray:
    d = M._sq_dists(gen.astype(np.float64), real.astype(np.float64))
    return np.argmin(d, axis=1)


def fidelity(real: np.ndarray, gen: np.ndarray, n: int = 300, seed: int = 0, dtw_window: int | None = None) -> dict:
    """Papers' distances of ``gen`` to ``real`` (both (m, L)), each with its real→real floor."""
    rng = np.random.default_rng(seed)
    m = min(n, len(real) // 2)  # real beats per half: the reference set and the floor's probe set
    if m < 5 or len(gen) < 5:
        raise ValueError(f"fidelity needs ≥ 10 real and ≥ 5 generated beats, got {len(real)} and {len(gen)}")
    real = real[rng.permutation(len(real))[:2 * m]]
    gen = gen[rng.permutation(len(gen))[:n]]
    ref, probe = real[:m], real[m:2 * m]
    window = dtw_window or max(1, real.shape[1] // 6)
    out = {}
    for tag, x in (("", gen), ("real_", probe)):
        nn = ref[_nearest(x, ref)]
        k = min(100, len(x))
        out.update({
            f"{tag}prd_pct": float(np.mean(M.prd(nn, x))),
            f"{tag}rmse": float(np.mean(M.rmse(nn, x))),
            f"{tag}euclidean": float(np.mean(np.sqrt(np.sum((nn - x) ** 2, axis=1)))),
            f"{tag}fd": float(M.nearest_neighbour_distances(x[:k], ref, "frechet").mean()),
            f"{tag}dtw": float(M.nearest_neighbour_distances(x[:k], ref, "dtw", window=window).mean()),
            f"{tag}mmd": float(M.mmd(ref, x)),
        })
    out["one_nn_accuracy"] = M.one_nn_accuracy(ref, gen)
    out["real_one_nn_accuracy"] = M.one_nn_accuracy(ref, probe)
    out["n_generated"], out["n_real"] = int(len(gen)), int(m)
    return out


def beat_classifier(length: int, n_classes: int, seed: int = 0):
    """A small 1-D CNN: Conv1D 16 (7, stride 2) → 32 (5, stride 2) → 64 (3, stride 2) → GAP → Dense."""
    from ecgtf.backend import keras

    keras.utils.set_random_seed(seed)
    L = keras.layers
    x0 = keras.Input((length,))
    x = L.Reshape((length, 1))(x0)
    for f, k in ((16, 7), (32, 5), (64, 3)):
        x = L.Conv1D(f, k, strides=2, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling1D()(x)
    model = keras.Model(x0, L.Dense(n_classes)(x))
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _f1_per_class(y: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    f1 = np.zeros(k)
    for c in range(k):
        tp = np.sum((p == c) & (y == c))
        denom = np.sum(p == c) + np.sum(y == c)
        f1[c] = 2 * tp / denom if denom else np.nan
    return f1


def _balanced(x: np.ndarray, y: np.ndarray, per_class: int, rng) -> tuple[np.ndarray, np.ndarray]:
    idx = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:per_class] for c in np.unique(y)])
    return x[idx], y[idx]


def train_and_score(x_train, y_train, x_test, y_test, k: int, epochs: int = 10, seeds=(0, 1, 2)) -> np.ndarray:
    """Per-class F1 on the test set, averaged over classifiers trained with each seed (the
    inter-patient task is noisy: one seed's F1 for a class can move by ±0.3)."""
    f1 = []
    for seed in seeds:
        model = beat_classifier(x_train.shape[1], k, seed)
        model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0, shuffle=True)
        pred = np.argmax(model.predict(x_test, batch_size=512, verbose=0), axis=1)
        f1.append(_f1_per_class(y_test, pred, k))
    return np.nanmean(f1, axis=0)


def utility(run, generator, per_class: int = 800, test_per_class: int = 400, seed: int = 0) -> dict:
    """TRTR and TSTR per-class F1 on DS2 (see the module docstring)."""
    from ecgtf.data.mitdb_beats import build_beats

    from .data import class_names, mitdb_directory

    window = replace(run.preprocessing, symbols=UTILITY_CLASSES, classes=("N", "S", "V", "F", "Q"))
    directory = mitdb_directory(run.data)
    rng = np.random.default_rng(seed)
    sets = {}
    for split in ("DS1", "DS2"):
        s = build_beats(directory, window, split)
        y = np.array([UTILITY_CLASSES.index(c) for c in s.symbols])
        sets[split] = _balanced(s.beats, y, per_class if split == "DS1" else test_per_class, rng)
    x_real, y_real = sets["DS1"]
    x_test, y_test = sets["DS2"]
    k = len(UTILITY_CLASSES)
    out = {"classes": list(UTILITY_CLASSES), "trtr_f1": train_and_score(x_real, y_real, x_test, y_test, k)}
    names = class_names(run.preprocessing)
    conditional = is_conditional(run, generator)
    if not conditional and len(names) > 1:
        out["tstr_f1"], out["replaced"] = None, []
        out["note"] = f"unconditional model trained on classes {names}: cannot stand in for one class"
    else:
        replaced = [c for c in names if c in UTILITY_CLASSES]
        keep = ~np.isin(y_real, [UTILITY_CLASSES.index(c) for c in replaced])
        xs, ys = [x_real[keep]], [y_real[keep]]
        for c in replaced:
            labels = np.full(per_class, names.index(c)) if conditional else None
            xs.append(sample_beats(run, generator, per_class, labels=labels, seed=seed + 1 + names.index(c)))
            ys.append(np.full(per_class, UTILITY_CLASSES.index(c)))
        out["replaced"] = replaced
        out["tstr_f1"] = train_and_score(np.concatenate(xs), np.concatenate(ys), x_test, y_test, k)
    for key in ("trtr_f1", "tstr_f1"):
        if out[key] is not None:
            out[key] = [float(v) for v in out[key]]
    return out


def evaluate_run(run, n: int = 300, seed: int = 0, with_utility: bool = True, progress=print) -> dict:
    """Fidelity, utility and cost of one beat-generator run (see the module docstring)."""
    from .data import load_splits

    generator = run.generator()
    splits = load_splits(run)
    real, real_labels = splits["heldout"]
    names = splits["class_names"]
    conditional = is_conditional(run, generator)
    labels = None
    if conditional:  # the held-out class mix
        labels = np.random.default_rng(seed).choice(real_labels, size=n)
    t0 = time.perf_counter()
    gen = sample_beats(run, generator, n, labels=labels, seed=seed)
    sample_s = time.perf_counter() - t0
    if not np.all(np.isfinite(gen)):
        raise ValueError(f"{run.path}: the generator produced non-finite beats")
    result = {"run": str(run.path), "model": run.model, "variant": run.variant, "classes": list(names),
              "window": {"length": run.preprocessing.length, "fs": run.preprocessing.fs,
                         "normalization": run.preprocessing.normalization},
              "generator_parameters": int(generator.count_params()),
              "sample_ms_per_beat": 1000 * sample_s / n, **{k: v for k, v in run.metrics().items() if k != "epoch_seconds"}}
    progress(f"  {run.model}/{run.variant}: fidelity on {n} beats")
    result["fidelity"] = fidelity(real, gen, n, seed)
    if conditional:
        result["fidelity_per_class"] = {}
        for c, name in enumerate(names):
            if np.sum(real_labels == c) >= 20 and np.sum(labels == c) >= 20:
                result["fidelity_per_class"][name] = fidelity(real[real_labels == c], gen[labels == c],
                                                              min(n, 100), seed)
    if with_utility:
        progress(f"  {run.model}/{run.variant}: TSTR / TRTR")
        result["utility"] = utility(run, generator, seed=seed)
    result["examples"] = gen[:8].tolist()
    return result


def _tflite_size(info: dict, fmt: str) -> str:
    if fmt not in info:
        return "–"
    return f"{info[fmt]['size_bytes'] / 1e6:.2f}" if info[fmt]["passed"] else "refused"


def table(results: list[dict]) -> str:
    """The README table: one row per run; each distance is followed by its real→real floor in brackets."""
    head = ("| model | variant | paper | window | params | train min (epochs) | ms/beat | PRD % | RMSE | FD | DTW | "
            "Eucl. | MMD² | 1NNC | TSTR / TRTR F1 (replaced) | TFLite MB f32 / dyn (dyn err %) |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        f = r["fidelity"]
        u = r.get("utility") or {}
        if u.get("tstr_f1") is not None and u.get("replaced"):
            idx = [u["classes"].index(c) for c in u["replaced"]]
            ts = np.nanmean([u["tstr_f1"][i] for i in idx])
            tr = np.nanmean([u["trtr_f1"][i] for i in idx])
            util = f"{ts:.2f} / {tr:.2f} ({','.join(u['replaced'])})"
        else:
            util = "n/a (unconditional, all classes)" if u else "–"
        t = r.get("tflite", {})
        lite = f"{_tflite_size(t, 'float32')} / {_tflite_size(t, 'dynamic')}"
        if "dynamic" in t:
            lite += f" ({100 * t['dynamic']['rel_rms_vs_keras']:.1f})"
        w = r["window"]
        mins = r.get("train_seconds_total", float("nan")) / 60
        rows.append(
            f"| {r['model']} | {r['variant']} | {registry.get(r['model']).paper} | {w['length']} @ {w['fs']:.0f} Hz | "
            f"{r['generator_parameters'] / 1e6:.2f} M | {mins:.1f} ({r.get('epochs_done', '?')}) | "
            f"{r['sample_ms_per_beat']:.2f} | {f['prd_pct']:.1f} ({f['real_prd_pct']:.1f}) | "
            f"{f['rmse']:.3f} ({f['real_rmse']:.3f}) | {f['fd']:.3f} ({f['real_fd']:.3f}) | "
            f"{f['dtw']:.1f} ({f['real_dtw']:.1f}) | {f['euclidean']:.2f} ({f['real_euclidean']:.2f}) | "
            f"{f['mmd']:.3f} | {f['one_nn_accuracy']:.2f} | {util} | {lite} |")
    return "\n".join(rows)


CLI_DOC = """The MIT-BIH beat-generator bench: one table for every trained beat generator.

    python -m training.evaluate_beat_generators runs/beat-bench/*/ --out runs/beat-bench/bench
    python -m training.evaluate_beat_generators runs/beat-bench            # every run inside

Each run is evaluated on the held-out inter-patient records (DS2) in its own window (length, rate,
scaling of its paper): PRD, RMSE, Fréchet distance, DTW and Euclidean distance to the nearest real
beat, MMD², 1NNC — each with the real→real floor — and TSTR vs TRTR per-class F1 of a small beat
classifier, plus parameters, training and sampling time. Writes ``results.json``, ``bench.md``
(the README table) and ``examples.png`` to ``--out``. Details: :mod:`ecgtf.kits.beatgen.evaluate`.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_beat_generators", description=CLI_DOC,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="run directories, or folders holding runs")
    p.add_argument("--out", type=Path, default=Path("runs/beat-bench/bench"), help="output folder")
    p.add_argument("--n", type=positive_int, default=300, help="generated and real beats compared per run (default 300)")
    p.add_argument("--no-utility", action="store_true", help="skip the TSTR/TRTR classifiers")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--recompute", action="store_true",
                   help="ignore each run's cached bench result (RUN/bench_result.json, reused when the run, --n, "
                        "--seed and --no-utility are unchanged)")
    return p


def sampling_ms_per_beat(run, n: int = 300, seed: int = 0) -> float:
    """Wall-clock milliseconds per generated beat for a batch of ``n`` (after one warm-up call)."""

    generator = run.generator()
    sample_beats(run, generator, 8, seed=seed)
    t0 = time.perf_counter()
    sample_beats(run, generator, n, seed=seed)
    return 1000 * (time.perf_counter() - t0) / n


def tflite_info(run) -> dict:
    """Size and validation error of the run's TFLite files (``ecgtf export RUN``), if exported."""
    import json

    report = run.path / "export" / "export_report.json"
    if not report.exists():
        return {}
    return {r["format"]: {"size_bytes": r["size_bytes"], "passed": r.get("passed", False),
                          "rel_rms_vs_keras": r["validation"]["rel_rms_vs_keras"]} for r in json.loads(report.read_text())}


def cached_evaluation(run, n: int, seed: int, with_utility: bool, recompute: bool = False) -> dict:
    """:func:`evaluate_run`, cached in ``RUN/bench_result.json`` (a crashed bench loses no finished run;
    the cache is used only if the run's weights are older than it and the settings match)."""
    import json

    from ecgtf.runs import atomic_write_json

    cache = run.path / "bench_result.json"
    key = {"n": n, "seed": seed, "with_utility": with_utility}
    weights = run.path / "final" / "generator.weights.h5"
    if cache.exists() and not recompute and (not weights.exists() or weights.stat().st_mtime < cache.stat().st_mtime):
        stored = json.loads(cache.read_text())
        if stored.get("key") == key:
            return stored["result"]
    result = evaluate_run(run, n=n, seed=seed, with_utility=with_utility)
    atomic_write_json(cache, {"key": key, "result": result})
    return result


def find_runs(paths) -> list[Path]:
    out = []
    for p in paths:
        if (p / "config.json").exists():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if (q / "config.json").exists()))
        else:
            raise FileNotFoundError(f"{p}: not a run directory (no config.json) nor a folder of runs")
    return out


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.n < 20:
        print(f"error: --n must be at least 20, got {args.n}", file=sys.stderr)
        return 2
    try:
        paths = find_runs(args.runs)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from ecgtf.kits.beatgen import beat_models

    BEAT_MODELS = beat_models()
    from ecgtf.progress import progress_bar
    from ecgtf.runs import Run, atomic_write_json, atomic_write_text

    runs = [Run(p) for p in paths]
    skipped = [r for r in runs if r.model not in BEAT_MODELS]
    for r in skipped:
        print(f"skipping {r.path}: {r.model} is not a MIT-BIH beat generator", file=sys.stderr)
    runs = [r for r in runs if r.model in BEAT_MODELS]
    if not runs:
        print("error: no beat-generator runs given", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for r in progress_bar(runs, desc="beat bench"):
        results.append({**cached_evaluation(r, args.n, args.seed, not args.no_utility, args.recompute),
                        "tflite": tflite_info(r)})
    for r, res in zip(runs, results):  # sampling speed: all runs timed here, one after another (comparable)
        res["sample_ms_per_beat"] = sampling_ms_per_beat(r, args.n, args.seed)
        atomic_write_json(args.out / "results.json", results)  # partial results survive a crash
    text = table(results)
    atomic_write_text(args.out / "bench.md", text + "\n")
    from ecgtf.plots import plot_beat_bench

    plot_beat_bench(results, args.out / "examples.png")
    print(text)
    print(f"\nwrote {args.out / 'results.json'}, {args.out / 'bench.md'}, {args.out / 'examples.png'}")
    return 0


