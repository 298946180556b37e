"""Blend a trained any-leads network with ridge reconstructions from the lead sets devices record (after training).

    python -m training.ridge_blend --run runs/clean-lite --out runs/clean-lite-ridge --data-dir ../shared/data

Measured on PTB-XL fold 9: with Lead I and one chest lead (and with Lead II too) a 33-tap ridge of the given leads is
nearly as good as the network on the other chest leads and better with three leads, and their average is better
than either (I+V2, other chest leads: network r 0.826, ridge 0.813, average 0.849). A network that takes the given
leads as z-scored shapes cannot form the millivolt-weighted sums a ridge forms. So each common set of given leads
(:data:`RIDGE_SETS`: Lead I with one chest lead, with or without Lead II) gets a ridge filter and a blend weight per
output lead, inside the network graph (:class:`.networks.RidgeBlend`): the phone's ``.tflite`` file carries both and
the Java core needs nothing new. Lead I alone, I + II and every other set keep the network alone.

- **Ridge filters**: closed-form least squares (relative ridge :data:`RIDGE`) from the millivolt training windows of
  the baselines (:func:`ecgtf.kits.ridge.baseline_training_data`: PTB-XL folds 1–8, CinC 2011, CinC 2021's training
  half; 100 Hz, 0.5–40 Hz), every lead centred over the window and divided by Lead I's std (what the layer does).
- **Blend weights** ``α`` (1 = the network, 0 = the ridge) per set and output lead: the value on the grid
  :data:`ALPHAS` with the highest mean Pearson r over the windows of PTB-XL fold 9 (validation).
"""
from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from ecgtf.callbacks import save_weights_atomic
from ecgtf.data.eval_sets import load_eval_set
from ecgtf.files import atomic_write_json, record_digest
from ecgtf.kits.ridge import baseline_training_data
from ecgtf.leads import LEADS
from ecgtf.progress import progress_bar
from ecgtf.runs import Run, config_to_dict
from ecgtf.scores import pearson

from .networks import build_reconstructor, ridge_rows, widen_from_lead_i
from .preprocessing import prepare_lead

RIDGE_SETS = tuple(f"I+V{k}" for k in range(1, 7)) + tuple(f"I+II+V{k}" for k in range(1, 7))
"""The sets of given leads a blend is fitted for: Lead I with one chest lead (a watch held to the chest), and with
Lead II too (a six-lead device plus a chest lead)."""
ALPHAS = tuple(round(0.1 * k, 1) for k in range(11))
RIDGE = 1e-4
"""Ridge penalty relative to the mean diagonal of the normal equations."""
MIN_STD = 0.005
"""Windows whose Lead I std is below this (mV) are left out of the fit."""


def split_windows(records: np.ndarray, window: int) -> np.ndarray:
    """(N, 12, n) → (2N, 12, window): the first and the last ``window`` samples of every record."""
    return np.concatenate([records[..., :window], records[..., -window:]])


