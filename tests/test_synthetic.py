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


def _qrs_axis(rec):
    win = [slice(p - 40, p + 40) for p in rec.r_peaks if 40 <= p < rec.signal.shape[1] - 40]
    lead_i = sum(rec.signal[0, s].sum() for s in win)
    avf = sum(rec.signal[5, s].sum() for s in win)
    return np.degrees(np.arctan2(avf, lead_i))


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
