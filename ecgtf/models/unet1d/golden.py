"""The 1-D U-Net's golden vectors for the Android core (``Unet1dReconstructor``, ``Unet1dStream``,
``WindowedDenoiser``): the whole-recording path, the live stream and a denoiser in front, each with
stand-in models (:mod:`ecgtf.kits.golden`) so that preparation, windowing and stitching are tested.

``api`` is the user API handed down by ``python -m export.golden`` (``Reconstructor``, ``Denoiser``,
``windowed``): a model folder sits below the user API and does not import it.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ecgtf import registry
from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.kits.golden import (
    STREAM_BIAS,
    STREAM_GAINS,
    denoiser_stand_in,
    multi_lead_stand_in,
    stand_in_model,
    write_vectors,
)
from ecgtf.preprocessing.signal import bandpass_sos

from .inference import window_pipeline
from .preprocessing import Unet1dPreprocessing, prepare_lead


def golden_vectors(out: Path, api) -> list[Path]:
    """Write ``unet1d.txt``, ``unet1d_stream.txt``, ``unet1d_any.txt`` (any leads in, a person's profile) and
    ``denoiser.txt`` into ``out``; returns the files."""
    rng = np.random.default_rng(42)
    rng.normal(size=8192)   # the stream of draws the filter vectors used before (keeps the files identical)
    pre = Unet1dPreprocessing()
    sos500 = bandpass_sos(*pre.band_hz, 500.0, pre.filter_order)
    lead = generate_record(SyntheticConfig(heart_rate_bpm=66, duration_s=23.0), seed=5).signal[0].astype(np.float64)
    rec = api.Reconstructor(window_pipeline(pre, lambda w: np.stack([stand_in_model(x) for x in w])), "stand-in")
    files = [write_vectors(out / "unet1d.txt", {"lead_i_500": lead, "gains": STREAM_GAINS, "bias": STREAM_BIAS,
                                                "sos500": sos500, "prepared_100": prepare_lead(lead, 500.0, pre),
                                                "leads_500": rec.reconstruct(lead, 500.0, quality=False).leads.astype(np.float64)})]
    files.append(any_leads_vectors(out / "unet1d_any.txt", api, pre, sos500))
    # the live path (ecgtf.streaming.ReconstructionStream) at 500 Hz in chunks of 777 samples
    live = generate_record(SyntheticConfig(heart_rate_bpm=70, duration_s=40.0), seed=9).signal[0].astype(np.float64)
    stream = rec.stream(500.0)
    chunks = [stream.push(live[i:i + 777]) for i in range(0, live.size, 777)] + [stream.flush()]
    files.append(write_vectors(out / "unet1d_stream.txt", {
        "lead_i_500": live, "gains": STREAM_GAINS, "bias": STREAM_BIAS, "sos500": sos500,
        "leads_100": np.concatenate([c.leads for c in chunks], axis=1),
        "valid": np.concatenate([c.valid for c in chunks]).astype(float)}))
    # a denoiser in front (ecgtf.Denoiser's windows + overlap-add) with a stand-in window model
    for spec in registry.by_task("denoising"):
        den = api.Denoiser(api.windowed(lambda w: np.stack([denoiser_stand_in(x) for x in w]), spec.preprocessing()),
                           "stand-in")
        noisy = lead + 0.1 * np.sin(2 * np.pi * 0.3 * np.arange(lead.size) / 500.0) + 0.02 * rng.normal(size=lead.size)
        rec.denoiser = den
        stream = rec.stream(500.0)
        chunks = [stream.push(noisy[i:i + 777]) for i in range(0, noisy.size, 777)] + [stream.flush()]
        files.append(write_vectors(out / f"{spec.name}.txt", {
            "lead_i_500": noisy, "denoised_500": den(noisy, 500.0), "short_in": noisy[:1000],
            "short_out": den(noisy[:1000], 500.0), "gains": STREAM_GAINS, "bias": STREAM_BIAS, "sos500": sos500,
            "leads_500": rec.reconstruct(noisy, 500.0, quality=False).leads.astype(np.float64),
            "stream_leads_100": np.concatenate([c.leads for c in chunks], axis=1),
            "stream_valid": np.concatenate([c.valid for c in chunks]).astype(float)}))
        rec.denoiser = None
    return files


def any_leads_vectors(path: Path, api, pre, sos500) -> Path:
    """An any-leads stand-in (:func:`ecgtf.kits.golden.multi_lead_stand_in`) on I+V2 and on II+III+V5 (limb leads by
    least squares), and a person's profile fitted on a 12-lead reference (its Lead I head and its I+V2 head) and applied
    to the I+V2 reconstruction (the I+V2 head)."""
    multi = window_pipeline(pre, lambda w: np.stack([multi_lead_stand_in(x) for x in w]))
    rec = api.Reconstructor(replace(multi, input_leads=12), "stand-in (any leads)")
    x = generate_record(SyntheticConfig(heart_rate_bpm=72, duration_s=14.0), seed=11).signal.astype(np.float64)
    reference = generate_record(SyntheticConfig(heart_rate_bpm=64, duration_s=10.0), seed=12).signal.astype(np.float64)
    i_v2 = rec.reconstruct(x[[0, 7]], 500.0, quality=False, leads=("I", "V2"))
    limb = rec.reconstruct(x[[1, 2, 10]], 500.0, quality=False, leads=("II", "III", "V5"))
    personal = rec.personalize(reference, 500.0)
    return write_vectors(path, {
        "signal_500": x, "gains": STREAM_GAINS, "bias": STREAM_BIAS, "sos500": sos500,
        "leads_i_v2_500": i_v2.leads, "leads_ii_iii_v5_500": limb.leads, "reference_500": reference,
        "profile": personal.profile.weights, "profile_i_v2": personal.profile.weights_for("I+V2"),
        "personal_i_v2_500": personal.reconstruct(x[[0, 7]], 500.0, quality=False, leads=("I", "V2")).leads})
