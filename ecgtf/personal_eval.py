"""Generic vs personalised reconstruction (:meth:`ecgtf.Reconstructor.personalize`): PTB-XL patients with two
recording dates (fitted on the earlier record, tested on the later) and LUDB (the first 4.8 s → the rest).

    python -m training.evaluate_reconstructors --preset unet1d_12lead --personal --sets ptb-xl-test
"""
from __future__ import annotations

import numpy as np

from ecgtf.leads import LEADS
from ecgtf.scores import INDEPENDENT, bootstrap_ci, pearson, to_eval_space


def cross_session_pairs(data_dir=None) -> list[tuple[int, int, str]]:
    """(earlier ecg_id, later ecg_id, patient) for every patient of the PTB-XL folder with recordings on two dates."""
    import csv

    from ecgtf.data.ptbxl import PTBXL

    db = PTBXL.open(data_dir)
    by_patient: dict = {}
    with open(db.root / "ptbxl_database.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if int(float(row["ecg_id"])) in db.rows:
                by_patient.setdefault(row["patient_id"], []).append((row["recording_date"], int(float(row["ecg_id"]))))
    pairs = []
    for patient, recs in sorted(by_patient.items()):
        recs.sort()
        if len(recs) >= 2 and recs[0][0][:10] != recs[-1][0][:10]:
            pairs.append((recs[0][1], recs[-1][1], patient))
    return pairs


def personal_evaluation(rec, data_dir=None, progress: bool = True) -> dict:
    """Generic vs personalised (:meth:`ecgtf.Reconstructor.personalize`) on PTB-XL patients with two recordings on
    different dates: fitted on the earlier 10 s record, tested on the later one; and within one recording (the
    first 4.8 s → the rest) on LUDB. r and RMSE over II, V1–V6 in the protocol's space, per record."""
    from ecgtf.data.ludb import LUDB
    from ecgtf.data.ptbxl import PTBXL
    from ecgtf.progress import progress_bar

    ks = [LEADS.index(n) for n in INDEPENDENT]

    def scores(truth, fs, personal):
        t = to_eval_space(truth, fs)
        out = []
        for model in (rec, personal):
            p = to_eval_space(model.reconstruct(truth[0], fs, quality=False).leads, fs)
            out += [float(np.nanmean(pearson(p[ks], t[ks]))), float(np.sqrt(np.mean((p[ks] - t[ks]) ** 2)))]
        return out                                   # r generic, RMSE generic, r personal, RMSE personal

    result = {}
    db = PTBXL.open(data_dir)
    rows = []
    for early, late, _ in progress_bar(cross_session_pairs(data_dir), desc="cross-session", disable=not progress or None):
        a, b = db.load_record(early), db.load_record(late)
        rows.append(scores(b.signal.astype(np.float64), b.fs, rec.personalize(a.signal.astype(np.float64), a.fs)))
    ludb = LUDB.open(data_dir).load(progress=False)
    same = []
    for sig in progress_bar(ludb.signals, desc="LUDB first 4.8 s", disable=not progress or None):
        sig = sig.astype(np.float64)
        cut = int(4.8 * ludb.fs)
        same.append(scores(sig[:, cut:], ludb.fs, rec.personalize(sig[:, :cut], ludb.fs)))
    for name, r in (("ptb-xl cross-session", np.array(rows)), ("ludb same recording", np.array(same))):
        result[name] = {"n": len(r), "r_generic": float(r[:, 0].mean()), "r_personal": float(r[:, 2].mean()),
                        "r_generic_ci": bootstrap_ci(r[:, 0]), "r_personal_ci": bootstrap_ci(r[:, 2]),
                        "median_rmse_generic_mv": float(np.median(r[:, 1])),
                        "median_rmse_personal_mv": float(np.median(r[:, 3])),
                        "median_rmse_ratio": float(np.median(r[:, 3] / r[:, 1]))}
    return result
