import numpy as np
import pytest

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, preprocess_window
from ecgtf.models.ekgan.streaming import StreamingReconstructor
from ecgtf.windows import overlap_weights

CFG = EkganPreprocessing(normalization="fixed")
GAINS = np.linspace(0.5, 1.5, 12)[:, None]


def model(x):
    return GAINS * x[None, :]


@pytest.fixture(scope="module")
def stream():
    return generate_record(SyntheticConfig(duration_s=24.0), seed=2).signal[0].astype(np.float64)


def _run(stream, chunk, hop=2048):
    s = StreamingReconstructor(model, CFG, hop=hop)
    parts = [s.push(stream[i:i + chunk]) for i in range(0, stream.size, chunk)] + [s.flush()]
    return np.concatenate(parts, axis=1), s


def test_output_does_not_depend_on_chunking(stream):
    a, s = _run(stream, 333)
    b, _ = _run(stream, 10_000)
    np.testing.assert_allclose(a, b, atol=1e-12)
    windows = 1 + (stream.size - 4096) // 2048
    assert s.windows == windows and a.shape == (12, (windows - 1) * 256 + 512)


def test_single_window_equals_the_window_output(stream):
    out, _ = _run(stream[:4096], 4096)
    x, _, _ = preprocess_window(stream[None, :4096], CFG)
    np.testing.assert_allclose(out, model(x[0]), atol=1e-6)   # weights cancel when one window covers a sample


def test_overlap_weights_sum_to_one_at_half_overlap():
    w = overlap_weights(512)
    assert np.all(w > 0)
    np.testing.assert_allclose(w[:256] + w[256:], 1.0, atol=1e-12)


def test_bad_input(stream):
    with pytest.raises(ValueError, match="multiple of 8"):
        StreamingReconstructor(model, CFG, hop=1001)
    with pytest.raises(ValueError, match="1-D"):
        StreamingReconstructor(model, CFG).push(np.zeros((12, 5000)))   # not silently flattened
    with pytest.raises(ValueError, match="whole number"):
        StreamingReconstructor(model, CFG, fs=360)
    with pytest.raises(ValueError, match=r"expected \(12, 512\)"):
        StreamingReconstructor(lambda x: x[None], CFG).push(stream[:4096])


def test_stream_heals_after_lead_off_and_nan_and_stays_bounded(stream):
    """Issue 12 defect 3: ~12 s flat, then good signal: the stream recovers; NaN bursts are skipped; the
    buffer stays bounded over 10 minutes; the per-lead normalisation's flat-lead error never escapes."""
    cfg = EkganPreprocessing(normalization="per_lead")
    s = StreamingReconstructor(model, cfg, hop=2048)
    good = np.tile(stream, 10)[:500 * 600]
    x = good.copy()
    x[500 * 20:500 * 32] = 0.0                          # electrode off for 12 s
    x[500 * 60:500 * 60 + 50] = np.nan
    outs, sizes = [], []
    for i in range(0, x.size, 500):
        outs.append(s.push(x[i:i + 500]))
        sizes.append(s.buffer.size)
    y = np.concatenate(outs + [s.flush()], axis=1)
    reasons = [r for _, r in s.events]
    assert any("flat" in r for r in reasons) and any(r.startswith("non-finite") for r in reasons)
    tail = y[:, -62 * 100:]                              # the last 100 s: healed, all finite
    assert np.all(np.isfinite(tail))
    assert max(sizes) < 4096 + 500
    # at 250 Hz the same algorithm runs on resampled windows (2,048 input samples each)
    from ecgtf.preprocessing.signal import resample

    s250 = StreamingReconstructor(model, CFG, hop=2048, fs=250)
    z = resample(stream, 500, 250)
    out = np.concatenate([s250.push(z), s250.flush()], axis=1)
    s500 = StreamingReconstructor(model, CFG, hop=2048)
    ref = np.concatenate([s500.push(stream), s500.flush()], axis=1)
    assert out.shape == ref.shape and np.all(np.isfinite(out))
    assert np.corrcoef(out[1], ref[1])[0, 1] > 0.95

