"""The synthesis-quality protocol: the view, the features, the set metrics and the command."""
import json

import numpy as np
import pytest
from conftest import needs_ptbxl
from hypothesis import given, settings
from hypothesis import strategies as st

from ecgtf import synthesis_quality as sq
from ecgtf.data.synthetic import (
    CONDITIONS,
    PTBXL_MIX,
    REALISTIC_RANGES,
    SyntheticConfig,
    generate_dataset,
    generate_record,
)


def test_view_is_band_passed_100hz_and_z_scored():
    x, _, _ = generate_dataset(3, seed=1)
    x[:, :, :] += 5.0                                   # a DC offset is removed by the band-pass
    v = sq.protocol_view(x, 500.0)
    assert v.shape == (3, 12, 1000) and v.dtype == np.float32
    np.testing.assert_allclose(v.mean(-1), 0, atol=1e-5)
    np.testing.assert_allclose(v.std(-1), 1, atol=1e-4)
    flat = np.zeros((1, 12, 2500))
    assert np.all(sq.protocol_view(flat, 250.0) == 0)   # a flat record stays 0, no NaN
    with pytest.raises(ValueError, match="10 s"):
        sq.protocol_view(x[..., :4000], 500.0)
    with pytest.raises(ValueError, match="12"):
        sq.protocol_view(x[:, :8], 500.0)


@settings(max_examples=8, deadline=None)
@given(gain=st.floats(0.2, 5.0), bpm=st.floats(50, 120))
def test_features_read_the_heart_rate_and_ignore_gain(gain, bpm):
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, heart_rate_bpm=bpm)
    rec = generate_record(SyntheticConfig(**quiet), seed=3)
    f1 = sq.record_features(sq.protocol_view(rec.signal[None], rec.fs))
    f2 = sq.record_features(sq.protocol_view(gain * rec.signal[None], rec.fs))
    assert abs(f1[0, 0] - bpm) < 0.04 * bpm        # median RR at 100 Hz: within one sample
    np.testing.assert_allclose(f1, f2, rtol=1e-4, atol=1e-4)
    assert f1.shape == (1, len(sq.FEATURE_NAMES))


def test_bundle_branch_block_widens_the_measured_qrs():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0)
    width = {c: sq.record_features(sq.protocol_view(generate_record(SyntheticConfig(condition=c, **quiet), 0).signal[None],
                                                    500.0))[0, 2] for c in ("NORM", "CLBBB")}
    assert width["CLBBB"] > width["NORM"] + 20


def test_median_beats_are_the_beat_shape_and_line_up_on_the_r_peak():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, hrv=0.0)
    slow, fast = (sq.protocol_view(generate_record(SyntheticConfig(heart_rate_bpm=bpm, **quiet), 4).signal[None], 500.0)
                  for bpm in (60, 90))
    beats = sq.median_beats(np.concatenate([slow, fast, np.zeros_like(slow)]))
    assert beats.shape == (3, 12, 70)
    assert abs(int(np.argmax(np.abs(beats[0, 1]))) - 25) <= 2        # the R wave 0.25 s into the window
    # the QRS (±60 ms) lines up at either rate (the T wave moves with √RR; the waves' jitter differs)
    qrs = slice(19, 32)
    assert np.corrcoef(beats[0, :, qrs].ravel(), beats[1, :, qrs].ravel())[0, 1] > 0.85
    assert np.all(beats[2] == 0)                                       # no beat found: zeros


def test_set_metrics_separate_a_shifted_set_and_not_a_resample():
    x, _, _ = generate_dataset(60, seed=2, mix="ptb-xl")
    y, _, _ = generate_dataset(60, seed=3, mix="ptb-xl")
    vx, vy = sq.protocol_view(x, 500.0), sq.protocol_view(y, 500.0)
    fx, fy = sq.record_features(vx), sq.record_features(vy)
    assert sq.feature_frechet(fx, fx) == pytest.approx(0.0, abs=1e-6)
    fast, _, _ = generate_dataset(60, seed=3, mix="ptb-xl", heart_rate_bpm=130.0)
    ff = sq.record_features(sq.protocol_view(fast, 500.0))
    assert sq.feature_frechet(fx, ff) > 2 * sq.feature_frechet(fx, fy)   # 60 records in 39 dims: FD has a bias
    terms = sq.frechet_terms(fx, ff)
    assert max(terms, key=terms.get) == "heart_rate_bpm"
    row = sq.score_source("noise", np.random.default_rng(1).standard_normal((60, 12, 5000)), 500.0, vx, fx)
    same = sq.score_source("same", y, 500.0, vx, fx)
    assert row.nnc > 0.8 > 0.65 > same.nnc
    assert row.fd > 20 * same.fd and row.mmd2_features > 10 * abs(same.mmd2_features)
    # the protocol's MMD² on the raw views is nearly blind (documented): noise is not above a resample
    assert row.mmd2 < 1e-3


