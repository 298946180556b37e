"""Generic vs personalised reconstruction (:meth:`ecgtf.Reconstructor.personalize`): PTB-XL patients with two
recording dates (fitted on the earlier record, tested on the later) and LUDB (the first 4.8 s → the rest).

    python -m training.evaluate_reconstructors --preset unet1d_12lead --personal --sets ptb-xl-test
"""
from __future__ import annotations

import numpy as np

from ecgtf.data.ptbxl import PTBXL
from ecgtf.leads import LEADS, best_subset, known_leads
from ecgtf.personal import (
    PersonalProfile,
    PersonalReconstructor,
    apply_head,
    fit_head,
    format1_weights,
    head_sets_for,
    reference_reconstruction,
)
from ecgtf.scores import INDEPENDENT, bootstrap_ci, pearson, qrs_slopes, to_eval_space


def cross_session_pairs(data_dir=None) -> list[tuple[int, int, str]]:
    """(earlier ecg_id, later ecg_id, patient) for every patient of the PTB-XL folder with recordings on two dates
    (:meth:`ecgtf.data.ptbxl.PTBXL.cross_session_pairs`; never trained on)."""
    return PTBXL.open(data_dir).cross_session_pairs()


def linear_correction(model_ref: np.ndarray, truth_ref: np.ndarray, model: np.ndarray) -> np.ndarray:
    """The issue's per-person linear baseline: each of II, V1–V6 as ``a · model lead + c · model Lead I``, (a, c) by
    least squares (ridge 1e-3) on the reference; III, aVR, aVL, aVF from I and II (a format-1 profile's head). All
    (12, m) in eval space."""
    weights = []
    for name in INDEPENDENT:
        k = LEADS.index(name)
        x = np.stack([model_ref[k], model_ref[0]], 1)
        gram = x.T @ x + 1e-3 * np.trace(x.T @ x) / 2 * np.eye(2)
        weights.append(format1_weights(name, *np.linalg.solve(gram, x.T @ truth_ref[k])))
    return apply_head(model, np.array(weights))


VARIANTS = ("generic", "linear", "personal")
"""The model alone, the per-person linear baseline (:func:`linear_correction`), the model's personal head."""


def personal_evaluation(rec, data_dir=None, progress: bool = True, inputs=("I",)) -> dict:
    """Generic vs personalised (:meth:`ecgtf.Reconstructor.personalize`) and the per-person linear baseline on PTB-XL
    patients with two recordings on different dates (fitted on the earlier 10 s record, tested on the later one),
    and within one recording on LUDB (the first 4.8 s → the rest). r and RMSE over II, V1–V6 in the protocol's
    space per record (mean, median), and the QRS amplitude slope V1–V6 over records. ``inputs``: the leads of the
    test recording each model is given; the personal head is fitted on the reference reconstructed from the same
    leads, the linear baseline (the issue's patch of today's preset) on the reference's Lead I reconstruction."""
    from ecgtf.data.ludb import LUDB
    from ecgtf.data.ptbxl import PTBXL
    from ecgtf.progress import progress_bar

    rows = [LEADS.index(n) for n in inputs]
    head = best_subset(head_sets_for(rec), known_leads(inputs))

    def predictions(reference, ref_fs, truth, fs):
        """(truth, generic, linear, personal) in eval space for one (reference, test recording) pair."""
        model_ref = to_eval_space(reference_reconstruction(rec, reference, ref_fs), ref_fs)           # from Lead I
        truth_ref = to_eval_space(reference, ref_fs)          # the reference is trusted data: fitted directly
        heads = {"I": fit_head(model_ref, truth_ref)}
        if head != "I":                          # the head a profile of rec would use for these inputs
            model_in = to_eval_space(reference_reconstruction(rec, reference, ref_fs, head.split("+")), ref_fs)
            heads[head] = fit_head(model_in, truth_ref)
        personal = PersonalReconstructor(rec, PersonalProfile(rec.name, rec.source, heads, reference.shape[1] / ref_fs))
        t = to_eval_space(truth, fs)
        given = truth[rows] if len(rows) > 1 else truth[0]
        generic = to_eval_space(rec.reconstruct(given, fs, quality=False, leads=inputs, coverage=None).leads, fs)
        return (t, generic, linear_correction(model_ref, truth_ref, generic),
                to_eval_space(personal.reconstruct(given, fs, quality=False, leads=inputs, coverage=None).leads, fs))

    db = PTBXL.open(data_dir)
    cross = []
    for early, late, _ in progress_bar(cross_session_pairs(data_dir), desc="cross-session", disable=not progress or None):
        a, b = db.load_record(early), db.load_record(late)
        cross.append(predictions(a.signal.astype(np.float64), a.fs, b.signal.astype(np.float64), b.fs))
    ludb = LUDB.open(data_dir).load(progress=False)
    cut = int(4.8 * ludb.fs)
    same = [predictions(sig[:, :cut].astype(np.float64), ludb.fs, sig[:, cut:].astype(np.float64), ludb.fs)
            for sig in progress_bar(ludb.signals, desc="LUDB first 4.8 s", disable=not progress or None)]
    return {name: summarise(rows) for name, rows in (("ptb-xl cross-session", cross), ("ludb same recording", same))}


def summarise(rows: list) -> dict:
    """Scores of :func:`personal_evaluation`'s (truth, generic, linear, personal) tuples."""
    ks = [LEADS.index(n) for n in INDEPENDENT]
    truth = np.stack([r[0] for r in rows])
    out = {"n": len(rows)}
    for j, variant in enumerate(VARIANTS, start=1):
        pred = np.stack([r[j] for r in rows])
        r = np.nanmean(pearson(pred[:, ks], truth[:, ks]), axis=1)
        rmse = np.sqrt(np.mean((pred[:, ks] - truth[:, ks]) ** 2, axis=(1, 2)))
        slopes = qrs_slopes(truth, pred)
        out[variant] = {"r": float(r.mean()), "r_ci": bootstrap_ci(r), "median_rmse_mv": float(np.median(rmse)),
                        "qrs_slope_chest": float(np.mean(list(slopes.values()))), "qrs_slope": slopes}
    out["median_rmse_ratio_personal"] = out["personal"]["median_rmse_mv"] / out["generic"]["median_rmse_mv"]
    out["median_rmse_ratio_linear"] = out["linear"]["median_rmse_mv"] / out["generic"]["median_rmse_mv"]
    return out


def format_personal(results: dict) -> str:
    """Markdown: one row per (set, variant)."""
    lines = ["| set | n | variant | r (II,V1–V6) [95 % CI] | median RMSE mV | vs generic | QRS slope V1–V6 |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for set_name, res in results.items():
        for variant in VARIANTS:
            v = res[variant]
            ratio = v["median_rmse_mv"] / res["generic"]["median_rmse_mv"]
            lines.append(f"| {set_name} | {res['n']} | {variant} | {v['r']:.3f} [{v['r_ci'][0]:.3f}, {v['r_ci'][1]:.3f}]"
                         f" | {v['median_rmse_mv']:.3f} | {ratio:.2f}× | {v['qrs_slope_chest']:.2f} |")
    return "\n".join(lines)
