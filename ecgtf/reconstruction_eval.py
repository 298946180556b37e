"""Evaluate Lead I → 12-lead reconstructors the same way: PTB-XL fold 10 and all of LUDB.

    python -m training.evaluate_reconstructors runs/unet1d-all runs/ekgan-ptbxl --preset unet1d_12lead \\
        --baselines --out docs/results

Every candidate gets each record's full 10 s Lead I (mV, 500 Hz) and returns 12 leads. Truth and
prediction are then compared in one space: band-pass 0.5–40 Hz (Butterworth order 4, zero-phase)
and 100 Hz. Per lead and averaged over the 11 reconstructed leads (all but I) and over the 7
independent ones (II, V1–V6):

- Pearson r, RMSE and MAE in mV **without oracle** (the model's own amplitude), and RMSE with an
  oracle amplitude (each predicted lead rescaled to the true lead's std: the paper's protocol);
- heart-rate MAE (XQRS on lead II at 500 Hz) and the share of reconstructions without beats;
- the limb-lead-law residual of the prediction (RMS of III − (II − I) etc., mV);
- the regression-to-the-mean slope: OLS slope of predicted vs true QRS amplitude (per record,
  1st–99th percentile range of the lead) per chest lead (1 = no shrinkage; Presacan et al. 2025).

Baselines (``--baselines``): ridge regression (33 taps of Lead I at 100 Hz → each lead, fitted on
the same millivolt training windows as the reconstructor: PTB-XL folds 1–8, CinC 2011 acceptable,
CinC 2021) and each lead's population mean beat placed at Lead I's detected R peaks. Means come
with 95 % bootstrap confidence intervals over records.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from ecgtf.leads import LEADS

EVAL_FS = 100.0
BAND = (0.5, 40.0)
RECONSTRUCTED = LEADS[1:]
INDEPENDENT = ("II", "V1", "V2", "V3", "V4", "V5", "V6")
CHEST = ("V1", "V2", "V3", "V4", "V5", "V6")


def to_eval_space(signal: np.ndarray, fs: float) -> np.ndarray:
    """(12, n) mV at ``fs`` → band-passed (12, m) at 100 Hz."""
    from ecgtf.preprocessing.signal import bandpass_resample

    return bandpass_resample(signal, fs, BAND, EVAL_FS, order=4)


def pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson r along the last axis (NaN where either side is constant)."""
    a = a - a.mean(-1, keepdims=True)
    b = b - b.mean(-1, keepdims=True)
    den = np.sqrt((a ** 2).sum(-1) * (b ** 2).sum(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (a * b).sum(-1) / den, np.nan)


def bootstrap_ci(values: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean over records (NaNs ignored)."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, v.size, size=(n, v.size))].mean(1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def beats_found(eval_signals: np.ndarray) -> np.ndarray:
    """(N, 11) bool: at least two R peaks detected (XQRS at the eval rate) in each reconstructed lead."""
    from ecgtf import metrics as M

    ks = [LEADS.index(nm) for nm in RECONSTRUCTED]
    return np.array([[np.isfinite(M.heart_rate_bpm(x[k], EVAL_FS)) for k in ks] for x in eval_signals], bool)


def score(true_eval: np.ndarray, pred_eval: np.ndarray, true_raw: np.ndarray, pred_raw: np.ndarray,
          fs_raw: float, true_beats: np.ndarray | None = None) -> dict:
    """All metrics for records (N, 12, T) in eval space plus the raw (N, 12, n) for heart rate.

    ``true_beats``: :func:`beats_found` of ``true_eval`` (computed when not given)."""
    from ecgtf import metrics as M
    from ecgtf.leads import limb_lead_residuals
    from ecgtf.preprocessing.signal import resample

    n = len(true_eval)
    r = pearson(true_eval, pred_eval)                                            # (N, 12)
    err = pred_eval - true_eval
    rmse = np.sqrt((err ** 2).mean(-1))
    mae = np.abs(err).mean(-1)
    s_true = true_eval.std(-1, keepdims=True)
    s_pred = pred_eval.std(-1, keepdims=True)
    oracle = (pred_eval - pred_eval.mean(-1, keepdims=True)) * np.where(s_pred > 0, s_true / np.maximum(s_pred, 1e-9), 0)
    rmse_oracle = np.sqrt(((oracle - (true_eval - true_eval.mean(-1, keepdims=True))) ** 2).mean(-1))
    idx = {name: LEADS.index(name) for name in LEADS}
    per_lead = {name: {"r": float(np.nanmean(r[:, k])), "rmse_mv": float(rmse[:, k].mean()),
                       "mae_mv": float(mae[:, k].mean()), "rmse_oracle_mv": float(rmse_oracle[:, k].mean())}
                for name, k in idx.items()}
    summary = {}
    for group, names in (("11", RECONSTRUCTED), ("7", INDEPENDENT)):
        ks = [idx[nm] for nm in names]
        for metric, arr in (("r", r), ("rmse_mv", rmse), ("mae_mv", mae), ("rmse_oracle_mv", rmse_oracle)):
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a flat predicted lead has no r
                per_record = np.nanmean(arr[:, ks], axis=1)
            summary[f"{metric}_{group}"] = float(np.nanmean(per_record))
            summary[f"{metric}_{group}_ci"] = bootstrap_ci(per_record)
    # heart rate on lead II at 500 Hz
    hr_t = np.array([M.heart_rate_bpm(resample(x[1], fs_raw, 500.0), 500.0) for x in true_raw])
    hr_p = np.array([M.heart_rate_bpm(resample(x[1], fs_raw, 500.0), 500.0) for x in pred_raw])
    ok = np.isfinite(hr_t) & np.isfinite(hr_p)
    summary["hr_mae_bpm"] = float(np.mean(np.abs(hr_t[ok] - hr_p[ok]))) if ok.any() else float("nan")
    summary["hr_fail_pct"] = float(100 * np.mean(~np.isfinite(hr_p[np.isfinite(hr_t)]))) if np.isfinite(hr_t).any() \
        else float("nan")
    # beats detectable in every reconstructed lead (XQRS in eval space), where the true lead has them
    if true_beats is None:
        true_beats = beats_found(true_eval)
    found_p = beats_found(pred_eval)
    summary["beats_all_leads_pct"] = float(100 * found_p[true_beats].mean()) if true_beats.any() else float("nan")
    ii = RECONSTRUCTED.index("II")
    summary["beats_lead_ii_pct"] = float(100 * found_p[:, ii][true_beats[:, ii]].mean()) \
        if true_beats[:, ii].any() else float("nan")
    summary["limb_law_rms_mv"] = float(np.sqrt(np.mean(limb_lead_residuals(pred_eval) ** 2)))
    amp_t = np.percentile(true_eval, 99, -1) - np.percentile(true_eval, 1, -1)
    amp_p = np.percentile(pred_eval, 99, -1) - np.percentile(pred_eval, 1, -1)
    slopes = {}
    for name in CHEST:
        k = idx[name]
        x, y = amp_t[:, k], amp_p[:, k]
        slopes[name] = float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else float("nan")
    summary["qrs_slope_chest"] = float(np.mean(list(slopes.values())))
    return {"n_records": n, "summary": summary, "per_lead": per_lead, "qrs_slope": slopes}


def load_eval_set(name: str, data_dir=None) -> tuple[np.ndarray, float, list[str]]:
    """(records (N, 12, 5000) mV, 500.0, ids) of ``ptb-xl-test`` (fold 10), ``ptb-xl-val`` (fold 9; duplicates
    removed) or ``ludb``."""
    from ecgtf.data.records import drop_exact_duplicates
    from ecgtf.data.sources import dataset_dir

    if name in ("ptb-xl-test", "ptb-xl-val"):
        from ecgtf.data.ptbxl import PTBXL

        db = PTBXL(dataset_dir("ptb-xl", data_dir))
        ds, _ = drop_exact_duplicates(db.load(progress=False))
        fold = 10 if name == "ptb-xl-test" else 9
        keep = [i for i, m in enumerate(ds.meta) if m["strat_fold"] == fold]
        ds = ds.subset(keep)
    elif name == "ludb":
        from ecgtf.data.ludb import LUDB

        ds = LUDB(dataset_dir("ludb", data_dir)).load(progress=False)
    else:
        raise ValueError(f"unknown evaluation set {name!r}; expected ptb-xl-test, ptb-xl-val (fold 9, for model "
                         "selection) or ludb")
    return ds.signals.astype(np.float64), ds.fs, ds.record_ids


class RidgeBaseline:
    """33-tap ridge of Lead I → 12 leads at 100 Hz in mV (no oracle), fitted on millivolt training windows."""

    name = "ridge (mV, 33 taps)"

    def __init__(self, windows_mv: np.ndarray):
        from ecgtf.kits.ridge import RidgeLeadRegressor

        self.model = RidgeLeadRegressor(half_window=16, alpha=1.0).fit(windows_mv[:, 0], windows_mv)

    def predict_eval(self, lead_i_eval: np.ndarray) -> np.ndarray:
        return self.model.predict(lead_i_eval[None])[0]


class MeanBeatBaseline:
    """Each lead's population mean beat (mV, 100 Hz), placed at the R peaks detected in Lead I."""

    name = "population mean beat"
    before, after = 25, 45      # samples at 100 Hz: 250 ms before and 450 ms after the R peak

    def __init__(self, segments_mv: np.ndarray):
        beats = []
        for seg in segments_mv:
            for r in self._peaks(seg[0]):
                if r - self.before >= 0 and r + self.after <= seg.shape[1]:
                    beats.append(seg[:, r - self.before:r + self.after])
        if not beats:
            raise ValueError("no beats found in the training segments for the mean-beat baseline")
        self.template = np.mean(beats, axis=0)

    @staticmethod
    def _peaks(lead_i_100: np.ndarray) -> np.ndarray:
        from ecgtf.metrics import detect_r_peaks
        from ecgtf.preprocessing.signal import resample

        peaks = detect_r_peaks(resample(lead_i_100, EVAL_FS, 500.0), 500.0)
        return np.round(np.asarray(peaks) / 5.0).astype(int)

    def predict_eval(self, lead_i_eval: np.ndarray) -> np.ndarray:
        out = np.zeros((12, lead_i_eval.shape[0]))
        cnt = np.zeros(lead_i_eval.shape[0])
        for r in self._peaks(lead_i_eval):
            a, b = max(0, r - self.before), min(out.shape[1], r + self.after)
            out[:, a:b] += self.template[:, a - (r - self.before):b - (r - self.before)]
            cnt[a:b] += 1
        return out / np.maximum(cnt, 1)


def baseline_training_data(data_dir=None, max_segments: int = 2000, seed: int = 0) -> np.ndarray:
    """Millivolt training segments (N, 12, 1000) at 100 Hz, band-passed: PTB-XL folds 1–8, CinC 2011, CinC 2021."""
    from ecgtf.models.unet1d.preprocessing import Unet1dPreprocessing
    from ecgtf.models.unet1d.trainer import Unet1dData, source_cache, split_indices

    data = Unet1dData(data_dir=str(data_dir) if data_dir else None, seed=seed)
    pre = Unet1dPreprocessing()
    segs = []
    for name in ("ptb-xl", "cinc2011", "cinc2021"):
        try:
            cache = source_cache(name, data, pre, progress=False)
        except FileNotFoundError:
            continue
        idx = split_indices(name, cache, data)["train"]
        segs.append(cache.segments(idx))
    if not segs:
        from ecgtf.data.sources import data_root

        raise FileNotFoundError(f"the ridge and mean-beat baselines need millivolt training records (ptb-xl, cinc2011 "
                                f"or cinc2021) below the data root {data_dir or data_root()}; none was found")
    x = np.concatenate(segs)
    rng = np.random.default_rng(seed)
    return x[rng.permutation(len(x))[:max_segments]]


def evaluate_all(candidates: dict, sets=("ptb-xl-test", "ludb"), data_dir=None, baselines: bool = True,
                 progress: bool = True) -> dict:
    """``candidates``: name → :class:`ecgtf.Reconstructor`. Returns {set: {name: score}}."""
    from ecgtf.progress import progress_bar

    base = {}
    if baselines:
        train = baseline_training_data(data_dir)
        base = {b.name: b for b in (RidgeBaseline(np.concatenate([train[:, :, :512], train[:, :, 488:]])),
                                    MeanBeatBaseline(train))}
    results = {}
    for set_name in sets:
        signals, fs, ids = load_eval_set(set_name, data_dir)
        true_eval = np.stack([to_eval_space(s, fs) for s in signals])
        true_beats = beats_found(true_eval)
        results[set_name] = {}
        for name, rec in candidates.items():
            preds = np.stack([rec.reconstruct(s[0], fs).leads for s in
                              progress_bar(signals, desc=f"{set_name}: {name}", disable=not progress or None)])
            pred_eval = np.stack([to_eval_space(p, fs) for p in preds])
            results[set_name][name] = score(true_eval, pred_eval, signals, preds, fs, true_beats)
            results[set_name][name]["units"] = rec.units
        for name, b in base.items():
            pred_eval = np.stack([b.predict_eval(t[0]) for t in true_eval])
            from ecgtf.preprocessing.signal import resample

            pred_raw = np.stack([resample(p, EVAL_FS, fs) for p in pred_eval])
            results[set_name][name] = score(true_eval, pred_eval, signals, pred_raw, fs, true_beats)
            results[set_name][name]["units"] = "mV"
    return results


def format_markdown(results: dict) -> str:
    """The README table: one block per evaluation set."""
    cols = [("r (11)", "r_11", 3), ("r (II,V1–V6)", "r_7", 3), ("RMSE mV (11)", "rmse_mv_11", 3),
            ("RMSE mV (II,V1–V6)", "rmse_mv_7", 3), ("MAE mV (11)", "mae_mv_11", 3),
            ("oracle RMSE (11)", "rmse_oracle_mv_11", 3), ("HR MAE bpm", "hr_mae_bpm", 2),
            ("no beats %", "hr_fail_pct", 1), ("beats found % (11 leads)", "beats_all_leads_pct", 1),
            ("limb-law RMS mV", "limb_law_rms_mv", 3),
            ("QRS slope V1–V6", "qrs_slope_chest", 2)]
    out = []
    for set_name, rows in results.items():
        n = next(iter(rows.values()))["n_records"]
        out.append(f"**{set_name}** ({n} records)\n")
        out.append("| model | " + " | ".join(c[0] for c in cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        for name, res in rows.items():
            s = res["summary"]
            cells = []
            for _, key, d in cols:
                v = s.get(key, float("nan"))
                ci = s.get(key + "_ci")
                cells.append(f"{v:.{d}f}" + (f" [{ci[0]:.{d}f}, {ci[1]:.{d}f}]" if ci and key.startswith("r_") else ""))
            unit = "" if res.get("units") == "mV" else f" ({res.get('units')})"
            out.append(f"| {name}{unit} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def confidence_correlation(rec, sets=("ptb-xl-test", "ludb"), data_dir=None, progress: bool = True) -> dict:
    """Does the per-lead confidence of :meth:`ecgtf.Reconstructor.reconstruct` track the actual error?

    Per set: Spearman correlation between each reconstructed lead's uncertainty and its actual RMSE
    (eval space, mV) over all (record, lead) pairs of the 11 reconstructed leads, and the mean of the
    per-lead correlations over records (does it rank *records* within one lead, beyond "V2 is harder
    than aVR"?).
    """
    from scipy.stats import spearmanr

    from ecgtf.progress import progress_bar

    out = {}
    ks = [LEADS.index(nm) for nm in RECONSTRUCTED]
    for set_name in sets:
        signals, fs, _ = load_eval_set(set_name, data_dir)
        unc, err = [], []
        for s in progress_bar(signals, desc=f"{set_name}: confidence", disable=not progress or None):
            r = rec.reconstruct(s[0], fs, confidence=True)
            true_eval, pred_eval = to_eval_space(s, fs), to_eval_space(r.leads, fs)
            err.append(np.sqrt(np.mean((pred_eval - true_eval) ** 2, axis=-1))[ks])
            unc.append(r.info["uncertainty"][ks])
        unc, err = np.array(unc), np.array(err)
        within = [spearmanr(unc[:, j], err[:, j]).statistic for j in range(len(ks))]
        out[set_name] = {"spearman_all_pairs": float(spearmanr(unc.ravel(), err.ravel()).statistic),
                         "spearman_within_lead_mean": float(np.nanmean(within)),
                         "per_lead": dict(zip(RECONSTRUCTED, map(float, within))), "n_records": len(signals)}
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_reconstructors", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Does a reconstruction keep the diagnosis? `ecgtf evaluate --diagnostic --classifier RUN "
                                       "[reconstructors]` classifies held-out records from the original and the "
                                       "reconstructed 12 leads (`ecgtf evaluate --diagnostic --help`).")
    p.add_argument("models", nargs="*", help="run directories and/or .tflite files")
    p.add_argument("--preset", action="append", default=[], help="a shipped preset (repeatable)")
    p.add_argument("--baselines", action="store_true", help="add ridge regression and the population mean beat")
    p.add_argument("--sets", default="ptb-xl-test,ludb", help="evaluation sets (default ptb-xl-test,ludb)")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--weights", choices=["best", "final"], default="best")
    p.add_argument("--out", type=Path, default=Path("runs/evaluation"), help="folder for results.json and results.md")
    p.add_argument("--confidence", action="store_true",
                   help="also measure how well each model's per-lead confidence tracks its actual error (Spearman)")
    return p


def main(argv=None) -> int:
    from ecgtf.reconstructor import Reconstructor
    from ecgtf.runs import atomic_write_json, atomic_write_text

    args = build_parser().parse_args(argv)
    cands = {}
    try:
        for m in args.models:
            p = Path(m)
            rec = Reconstructor.from_tflite(p) if p.suffix == ".tflite" else Reconstructor.from_run(p, args.weights)
            cands[p.name if p.suffix != ".tflite" else p.stem] = rec
        for name in args.preset:
            cands[f"preset {name}"] = Reconstructor.from_preset(name)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not cands and not args.baselines:
        print("error: nothing to evaluate: give runs, .tflite files, --preset or --baselines", file=sys.stderr)
        return 2
    results = evaluate_all(cands, tuple(args.sets.split(",")), args.data_dir, args.baselines)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out / "results.json", results)
    if args.confidence:
        conf = {name: confidence_correlation(rec, tuple(args.sets.split(",")), args.data_dir)
                for name, rec in cands.items()}
        atomic_write_json(args.out / "confidence.json", conf)
        for name, by_set in conf.items():
            for set_name, c in by_set.items():
                print(f"confidence {name} on {set_name}: Spearman(uncertainty, RMSE) over (record, lead) pairs "
                      f"{c['spearman_all_pairs']:.3f}; within a lead, mean {c['spearman_within_lead_mean']:.3f}")
    table = format_markdown(results)
    atomic_write_text(args.out / "results.md", table)
    print(table)
    print(f"wrote {args.out}/results.json and results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
