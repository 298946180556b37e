"""The EKGAN paper's unpaired baselines: CycleGAN and CardioGAN (Lead I → 12 leads)."""
import numpy as np
import pytest

import ecgtf  # noqa: F401
from ecgtf.backend import keras
from ecgtf.models.ekgan.baselines.cardiogan import CardioGAN, CardioganConfig, build_attention_unet
from ecgtf.models.ekgan.baselines.cyclegan import CycleGAN, build_single_patch_discriminator
from ecgtf.models.ekgan.networks import EkganConfig, build_inference_generator


def _trainable(model):
    return int(sum(np.prod(v.shape) for v in model.trainable_variables))


def test_full_size_parameter_counts_equal_the_reference_code():
    g = build_inference_generator(EkganConfig(norm="instance"))                     # CycleGAN generator
    assert g.count_params() == _trainable(g) == 12_524_672
    assert build_inference_generator(EkganConfig()).count_params() == 12_530_432   # EKGAN's keeps BatchNorm
    d = build_single_patch_discriminator(EkganConfig())
    assert d.count_params() == _trainable(d) == 1_382_657                         # instance norm: no moving stats
    assert d.output_shape == (None, 5, 65, 1)
    g = build_attention_unet(CardioganConfig())
    assert g.count_params() == 54_715_847                                          # CardioGAN generator
    assert g.output_shape[0] == (None, 16, 512, 1)


def test_zero_padded_domain_keeps_only_lead_i():
    from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, model_input

    lead = np.arange(512, dtype=np.float32)
    x = model_input(lead, EkganPreprocessing(input_layout="zero_padded"))[0, :, :, 0]
    assert np.all(x[2] == lead) and np.all(np.delete(x, 2, axis=0) == 0)
    rep = model_input(lead, EkganPreprocessing())[0, :, :, 0]
    assert np.all(rep[2:14] == lead)
    with pytest.raises(ValueError, match="input_layout"):
        EkganPreprocessing(input_layout="tiled")


def test_tiny_unpaired_fit_updates_both_generators():
    from ecgtf.data.synthetic import generate_dataset
    from ecgtf.data.tfdata import make_dataset
    from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, prepare_pairs

    signals, _, _ = generate_dataset(8, seed=1)
    x, y, _, _ = prepare_pairs(signals, 500.0, EkganPreprocessing(input_layout="zero_padded"))
    model = CycleGAN(EkganConfig(width=0.0625, norm="instance"))   # CardioGAN's fit runs in the CLI test below
    model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                  run_eagerly=True)   # tracing the four-network step costs more than two tiny eager steps
    before = [[w.numpy().copy() for w in g.trainable_weights] for g in (model.inference_generator,
                                                                        model.backward_generator)]
    hist = model.fit(make_dataset(x, y, batch_size=4), epochs=1, verbose=0)
    for b, g in zip(before, (model.inference_generator, model.backward_generator)):
        assert any(not np.allclose(u, w.numpy()) for u, w in zip(b, g.trainable_weights))
    assert all(np.isfinite(v).all() for v in hist.history.values()) and {"cycle", "d_loss"} <= set(hist.history)
    assert {"discriminator_y0", "discriminator_x0"} <= set(model.checkpoint_objects())


def test_cardiogan_run_trains_restores_and_reconstructs(tmp_path):
    from ecgtf.backend import tf
    from ecgtf.cli import main
    from ecgtf.models.ekgan.trainer import build_model
    from ecgtf.reconstructor import Reconstructor
    from ecgtf.runs import Run, RunDir
    from ecgtf.trainer import EpochCheckpoint

    out = tmp_path / "cardiogan"
    args = ["train", "ekgan", "--variant", "cardiogan", "--width", "0.0625", "--n-synthetic", "16", "--batch-size", "8",
            "--verbose", "0", "--out", str(out)]
    tf.config.run_functions_eagerly(True)    # tiny steps: eager is faster than tracing CardioGAN's step
    try:
        assert main([*args, "--epochs", "1"]) == 0
    finally:
        tf.config.run_functions_eagerly(False)
    run = Run(out)
    assert run.variant == "cardiogan" and run.preprocessing.input_layout == "zero_padded"
    assert run.training.lambda_l1 == 30.0                              # CardioGAN's cycle weight
    model = build_model(run)                                           # what --resume does, without training
    assert isinstance(model, CardioGAN)
    run_dir = RunDir(out, resume=True)
    ckpt = EpochCheckpoint(run_dir, model.checkpoint_objects(), model.optimizer_pairs())
    assert ckpt.restore() == 1 and len(run.history()["cycle"]) == 1
    run_dir.release()
    assert (out / "final" / "backward_generator.weights.h5").exists()
    lead_i = np.sin(np.arange(5000) / 500.0 * 2 * np.pi * 1.2)
    rec = Reconstructor.from_run(out, "final")
    assert rec.reconstruct(lead_i, 500.0, quality=False).leads.shape == (12, 5000)
    assert main(["train", "ekgan", "--variant", "cyclegan", "--physics-head", "--out", str(tmp_path / "x")]) == 2