def centred_and_scale(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, 12, L) mV → (every lead centred over the window, Lead I's std (N, 1, 1)): what the layer divides by."""
    x = np.asarray(windows, np.float64)
    centred = x - x.mean(-1, keepdims=True)
    return centred, np.sqrt(np.mean(centred[:, :1] ** 2, -1, keepdims=True) + 1e-6)


def normalised(windows: np.ndarray, rows) -> np.ndarray:
    """(N, 12, L) mV → (N, len(rows), L): the rows centred over the window and divided by Lead I's std."""
    centred, std_i = centred_and_scale(windows)
    return centred[:, list(rows)] / std_i


def lagged(z: np.ndarray, taps: int) -> np.ndarray:
    """(N, k, L) → (N·L, taps·k): ``z[j, t + τ − taps // 2]`` (zeros outside) in the order of a Conv1D kernel
    (taps, k, …)."""
    half = taps // 2
    padded = np.pad(z, ((0, 0), (0, 0), (half, half)))
    length = z.shape[-1]
    cols = np.stack([padded[:, :, tau:tau + length] for tau in range(taps)], -1)     # (N, k, L, taps)
    return cols.transpose(0, 2, 3, 1).reshape(-1, taps * z.shape[1])


def fit_kernel(windows: np.ndarray, used, taps: int, batch: int = 64) -> np.ndarray:
    """The ridge filter (taps, len(used), 12) from the read leads ``used`` to all 12 leads on (N, 12, L) mV windows
    (normal equations accumulated over batches; windows with a flat Lead I skipped)."""
    keep = windows[np.std(windows[:, 0], -1) > MIN_STD]
    p = taps * len(used)
    gram, cross = np.zeros((p, p)), np.zeros((p, 12))
    for start in range(0, len(keep), batch):
        w = keep[start:start + batch]
        x = lagged(normalised(w, used), taps)
        y = normalised(w, range(12)).transpose(0, 2, 1).reshape(-1, 12)
        gram += x.T @ x
        cross += x.T @ y
    gram += RIDGE * np.trace(gram) / p * np.eye(p)
    return np.linalg.solve(gram, cross).reshape(taps, len(used), 12)


def ridge_predict(windows: np.ndarray, used, kernel: np.ndarray) -> np.ndarray:
    """What :class:`.networks.RidgeBlend`'s ridge gives on (N, 12, L) mV windows: (N, 12, L) mV."""
    centred, std_i = centred_and_scale(windows)
    z = lagged(centred[:, list(used)] / std_i, kernel.shape[0])                          # (N·L, taps·k)
    y = (z @ kernel.reshape(-1, 12)).reshape(len(centred), centred.shape[-1], 12).transpose(0, 2, 1)
    return y * std_i


def choose_alphas(net: np.ndarray, ridge: np.ndarray, truth: np.ndarray, fixed_rows) -> np.ndarray:
    """(12,) blend weights: per lead the :data:`ALPHAS` value with the highest mean window r (ties: the larger α,
    more network); 1 for ``fixed_rows`` (given or derived exactly: the reconstructor returns them as given)."""
    scores = np.array([np.nanmean(pearson(a * net + (1 - a) * ridge, truth), 0) for a in ALPHAS])   # (A, 12)
    best = np.array([ALPHAS[len(ALPHAS) - 1 - int(np.nanargmax(col[::-1]))] for col in scores.T])
    best[list(fixed_rows)] = 1.0
    return best


def network_leads(network, windows: np.ndarray, rows, batch: int = 64) -> np.ndarray:
    """The network's ``leads`` (N, 12, L) mV on (N, 12, L) windows with only ``rows`` given."""
    mask = np.zeros(12, np.float32)
    mask[list(rows)] = 1.0
    out = []
    for start in range(0, len(windows), batch):
        w = np.asarray(windows[start:start + batch], np.float32) * mask[None, :, None]
        out.append(np.asarray(network([w, np.repeat(mask[None], len(w), 0)], training=False)["leads"]))
    return np.concatenate(out).astype(np.float64)


def validation_windows(run: Run, data_dir=None) -> np.ndarray:
    """PTB-XL fold 9 prepared as the network's input (the run's preprocessing), (2N, 12, window) mV."""
    signals, fs, _ = load_eval_set("ptb-xl-val", data_dir)
    pre = run.preprocessing
    return split_windows(np.stack([prepare_lead(s, fs, pre) for s in signals]), pre.window)


def blend_run(source, out, data_dir=None, sets=RIDGE_SETS, progress: bool = True) -> dict:
    """A copy of the any-leads run ``source`` at ``out`` whose network (best and final weights) ends in a fitted
    :class:`.networks.RidgeBlend` for ``sets``; returns the fit's summary (also in ``out/ridge_blend.json``)."""
    src, out = Run(source), Path(out)
    arch = src.architecture
    if not arch.any_leads:
        raise ValueError(f"{src.path}: not an any-leads run; a ridge blend needs the given leads as inputs")
    if arch.ridge_sets:
        raise ValueError(f"{src.path} already ends in a ridge blend; blend the run it was made from "
                         f"({src.training.extra.get('ridge_blend_from', 'see its config.json')})")
    if out.exists():
        raise FileExistsError(f"{out} exists; choose a new folder for the blended run")
    new_arch = replace(arch, ridge_sets=tuple(sets))
    train = split_windows(baseline_training_data(data_dir), src.preprocessing.window).astype(np.float64)
    val = validation_windows(src, data_dir)
    kernels = {key: fit_kernel(train, ridge_rows(key)[1], new_arch.ridge_taps)
               for key in progress_bar(sets, desc="ridge filters", disable=not progress or None)}
    networks = {weights: src.generator(weights) for weights in ("best", "final")}
    alphas, summary = {}, {}
    for key in progress_bar(sets, desc="blend weights (PTB-XL fold 9)", disable=not progress or None):
        rows, used = ridge_rows(key)
        net = network_leads(networks["best"], val, rows)
        ridge = ridge_predict(val * np.isin(np.arange(12), rows)[None, :, None], used, kernels[key])
        alphas[key] = choose_alphas(net, ridge, val, rows)
        other = [k for k in range(12) if k not in rows]
        blend = alphas[key][None, :, None] * net + (1 - alphas[key][None, :, None]) * ridge
        summary[key] = {name: float(np.nanmean(pearson(p, val)[:, other]))
                        for name, p in (("network", net), ("ridge", ridge), ("blend", blend))}
        summary[key]["alpha"] = {LEADS[k]: float(alphas[key][k]) for k in other}
    partial = out.with_name(f".partial-{out.name}")         # built aside, renamed at the end: a crash leaves no half run
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(src.path, partial, ignore=shutil.ignore_patterns("checkpoints", "logs", "plots", ".tmp-*"))
    raw = json.loads((src.path / "config.json").read_text())
    raw["architecture"] = config_to_dict(new_arch)
    raw.setdefault("training", {}).setdefault("extra", {})["ridge_blend_from"] = str(src.path)
    atomic_write_json(partial / "config.json", raw)
    record_digest(partial / "config.json")
    for weights, source_network in networks.items():
        network = build_reconstructor(new_arch)
        widen_from_lead_i(source_network, network)
        layer = network.get_layer("ridge_blend")
        layer.set_weights([kernels[key] for key in sets] + [np.stack([alphas[key] for key in sets])])
        name = "best_reconstructor.weights.h5" if weights == "best" else "reconstructor.weights.h5"
        save_weights_atomic(network, partial / "final" / name)
    doc = {"source": str(src.path), "sets": list(sets), "taps": new_arch.ridge_taps, "ridge": RIDGE,
           "validation": "PTB-XL fold 9 windows (mean r over the leads not given)", "results": summary}
    atomic_write_json(partial / "ridge_blend.json", doc)
    partial.rename(out)
    return doc


def build_parser():
    p = argparse.ArgumentParser(prog="python -m training.ridge_blend",
                                description="Copy a trained any-leads unet1d run with ridge blends fitted for the common "
                                            "lead sets (filters on the training windows, weights on PTB-XL fold 9).")
    p.add_argument("--run", required=True, help="the trained any-leads unet1d run directory")
    p.add_argument("--out", required=True, help="a new run directory for the blended network")
    p.add_argument("--data-dir", default=None, help="data root with ptb-xl (and cinc2011, cinc2021) below it")
    p.add_argument("--sets", default=",".join(RIDGE_SETS),
                   help="comma-separated sets of given leads to blend for (default: Lead I with each chest lead, and "
                        "with Lead II too)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    sets = tuple(s.strip() for s in args.sets.split(",") if s.strip())
    try:
        doc = blend_run(args.run, args.out, args.data_dir, sets)
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        print(f"error: {exc}")
        return 2
    print("| set | network r | ridge r | blend r | α per lead |\n|---|---:|---:|---:|---|")
    for key, res in doc["results"].items():
        alpha = " ".join(f"{k} {v:.1f}" for k, v in res["alpha"].items())
        print(f"| {key} | {res['network']:.3f} | {res['ridge']:.3f} | {res['blend']:.3f} | {alpha} |")
    print(f"wrote {args.out} (ridge_blend.json)")
    return 0
