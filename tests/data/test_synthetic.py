import numpy as np
import pytest

from ecgtf.data.synthetic import CONDITIONS, SyntheticConfig, generate_dataset, generate_record
from ecgtf.leads import limb_lead_law_error
from ecgtf.metrics import detect_r_peaks, heart_rate_bpm


def test_shape_units_and_determinism():
    a = generate_record(SyntheticConfig(), seed=7)
    b = generate_record(SyntheticConfig(), seed=7)
    c = generate_record(SyntheticConfig(), seed=8)
    assert a.signal.shape == (12, 5000) and a.signal.dtype == np.float32
    np.testing.assert_array_equal(a.signal, b.signal)
    assert not np.array_equal(a.signal, c.signal)
    assert 0.8 < np.ptp(a.signal[1]) < 3.0  # lead II peak-to-peak in mV


def test_dataset_prefix_is_stable():
    x5, labels, _ = generate_dataset(5, seed=3)
    x3, _, _ = generate_dataset(3, seed=3)
    np.testing.assert_array_equal(x5[:3], x3)
    assert labels[:3] == list(CONDITIONS[:3])


@pytest.mark.parametrize("condition", CONDITIONS)
def test_limb_lead_laws_hold_exactly_with_noise(condition):
    rec = generate_record(SyntheticConfig(condition=condition, baseline_wander_mv=0.2, emg_mv=0.05,
                                          powerline_mv=0.05), seed=1)
    assert limb_lead_law_error(rec.signal)["max"] < 1e-5  # float32 rounding only


@pytest.mark.parametrize("condition", ["NORM", "CLBBB", "CRBBB", "LAD", "RAD"])
@pytest.mark.parametrize("bpm", [55.0, 72.0, 118.0])
def test_detected_heart_rate_within_1_bpm(condition, bpm):
    rec = generate_record(SyntheticConfig(condition=condition, heart_rate_bpm=bpm), seed=11)
    assert abs(heart_rate_bpm(rec.signal, rec.fs) - bpm) < 1.0


@pytest.mark.parametrize("bpm", [72.0, 118.0])
def test_detected_heart_rate_afib(bpm):
    # With irregular RR a single beat missed by XQRS at the record's edge moves the mean RR by
    # up to ~1.5 bpm, so AF gets a looser bound; the generated beats themselves are exact:
    rec = generate_record(SyntheticConfig(condition="AFIB", heart_rate_bpm=bpm), seed=11)
    assert 60 * rec.fs / np.mean(np.diff(rec.r_peaks)) == pytest.approx(bpm, abs=0.05)
    assert abs(heart_rate_bpm(rec.signal, rec.fs) - bpm) < 3.0


def _mean_beat(rec, lead, start_s, stop_s):
    """Mean over beats of one lead from ``start_s`` to ``stop_s`` around each R peak (mV)."""
    a, b = int(start_s * rec.fs), int(stop_s * rec.fs)
    return np.mean([rec.signal[lead, p + a:p + b] for p in rec.r_peaks if p + a >= 0 and p + b <= rec.signal.shape[1]],
                   axis=0)


def test_waves_beyond_the_dipole_basics_do_what_they_say():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, hrv=0.0, heart_rate_bpm=60.0)
    base = generate_record(SyntheticConfig(**quiet), seed=2)
    def beat(lead, a, b, **kw):   # noqa: E306
        return _mean_beat(generate_record(SyntheticConfig(**quiet, **kw), seed=2), lead, a, b)
    ii, avf, lead_i, v1, v2 = 1, 5, 0, 6, 7
    # U wave: a positive hump after the T wave in lead II
    assert beat(ii, 0.45, 0.55, u_scale=0.4).max() > _mean_beat(base, ii, 0.45, 0.55).max() + 0.02
    # Ta wave: the PR segment of lead II dips below the P wave's baseline
    assert beat(ii, -0.09, -0.05, ta_scale=0.5).mean() < _mean_beat(base, ii, -0.09, -0.05).mean() - 0.01
    # ST vector: anterior → ST elevation in V2
    assert beat(v2, 0.10, 0.14, st_mv=0.15).mean() > _mean_beat(base, v2, 0.10, 0.14).mean() + 0.05
    # left-atrial P: a negative terminal P in V1
    assert beat(v1, -0.13, -0.10, p_terminal=1.0).min() < _mean_beat(base, v1, -0.13, -0.10).min() - 0.03
    # the P axis read from I and aVF is the requested one
    for axis in (20.0, 70.0):
        p_i, p_avf = beat(lead_i, -0.2, -0.12, p_axis_deg=axis).sum(), beat(avf, -0.2, -0.12, p_axis_deg=axis).sum()
        assert abs(np.degrees(np.arctan2(p_avf, p_i)) - axis) < 8
    # a QRS notch changes the QRS only (in every lead, as one dipole) and keeps the axis
    notched = generate_record(SyntheticConfig(qrs_notch=0.4, **quiet), seed=2)
    p = int(base.r_peaks[2])
    assert np.abs(notched.signal[:, p - 25:p + 25] - base.signal[:, p - 25:p + 25]).max() > 0.05
    np.testing.assert_allclose(notched.signal[:, p + 60:p + 250], base.signal[:, p + 60:p + 250], atol=1e-5)
    assert -30 < _qrs_axis(notched) < 90
    # shape jitter changes the morphology but not the axis the labels promise, and keeps Einthoven's law
    for condition, check in (("LAD", lambda a: a < -30), ("RAD", lambda a: a > 90), ("NORM", lambda a: -30 < a < 90)):
        for seed in range(5):
            rec = generate_record(SyntheticConfig(condition=condition, shape_jitter=0.8, **quiet), seed=seed)
            assert check(_qrs_axis(rec)), (condition, seed, _qrs_axis(rec))
            assert limb_lead_law_error(rec.signal)["max"] < 1e-5


