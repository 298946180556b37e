import numpy as np
import pytest

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, preprocess_window
from ecgtf.streaming import StreamingReconstructor, overlap_weights

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
    with pytest.raises(ValueError, match="NaN"):
        StreamingReconstructor(model, CFG).push(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match=r"expected \(12, 512\)"):
        StreamingReconstructor(lambda x: x[None], CFG).push(stream[:4096])
