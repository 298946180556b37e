import numpy as np
import pytest

from ecgtf.backend import keras
from ecgtf.kits.ridge import RidgeLeadRegressor
from ecgtf.models.ekgan import EKGAN, EkganConfig, build_discriminator, build_inference_generator, build_label_generator
from ecgtf.models.ekgan.baselines.pix2pix import Pix2Pix, build_patchgan_discriminator


def _counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return trainable + sum(int(np.prod(w.shape)) for w in model.non_trainable_weights), trainable


@pytest.mark.parametrize("builder,total,trainable", [
    (build_inference_generator, 12_530_432, 12_524_672),
    (build_label_generator, 11_153_664, 11_147_904),
    (build_discriminator, 2_438_784, 2_435_904),
    (build_patchgan_discriminator, 1_384_961, 1_383_169),
])
def test_parameter_counts_equal_the_original(builder, total, trainable):
    assert _counts(builder(EkganConfig())) == (total, trainable)


def test_full_size_shapes_and_details():
    ig = build_inference_generator()
    assert [tuple(o.shape) for o in ig.outputs] == [(None, 16, 512, 1), (None, 1, 16, 1024)]
    d = build_discriminator()
    assert [tuple(i.shape) for i in d.inputs] == [(None, 16, 512, 1)] * 2 and tuple(d.output.shape) == (None, 16, 512, 1)
    assert tuple(build_patchgan_discriminator().output.shape) == (None, 5, 65, 1)
    convs = [layer for layer in ig.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))]
    assert all(not layer.use_bias for layer in convs)
    assert all(layer.kernel_initializer.stddev == 0.02 for layer in convs)
    slopes = {round(float(layer.alpha), 4) for layer in ig.layers if isinstance(layer, keras.layers.LeakyReLU)}
    assert slopes == {0.3}
    assert convs[-1].activation is keras.activations.linear   # linear output, logits from D


def test_width_multiplier_and_latent():
    cfg = EkganConfig(width=0.125)
    ig = build_inference_generator(cfg)
    y, latent = ig(np.zeros((2, 16, 512, 1), np.float32))
    assert y.shape == (2, 16, 512, 1) and latent.shape == (2, 1, 16, 128)
    assert ig.count_params() < 12_530_432 / 30
    with pytest.raises(ValueError, match="width"):
        EkganConfig(width=0)


def test_physics_head_satisfies_limb_laws_by_construction():
    from ecgtf.leads import limb_lead_law_error
    from ecgtf.models.ekgan.preprocessing import leads_from_model

    ig = build_inference_generator(EkganConfig(width=0.125, physics_head=True))
    x = np.zeros((3, 16, 512, 1), np.float32)
    x[:, 2:14, :, 0] = np.random.default_rng(0).normal(size=(3, 1, 512))
    y = leads_from_model(ig(x)[0].numpy())
    assert limb_lead_law_error(y)["max"] < 1e-5
    np.testing.assert_allclose(y[:, 0], x[:, 2, :, 0], atol=1e-6)   # Lead I passes through
    out = ig(x)[0].numpy()
    assert np.all(out[:, :2] == 0) and np.all(out[:, 14:] == 0)


def _pairs(n=16, seed=0):
    from ecgtf.data.synthetic import generate_dataset
    from ecgtf.models.ekgan.preprocessing import prepare_pairs

    signals, _, _ = generate_dataset(n, seed=seed)
    x, y, _, _ = prepare_pairs(signals, 500.0)
    return x, y


@pytest.mark.parametrize("variant", ["ekgan", "no-label-generator", "no-discriminator", "pix2pix"])
def test_tiny_fit_updates_weights_and_reports_losses(variant):
    from ecgtf.data.tfdata import make_dataset

    x, y = _pairs()
    cfg = EkganConfig(width=0.0625)
    adam = lambda: keras.optimizers.Adam(1e-3, beta_1=0.5)  # noqa: E731
    if variant == "pix2pix":
        model = Pix2Pix(cfg)
        model.compile(adam(), adam())
    else:
        model = EKGAN(cfg, use_label_generator=variant != "no-label-generator",
                      use_discriminator=variant != "no-discriminator")
        model.compile(adam(), adam() if model.use_label_generator else None, adam() if model.use_discriminator else None)
    before = [w.numpy().copy() for w in model.inference_generator.trainable_weights]
    hist = model.fit(make_dataset(x, y, batch_size=4), epochs=2, verbose=0,
                     validation_data=make_dataset(x, y, batch_size=4, shuffle=False))
    after = model.inference_generator.trainable_weights
    assert any(not np.allclose(b, a.numpy()) for b, a in zip(before, after))
    assert all(np.isfinite(v).all() for v in hist.history.values())
    assert "val_rmse" in hist.history and ("d_loss" in hist.history) == (variant != "no-discriminator")
    assert ("g_latent" in hist.history) == (variant in ("ekgan", "no-discriminator"))


def test_compile_errors_are_clear():
    model = EKGAN(EkganConfig(width=0.0625))
    with pytest.raises(ValueError, match="lg_optimizer is required"):
        model.compile(keras.optimizers.Adam())
    with pytest.raises(ValueError, match="label_input"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), keras.optimizers.Adam(), label_input="x")


def test_mixed_precision_outputs_stay_float32():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        ig = build_inference_generator(EkganConfig(width=0.0625))
        y, latent = ig(np.zeros((1, 16, 512, 1), np.float32))
        assert y.dtype == "float32" and latent.dtype == "float32"
        assert ig.get_layer("ig_enc1_conv").compute_dtype == "float16"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_ridge_recovers_a_linear_lead_map():
    rng = np.random.default_rng(0)
    lead_i = rng.normal(size=(20, 128))
    shifted = np.roll(lead_i, 3, axis=1)
    target = np.stack([2 * lead_i + 0.5] + [shifted] * 11, axis=1)
    r = RidgeLeadRegressor(half_window=4, alpha=1e-6).fit(lead_i, target)
    pred = r.predict(lead_i)
    np.testing.assert_allclose(pred[:, 0], target[:, 0], atol=0.05)
    # the wrapped edge samples of np.roll are not a linear function of the window: ignore them
    assert np.sqrt(np.mean((pred[:, 1, 8:-8] - target[:, 1, 8:-8]) ** 2)) < 0.05
    with pytest.raises(ValueError, match="before fit"):
        RidgeLeadRegressor().predict(lead_i)