def _qrs_axis(rec):
    win = [slice(p - 40, p + 40) for p in rec.r_peaks if 40 <= p < rec.signal.shape[1] - 40]
    lead_i = sum(rec.signal[0, s].sum() for s in win)
    avf = sum(rec.signal[5, s].sum() for s in win)
    return np.degrees(np.arctan2(avf, lead_i))


def test_premature_beats_come_early_with_their_own_shape():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, hrv=0.0, heart_rate_bpm=60.0)
    sinus = generate_record(SyntheticConfig(**quiet), seed=3)
    assert set(sinus.beat_symbols) == {"N"}
    pvc = generate_record(SyntheticConfig(pvc_rate=0.3, **quiet), seed=3)
    pac = generate_record(SyntheticConfig(pac_rate=0.3, **quiet), seed=3)
    for rec, symbol in ((pvc, "V"), (pac, "A")):
        assert len(rec.beat_symbols) == len(rec.r_peaks) and symbol in rec.beat_symbols
        assert set(rec.beat_symbols) <= {"N", symbol}
        assert not np.any((rec.beat_symbols[1:] != "N") & (rec.beat_symbols[:-1] != "N"))   # never two in a row
        rr = np.diff(rec.r_peaks) / rec.fs
        before = rr[np.flatnonzero(rec.beat_symbols[1:] == symbol)]      # the interval that ends in the premature beat
        normal = np.median(rr)
        assert np.all(before < (0.9 if symbol == "A" else 0.75) * normal), (symbol, before, normal)
        assert limb_lead_law_error(rec.signal)["max"] < 1e-5
    # a PVC is followed by a compensatory pause: the two intervals around it add up to two RR
    i = int(np.flatnonzero(pvc.beat_symbols[1:-1] == "V")[0]) + 1
    assert (pvc.r_peaks[i + 1] - pvc.r_peaks[i - 1]) / pvc.fs == pytest.approx(2.0, abs=0.03)
    # the PVC's QRS is wider than a conducted one: more of lead II's energy lies 40–80 ms from the R time
    ii = pvc.signal[1]
    spread = lambda p: np.abs(ii[p + 20:p + 40]).sum() / (np.abs(ii[p - 10:p + 10]).sum() + 1e-9)  # noqa: E731
    n_beat = int(pvc.r_peaks[np.flatnonzero(pvc.beat_symbols == "N")[1]])
    assert spread(int(pvc.r_peaks[i])) > 2 * spread(n_beat)
    # conditions keep their rhythm: no PACs in AF (its P waves are gone)
    af = generate_record(SyntheticConfig(condition="AFIB", pac_rate=0.5, **quiet), seed=3)
    assert set(af.beat_symbols) == {"N"}


def test_af_waves_and_fascicular_patterns_keep_the_labels():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0)
    def v1(mv):
        return generate_record(SyntheticConfig(condition="AFIB", f_wave_mv=mv, shape_jitter=0.3, **quiet), seed=1).signal[6]
    f_waves = v1(0.2) - v1(0.0)          # the same heart without f waves: what is left are the f waves
    assert 0.02 < np.std(f_waves) < 0.2 and np.std(v1(0.1) - v1(0.0)) == pytest.approx(np.std(f_waves) / 2, rel=1e-3)
    for condition, check in (("LAD", lambda a: a < -30), ("RAD", lambda a: a > 90), ("NORM", lambda a: -30 < a < 90)):
        for follow in (0.0, 0.5):
            rec = generate_record(SyntheticConfig(condition=condition, qs_axis_follow=follow, **quiet), seed=4)
            assert check(_qrs_axis(rec)), (condition, follow, _qrs_axis(rec))


def test_lead_vector_jitter_moves_the_chest_leads_only():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0)
    base = generate_record(SyntheticConfig(**quiet), seed=5).signal
    for seed in (5, 6):
        moved = generate_record(SyntheticConfig(lead_vector_jitter=0.3, **quiet), seed=seed).signal
        if seed == 5:
            np.testing.assert_allclose(moved[:6], base[:6], atol=1e-6)   # limb leads: same heart, same vectors
            assert np.abs(moved[6:] - base[6:]).max() > 0.05
        assert limb_lead_law_error(moved)["max"] < 1e-5


