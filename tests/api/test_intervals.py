"""Calibrated per-lead bands (ecgtf.intervals): coverage where the truth is known, the file, and every output."""
from __future__ import annotations

import json

import numpy as np
import pytest
import wfdb
from conftest import make_tiny_unet1d_run
from hypothesis import given, settings
from hypothesis import strategies as st

import ecgtf
from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.intervals import (
    COVERAGES,
    FEATURES,
    IntervalCalibration,
    StreamBands,
    calibrate_set,
    check_coverage,
    feature_reach,
    moving_average,
    spread,
    spread_features,
)
from ecgtf.leads import LEADS

FS = 250.0


def _records(seed: int, n: int, seconds: float = 6.0):
    return [generate_record(SyntheticConfig(duration_s=seconds, fs=FS), seed=seed + i).signal.astype(np.float64)
            for i in range(n)]


def _truth(recon, rng, floor, gain):
    """The truth around a reconstruction: heteroscedastic noise whose scale follows the lead's local deviation."""
    feats = spread_features(recon, FS)
    scale = floor + gain * feats[..., 0]
    return recon + rng.standard_t(5, size=recon.shape) * scale


@settings(max_examples=6, deadline=None)
@given(floor=st.floats(0.005, 0.05), gain=st.floats(0.0, 2.0), seed=st.integers(0, 1000))
def test_observed_coverage_matches_nominal_where_the_truth_is_known(floor, gain, seed):
    rng = np.random.default_rng(seed)
    cal_recons = _records(seed, 8)
    cal = calibrate_set(cal_recons, [_truth(r, rng, floor, gain) for r in cal_recons], FS, [(0,)] * 8, stride=2)
    calibration = IntervalCalibration("synthetic", "synthetic", {"I": cal})
    tests = _records(seed + 100, 6)
    truths = [_truth(r, rng, floor, gain) for r in tests]
    for c in (0.5, 0.8, 0.95):
        inside = []
        for r, t in zip(tests, truths):
            lo, hi = calibration.bounds(r, FS, [0], "I", c)
            inside.append((t[1:] >= lo[1:]) & (t[1:] <= hi[1:]))
            assert np.all(lo[0] == hi[0])                      # a given lead: zero width
        observed = np.mean(inside)
        assert abs(observed - c) <= 0.03, (c, observed)


def test_adaptive_band_is_narrower_than_a_constant_one_when_the_noise_is_heteroscedastic():
    rng = np.random.default_rng(0)
    recons = _records(0, 16)
    truths = [_truth(r, rng, 0.005, 2.0) for r in recons]
    cal = calibrate_set(recons[:8], truths[:8], FS, [(0,)] * 8, stride=2)
    calibration = IntervalCalibration("synthetic", "synthetic", {"I": cal})
    k = LEADS.index("V2")
    err = np.concatenate([np.abs(t[k] - r[k]) for r, t in zip(recons[8:], truths[8:])])
    half = np.concatenate([calibration.bounds(r, FS, [0], "I", 0.95)[1][k] - r[k] for r in recons[8:]])
    observed = np.mean(err <= half)
    assert np.mean(half) < 0.85 * np.quantile(err, observed)     # ≥ 15 % narrower at the same coverage


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 80), width=st.integers(1, 41), seed=st.integers(0, 99))
def test_moving_average_is_the_mean_of_the_samples_present(n, width, seed):
    x = np.random.default_rng(seed).normal(size=(2, n))
    half = width // 2
    naive = np.stack([[row[max(0, i - half):i + half + 1].mean() for i in range(n)] for row in x])
    np.testing.assert_allclose(moving_average(x, width), naive, atol=1e-12)


def test_features_spread_and_coverage_checks():
    x = np.arange(10, dtype=float)
    assert moving_average(x, 3)[0] == pytest.approx(0.5) and moving_average(x, 3)[5] == pytest.approx(5.0)
    r = _records(1, 1)[0]
    f = spread_features(r, FS)
    assert f.shape == (12, r.shape[1], len(FEATURES)) and np.all(f >= 0)
    w = np.zeros((12, 1 + len(FEATURES)))
    w[:, 0] = np.log(1e-4)
    assert np.all(spread(r, FS, w) == 1e-3)                     # the floor
    for bad in (0.0, 1.0, "x", None):
        with pytest.raises(ValueError, match="coverage"):
            check_coverage(bad)


