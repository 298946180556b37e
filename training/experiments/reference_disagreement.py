#!/usr/bin/env python
"""Session 19: does disagreement between the personal head and the generic model flag a stale reference?

    python training/experiments/reference_disagreement.py unet1d_lite ../shared/data

Per (pair, lead II/V1–V6): agreement = r(head, generic). Printed: how it ranks the head's own r, how many of the
head's failures (r < 0.3) it catches at < 0.5, and a gate fixed in advance (where agreement < τ, use the mean of head
and generic) at τ = 0.3 / 0.5 / 0.7. Measured on the cross-session test patients: this script measures, it does not
choose. Session 19: the gate lowers r everywhere (cross-session 0.823 → 0.812–0.818; LUDB same recording 0.903 →
0.890–0.895): where they disagree the head is still right more often than the generic model.
"""
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).parent))
from cross_session_ceiling import KS, load_pairs, scores, variants  # noqa: E402

from ecgtf.reconstructor import Reconstructor  # noqa: E402
from ecgtf.scores import pearson  # noqa: E402

cross, same = load_pairs(Reconstructor.from_preset(sys.argv[1]), sys.argv[2])
for name, data in (("ptb-xl cross-session", cross), ("ludb same recording", same)):
    res = [variants(d) for d in data]
    agree, head_r, gen_r = [], [], []
    gated = {0.3: [], 0.5: [], 0.7: []}
    for d, v in zip(data, res):
        h, g, t = v["head"], v["generic"], d["truth"]
        ag = pearson(h[KS], g[KS])
        agree.append(ag)
        head_r.append(pearson(h[KS], t[KS]))
        gen_r.append(pearson(g[KS], t[KS]))
        for tau in gated:
            out = h.copy()
            for j, k in enumerate(KS):
                if ag[j] < tau:
                    out[k] = 0.5 * (h[k] + g[k])
            gated[tau].append((t, out))
    agree, head_r, gen_r = map(np.concatenate, (agree, head_r, gen_r))
    fail = head_r < 0.3
    print(f"\n{name}: {len(data)} pairs, {fail.sum()} (pair, lead) with head r < 0.3; agreement r(head, generic) "
          f"median {np.median(agree):.2f}; in failures {np.median(agree[fail]) if fail.any() else float('nan'):.2f}")
    print(f"  Spearman(agreement, head r) {spearmanr(agree, head_r)[0]:.2f}; agreement < 0.5 in {np.mean(agree < 0.5):.3f} of cases, "
          f"catches {np.sum(fail & (agree < 0.5))} of {fail.sum()} failures")
    base = scores([(d["truth"], v["generic"]) for d, v in zip(data, res)])
    hs = scores([(d["truth"], v["head"]) for d, v in zip(data, res)])
    print(f"  generic r {base[0]:.3f} rmse {base[1]:.3f}; head r {hs[0]:.3f} rmse {hs[1]:.3f} ({hs[1]/base[1]:.2f}x) slope {hs[2]:.2f}")
    for tau, rows in gated.items():
        s = scores(rows)
        print(f"  gate tau {tau}: r {s[0]:.3f} rmse {s[1]:.3f} ({s[1]/base[1]:.2f}x) slope {s[2]:.2f}")