def test_atrial_chest_gain_scales_the_chest_p_waves_only():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, hrv=0.0, heart_rate_bpm=60.0, p_axis_deg=50.0)
    base = generate_record(SyntheticConfig(**quiet), seed=3)
    half = generate_record(SyntheticConfig(atrial_chest_gain=0.5, **quiet), seed=3).signal
    np.testing.assert_allclose(half[:6], base.signal[:6], atol=1e-6)          # limb leads: untouched
    r = base.r_peaks[2]
    p_wave = slice(r - 110, r - 50)           # 220–100 ms before the R peak (P at −160 ms, σ 22 ms)
    qrs_to_t = slice(r - 30, r + 250)
    np.testing.assert_allclose(half[6:, qrs_to_t], base.signal[6:, qrs_to_t], atol=2e-3)
    p_base = np.abs(base.signal[6:, p_wave]).max(1)
    np.testing.assert_allclose(np.abs(half[6:, p_wave]).max(1), 0.5 * p_base, rtol=0.02, atol=1e-3)
    assert limb_lead_law_error(half)["max"] < 1e-5
    af = generate_record(SyntheticConfig(condition="AFIB", atrial_chest_gain=0.0, **quiet), seed=3).signal
    assert limb_lead_law_error(af)["max"] < 1e-5


def test_r_posterior_delay_keeps_the_frontal_qrs_area_and_makes_v1_nadir_late():
    quiet = dict(baseline_wander_mv=0.0, emg_mv=0.0, powerline_mv=0.0, hrv=0.0, heart_rate_bpm=60.0,
                 r_depth=0.6, axis_deg=40.0)
    base = generate_record(SyntheticConfig(**quiet), seed=4)
    late = generate_record(SyntheticConfig(r_posterior_delay_s=0.015, **quiet), seed=4)
    r = base.r_peaks[2]
    win = slice(r - 40, r + 41)               # ±80 ms at 500 Hz
    for lead in (0, 5):                       # I and aVF: the net QRS area that gives the axis
        assert abs(late.signal[lead, win].sum() - base.signal[lead, win].sum()) < 1e-3 * np.abs(base.signal[lead, win]).sum()
    v1 = 6
    assert np.argmin(late.signal[v1, win]) - np.argmin(base.signal[v1, win]) >= 4    # the nadir ≥ 8 ms later
    assert limb_lead_law_error(late.signal)["max"] < 1e-5


def test_axis_deviation_labels_match_measured_axis():
    quiet = dict(baseline_wander_mv=0, emg_mv=0, powerline_mv=0)
    assert _qrs_axis(generate_record(SyntheticConfig(condition="LAD", **quiet), 0)) < -30
    assert _qrs_axis(generate_record(SyntheticConfig(condition="RAD", **quiet), 0)) > 90
    assert -30 < _qrs_axis(generate_record(SyntheticConfig(condition="NORM", **quiet), 0)) < 90


def test_afib_is_irregular_without_p_waves_and_sinus_is_regular():
    af = generate_record(SyntheticConfig(condition="AFIB", heart_rate_bpm=90), seed=2)
    sr = generate_record(SyntheticConfig(condition="NORM", heart_rate_bpm=90), seed=2)
    cv = lambda r: np.std(np.diff(r.r_peaks)) / np.mean(np.diff(r.r_peaks))  # noqa: E731
    assert cv(af) > 0.08 > cv(sr)


def test_bundle_branch_blocks_widen_qrs():
    quiet = dict(baseline_wander_mv=0, emg_mv=0, powerline_mv=0, heart_rate_bpm=60)

    def qrs_width_ms(cond):
        rec = generate_record(SyntheticConfig(condition=cond, **quiet), seed=0)
        p = rec.r_peaks[3]
        # spatial QRS magnitude above 15% of its peak around the R peak
        mag = np.sqrt(np.sum(rec.signal[[0, 1, 6, 7, 8, 9, 10, 11], p - 100:p + 100] ** 2, axis=0))
        # isolate the QRS from P/T waves: the high-slope part
        slope = np.abs(np.gradient(mag))
        active = np.flatnonzero(slope > 0.15 * slope.max())
        return (active[-1] - active[0]) * 2.0

    assert qrs_width_ms("CLBBB") > 120 > qrs_width_ms("NORM")
    assert qrs_width_ms("CRBBB") > 120


def test_r_peaks_match_detector():
    rec = generate_record(SyntheticConfig(heart_rate_bpm=80), seed=4)
    det = detect_r_peaks(rec.signal[1], rec.fs)
    assert len(det) == len(rec.r_peaks)
    assert np.max(np.abs(det - rec.r_peaks)) <= 10  # within 20 ms


@pytest.mark.parametrize("bad", [dict(condition="VT"), dict(heart_rate_bpm=5), dict(emg_mv=-1), dict(fs=0)])
def test_bad_config_is_rejected(bad):
    with pytest.raises(ValueError):
        SyntheticConfig(**bad)
