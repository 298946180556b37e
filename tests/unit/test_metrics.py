import numpy as np
import pytest

from ecgtf import metrics as M


def test_pointwise_hand_values():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, 2.0, 3.0, 2.0])
    assert M.rmse(x, y) == pytest.approx(1.0)            # sqrt(4/4)
    assert M.mae(x, y) == pytest.approx(0.5)             # 2/4
    assert M.prd(x, y) == pytest.approx(100 * np.sqrt(4 / 30))
    assert M.prdn(x, y) == pytest.approx(100 * np.sqrt(4 / 5))  # mean 2.5 -> Σ(x-x̄)² = 5
    assert M.prd_ecggan(x, y) == pytest.approx(M.prd(x, y) / 10)
    assert M.snr_db(x, y) == pytest.approx(10 * np.log10(30 / 4))


def test_vectorised_over_leading_axes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 12, 50))
    y = x + 0.1
    assert M.rmse(x, y).shape == (3, 12)
    np.testing.assert_allclose(M.rmse(x, y), 0.1)
    np.testing.assert_allclose(M.mae(x, y), 0.1)


def test_snr_improvement():
    clean = np.sin(np.linspace(0, 20, 1000))
    noise = np.random.default_rng(1).normal(scale=0.3, size=1000)
    noisy, denoised = clean + noise, clean + noise / 10
    assert M.snr_improvement_db(clean, noisy, denoised) == pytest.approx(20.0, abs=1e-9)


def test_mmd_properties():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(200, 5)), rng.normal(size=(200, 5))
    c = rng.normal(loc=2.0, size=(200, 5))
    assert abs(M.mmd(a, b)) < 0.02          # unbiased: ≈ 0 (can be slightly negative)
    assert M.mmd(a, c) > 0.3
    # hand value, 2 points each, sigma 1: k = exp(-d²/2)
    x, y = np.array([[0.0], [1.0]]), np.array([[0.0], [2.0]])
    kxx, kyy = np.exp(-0.5), np.exp(-2.0)
    kxy = (1 + np.exp(-2.0) + np.exp(-0.5) + np.exp(-0.5)) / 4
    assert M.mmd(x, y, sigma=1.0) == pytest.approx(kxx + kyy - 2 * kxy)
    with pytest.raises(ValueError, match="at least 2"):
        M.mmd(a[:1], b)


def test_frechet_and_dtw_known_values():
    assert M.dtw_distance([0, 1, 2, 3], [0, 0, 1, 2, 3]) == 0.0         # pure time warp
    assert M.dtw_distance([1, 2, 3], [2, 3, 4]) == 2.0
    assert M.frechet_distance([0, 1, 2, 3], [0, 0, 1, 2, 3]) == 0.0
    assert M.frechet_distance([0, 0], [1, 1]) == 1.0
    assert M.frechet_distance([0, 5, 0], [0, 0, 0]) == 5.0
    x = np.random.default_rng(3).normal(size=60)
    assert M.frechet_distance(x, x + 0.5) == pytest.approx(0.5)        # vertical shift bound
    assert M.dtw_distance(x, x[::-1]) == M.dtw_distance(x[::-1], x)      # symmetric


def test_one_nn_accuracy():
    rng = np.random.default_rng(4)
    same = M.one_nn_accuracy(rng.normal(size=(150, 4)), rng.normal(size=(150, 4)))
    apart = M.one_nn_accuracy(rng.normal(size=(50, 4)), rng.normal(loc=10, size=(50, 4)))
    assert 0.35 < same < 0.65 and apart == 1.0


def test_nearest_neighbour_distances():
    real = np.stack([np.zeros(20), np.ones(20)])
    gen = np.stack([np.full(20, 0.9)])
    np.testing.assert_allclose(M.nearest_neighbour_distances(gen, real, "frechet"), [0.1])
    np.testing.assert_allclose(M.nearest_neighbour_distances(gen, real, "dtw"), [2.0])
    with pytest.raises(ValueError, match="unknown metric"):
        M.nearest_neighbour_distances(gen, real, "cosine")


def test_heart_rate_and_mae():
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    a = generate_record(SyntheticConfig(heart_rate_bpm=60), 0).signal
    b = generate_record(SyntheticConfig(heart_rate_bpm=90), 0).signal
    assert M.heart_rate_bpm(a, 500) == pytest.approx(60, abs=1)
    assert M.heart_rate_mae([a], [b], 500) == pytest.approx(30, abs=1.5)
    assert np.isnan(M.heart_rate_bpm(np.zeros(5000), 500))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shapes differ"):
        M.rmse(np.zeros(3), np.zeros(4))
