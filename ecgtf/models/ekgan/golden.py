"""EKGAN's golden vectors for the Android core (``EkganPreprocessor``, ``StreamingReconstructor``).

Preprocessing of a synthetic record in both normalisations (and a 250 Hz recording resampled to
500 Hz), the inverse normalisation, and the raw live stream with the linear stand-in model.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import signal as sps

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.kits.golden import STREAM_BIAS, STREAM_GAINS, stand_in_model, write_vectors

from .preprocessing import EkganPreprocessing, preprocess_leads, to_millivolts
from .streaming import StreamingReconstructor


def golden_vectors(out: Path, api=None) -> list[Path]:
    """Write ``ekgan_preprocessing.txt`` and ``streaming.txt`` into ``out`` (``api`` unused); returns the files."""
    rec = generate_record(SyntheticConfig(heart_rate_bpm=72), seed=7).signal.astype(np.float64)
    arrays = {"lead_i_500": rec[0]}
    for norm in ("per_lead", "fixed"):
        cfg = EkganPreprocessing(normalization=norm)
        y, scale, offset = preprocess_leads(rec[0], 500.0, cfg)
        arrays[f"{norm}_x"] = y[0]
        arrays[f"{norm}_scale"] = scale
        arrays[f"{norm}_offset"] = offset
        arrays[f"{norm}_mv"] = to_millivolts(y, scale, offset)[0]
    lead_250 = sps.resample_poly(rec[0], 1, 2)
    y250, s250, o250 = preprocess_leads(lead_250, 250.0, EkganPreprocessing(), resample_input=True)
    arrays.update({"lead_i_250": lead_250, "per_lead_250_x": y250[0], "per_lead_250_scale": s250,
                   "per_lead_250_offset": o250})
    files = [write_vectors(out / "ekgan_preprocessing.txt", arrays)]

    stream = generate_record(SyntheticConfig(heart_rate_bpm=80, duration_s=30.0), seed=3).signal[0].astype(np.float64)
    streams = {"stream_in": stream, "gains": STREAM_GAINS, "bias": STREAM_BIAS}
    for norm in ("fixed", "per_lead"):
        sr = StreamingReconstructor(stand_in_model, EkganPreprocessing(normalization=norm), hop=2048)
        parts = [sr.push(stream[i:i + 777]) for i in range(0, stream.size, 777)] + [sr.flush()]
        streams[f"stream_out_{norm}"] = np.concatenate(parts, axis=1)  # (12, n), lead-major
    files.append(write_vectors(out / "streaming.txt", streams))
    return files
