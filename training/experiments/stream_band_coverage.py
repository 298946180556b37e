"""Coverage of the live stream's band (``ecgtf.intervals.StreamBands``) next to the band of the same output computed
whole, at the stream's output rate (100 Hz):

    python training/experiments/stream_band_coverage.py unet1d_lite ../shared/data [ptb-xl-test cinc2021 ludb]

Each 10 s test record's Lead I is pushed at 500 Hz in 0.5 s chunks; the stream emits the first 7.68 s (two windows).
Truth: the record's leads band-passed 0.5–40 Hz at 500 Hz (``interval_eval.band_passed_truth``), every 5th sample.
Printed per set: observed coverage (mean over leads II…V6, worst lead's gap) of the stream's band and of the band
computed on the whole emitted output at once, at 0.5 / 0.8 / 0.95, and their mean width ratio. LUDB is part of the
shipped calibration pool (in-sample here); PTB-XL fold 10 and the held-out CinC 2021 half are not.
"""
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402

import ecgtf  # noqa: E402
from ecgtf.data.eval_sets import load_eval_set  # noqa: E402
from ecgtf.interval_eval import band_passed_truth  # noqa: E402
from ecgtf.intervals import StreamBands  # noqa: E402
from ecgtf.progress import progress_bar  # noqa: E402

preset, data_dir = sys.argv[1], sys.argv[2]
sets = sys.argv[3:] or ["ptb-xl-test", "cinc2021", "ludb"]
rec = ecgtf.Reconstructor.from_preset(preset)
levels = (0.5, 0.8, 0.95)
print("| set | records | coverage | stream: observed (worst gap) | whole output: observed (worst gap) | width stream / whole |")
print("|---|---:|---:|---:|---:|---:|")
for name in sets:
    signals, fs, _ = load_eval_set(name, data_dir)
    inside = {c: {"stream": [], "whole": []} for c in levels}
    width = {c: [0.0, 0.0] for c in levels}
    for signal in progress_bar(signals, desc=name):
        truth = band_passed_truth(signal, fs)[:, ::5]
        stream = rec.stream(fs, coverage=None)          # the model runs once; each level's band is fed the same chunks
        chunks = [stream.push(signal[0, i:i + 250]) for i in range(0, signal.shape[1], 250)] + [stream.flush()]
        leads = np.concatenate([ch.leads for ch in chunks], 1).astype(np.float64)
        t = truth[:, :leads.shape[1]]
        key = rec.intervals.key_for(("I",))
        for c in levels:
            bands = StreamBands(rec.intervals, stream.fs_out, [0], key, c)
            lo, hi = (np.concatenate(side, 1) for side in zip(*[bands.next(ch.leads.astype(np.float64)) for ch in chunks]))
            wlo, whi = rec.intervals.bounds(leads, stream.fs_out, [0], key, c)
            inside[c]["stream"].append(((t >= lo) & (t <= hi))[1:])
            inside[c]["whole"].append(((t >= wlo) & (t <= whi))[1:])
            if np.isfinite(leads).any():
                width[c][0] += float(np.nanmean(hi - lo))
                width[c][1] += float(np.nanmean(whi - wlo))
    for c in levels:
        cells = []
        for kind in ("stream", "whole"):
            per_lead = np.concatenate(inside[c][kind], 1).mean(1)
            cells.append(f"{per_lead.mean():.3f} ({np.abs(per_lead - c).max():.3f})")
        print(f"| {name} | {len(signals)} | {c} | {cells[0]} | {cells[1]} | {width[c][0] / width[c][1]:.3f} |", flush=True)
