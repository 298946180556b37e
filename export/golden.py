"""Golden vectors for the Android Java signal core, computed by ecgtf's Python pipeline.

    python -m export.golden android_demo/core/src/test/resources/golden

Writes plain-text files (:mod:`ecgtf.kits.golden`: one array per line, ``name n v1 … vn``) that
``org.ecgtf.core`` tests compare against (max |difference| ≤ 1e-4): the shared filters (sosfiltfilt,
firwin, resample_poly) and the per-lead bands (:mod:`ecgtf.intervals`) here, and every registered model's own vectors from its ``ModelSpec.golden`` hook
(preprocessing, whole-recording and live paths with stand-in models), which is handed the user API.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import signal as sps

from ecgtf import registry
from ecgtf.kits.golden import write_vectors
from ecgtf.preprocessing.signal import bandpass_sos, resample_poly_filter
from ecgtf.user_api import API


def filter_vectors(out: Path) -> Path:
    """``filters.txt``: the filters every Java path shares."""
    rng = np.random.default_rng(42)
    sos = bandpass_sos(0.05, 150.0, 500.0, 2)
    x = rng.normal(size=4096).cumsum() * 0.01 + rng.normal(size=4096)
    return write_vectors(out / "filters.txt", {
        "sos": sos, "sosfiltfilt_in": x, "sosfiltfilt_out": sps.sosfiltfilt(sos, x),
        "firwin_1_8": resample_poly_filter(1, 8), "firwin_25_18": resample_poly_filter(25, 18),
        "resample_in": x[:1000],
        "resample_1_8": sps.resample_poly(x[:1000], 1, 8), "resample_2_1": sps.resample_poly(x[:1000], 2, 1),
        "resample_25_18": sps.resample_poly(x[:1000], 25, 18),
    })


def interval_vectors(out: Path) -> Path:
    """``intervals.txt``: the bands of :mod:`ecgtf.intervals` on a synthetic 12-lead recording (500 Hz) with a
    made-up calibration (given rows I and V2), at coverage 0.8 and 0.875 (between grid points), and of a live stream
    of the same samples taken as 100 Hz (30 s, so that the stream's 6 s of history is trimmed) in chunks of 777
    (:class:`ecgtf.intervals.StreamBands`, coverage 0.8)."""
    from ecgtf.data.synthetic import SyntheticConfig, generate_record
    from ecgtf.intervals import COVERAGES, FEATURES, IntervalCalibration, StreamBands

    rng = np.random.default_rng(7)
    rec = generate_record(SyntheticConfig(duration_s=6.0), seed=3)
    leads = rec.signal.astype(np.float64)                                    # 6 s at 500 Hz
    weights = np.column_stack([rng.uniform(-3.0, -1.0, 12), rng.uniform(-0.2, 0.4, size=(12, len(FEATURES)))])
    quantiles = np.sort(rng.uniform(0.1, 4.0, size=(12, len(COVERAGES))), axis=1)
    cal = IntervalCalibration("golden", "made up", {"I": {"weights": weights, "quantiles": quantiles}})
    vectors = {"fs": [rec.fs], "leads": leads, "weights": weights, "quantiles": quantiles, "fixed": [0, 7]}
    for c in (0.8, 0.875):
        lower, upper = cal.bounds(leads, rec.fs, [0, 7], "I", c)
        vectors[f"lower_{c:g}"], vectors[f"upper_{c:g}"] = lower.astype(np.float64), upper.astype(np.float64)
    vectors["stream_fs"] = [100.0]
    stream = StreamBands(cal, 100.0, [0, 7], "I", 0.8)
    chunks = [stream.next(leads[:, i:i + 777]) for i in range(0, leads.shape[1], 777)]
    vectors["stream_lower_0.8"] = np.concatenate([lo for lo, _ in chunks], 1).astype(np.float64)
    vectors["stream_upper_0.8"] = np.concatenate([hi for _, hi in chunks], 1).astype(np.float64)
    return write_vectors(out / "intervals.txt", vectors)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    files = [filter_vectors(out), interval_vectors(out)]
    for spec in registry.specs():
        if spec.golden is not None:
            files += spec.golden(out, API)
    print(f"wrote {len(files)} golden vector files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