def _calibration():
    rng = np.random.default_rng(3)
    sets = {key: {"weights": np.column_stack([rng.uniform(-3, -1, 12), rng.uniform(0, 0.4, (12, len(FEATURES)))]),
                  "quantiles": np.sort(rng.uniform(0.5, 3, (12, len(COVERAGES))), 1)}
            for key in ("I", "I+II", "personal:I")}
    return IntervalCalibration("m", "test", sets)


def test_calibration_file_round_trips_and_refuses_edits(tmp_path):
    cal = _calibration()
    path = cal.save(tmp_path / "intervals.json")
    back = IntervalCalibration.load(path)
    assert np.allclose(back.quantile("I", 0.8), cal.quantile("I", 0.8), atol=1e-6)
    assert back.key_for(("I", "II", "V2")) == "I+II"               # the calibrated subset with most leads
    assert back.key_for(("I", "V5")) == "I"
    assert back.key_for(("I", "II"), personal=True) == "personal:I"
    q = back.quantile("I", 0.805)
    assert np.all((q >= back.quantile("I", 0.8)) & (q <= back.quantile("I", 0.81)))
    doc = json.loads(path.read_text())
    doc["sets"]["I"]["quantiles"][1][5] = 0.0
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="sha256"):
        IntervalCalibration.load(path)


@pytest.fixture(scope="module")
def calibrated_rec(tmp_path_factory):
    run = make_tiny_unet1d_run(tmp_path_factory.mktemp("intervals") / "run", any_leads=True)
    _calibration().save(run / "intervals.json")
    return ecgtf.Reconstructor.from_run(run, "final")


def test_reconstruction_carries_bands_into_every_output(calibrated_rec, tmp_path):
    rec = generate_record(SyntheticConfig(duration_s=8.0), seed=2)
    out = calibrated_rec.reconstruct(rec.signal[[0, 1]], rec.fs, quality=False, leads="I,II", coverage=0.9)
    assert out.coverage == 0.9 and out.info["interval_set"] == "I+II"
    width = out.upper - out.lower
    fixed = [LEADS.index(n) for n in ("I", "II", "III", "aVR", "aVL", "aVF")]
    assert np.all(width[fixed] == 0) and np.all(width[6:] > 0)
    assert np.allclose(out.band_width[fixed], 0)
    limb = calibrated_rec.reconstruct(rec.signal[[1, 2]], rec.fs, quality=False, leads="II,III")
    assert limb.info["interval_set"] == "I+II" and np.all(limb.band_width[:6] == 0)     # Lead I follows from II, III
    narrower = calibrated_rec.reconstruct(rec.signal[[0, 1]], rec.fs, quality=False, leads="I,II", coverage=0.5)
    assert np.all(narrower.band_width[6:] < out.band_width[6:])
    header = out.to_csv(tmp_path / "r.csv").read_text().splitlines()[0].split(",")
    assert "V1_lo_mV" in header and "V1_hi_mV" in header and len(header) == 1 + 36
    signals, _, names = ecgtf.io.read_leads(tmp_path / "r.csv", fs=rec.fs)     # read back: the bounds are not leads
    assert names == LEADS and np.allclose(signals, out.leads, atol=1e-4)
    z = np.load(out.to_npz(tmp_path / "r.npz"))
    assert np.allclose(z["lower"], out.lower) and float(z["coverage"]) == 0.9
    back = wfdb.rdrecord(str(out.to_wfdb(tmp_path / "r")).removesuffix(".hea"))
    assert back.sig_name[12:14] == ["I_lo", "II_lo"] and back.n_sig == 36
    assert np.allclose(back.p_signal[:, back.sig_name.index("V1_hi")], out.upper[6], atol=2e-3)
    fig = out.plot(tmp_path / "r.png")
    assert "80 %" not in fig._suptitle.get_text() and "90% band" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="coverage"):
        calibrated_rec.reconstruct(rec.signal[0], rec.fs, quality=False, coverage=1.5)