def test_einthoven_residual():
    x, _, _ = generate_dataset(4, seed=0)
    assert sq.einthoven_residual(x) < 1e-5
    x[:, 2] += 0.3
    assert sq.einthoven_residual(x) > 0.1


@pytest.mark.parametrize("ranges", [None, REALISTIC_RANGES], ids=["learned-beats", "gaussian-waves"])
def test_realistic_mix_and_ranges_keep_the_labels(ranges):
    signals, labels, configs = generate_dataset(400, seed=5, mix="ptb-xl", ranges=ranges, emg_mv=0.0,
                                                baseline_wander_mv=0.0, powerline_mv=0.0)
    share = {c: labels.count(c) / len(labels) for c in CONDITIONS}
    for c in CONDITIONS:
        assert abs(share[c] - PTBXL_MIX[c]) < 0.06
    for cfg in configs:
        lo, hi = REALISTIC_RANGES.qrs_scale
        assert lo <= cfg.qrs_scale <= hi
    # axis labels still measured true on the leads (net QRS area in I and aVF around conducted beats: ±80 ms for
    # Gaussian waves, ±50 ms for learned beats, whose real ST segments a wider window reaches): LAD below −30°, RAD
    # above 90°, and sinus rhythm / AF records (whose axis is steered or drawn too) inside the normal −30…90°
    # learned beats by default; Gaussian waves for the bundle-branch blocks and for REALISTIC_RANGES
    assert {cfg.beat_model for cfg in configs} == ({"learned", "waves"} if ranges is None else {"waves"})
    for sig, lab, cfg in zip(signals, labels, configs):
        if lab not in ("LAD", "RAD", "NORM", "AFIB"):
            continue
        rec = generate_record(cfg, seed=0)
        h = 25 if cfg.beat_model == "learned" else 40
        win = [slice(p - h, p + h) for p, b in zip(rec.r_peaks, rec.beat_symbols)
               if b == "N" and h <= p < sig.shape[1] - h]      # conducted beats, as a reader measures
        axis = np.degrees(np.arctan2(sum(rec.signal[5, s].sum() for s in win), sum(rec.signal[0, s].sum() for s in win)))
        expected = {"LAD": axis < -30, "RAD": axis > 90}.get(lab, -30 < axis < 90)
        assert expected, (lab, axis, cfg)


@needs_ptbxl
def test_evaluate_synthesis_command(tmp_path):
    from ecgtf.synthesis_bench import main

    with pytest.raises(SystemExit) as refused:                                 # refused before any work
        main(["--sources", "real,dipole", "--repeats", "0"])
    assert refused.value.code == 2
    assert main(["--sources", "real,dipole,unknown-source", "--n", "40", "--repeats", "2", "--out", str(tmp_path)]) == 0
    rows = {r["name"]: r for r in json.loads((tmp_path / "results.json").read_text())}
    assert set(rows) == {"real", "dipole"}
    assert 0.4 < rows["real"]["nnc"] < 0.7 and rows["dipole"]["einthoven"] < 1e-5
    assert rows["real"]["repeats"] == 1 and rows["dipole"]["repeats"] == 2 and rows["dipole"]["nnc_sd"] >= 0
    table = (tmp_path / "table.md").read_text()
    assert "| real" in table and "(2 sets)" in table and (tmp_path / "examples.png").stat().st_size > 10_000


def test_fit_search_moves_stay_inside_limits_and_ranges_round_trip(tmp_path, capsys):
    from ecgtf.data.synthetic import REALISTIC_RANGES
    from training.fit_synthetic import KNOBS, _save, main, perturb, ranges_from_json

    rng = np.random.default_rng(0)
    ranges = REALISTIC_RANGES
    for _ in range(200):
        ranges = perturb(ranges, rng, n_knobs=3)
    for knob, (lo, hi, _) in KNOBS.items():
        value = getattr(ranges, knob)
        values = [value] if isinstance(value, float) else list(value)
        assert all(lo <= v <= hi for v in values), (knob, value)
        assert isinstance(value, float) == isinstance(getattr(REALISTIC_RANGES, knob), float), knob
        if not isinstance(value, float):
            assert value[0] <= value[1], knob
    generate_dataset(3, seed=0, mix="ptb-xl", ranges=ranges)     # every moved range still makes records
    _save(ranges, tmp_path / "best.json")
    assert ranges_from_json(tmp_path / "best.json") == ranges
    (tmp_path / "bad.json").write_text('{"hrv": [0, 1], "not_a_knob": 3}')
    for bad in (["--start", str(tmp_path / "bad.json")], ["--start", str(tmp_path / "missing.json")],
                ["--out", str(tmp_path / "no" / "dir.json")]):
        with pytest.raises(SystemExit) as exc:
            main(bad)
        assert exc.value.code == 2
    assert "not_a_knob" in capsys.readouterr().err
