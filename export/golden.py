"""Golden vectors for the Android Java signal core, computed by ecgtf's Python pipeline.

    python -m export.golden android_demo/core/src/test/resources/golden

Writes plain-text files (one array per line: ``name n v1 … vn``, doubles printed with 17
significant digits) that ``org.ecgtf.core`` tests compare against (max |difference| ≤ 1e-4):
filters (sosfiltfilt, firwin, resample_poly), EKGAN preprocessing of records (both
normalisations, and a 250 Hz recording resampled to 500 Hz), the inverse normalisation, and the
streaming path with a linear stand-in model (``lead_k = gain_k · x + bias_k``) so the stitching
is tested without TFLite, and the denoiser in front of the 1-D U-Net path (whole recording and live
stream) with a stand-in window model (:func:`denoiser_stand_in`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import signal as sps

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, preprocess_leads, to_millivolts
from ecgtf.preprocessing.signal import bandpass_sos, resample_poly_filter
from ecgtf.streaming import StreamingReconstructor

STREAM_GAINS = np.linspace(-1.0, 1.5, 12)
STREAM_BIAS = np.linspace(-0.2, 0.2, 12)


def _write(path: Path, arrays: dict) -> None:
    with open(path, "w") as fh:
        for name, arr in arrays.items():
            a = np.asarray(arr, dtype=np.float64).ravel()
            fh.write(f"{name} {a.size} " + " ".join(f"{v:.17g}" for v in a) + "\n")


def stand_in_model(x: np.ndarray) -> np.ndarray:
    return STREAM_GAINS[:, None] * np.asarray(x, np.float64)[None, :] + STREAM_BIAS[:, None]


def denoiser_stand_in(w: np.ndarray) -> np.ndarray:
    """A window "denoiser" for the golden vectors: shrinks the window about its mean (mean + 0.8 (w − mean)),
    so that a wrong window grid or overlap-add shows."""
    w = np.asarray(w, np.float64)
    return w.mean() + 0.8 * (w - w.mean())


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)

    sos = bandpass_sos(0.05, 150.0, 500.0, 2)
    x = rng.normal(size=4096).cumsum() * 0.01 + rng.normal(size=4096)
    _write(out / "filters.txt", {
        "sos": sos, "sosfiltfilt_in": x, "sosfiltfilt_out": sps.sosfiltfilt(sos, x),
        "firwin_1_8": resample_poly_filter(1, 8), "firwin_25_18": resample_poly_filter(25, 18),
        "resample_in": x[:1000],
        "resample_1_8": sps.resample_poly(x[:1000], 1, 8), "resample_2_1": sps.resample_poly(x[:1000], 2, 1),
        "resample_25_18": sps.resample_poly(x[:1000], 25, 18),
    })

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
    _write(out / "ekgan_preprocessing.txt", arrays)

    stream = generate_record(SyntheticConfig(heart_rate_bpm=80, duration_s=30.0), seed=3).signal[0].astype(np.float64)
    streams = {"stream_in": stream, "gains": STREAM_GAINS, "bias": STREAM_BIAS}
    for norm in ("fixed", "per_lead"):
        sr = StreamingReconstructor(stand_in_model, EkganPreprocessing(normalization=norm), hop=2048)
        parts = [sr.push(stream[i:i + 777]) for i in range(0, stream.size, 777)] + [sr.flush()]
        streams[f"stream_out_{norm}"] = np.concatenate(parts, axis=1)  # (12, n), lead-major
    _write(out / "streaming.txt", streams)

    # the 1-D U-Net preset's path (ecgtf.Reconstructor) with the same linear stand-in model
    from ecgtf.models.unet1d.preprocessing import Unet1dPreprocessing, prepare_lead
    from ecgtf.reconstructor import Reconstructor, _pipeline

    pre = Unet1dPreprocessing()
    lead = generate_record(SyntheticConfig(heart_rate_bpm=66, duration_s=23.0), seed=5).signal[0].astype(np.float64)
    rec = Reconstructor(_pipeline("unet1d", pre, lambda w: np.stack([stand_in_model(x) for x in w])), "stand-in")
    _write(out / "unet1d.txt", {"lead_i_500": lead, "gains": STREAM_GAINS, "bias": STREAM_BIAS,
                                "sos500": bandpass_sos(*pre.band_hz, 500.0, pre.filter_order),
                                "prepared_100": prepare_lead(lead, 500.0, pre),
                                "leads_500": rec.reconstruct(lead, 500.0).leads.astype(np.float64)})
    # the live path (ecgtf.streaming.ReconstructionStream) at 500 Hz in chunks of 777 samples
    live = generate_record(SyntheticConfig(heart_rate_bpm=70, duration_s=40.0), seed=9).signal[0].astype(np.float64)
    stream = rec.stream(500.0)
    chunks = [stream.push(live[i:i + 777]) for i in range(0, live.size, 777)] + [stream.flush()]
    _write(out / "unet1d_stream.txt", {"lead_i_500": live, "gains": STREAM_GAINS, "bias": STREAM_BIAS,
                                       "sos500": bandpass_sos(*pre.band_hz, 500.0, pre.filter_order),
                                       "leads_100": np.concatenate([c.leads for c in chunks], axis=1),
                                       "valid": np.concatenate([c.valid for c in chunks]).astype(float)})
    # the denoiser in front (ecgtf.Denoiser's windows + overlap-add) with a stand-in window model
    from ecgtf.denoising import Denoiser, windowed
    from ecgtf.models.denoiser.data import DenoiseWindow

    den = Denoiser(windowed(lambda w: np.stack([denoiser_stand_in(x) for x in w]), DenoiseWindow()), "stand-in")
    noisy = lead + 0.1 * np.sin(2 * np.pi * 0.3 * np.arange(lead.size) / 500.0) + 0.02 * rng.normal(size=lead.size)
    rec.denoiser = den
    stream = rec.stream(500.0)
    chunks = [stream.push(noisy[i:i + 777]) for i in range(0, noisy.size, 777)] + [stream.flush()]
    _write(out / "denoiser.txt", {"lead_i_500": noisy, "denoised_500": den(noisy, 500.0),
                                  "short_in": noisy[:1000], "short_out": den(noisy[:1000], 500.0),
                                  "gains": STREAM_GAINS, "bias": STREAM_BIAS,
                                  "sos500": bandpass_sos(*pre.band_hz, 500.0, pre.filter_order),
                                  "leads_500": rec.reconstruct(noisy, 500.0).leads.astype(np.float64),
                                  "stream_leads_100": np.concatenate([c.leads for c in chunks], axis=1),
                                  "stream_valid": np.concatenate([c.valid for c in chunks]).astype(float)})
    print(f"wrote golden vectors to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
