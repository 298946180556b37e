"""Evaluation of Lead I → 12-lead reconstructions: per-lead and overall metrics, table, plots.

Metrics are computed in millivolts on (N, 12, T) arrays; :mod:`ecgtf.models.ekgan.inference` maps EKGAN's
model-layout outputs back to millivolts first. Also the ecgGAN beat protocol and set-level beat metrics.
"""
from __future__ import annotations

import warnings

import numpy as np

from ecgtf import metrics as M
from ecgtf.leads import LEADS, limb_lead_residuals
from ecgtf.preprocessing.signal import bandpass_resample, resample

_COLUMNS = ("rmse_mv", "mae_mv", "prd_pct", "mmd", "hr_mae_bpm", "hr_fail_pct")


def reconstruction_metrics(true_mv: np.ndarray, pred_mv: np.ndarray, fs: float,
                           heart_rate: bool = True) -> dict:
    """Per-lead and overall metrics for true/predicted records ``(N, 12, T)`` in mV.

    Returns ``{"per_lead": {lead: {...}}, "overall": {...}}`` with RMSE, MAE (mV), PRD (%), MMD
    (between the sets of records, per lead), heart-rate MAE (bpm, lead II, detected by XQRS after
    resampling to 500 Hz) and the limb-lead-law RMS residual of the prediction (mV).
    """
    true_mv = np.asarray(true_mv, np.float64)
    pred_mv = np.asarray(pred_mv, np.float64)
    if true_mv.shape != pred_mv.shape or true_mv.ndim != 3 or true_mv.shape[1] != 12:
        raise ValueError(f"expected two (N, 12, T) arrays of equal shape, got {true_mv.shape} and {pred_mv.shape}")
    rmse, mae, prd = M.rmse(true_mv, pred_mv), M.mae(true_mv, pred_mv), M.prd(true_mv, pred_mv)
    per_lead = {}
    for k, name in enumerate(LEADS):
        per_lead[name] = {"rmse_mv": float(rmse[:, k].mean()), "mae_mv": float(mae[:, k].mean()),
                          "prd_pct": float(prd[:, k].mean())}
        if len(true_mv) >= 2:
            per_lead[name]["mmd"] = M.mmd(true_mv[:, k], pred_mv[:, k])
    overall = {"rmse_mv": float(rmse.mean()), "mae_mv": float(mae.mean()), "prd_pct": float(prd.mean())}
    if len(true_mv) >= 2:
        overall["mmd"] = M.mmd(true_mv.reshape(len(true_mv), -1), pred_mv.reshape(len(pred_mv), -1))
    if heart_rate:
        up_t = resample(true_mv[:, 1], fs, 500.0)
        up_p = resample(pred_mv[:, 1], fs, 500.0)
        hr_t = np.array([M.heart_rate_bpm(x, 500.0) for x in up_t])
        hr_p = np.array([M.heart_rate_bpm(x, 500.0) for x in up_p])
        ok = np.isfinite(hr_t) & np.isfinite(hr_p)
        overall["hr_mae_bpm"] = float(np.mean(np.abs(hr_t[ok] - hr_p[ok]))) if ok.any() else float("nan")
        # records whose truth has detectable beats but whose reconstruction has none (e.g. missing QRS)
        overall["hr_fail_pct"] = float(100.0 * np.mean(~np.isfinite(hr_p[np.isfinite(hr_t)]))) \
            if np.isfinite(hr_t).any() else float("nan")
    overall["limb_law_rms_mv"] = float(np.sqrt(np.mean(limb_lead_residuals(pred_mv) ** 2)))
    overall["limb_law_rms_mv_truth"] = float(np.sqrt(np.mean(limb_lead_residuals(true_mv) ** 2)))
    return {"per_lead": per_lead, "overall": overall, "n_records": int(len(true_mv))}


