"""Tune and test the signal-quality gate (:mod:`ecgtf.quality`) on PhysioNet/CinC Challenge 2011 set-a.

    ECGTF_DATA=../shared/data python benchmarks/quality_gate.py            # prints the tables, writes JSON

Labels: the challenge's acceptable/unacceptable label of each 12-lead phone recording (10 s,
250 Hz here). Records are split once (seed 0, stratified by label) into 60 % tuning and 40 %
held-out; thresholds are grid-searched on the tuning records for accuracy and reported on the
held-out ones (accuracy, sensitivity = unacceptable records refused, specificity = acceptable ones
passed).

- **12 leads**: a record passes when every lead passes the rules (the challenge's setting).
- **Lead I alone**, against labels that concern Lead I: the challenge labels the whole record, and
  an unacceptable record may have a perfect Lead I. So Lead I is judged on (a) held-out
  acceptable records' Lead I (an acceptable record implies an acceptable Lead I) and (b) the same
  Lead I windows with a known defect injected: lead off (flat + noise floor), saturation at the
  rail, electrode-motion / muscle noise from the MIT-BIH Noise Stress Test Database at 0 and −6 dB,
  amplitude in µV (×1000) or ×10 (0.1 mV units), white noise — negatives whose label concerns Lead I by
  construction. The raw record
  label is reported too (a lower bound for sensitivity).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np


def _split(labels: np.ndarray, seed: int = 0, frac: float = 0.6):
    rng = np.random.default_rng(seed)
    tune = np.zeros(len(labels), bool)
    for v in (0, 1):
        idx = rng.permutation(np.flatnonzero(labels == v))
        tune[idx[:int(round(frac * len(idx)))]] = True
    return tune


def _rates(pred_bad: np.ndarray, bad: np.ndarray) -> dict:
    tp, tn = np.sum(pred_bad & bad), np.sum(~pred_bad & ~bad)
    return {"n": int(len(bad)), "accuracy": float((tp + tn) / len(bad)),
            "sensitivity": float(tp / max(1, bad.sum())), "specificity": float(tn / max(1, (~bad).sum()))}


def _arrays(feats: list[dict]) -> dict:
    keys = set().union(*feats)
    out = {k: np.array([d.get(k, np.nan) for d in feats], float) for k in keys}
    out["looked"] = np.array(["hr_bpm" in d for d in feats])
    return out


def _decide(feats, t) -> np.ndarray:
    """Vectorised twin of the rules in ecgtf.quality.assess for precomputed features (True = refuse)."""
    f = feats if isinstance(feats, dict) else _arrays(feats)
    bad = (f["std_mv"] < t.min_std_mv) | (f["ptp_mv"] > t.max_ptp_mv) | \
        (f["clipped_fraction"] > t.max_clipped_fraction) | (f["qrs_power_fraction"] < t.min_qrs_power_fraction) | \
        (f["hf_power_fraction"] > t.max_hf_power_fraction) | (f["kurtosis"] < t.min_kurtosis)
    if "hr_bpm" in f:  # beat rules only where beats were looked for
        looked = f["looked"]
        hr, cv = f["hr_bpm"], f["rr_cv"]
        no_beats = ~np.isfinite(hr) | (hr < t.min_hr_bpm) | (hr > t.max_hr_bpm) | ~(cv <= t.max_rr_cv)
        qrs = f.get("qrs_mv", np.full(len(hr), np.nan))
        implausible = np.isfinite(qrs) & ((qrs < t.min_qrs_mv) | (qrs > t.max_qrs_mv))
        bad |= looked & (no_beats | implausible)
    return bad


GRID = {"min_std_mv": [0.005, 0.01, 0.02, 0.04], "max_clipped_fraction": [0.005, 0.01, 0.02, 0.05, 0.1],
        "min_qrs_power_fraction": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
        "max_hf_power_fraction": [0.1, 0.2, 0.3, 0.45, 1.0], "min_kurtosis": [-9.0, 0.0, 0.5, 1.0, 2.0, 3.0],
        "max_rr_cv": [0.3, 0.45, 0.6, 10.0]}


def tune(feats_by_record: list[list[dict]], bad: np.ndarray, base) -> tuple:
    """Grid search of the thresholds maximising accuracy (a record is refused if any of its leads is)."""
    flat = _arrays([f for rec in feats_by_record for f in rec])
    n_leads = len(feats_by_record[0])
    best = (-1.0, base)
    for values in itertools.product(*GRID.values()):
        t = replace(base, **dict(zip(GRID, values)))
        refused = _decide(flat, t).reshape(-1, n_leads).any(1)
        acc = float(np.mean(refused == bad))
        if acc > best[0]:
            best = (acc, t)
    return best[1]


def corrupt(x: np.ndarray, fs: float, kind: str, rng, noise: dict) -> np.ndarray:
    """Lead I ``x`` (mV) with a known defect."""
    if kind == "lead off":
        return 0.002 * rng.standard_normal(x.size)
    if kind == "saturated":
        return np.clip(x * 8, -1.0, 1.0)
    if kind == "microvolts":
        return x * 1000.0
    if kind == "gain x10":
        return x * 10.0
    if kind == "white noise":
        return rng.normal(0.0, max(float(np.std(x)), 0.05), x.size)
    if kind.startswith("noise"):
        _, src, snr_db = kind.split(":")
        n = noise[src]
        start = rng.integers(0, n.size - x.size)
        seg = n[start:start + x.size]
        seg = seg - seg.mean()
        p_sig, p_n = np.var(x), np.var(seg) or 1e-12
        return x + seg * np.sqrt(p_sig / p_n / 10 ** (float(snr_db) / 10))
    raise ValueError(kind)


def _noise_records(data_dir, fs: float) -> dict:
    from ecgtf.data.records import read_wfdb
    from ecgtf.data.sources import dataset_dir
    from ecgtf.preprocessing.signal import resample

    root = dataset_dir("nstdb", data_dir)
    out = {}
    for name in ("em", "ma", "bw"):
        if (root / f"{name}.hea").exists():
            sig, f0, _ = read_wfdb(root / name)
            out[name] = resample(sig[0], f0, fs)
    return out


def main(argv=None) -> int:
    from ecgtf.data.cinc import CinC2011
    from ecgtf.data.sources import dataset_dir
    from ecgtf.progress import progress_bar
    from ecgtf.quality import QualityThresholds, _beats, _features

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--out", type=Path, default=Path("runs/quality_gate.json"))
    args = p.parse_args(argv)

    db = CinC2011(dataset_dir("cinc2011", args.data_dir))
    ids = [i for i in db.ids() if db.quality.get(i)]
    recs = [db.load_record(i) for i in progress_bar(ids, desc="CinC 2011")]
    fs = recs[0].fs
    bad = np.array([r.meta["quality"] == "unacceptable" for r in recs])
    tune_mask = _split(bad.astype(int))
    feats = []
    for r in progress_bar(recs, desc="features (12 leads)"):
        rec_feats = [_features(np.nan_to_num(lead), fs) for lead in r.signal]
        hr, cv, n, qrs = _beats(r.signal[0] - np.median(r.signal[0]), fs)
        rec_feats[0].update(hr_bpm=hr, rr_cv=cv, n_beats=n, qrs_mv=qrs)
        feats.append(rec_feats)
    base = QualityThresholds()
    # 12 leads (beat rules on Lead I only: XQRS on every lead costs ~0.1 s each)
    t12 = tune([feats[i] for i in np.flatnonzero(tune_mask)], bad[tune_mask], base)
    flat_all = [f for rec in feats for f in rec]
    refused12 = _decide(flat_all, t12).reshape(len(recs), 12).any(1)
    res = {"thresholds_12lead": t12.to_dict(),
           "12lead_tune": _rates(refused12[tune_mask], bad[tune_mask]),
           "12lead_heldout": _rates(refused12[~tune_mask], bad[~tune_mask])}
    # Lead I alone, (1) against the record labels (a lower bound: the label may concern another lead)
    lead1 = [rec[0] for rec in feats]
    t1_rec = tune([[lead1[i]] for i in np.flatnonzero(tune_mask)], bad[tune_mask], base)
    res["thresholds_lead_i_record_labels"] = t1_rec.to_dict()
    res["lead_i_vs_record_labels_heldout"] = _rates(_decide(lead1, t1_rec)[~tune_mask], bad[~tune_mask])
    # (2) labels that concern Lead I: acceptable records' Lead I (+) and the same with injected defects (−);
    # tuned on the tuning records, reported on the held-out ones
    noise = _noise_records(args.data_dir, fs)
    kinds = ["lead off", "saturated", "microvolts", "gain x10", "white noise"] + [f"noise:{n}:{snr}" for n in noise
                                                                                     for snr in (0, -6)]
    rng = np.random.default_rng(1)
    split = {}
    for part, mask in (("tune", tune_mask), ("heldout", ~tune_mask)):
        good_idx = np.flatnonzero(~bad & mask)
        neg_feats, neg_kind = [], []
        for i in progress_bar(good_idx, desc=f"Lead I with injected defects ({part})"):
            x = recs[i].signal[0]
            for k in kinds:
                y = corrupt(x, fs, k, rng, noise)
                f = _features(y, fs)
                hr, cv, n, qrs = _beats(y - np.median(y), fs)
                f.update(hr_bpm=hr, rr_cv=cv, n_beats=n, qrs_mv=qrs)
                neg_feats.append(f)
                neg_kind.append(k)
        pos = [lead1[i] for i in good_idx]
        split[part] = (pos + neg_feats, np.r_[np.zeros(len(pos), bool), np.ones(len(neg_feats), bool)],
                       np.array([""] * len(pos) + neg_kind))
    t1 = tune([[f] for f in split["tune"][0]], split["tune"][1], base)
    feats_h, labels_h, kind_h = split["heldout"]
    refused = _decide(feats_h, t1)
    res["thresholds_lead_i"] = t1.to_dict()
    res["lead_i_injected_defects_heldout"] = _rates(refused, labels_h)
    res["lead_i_refused_by_kind_heldout"] = {k: float(np.mean(refused[kind_h == k])) for k in [""] + kinds}
    res["lead_i_thresholds_on_record_labels_heldout"] = _rates(_decide(lead1, t1)[~tune_mask], bad[~tune_mask])
    res["records"] = {"total": len(recs), "unacceptable": int(bad.sum()), "tune": int(tune_mask.sum()),
                      "heldout": int((~tune_mask).sum())}
    print(json.dumps(res, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from ecgtf.runs import atomic_write_json

    atomic_write_json(args.out, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
