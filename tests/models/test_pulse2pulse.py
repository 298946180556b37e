"""Pulse2Pulse: the paper's sizes, phase shuffle, a tiny CLI run with resume, sampling and TFLite export."""
import json

import numpy as np
import pytest

from ecgtf.backend import tf
from ecgtf.models.pulse2pulse.networks import VARIANTS, PhaseShuffle, Pulse2PulseConfig, discriminator, generator


def _conv_params(c_in, c_out, k=25):
    return c_in * c_out * k + c_out


def test_paper_sizes_match_the_published_module():
    cfg = Pulse2PulseConfig()
    g = generator(cfg)
    assert g.input_shape == (None, 5000, 8) and g.output_shape == (None, 5000, 8)
    d = 50
    encoder = [(8, 10), (10, 25), (25, 50), (50, 150), (150, 250), (250, 250)]
    decoder = [(250, 250), (500, 150), (300, 50), (100, 25), (50, 10), (10, 8)]
    expected = sum(_conv_params(a, b) for a, b in encoder + decoder)
    assert g.count_params() == expected == 6_617_728
    # the published state dict adds an unused ConvTranspose1d per decoder layer, Linear(100, 500) and a
    # 512-tap post-filter: 10,590,997 numbers (42.4 MB as float32, the size of deepfake-ecg's g_stat.pt)
    unused = sum(_conv_params(a, b) for a, b in decoder) + (100 * 500 + 500) + _conv_params(8, 8, 512)
    assert expected + unused == 10_590_997
    critic_channels = [8] + [d * m for m in (1, 2, 5, 10, 20, 25, 100)]
    lengths = [5000]
    for s in (2, 2, 2, 2, 4, 4, 4):
        lengths.append((lengths[-1] + 22 - 25) // s + 1)
    assert lengths[-1] == 5 and critic_channels[-1] * lengths[-1] == 25_000   # the paper's fc1 = Linear(25000, 1)
    critic = sum(_conv_params(a, b) for a, b in zip(critic_channels, critic_channels[1:])) + 25_001
    cpu = Pulse2PulseConfig(**VARIANTS["cpu"])
    assert discriminator(cpu).output_shape == (None, 1)
    assert critic == 203_918_151    # built only at CPU size here (the paper's critic is 0.8 GB of float32)


def test_length_must_fit_the_strides():
    with pytest.raises(ValueError, match="multiple"):
        Pulse2PulseConfig(length=4999)
    with pytest.raises(ValueError, match="empty"):
        Pulse2PulseConfig(model_size=2)


def test_phase_shuffle_shifts_within_range_with_reflection():
    x = tf.constant(np.arange(2 * 20 * 3, dtype=np.float32).reshape(2, 20, 3))
    layer = PhaseShuffle(2)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x.numpy())
    tf.random.set_seed(0)
    for _ in range(10):
        y = layer(x, training=True).numpy()
        for b in range(2):
            shifts = [k for k in range(-2, 3) if np.array_equal(y[b, 2:-2], x.numpy()[b, 2 - k:18 - k])]
            assert len(shifts) == 1
            k = shifts[0]
            if k > 0:   # reflect padding at the start: y[0] = x[k]
                assert np.array_equal(y[b, 0], x.numpy()[b, k])


def test_tiny_training_resume_sampling_and_tflite(tiny_runs, tmp_path):
    import shutil

    from ecgtf import registry
    from ecgtf.models.pulse2pulse.sampling import sample_records
    from ecgtf.models.pulse2pulse.trainer import main
    from export.engine import export_run
    from export.tflite import check_builtin_only, op_names

    smoke = registry.get("pulse2pulse").smoke_args      # the cpu variant, model size 10, one step on synthetic data
    assert ("--variant", "cpu") == tuple(smoke[:2]) and "--model-size" in smoke
    run = tmp_path / "p2p"
    shutil.copytree(tiny_runs("pulse2pulse"), run)     # the session's shared run (one epoch), resumed here
    tf.config.run_functions_eagerly(True)     # tiny steps: eager beats tracing the 5-critic-step train_step
    try:
        assert main(["--resume", "--epochs", "2", "--out", str(run), "--verbose", "0"]) == 0
    finally:
        tf.config.run_functions_eagerly(False)
    assert json.loads((run / "metrics.json").read_text())["epochs_done"] == 2
    signals, fs = sample_records(run, 3, seed=1)
    assert signals.shape == (3, 12, 1000) and fs == 100.0
    np.testing.assert_allclose(signals[:, 2], signals[:, 1] - signals[:, 0], atol=1e-5)   # III = II − I
    assert np.all(np.abs(signals) <= 3.0 + 1e-5)     # tanh × scale_mv
    np.testing.assert_array_equal(signals, sample_records(run, 3, seed=1)[0])

    from ecgtf.data.sources import load_source

    ds = load_source(f"pulse2pulse:{run}", n_synthetic=3, seed=1)    # the learned generator as a data source
    assert ds.signals.shape == (3, 12, 5000) and ds.fs == 500.0 and ds.units == "mV"
    with pytest.raises(FileNotFoundError, match="not a training run"):
        load_source(f"pulse2pulse:{tmp_path / 'nothing'}", n_synthetic=3)

    records = export_run(run, formats=["float16"], n_validate=4, n_calibration=4, verbose=False)
    assert records[0]["passed"], records
    meta = json.loads((run / "export" / "pulse2pulse_float16.json").read_text())
    assert meta["output_spec"]["shape"] == [1, 12, 1000] and meta["output_spec"]["units"] == "mV"
    content = (run / "export" / "pulse2pulse_float16.tflite").read_bytes()
    check_builtin_only(content)      # no Flex ops on the phone
    assert "FlexConv1D" not in op_names(content)
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(run / "export" / "pulse2pulse_float16.tflite"))
    interp.allocate_tensors()
    noise = np.random.default_rng(0).uniform(-1, 1, (1, 1000, 8)).astype(np.float32)
    interp.set_tensor(interp.get_input_details()[0]["index"], noise)
    interp.invoke()
    ecg = interp.get_tensor(interp.get_output_details()[0]["index"])
    from ecgtf.models.pulse2pulse.mobile import Pulse2PulseMobile
    from ecgtf.runs import Run

    r = Run(run)
    keras_ecg = Pulse2PulseMobile(r.generator(), r.data.scale_mv)(noise)
    np.testing.assert_allclose(ecg, keras_ecg, atol=0.01 * np.std(keras_ecg) + 1e-6)
    np.testing.assert_allclose(ecg[:, 5], ecg[:, 1] - ecg[:, 0] / 2, atol=1e-5)    # aVF = II − I/2


