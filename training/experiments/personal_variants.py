# ruff: noqa  (an experiment kept as it was run; not library code)
"""Issue 30: per-person correction variants on the 19 cross-session PTB-XL patients (the numbers quoted in
docs/models/unet1d.md, "Calibrated to the person"). Run: ECGTF_DATA=../shared/data python training/experiments/personal_variants.py"""
import os

import numpy as np

os.environ.setdefault("ECGTF_DATA", "/work/shared/data")
import ecgtf
from ecgtf.data.ptbxl import PTBXL
from ecgtf.leads import LEADS
from ecgtf.personal_eval import cross_session_pairs
from ecgtf.scores import INDEPENDENT, pearson, to_eval_space

rec = ecgtf.Reconstructor.from_preset("unet1d_12lead")
db = PTBXL.open(None)
ks = [LEADS.index(n) for n in INDEPENDENT]
pairs = cross_session_pairs(None)
def ev(x, fs): return to_eval_space(x, fs)
def taps(x, n):  # (m,) -> (m, 2n+1) lagged copies
    m = len(x); out = []
    for d in range(-n, n + 1):
        out.append(np.roll(x, d))
    return np.stack(out, 1)
def fit_apply(pb, ta, feats_a, feats_b, lam):
    """Each lead of ``ks`` of the later reconstruction ``pb`` from ``feats_b``, weights fitted (ridge ``lam``) on the
    earlier reference: ``feats_a`` → truth ``ta``."""
    out = pb.copy()
    for k in ks:
        X, Y = feats_a(k), ta[k]
        G = X.T @ X; G += lam * np.trace(G) / G.shape[0] * np.eye(G.shape[0])
        out[k] = feats_b(k) @ np.linalg.solve(G, X.T @ Y)
    return out


res = {k: [] for k in ["generic", "lin2", "all12", "all12_l2_1", "fir2_5", "all12_fir2"]}
for early, late, _ in pairs:
    a, b = db.load_record(early), db.load_record(late)
    A, B = a.signal.astype(float), b.signal.astype(float)
    pa = ev(rec.reconstruct(A[0], a.fs, quality=False).leads, a.fs); ta = ev(A, a.fs)
    pb = ev(rec.reconstruct(B[0], b.fs, quality=False).leads, b.fs); tb = ev(B, b.fs)
    def score(pred): return float(np.nanmean(pearson(pred[ks], tb[ks])))
    res["generic"].append(score(pb))
    res["lin2"].append(score(fit_apply(pb, ta, lambda k: np.stack([pa[k], pa[0]], 1), lambda k: np.stack([pb[k], pb[0]], 1), 1e-3)))
    res["all12"].append(score(fit_apply(pb, ta, lambda k: pa.T, lambda k: pb.T, 1e-2)))
    res["all12_l2_1"].append(score(fit_apply(pb, ta, lambda k: pa.T, lambda k: pb.T, 1e-1)))
    res["fir2_5"].append(score(fit_apply(pb, ta, lambda k: np.concatenate([taps(pa[k], 5), taps(pa[0], 5)], 1), lambda k: np.concatenate([taps(pb[k], 5), taps(pb[0], 5)], 1), 1e-2)))
    res["all12_fir2"].append(score(fit_apply(pb, ta, lambda k: np.concatenate([pa.T, taps(pa[k], 3)], 1), lambda k: np.concatenate([pb.T, taps(pb[k], 3)], 1), 1e-2)))
for k, v in res.items(): print(k, len(v), round(np.mean(v), 3))

from ecgtf.metrics import envelope_r_peaks

PRE, POST = 25, 45
def peaks1(x):
    p, _ = envelope_r_peaks(x, 100.0)
    return np.asarray([q for q in p if q - PRE >= 0 and q + POST <= len(x)], int)
def template(sig, peaks):   # (12, T) -> (12, PRE+POST) median beat
    return np.median(np.stack([sig[:, q - PRE:q + POST] for q in peaks]), 0)
def place(tpl, peaks, T):
    acc = np.zeros((tpl.shape[0], T)); cnt = np.zeros(T)
    for q in peaks:
        a, b = max(0, q - PRE), min(T, q + POST)
        acc[:, a:b] += tpl[:, a - (q - PRE):b - (q - PRE)]; cnt[a:b] += 1
    return acc / np.maximum(cnt, 1)
res2 = {k: [] for k in ["tpl", "tpl_all12", "tpl_lin2"]}
for early, late, _ in pairs:
    a, b = db.load_record(early), db.load_record(late)
    A, B = a.signal.astype(float), b.signal.astype(float)
    pa = ev(rec.reconstruct(A[0], a.fs, quality=False).leads, a.fs); ta = ev(A, a.fs)
    pb = ev(rec.reconstruct(B[0], b.fs, quality=False).leads, b.fs); tb = ev(B, b.fs)
    qa, qb = peaks1(ta[0]), peaks1(tb[0])
    if len(qa) < 2 or len(qb) < 2:
        print("no peaks", early); continue
    tpl = template(ta, qa)
    fa, fb = place(tpl, qa, ta.shape[1]), place(tpl, qb, tb.shape[1])
    def score(pred): return float(np.nanmean(pearson(pred[ks], tb[ks])))
    res2["tpl"].append(score(fb))
    res2["tpl_lin2"].append(score(fit_apply(pb, ta, lambda k: np.stack([pa[k], pa[0], fa[k]], 1), lambda k: np.stack([pb[k], pb[0], fb[k]], 1), 1e-3)))
    res2["tpl_all12"].append(score(fit_apply(pb, ta, lambda k: np.concatenate([pa.T, fa[k][:, None]], 1), lambda k: np.concatenate([pb.T, fb[k][:, None]], 1), 1e-2)))
for k, v in res2.items(): print(k, len(v), round(np.mean(v), 3))
