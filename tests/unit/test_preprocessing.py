import numpy as np
import pytest

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.leads import limb_lead_law_error
from ecgtf.models.ekgan.preprocessing import (
    EkganPreprocessing,
    leads_from_model,
    model_input,
    model_target,
    prepare_pairs,
    preprocess_leads,
    to_millivolts,
)
from ecgtf.models.lstm_gan.preprocessing import BeatWindowing, beat_windows
from ecgtf.preprocessing.signal import validate_signal


@pytest.fixture(scope="module")
def record():
    return generate_record(SyntheticConfig(heart_rate_bpm=75), seed=5).signal


def test_ekgan_shapes_and_time_axis(record):
    cfg = EkganPreprocessing()
    x, scale, offset = preprocess_leads(record, 500.0)
    assert x.shape == (12, 512) and scale.shape == (12,) and cfg.fs_out == 62.5
    assert cfg.n_out / cfg.fs_out == pytest.approx(8.192)
    inp, tgt, sc, off = prepare_pairs(record[None], 500.0)
    assert inp.shape == tgt.shape == (1, 16, 512, 1)
    assert np.all(inp[0, :2] == 0) and np.all(inp[0, 14:] == 0)
    for row in range(2, 14):
        np.testing.assert_array_equal(inp[0, row, :, 0], x[0])
    np.testing.assert_array_equal(leads_from_model(tgt)[0], x)


def test_minmax_before_filter_and_scale_inverse(record):
    from scipy import signal as sps

    x, scale, offset = preprocess_leads(record, 500.0)
    kept = record[:, 500:4596].astype(np.float64)
    # The paper's order, step by step: min-max to [-1, 1], band-pass, downsample by 8.
    mm = 2 * (kept - kept.min(1, keepdims=True)) / np.ptp(kept, axis=1, keepdims=True) - 1
    sos = sps.butter(2, [0.05, 150.0], btype="bandpass", fs=500.0, output="sos")
    manual = sps.resample_poly(sps.sosfiltfilt(sos, mm, axis=-1), 1, 8, axis=-1)
    np.testing.assert_allclose(x, manual, atol=1e-5)
    # The high-pass moves the baseline, so values can leave [-1, 1] (the generator's output is linear).
    assert 0.5 < np.max(np.abs(x)) < 2.5
    np.testing.assert_allclose(scale, (kept.max(1) - kept.min(1)) / 2, rtol=1e-6)
    # Inverse: the scale is exact; the filter is linear, so mV-domain filtering of the raw record
    # matches up to the baseline that the high-pass removed (compare mean-free interiors).
    mv = to_millivolts(x, scale, offset)[:, 40:-40]
    ref = sps.resample_poly(sps.sosfiltfilt(sos, kept, axis=-1), 1, 8, axis=-1)[:, 40:-40]
    err = (mv - mv.mean(1, keepdims=True)) - (ref - ref.mean(1, keepdims=True))
    assert np.max(np.abs(err)) < 0.01


def test_fixed_normalisation_keeps_limb_laws(record):
    cfg = EkganPreprocessing(normalization="fixed")
    x, scale, _ = preprocess_leads(record, 500.0, cfg)
    assert np.all(scale == 2.5)
    assert limb_lead_law_error(x)["max"] < 1e-5


def test_resampling_path(record):
    from scipy.signal import resample_poly
    x250 = resample_poly(record, 1, 2, axis=-1)
    with pytest.raises(ValueError, match="sampled at 250 Hz, expected 500 Hz"):
        preprocess_leads(x250, 250.0)
    x, _, _ = preprocess_leads(x250, 250.0, resample_input=True)
    ref, _, _ = preprocess_leads(record, 500.0)
    assert np.corrcoef(x[1], ref[1])[0, 1] > 0.99


@pytest.mark.parametrize("mutate,match", [
    (lambda s: s[:, :3000], "at least 4596"),
    (lambda s: np.where(np.arange(5000) == 10, np.nan, s), "NaN"),
    (lambda s: np.concatenate([s[:11], np.zeros((1, 5000))]), "flat line"),
    (lambda s: s[None, None], "expected shape"),
])
def test_bad_input_is_a_clear_value_error(record, mutate, match):
    with pytest.raises(ValueError, match=match):
        preprocess_leads(mutate(record.astype(float)), 500.0)


def test_layout_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"expected Lead I of shape \(512,\)"):
        model_input(np.zeros(500))
    with pytest.raises(ValueError, match=r"expected leads of shape \(12, 512\)"):
        model_target(np.zeros((11, 512)))
    with pytest.raises(ValueError):
        validate_signal(np.array(["a"]))


def test_beat_windows_rule():
    x = np.zeros(1000)
    # a peak at absolute 300 lies at position 200 of the window starting at 100 -> kept
    # a peak at absolute 880 lies at 80 (start 800) / 180 (start 700) -> kept once
    x[300] = 10.0
    x[880] = 5.0
    w = beat_windows(x)
    starts = [s for s in range(100, 601, 100)]
    expected = [s for s in starts if 126 <= int(np.argmax(x[s:s + 400])) <= 249]
    assert len(w) == len(expected) and w.shape[1] == 400
    assert np.isclose(w.max(), 10.0 / BeatWindowing().scale)


def test_crop_augmentation_includes_the_paper_window(record):
    from ecgtf.models.ekgan.preprocessing import prepare_cropped_pairs

    x, y, sc, off = prepare_cropped_pairs(record[None], 500.0, crops=3, seed=1)
    inp, tgt, _, _ = prepare_pairs(record[None], 500.0)
    assert x.shape == (3, 16, 512, 1) and sc.shape == (3, 12)
    np.testing.assert_allclose(x[0], inp[0], atol=1e-6)   # first crop = the paper's 1 s offset
    assert not np.allclose(y[1], y[0])
    x2, *_ = prepare_cropped_pairs(record[None], 500.0, crops=3, seed=1)
    np.testing.assert_array_equal(x, x2)