def test_finetune_critic_is_the_cpu_critic_on_the_pooled_output():
    fine = Pulse2PulseConfig(**{"variant": "finetune", **VARIANTS["finetune"]})
    cpu = Pulse2PulseConfig(**{"variant": "cpu", **VARIANTS["cpu"]})
    assert (fine.length, fine.fs, fine.channels) == (5000, 500.0, Pulse2PulseConfig().channels)  # the paper generator
    critic = discriminator(fine)
    assert critic.get_layer("d_pool").output_shape == (None, 1000, 8)      # judged at 100 Hz
    assert critic.count_params() == discriminator(cpu).count_params()
    with pytest.raises(ValueError, match="critic_pool"):
        Pulse2PulseConfig(critic_pool=3)


def test_init_generator_with_critic_warmup(tmp_path):
    """--init-generator copies another run's generator; during --critic-warmup only the critic learns."""
    from ecgtf.models.pulse2pulse.trainer import main
    from ecgtf.runs import Run

    tiny = ["--variant", "cpu", "--model-size", "5", "--critic-size", "2", "--sources", "synthetic",
            "--n-synthetic", "8", "--batch-size", "4", "--steps-per-epoch", "1", "--verbose", "0"]
    tf.config.run_functions_eagerly(True)
    try:
        assert main(tiny + ["--epochs", "1", "--out", str(tmp_path / "a")]) == 0
        assert main(tiny + ["--epochs", "1", "--out", str(tmp_path / "b"), "--init-generator", str(tmp_path / "a"),
                            "--critic-warmup", "1"]) == 0
        assert main(tiny + ["--epochs", "1", "--out", str(tmp_path / "c"), "--init-generator", str(tmp_path / "a"),
                            "--generator-lr", "1e-3"]) == 0
    finally:
        tf.config.run_functions_eagerly(False)
    a, b, c = (Run(tmp_path / n) for n in "abc")
    for w_a, w_b in zip(a.generator().get_weights(), b.generator().get_weights()):
        np.testing.assert_array_equal(w_a, w_b)                # frozen through the warm-up step
    assert any(np.abs(w_a - w_c).max() > 0 for w_a, w_c in zip(a.generator().get_weights(), c.generator().get_weights()))
    assert b.training.init_generator == str(tmp_path / "a") and c.training.generator_lr == 1e-3
    # a different generator, another unit scale, or no run at all: refused before a run directory exists
    assert main(tiny + ["--model-size", "6", "--out", str(tmp_path / "d"), "--init-generator", str(tmp_path / "a")]) == 2
    assert main(tiny + ["--scale-mv", "6", "--out", str(tmp_path / "d"), "--init-generator", str(tmp_path / "a")]) == 2
    assert main(tiny + ["--out", str(tmp_path / "d"), "--init-generator", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "d").exists()


def test_bad_sources_are_refused_before_a_run_exists(tmp_path, capsys):
    from ecgtf.models.pulse2pulse.trainer import main

    assert main(["--sources", "ptb-xl,nonsense", "--out", str(tmp_path / "r")]) == 2
    assert "nonsense" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_published_weights_reproduce_deepfake_ecg():
    """The Keras generator with deepfake-ecg's checkpoint equals the package's PyTorch generator."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install deepfake-ecg torch)")
    deepfakeecg = pytest.importorskip("deepfakeecg", reason="deepfake-ecg is not installed")
    from ecgtf.models.pulse2pulse.published import published_generator, published_state_dict

    assert sum(v.size for v in published_state_dict().values()) == 10_590_997
    net = deepfakeecg.Generator()
    net.load_state_dict(torch.load(deepfakeecg.__path__[0] + "/checkpoints/g_stat.pt", map_location="cpu")["stat_dict"])
    net.eval()
    noise = np.random.default_rng(0).uniform(-1, 1, (2, 8, 5000)).astype(np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(noise)).numpy()
    got = published_generator()(np.transpose(noise, (0, 2, 1))).numpy().transpose(0, 2, 1)
    np.testing.assert_allclose(got, expected, atol=1e-4 * np.abs(expected).max() + 1e-6)
