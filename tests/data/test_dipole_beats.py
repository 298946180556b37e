"""The dipole generator's learned beat model: the dipole/residual split, the axis turn, fitting, sampling, records."""
from dataclasses import replace

import numpy as np
import pytest
from conftest import needs_ptbxl
from hypothesis import given, settings
from hypothesis import strategies as st

from ecgtf.data import dipole_beats as db
from ecgtf.data.synthetic import (
    REALISTIC_RANGES,
    SyntheticConfig,
    generate_dataset,
    generate_record,
)
from ecgtf.leads import DOWER_MATRIX, limb_lead_law_error


def _axis(dipole, half):
    assert half == round(db.QRS_WINDOW_S * 500)
    return db.qrs_axis(dipole, 175)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 31 - 1), st.floats(-170, 170))
def test_split_is_exact_and_turning_moves_the_axis_by_the_angle(seed, degrees):
    beats = np.random.default_rng(seed).standard_normal((2, 8, 500))
    dipole, residual = db.split_dipole(beats)
    back = np.einsum("ld,ndt->nlt", DOWER_MATRIX, dipole)
    back[:, 2:] += residual
    np.testing.assert_allclose(back, beats, atol=1e-9)          # the split gives the beats back, limb leads dipolar
    turned = db.turn_frontal(dipole[0], degrees)
    np.testing.assert_allclose(turned[2], dipole[0, 2])         # Z kept
    moved = (_axis(turned, 25) - _axis(dipole[0], 25) - degrees + 180) % 360 - 180
    assert abs(moved) < 1e-6


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A 4-component model fitted on 40 Gaussian-wave records (no real data needed)."""
    signals, _, _ = generate_dataset(40, seed=11, mix="ptb-xl", ranges=REALISTIC_RANGES, conditions=("NORM", "LAD"))
    model = db.fit_beat_model(signals, 500.0, n_components=4, source="test")
    path = tmp_path_factory.mktemp("beats") / "beats.npz"
    model.save(path)
    return model, path


def test_fit_sample_save_load(small_model, tmp_path):
    model, path = small_model
    assert model.components.shape == (4, 9, 500) and model.score_cov.shape == (5, 5)
    loaded = db.BeatModel.load(path)
    assert loaded.source == "test" and loaded.pre == 175
    np.testing.assert_allclose(loaded.components, model.components, atol=2e-3)
    rng = np.random.default_rng(0)
    scores = model.sample(rng, 70.0)
    dipole, residual = model.beat(scores)
    assert dipole.shape == (3, 500) and residual.shape == (6, 500) and np.isfinite(dipole).all()
    # the same seed gives the same beat; a faster heart moves the conditional mean with the fitted correlation
    np.testing.assert_array_equal(model.sample(np.random.default_rng(5), 70.0), model.sample(np.random.default_rng(5), 70.0))
    for condition in ("NORM", "LAD"):
        s, axis = model.sample_for(np.random.default_rng(1), 70.0, condition)
        lo, hi = db.AXIS_CLASSES[condition]
        assert axis is None and lo <= model.qrs_axis(s) <= hi
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="lacks"):
        db.BeatModel.load(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="not a beat model"):
        db.BeatModel.load(tmp_path / "bad.npz")
    with pytest.raises(FileNotFoundError, match="fit_dipole_beats"):
        db.BeatModel.load(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="usable records"):
        db.fit_beat_model(np.zeros((3, 12, 5000)), 500.0, n_components=4)


def test_model_beats_on_twelve_leads_and_their_plot(small_model, tmp_path):
    from ecgtf.plots import plot_lead_beats

    model, _ = small_model
    beats = np.stack([model.leads(model.sample(np.random.default_rng(k), 70.0)) for k in range(6)])
    assert beats.shape == (6, 12, 500) and limb_lead_law_error(beats[0])["max"] < 1e-9
    plot_lead_beats(beats, beats[::-1], 500.0, tmp_path / "b.png", r_peak_s=0.35)
    assert (tmp_path / "b.png").stat().st_size > 20_000
    with pytest.raises(ValueError, match="real beats"):
        plot_lead_beats(beats[:, :8], beats, 500.0)


def test_shipped_model_and_its_card():
    model = db.load_beat_model()
    assert model.n_components == 20 and model.mean.shape == (9, 500) and model.fs == 500.0
    assert db.DEFAULT_PATH.stat().st_size < 400_000
    card = db.DEFAULT_PATH.with_suffix(".md").read_text()
    assert "PTB-XL" in card and "CC BY 4.0" in card and "1NNC" in card


QUIET = dict(emg_mv=0.0, baseline_wander_mv=0.0, powerline_mv=0.0, hrv=0.0)


def _record_axis(rec, half=25):
    win = [slice(p - half, p + half) for p, b in zip(rec.r_peaks, rec.beat_symbols)
           if b == "N" and half <= p < rec.signal.shape[1] - half]      # conducted beats, as a reader measures
    return np.degrees(np.arctan2(sum(rec.signal[5, s].sum() for s in win), sum(rec.signal[0, s].sum() for s in win)))


def test_learned_records_keep_the_laws_and_the_labels():
    model = db.load_beat_model()
    signals, labels, configs = generate_dataset(60, seed=2, conditions=("NORM", "LAD", "RAD", "AFIB"), **QUIET)
    for sig, lab, cfg in zip(signals, labels, configs):
        assert cfg.beat_model == "learned" and len(cfg.beat_scores) == model.n_components
        assert limb_lead_law_error(sig)["max"] < 1e-5
        axis = _record_axis(generate_record(cfg, seed=0))
        assert {"LAD": axis < -30, "RAD": axis > 90}.get(lab, -30 < axis < 90), (lab, axis)
        assert abs(cfg.frontal_axis_deg - axis) < 3          # the config says the axis the leads show
    # a requested axis turns the QRS there exactly; the P wave stays
    base = SyntheticConfig(beat_model="learned", heart_rate_bpm=60.0, **QUIET)
    for axis in (-60.0, 20.0, 120.0):
        rec = generate_record(replace(base, axis_deg=axis), seed=3)
        assert abs(_record_axis(rec) - axis) < 1.0
        assert limb_lead_law_error(rec.signal)["max"] < 1e-5
    # AF has no P wave: the learned beat's atrial part is faded out (f waves off to see it)
    r = generate_record(base, seed=3).r_peaks[2]
    sinus = generate_record(base, seed=3).signal[1, r - 110:r - 60]
    af = generate_record(replace(base, condition="AFIB", f_wave_mv=0.0), seed=3)
    ra = af.r_peaks[2]
    assert np.abs(af.signal[1, ra - 110:ra - 60]).max() < 0.2 * np.abs(sinus).max()
    # other sampling rates; given scores reproduce; wrong inputs are refused
    assert generate_record(replace(base, fs=250.0), seed=1).signal.shape == (12, 2500)
    scores = tuple(np.zeros(model.n_components))
    a = generate_record(replace(base, beat_scores=scores), seed=1).signal
    b = generate_record(replace(base, beat_scores=scores), seed=9).signal
    np.testing.assert_allclose(a[:, 400:1200][:, :200], b[:, 400:1200][:, :200], atol=2.0)   # same shape, other rhythm
    with pytest.raises(ValueError, match="components"):
        generate_record(replace(base, beat_scores=(0.0, 1.0)), seed=0)
    with pytest.raises(ValueError, match="bundle-branch"):
        SyntheticConfig(condition="CLBBB", beat_model="learned")
    with pytest.raises(ValueError, match="beat_model"):
        SyntheticConfig(beat_model="pca")


def test_a_record_uses_the_model_it_names(small_model):
    _, path = small_model
    cfg = SyntheticConfig(beat_model="learned", beat_model_path=str(path), **QUIET)
    assert generate_record(cfg, seed=0).signal.shape == (12, 5000)
    with pytest.raises(ValueError, match="4 components"):
        generate_record(replace(cfg, beat_scores=tuple(np.zeros(20))), seed=0)


def test_fit_command_refusals(tmp_path, capsys):
    from training.fit_dipole_beats import main

    (tmp_path / "taken.npz").write_bytes(b"x")
    for argv in (["--sources", "mitdb", "--out", str(tmp_path / "a.npz")],
                 ["--out", str(tmp_path / "taken.npz")],
                 ["--out", str(tmp_path / "no" / "a.npz")],
                 ["--components", "0", "--out", str(tmp_path / "a.npz")]):
        assert main(argv) == 2, argv
    assert (tmp_path / "taken.npz").read_bytes() == b"x" and not (tmp_path / "a.npz").exists()


@needs_ptbxl
def test_fit_command_on_the_ptbxl_fitting_half(tmp_path):
    from training.fit_dipole_beats import main

    assert main(["--components", "5", "--out", str(tmp_path / "m.npz")]) == 0
    model = db.BeatModel.load(tmp_path / "m.npz")
    assert model.n_components == 5 and "PTB-XL fitting half" in model.source
    assert (tmp_path / "m.png").stat().st_size > 20_000          # real vs sampled beats, 12 leads