def format_table(results: dict[str, dict], columns=_COLUMNS) -> str:
    """A text table: one row per model (overall metrics)."""
    cols = [c for c in columns if any(c in r["overall"] for r in results.values())] + ["limb_law_rms_mv"]
    width = max([24] + [len(n) + 2 for n in results])
    head = f"{'model':<{width}}" + "".join(f"{c:>16}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        lines.append(f"{name:<{width}}" + "".join(f"{r['overall'].get(c, float('nan')):>16.4f}" for c in cols))
    return "\n".join(lines)


def format_per_lead(result: dict, columns=("rmse_mv", "mae_mv", "prd_pct", "mmd")) -> str:
    head = f"{'lead':<6}" + "".join(f"{c:>12}" for c in columns)
    lines = [head, "-" * len(head)]
    for name, row in result["per_lead"].items():
        lines.append(f"{name:<6}" + "".join(f"{row.get(c, float('nan')):>12.4f}" for c in columns))
    return "\n".join(lines)


def ecggan_protocol(real: np.ndarray, generated: np.ndarray, seed: int = 0) -> dict:
    """The original ecgGAN README's test, reproduced: each generated beat is compared with an
    *unrelated* real beat (random pairing), and RMSE, PRD and MMD are summarised as mean/min/max.

    PRD is given both standard (``prd_pct``) and in the notebook's non-standard form
    (``prd_ecggan`` = standard / 10). The pairwise MMD treats the 400 values of each beat as a
    sample set (Gaussian kernel, median heuristic). What this measures: how far a generated beat
    is from a random real beat, i.e. a property of the two distributions' spread, not of a
    reconstruction; a generator producing a perfect copy of one real beat would not score 0.
    """
    real = np.asarray(real, np.float64).reshape(len(real), -1)
    generated = np.asarray(generated, np.float64).reshape(len(generated), -1)
    n = min(len(real), len(generated))
    rng = np.random.default_rng(seed)
    r = real[rng.permutation(len(real))[:n]]
    g = generated[:n]
    per = {"rmse": M.rmse(r, g), "prd_pct": M.prd(r, g), "prd_ecggan": M.prd_ecggan(r, g),
           "mmd": np.array([M.mmd(a[:, None], b[:, None]) for a, b in zip(r, g)])}
    return {k: {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max())} for k, v in per.items()}


def set_level_beats(real_heldout: np.ndarray, generated: np.ndarray, n: int = 300, seed: int = 0) -> dict:
    """Set-level comparison of generated vs held-out real beats (``n`` of each, random).

    MMD² (unbiased, Gaussian kernel), mean nearest-neighbour DTW and Fréchet distance from each
    generated beat to the real set, the same for real→real (a floor: another held-out real beat),
    and the 1-NN two-sample accuracy (0.5 = indistinguishable, 1.0 = separable).
    """
    rng = np.random.default_rng(seed)
    real = np.asarray(real_heldout, np.float64).reshape(len(real_heldout), -1)
    gen = np.asarray(generated, np.float64).reshape(len(generated), -1)
    real = real[rng.permutation(len(real))[:n]]
    gen = gen[rng.permutation(len(gen))[:n]]
    half = len(real) // 2
    return {
        "n_real": int(len(real)), "n_generated": int(len(gen)),
        "mmd": M.mmd(real, gen),
        "nn_dtw": float(M.nearest_neighbour_distances(gen[:100], real, "dtw", window=40).mean()),
        "nn_frechet": float(M.nearest_neighbour_distances(gen[:100], real, "frechet").mean()),
        "nn_dtw_real_floor": float(M.nearest_neighbour_distances(real[:half][:100], real[half:], "dtw", window=40).mean()),
        "nn_frechet_real_floor": float(M.nearest_neighbour_distances(real[:half][:100], real[half:], "frechet").mean()),
        "one_nn_accuracy": M.one_nn_accuracy(real, gen),
    }


# ---------- the reconstruction protocol (ecgtf.reconstruction_eval): one space, one set of scores -----------

EVAL_FS = 100.0
BAND = (0.5, 40.0)
RECONSTRUCTED = LEADS[1:]
INDEPENDENT = ("II", "V1", "V2", "V3", "V4", "V5", "V6")
CHEST = ("V1", "V2", "V3", "V4", "V5", "V6")


def to_eval_space(signal: np.ndarray, fs: float) -> np.ndarray:
    """(12, n) mV at ``fs`` → band-passed (12, m) at 100 Hz."""
    return bandpass_resample(signal, fs, BAND, EVAL_FS, order=4)


def pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson r along the last axis (NaN where either side is constant)."""
    a = a - a.mean(-1, keepdims=True)
    b = b - b.mean(-1, keepdims=True)
    den = np.sqrt((a ** 2).sum(-1) * (b ** 2).sum(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (a * b).sum(-1) / den, np.nan)


def bootstrap_ci(values: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean over records (NaNs ignored; NaN with < 2 values;
    :func:`ecgtf.metrics.bootstrap_interval`)."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return (float("nan"), float("nan"))
    return M.bootstrap_interval(np.mean, v, n=n, seed=seed)


def beats_found(eval_signals: np.ndarray) -> np.ndarray:
    """(N, 11) bool: at least two R peaks detected (XQRS at the eval rate) in each reconstructed lead."""
    ks = [LEADS.index(nm) for nm in RECONSTRUCTED]
    return np.array([[np.isfinite(M.heart_rate_bpm(x[k], EVAL_FS)) for k in ks] for x in eval_signals], bool)


QRS_WINDOW_S = (-0.05, 0.07)
"""The QRS around each R peak for the frontal axis (net area of I and aVF)."""
LAD_DEG, RAD_DEG = -30.0, 90.0
"""Left axis deviation: axis < −30°; right axis deviation: axis > +90°."""


def frontal_axes(true_eval: np.ndarray, pred_eval: np.ndarray) -> np.ndarray:
    """Frontal QRS axis (degrees, −180…180) of true and predicted records (N, 12, T) at :data:`EVAL_FS`: the net
    QRS areas of I (0°) and aVF (+90°, lead vector √3/2 of I's) over :data:`QRS_WINDOW_S` around the true record's R
    peaks (:func:`ecgtf.metrics.envelope_r_peaks`, the same beats for both) give ``atan2(2·aVF/√3, I)``. (N, 2):
    true, predicted; NaN without beats."""
    i, avf = LEADS.index("I"), LEADS.index("aVF")
    a, b = (int(round(t * EVAL_FS)) for t in QRS_WINDOW_S)
    out = np.full((len(true_eval), 2), np.nan)
    for n, (t, p) in enumerate(zip(true_eval, pred_eval)):
        peaks, _ = M.envelope_r_peaks(t, EVAL_FS)
        peaks = [q for q in np.asarray(peaks, int) if q + a >= 0 and q + b < t.shape[-1]]
        if not peaks:
            continue
        idx = np.concatenate([np.arange(q + a, q + b + 1) for q in peaks])
        for j, x in enumerate((t, p)):
            out[n, j] = np.degrees(np.arctan2(2 * x[avf, idx].sum() / np.sqrt(3), x[i, idx].sum()))
    return out


def axis_summary(axes: np.ndarray) -> dict:
    """Median absolute axis error (degrees, wrapped) and left/right axis deviation sensitivity from
    :func:`frontal_axes`."""
    ok = np.isfinite(axes).all(1)
    t, p = axes[ok, 0], axes[ok, 1]
    err = np.abs((p - t + 180) % 360 - 180)
    lad, rad = t < LAD_DEG, t > RAD_DEG
    return {"axis_error_median_deg": float(np.median(err)) if err.size else float("nan"),
            "lad_n": int(lad.sum()), "lad_sensitivity": float(np.mean(p[lad] < LAD_DEG)) if lad.any() else float("nan"),
            "rad_n": int(rad.sum()), "rad_sensitivity": float(np.mean(p[rad] > RAD_DEG)) if rad.any() else float("nan")}


def qrs_slopes(true_eval: np.ndarray, pred_eval: np.ndarray) -> dict:
    """Per chest lead: OLS slope of predicted on true QRS amplitude (1st–99th percentile range) over records
    (N, 12, T) — 1 = faithful, 0 = the population average whatever the person."""
    amp_t = np.percentile(true_eval, 99, -1) - np.percentile(true_eval, 1, -1)
    amp_p = np.percentile(pred_eval, 99, -1) - np.percentile(pred_eval, 1, -1)
    slopes = {}
    for name in CHEST:
        k = LEADS.index(name)
        x, y = amp_t[:, k], amp_p[:, k]
        slopes[name] = float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else float("nan")
    return slopes


def score(true_eval: np.ndarray, pred_eval: np.ndarray, true_raw: np.ndarray, pred_raw: np.ndarray,
          fs_raw: float, true_beats: np.ndarray | None = None) -> dict:
    """All metrics for records (N, 12, T) in eval space plus the raw (N, 12, n) for heart rate.

    ``true_beats``: :func:`beats_found` of ``true_eval`` (computed when not given)."""
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
    slopes = qrs_slopes(true_eval, pred_eval)
    summary["qrs_slope_chest"] = float(np.mean(list(slopes.values())))
    summary.update(axis_summary(frontal_axes(true_eval, pred_eval)))
    return {"n_records": n, "summary": summary, "per_lead": per_lead, "qrs_slope": slopes}
