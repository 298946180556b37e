#!/usr/bin/env python
"""Issue 30: how far can the earlier record carry the later one? Beat templates and blends on the cross-session set.

    python training/experiments/cross_session_ceiling.py unet1d_lite ../shared/data

For the PTB-XL patients with recordings on two dates (earlier → later, never trained on) and LUDB (first 4.8 s →
the rest), Lead I given, scores r(II, V1–V6), median RMSE and the QRS amplitude slope V1–V6 of:

- ``generic`` / ``head``: the model alone / with the person's head (what ships);
- ``tmpl``: the person's own earlier **true** 12-lead median beat (−0.25…+0.45 s around each beat) pasted at today's
  beats (beats found by the same envelope detector on the model's 12-lead output), the model elsewhere — what a
  perfect copy of the earlier recording gives;
- ``gen+res`` / ``head+res``: the model (or head) plus the person's median beat-aligned residual on the reference;
- ``blend a``: ``a · head + (1 − a) · generic``.
Also a per-patient table (``self``: today's own median beat pasted back, the ceiling of any beat-template method).
Selections here would be made on the test patients: this script measures, it does not choose.
"""
from __future__ import annotations

import sys

import numpy as np

from ecgtf.data.ludb import LUDB
from ecgtf.data.ptbxl import PTBXL
from ecgtf.leads import LEADS
from ecgtf.metrics import envelope_r_peaks
from ecgtf.personal import CORRECTED, apply_head, fit_head, reference_reconstruction
from ecgtf.reconstructor import Reconstructor
from ecgtf.scores import INDEPENDENT, pearson, qrs_slopes, to_eval_space

FS = 100
KS = [LEADS.index(n) for n in INDEPENDENT]
BEFORE, AFTER = int(0.25 * FS), int(0.45 * FS)
TAU = np.arange(-BEFORE, AFTER)
TAPER = np.ones(len(TAU))
TAPER[:8], TAPER[-8:] = np.hanning(16)[:8], np.hanning(16)[8:]


def pair(rec, ref, ref_fs, test, fs) -> dict:
    return {"model_ref": to_eval_space(reference_reconstruction(rec, ref, ref_fs), ref_fs),
            "truth_ref": to_eval_space(ref, ref_fs),
            "gen": to_eval_space(rec.reconstruct(test[0], fs, quality=False, coverage=None).leads, fs),
            "truth": to_eval_space(test, fs)}


def template(x: np.ndarray, peaks) -> np.ndarray | None:
    beats = [x[:, p - BEFORE:p + AFTER] for p in peaks if p - BEFORE >= 0 and p + AFTER <= x.shape[1]]
    return np.median(np.stack(beats), 0) if beats else None


def place(base: np.ndarray, tmpl: np.ndarray, peaks, add: bool) -> np.ndarray:
    """``tmpl`` pasted (``add``: added) at ``peaks`` with tapered edges (overlaps averaged)."""
    n = base.shape[1]
    acc, weight = np.zeros_like(base), np.zeros(n)
    for p in peaks:
        idx = p + TAU
        ok = (idx >= 0) & (idx < n)
        acc[:, idx[ok]] += tmpl[:, ok] * TAPER[ok]
        weight[idx[ok]] += TAPER[ok]
    w = np.minimum(weight, 1.0)
    mean = acc / np.where(weight > 0, weight, 1)
    return base + mean * w if add else (1 - w) * base + mean * w


def scores(rows) -> tuple[float, float, float]:
    t, p = np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows])
    r = np.nanmean(pearson(p[:, KS], t[:, KS]), 1)
    rmse = np.sqrt(np.mean((p[:, KS] - t[:, KS]) ** 2, axis=(1, 2)))
    return float(r.mean()), float(np.median(rmse)), float(np.mean(list(qrs_slopes(t, p).values())))


def variants(d: dict) -> dict:
    mr, tr, g, t = d["model_ref"], d["truth_ref"], d["gen"], d["truth"]
    head = apply_head(g, np.array([fit_head(mr, tr)[n] for n in CORRECTED]))
    head_ref = apply_head(mr, np.array([fit_head(mr, tr)[n] for n in CORRECTED]))
    pr, pt = envelope_r_peaks(mr, FS)[0], envelope_r_peaks(g, FS)[0]
    out = {"generic": g, "head": head}
    truth_beat, res_g, res_h = template(tr, pr), template(tr - mr, pr), template(tr - head_ref, pr)
    usable = truth_beat is not None
    out["tmpl"] = place(g, truth_beat, pt, False) if usable else head
    out["gen+res"] = place(g, res_g, pt, True) if usable else head
    out["head+res"] = place(head, res_h, pt, True) if usable else head
    for a in (0.5, 0.7, 0.8):
        out[f"blend {a}"] = a * head + (1 - a) * g
    own = template(t, pt)
    out["self"] = place(g, own, pt, False) if own is not None else g
    return out


def load_pairs(rec, data_dir: str) -> tuple[list, list]:
    """(PTB-XL cross-session pairs earlier → later, LUDB first 4.8 s → the rest), each a list of :func:`pair`."""
    db = PTBXL.open(data_dir)
    cross = []
    for early, late, _ in db.cross_session_pairs():
        a, b = db.load_record(early), db.load_record(late)
        cross.append(pair(rec, a.signal.astype(float), a.fs, b.signal.astype(float), b.fs))
    ludb = LUDB.open(data_dir).load(progress=False)
    cut = int(4.8 * ludb.fs)
    same = [pair(rec, s[:, :cut].astype(float), ludb.fs, s[:, cut:].astype(float), ludb.fs) for s in ludb.signals]
    return cross, same


def main(preset: str, data_dir: str) -> None:
    cross, same = load_pairs(Reconstructor.from_preset(preset), data_dir)
    for name, data in (("ptb-xl cross-session", cross), ("ludb same recording", same)):
        results = [variants(d) for d in data]
        base = scores([(d["truth"], v["generic"]) for d, v in zip(data, results)])[1]
        print(f"\n{name} ({len(data)} pairs)\n| variant | r (II,V1–V6) | median RMSE mV | vs generic | QRS slope |")
        print("|---|---:|---:|---:|---:|")
        for key in results[0]:
            r, rmse, slope = scores([(d["truth"], v[key]) for d, v in zip(data, results)])
            print(f"| {key} | {r:.3f} | {rmse:.3f} | {rmse / base:.2f}× | {slope:.2f} |")
        if name.startswith("ptb"):
            print("\n| patient pair | generic | head | tmpl | self | head r per lead (II, V1–V6) |\n|---|---:|---:|---:|---:|---|")
            for i, (d, v) in enumerate(zip(data, results)):
                r = {k: np.nanmean(pearson(v[k][KS], d["truth"][KS])) for k in ("generic", "head", "tmpl", "self")}
                per = " ".join(f"{x:.2f}" for x in pearson(v["head"][KS], d["truth"][KS]))
                print(f"| {i} | {r['generic']:.3f} | {r['head']:.3f} | {r['tmpl']:.3f} | {r['self']:.3f} | {per} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "unet1d_lite", sys.argv[2] if len(sys.argv) > 2 else "../shared/data")