def test_stream_band_is_the_whole_band_wherever_the_chunk_reaches_the_features_future():
    cal, fs = _calibration(), 100.0
    leads = np.random.default_rng(5).normal(size=(12, 4000))
    leads = np.cumsum(leads, 1) * 0.01                                         # smooth-ish, non-stationary
    reach = feature_reach(fs)
    whole = cal.bounds(leads, fs, [0], "I", 0.8)
    bands, size = StreamBands(cal, fs, [0], "I", 0.8), 3 * reach
    for start in range(0, leads.shape[1], size):
        lo, hi = bands.next(leads[:, start:start + size])
        end = min(start + size, leads.shape[1])
        known = slice(0, end - start if end == leads.shape[1] else end - start - reach)   # future within the chunk
        np.testing.assert_allclose(lo[:, known], whole[0][:, start:end][:, known], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(hi[:, known], whole[1][:, start:end][:, known], rtol=1e-6, atol=1e-6)
        assert np.all(hi[0] == lo[0]) and np.all(hi[1:] > lo[1:])                # Lead I given: zero width
    assert bands.history.shape[1] == reach                                      # memory stays bounded
    gap = leads[:, :600].copy()
    gap[:, 200:260] = np.nan                                                    # no valid window there
    lo, hi = StreamBands(cal, fs, [0], "I", 0.8).next(gap)
    assert np.isnan(lo[:, 200:260]).all() and np.isfinite(lo[:, :200]).all() and np.isfinite(hi[:, 260:]).all()
    np.testing.assert_allclose(lo[:, 260:], cal.bounds(gap[:, 260:], fs, [0], "I", 0.8)[0], rtol=1e-6, atol=1e-6)


def test_live_stream_chunks_carry_the_band(calibrated_rec):
    rec = generate_record(SyntheticConfig(duration_s=12.0), seed=6)
    stream = calibrated_rec.stream(rec.fs, coverage=0.9)
    chunks = [stream.push(rec.signal[0, i:i + 700]) for i in range(0, rec.signal.shape[1], 700)] + [stream.flush()]
    lower, upper = (np.concatenate([getattr(c, side) for c in chunks], 1) for side in ("lower", "upper"))
    leads = np.concatenate([c.leads for c in chunks], 1)
    assert lower.shape == leads.shape and all(c.coverage == 0.9 for c in chunks)
    assert np.all(upper[0] == lower[0]) and np.all((lower[1:] < leads[1:]) & (leads[1:] < upper[1:]))
    assert calibrated_rec.stream(rec.fs, coverage=None).push(rec.signal[0]).lower is None
    with pytest.raises(ValueError, match="coverage"):
        calibrated_rec.stream(rec.fs, coverage=1.2)


def test_personal_reconstruction_uses_its_own_calibration(calibrated_rec):
    rec = generate_record(SyntheticConfig(duration_s=10.0), seed=4)
    personal = calibrated_rec.personalize(rec.signal, rec.fs)
    out = personal.reconstruct(rec.signal[0], rec.fs, quality=False)
    assert out.info["interval_set"] == "personal:I" and out.has_band
    assert personal.stream(rec.fs).bands.key == "personal:I"                   # the live stream too


def test_models_without_a_calibration_return_no_band(tmp_path):
    rec = ecgtf.Reconstructor.from_run(make_tiny_unet1d_run(tmp_path / "run"), "final")
    sig = generate_record(SyntheticConfig(duration_s=8.0), seed=2)
    out = rec.reconstruct(sig.signal[0], sig.fs, quality=False)
    assert out.lower is None and out.band_width is None and "interval_set" not in out.info
    assert len(out.to_csv(tmp_path / "r.csv").read_text().splitlines()[0].split(",")) == 13


def test_cli_coverage_and_band_summary(calibrated_rec, tmp_path, capsys):
    from ecgtf.cli import main

    rec = generate_record(SyntheticConfig(duration_s=8.0), seed=5)
    np.savetxt(tmp_path / "lead_i.csv", rec.signal[0], fmt="%.6f")
    run = str(calibrated_rec.run.path)
    rc = main(["reconstruct", str(tmp_path / "lead_i.csv"), "--fs", "500", "--model", run, "-o", str(tmp_path / "o"),
               "--no-quality-gate", "--coverage", "0.9", "--confidence", "--formats", "csv,npz"])
    text = capsys.readouterr().out
    assert rc == 0 and "mean width of the 90% band" in text and "V1 " in text
    assert float(np.load(tmp_path / "o.npz")["coverage"]) == 0.9
    with pytest.raises(SystemExit) as stop:              # a percentage typed for a probability: refused up front
        main(["reconstruct", str(tmp_path / "lead_i.csv"), "--fs", "500", "--model", run, "-o", str(tmp_path / "p"),
              "--no-quality-gate", "--coverage", "80"])
    assert stop.value.code == 2 and "0.8 for 80 %" in capsys.readouterr().err and not (tmp_path / "p.csv").exists()
