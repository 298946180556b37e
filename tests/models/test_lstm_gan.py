import numpy as np
import pytest
from conftest import REFERENCE, needs_ecggan_weights

from ecgtf.backend import keras
from ecgtf.models.lstm_gan import (
    LSTMGAN,
    WeightsFileError,
    build_discriminator,
    build_generator,
    check_noise,
    generate_beats,
    load_original_discriminator,
    load_original_generator,
    load_original_weights,
)

GEN_H5 = REFERENCE / "ecggan" / "generator_80e.h5"
DISC_H5 = REFERENCE / "ecggan" / "discriminator_80e.h5"


def test_parameter_counts_and_shapes():
    g, d = build_generator(), build_discriminator()
    assert g.count_params() == 474_097 and d.count_params() == 714_721
    assert tuple(g.input_shape) == (None, 100, 12) and tuple(g.output_shape) == (None, 1, 400)
    assert tuple(d.input_shape) == (None, 1, 400) and tuple(d.output_shape) == (None, 1)
    assert d.layers[-1].activation is keras.activations.linear


@needs_ecggan_weights
def test_original_weights_match_tf_keras_load_model():
    ours_g, ours_d = load_original_generator(GEN_H5), load_original_discriminator(DISC_H5)
    ref_g = keras.models.load_model(GEN_H5, compile=False)
    ref_d = keras.models.load_model(DISC_H5, compile=False)
    z = np.random.default_rng(0).standard_normal((8, 100, 12)).astype(np.float32)
    beats = ours_g(z).numpy()
    np.testing.assert_allclose(beats, ref_g(z).numpy(), atol=1e-6)
    np.testing.assert_allclose(ours_d(beats).numpy(), ref_d(beats).numpy(), atol=1e-6)


@needs_ecggan_weights
def test_wrong_architecture_and_corrupt_files_are_clear(tmp_path):
    with pytest.raises(WeightsFileError, match="expects 5"):
        load_original_weights(build_discriminator(), GEN_H5)
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(GEN_H5.read_bytes()[:4096])
    with pytest.raises(WeightsFileError, match="not a readable Keras"):
        load_original_generator(bad)
    with pytest.raises(WeightsFileError, match="file not found"):
        load_original_generator(tmp_path / "missing.h5")


def test_weights_of_another_shape_are_rejected(tmp_path):
    from ecgtf.models.lstm_gan import LstmGanConfig

    other = build_generator(LstmGanConfig(lstm_units=32))
    path = tmp_path / "other.h5"
    other.save(path)
    with pytest.raises(WeightsFileError, match="g_bilstm"):
        load_original_weights(build_generator(), path)


def test_noise_validation():
    g = build_generator()
    with pytest.raises(ValueError, match=r"shape \(N, 100, 12\)"):
        generate_beats(g, noise=np.zeros((2, 100, 11), np.float32))
    with pytest.raises(ValueError, match="float array"):
        check_noise(np.zeros((2, 100, 12), np.int32))
    beats = generate_beats(g, 3, seed=1)
    assert beats.shape == (3, 400) and np.all(np.abs(beats) <= 1)


def test_tiny_fit():
    from ecgtf.data.tfdata import make_dataset

    real = np.random.default_rng(0).normal(scale=0.1, size=(32, 1, 400)).astype(np.float32)
    model = LSTMGAN()
    model.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    hist = model.fit(make_dataset(real, batch_size=16), epochs=1, verbose=0)
    assert np.isfinite(hist.history["g_loss"][0]) and 0 < hist.history["d_real"][0] < 1
