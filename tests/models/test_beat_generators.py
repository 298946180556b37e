"""MIT-BIH beat generators (issue 13): full-size shapes and parameter counts, tiny training through the
CLI on synthetic beats, resume, sampling, WaveNet's fast sampler, TFLite export and the bench metrics."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ecgtf.kits.beatgen import beat_models
from ecgtf.kits.beatgen.trainer import networks_module

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--data", "synthetic", "--n-synthetic", "8", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "8",
        "--verbose", "0"]


def _run(module, *args):
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1"}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)


# generator parameters of every full-size model (paper defaults, default window); the Delaney LSTM
# generator checks the formula: 4·(50·(1+50)+50) + 4·(50·(50+50)+50) + 51 = 30,651.
EXPECTED_PARAMS = {
    ("lstm_cnn_gans", "lstm_cnn"): 30_651,
    ("bilstm_cnn_gan", "ecggan"): 474_097,  # the LSTM-GAN (ecgGAN) generator, unchanged
}


def _full_model(name, variant):
    from ecgtf.kits.beatgen.trainer import config_for, window_for

    window = window_for(name, variant)
    cfg = config_for(name, variant, window)
    return networks_module(name).build_model(cfg), window, cfg


@pytest.mark.parametrize("name,variant", [(n, v) for n in beat_models() for v in sorted(networks_module(n).VARIANTS)])
def test_full_size_models_shapes_and_parameters(name, variant):
    from ecgtf.kits.beatgen.sampling import generator_inputs

    model, window, cfg = _full_model(name, variant)
    g = model.generator
    if name == "wavenet_gan" and variant == "wavenet":
        out = g([np.zeros((2, window.length), np.float32), np.eye(3, dtype=np.float32)[[0, 2]]])
        assert out.shape == (2, window.length, cfg.quantization)
        assert cfg.receptive_field == 1024
    else:
        out = g(generator_inputs(g, 2, seed=0) if len(g.inputs) > 1 else generator_inputs(g, 2)[0])
        assert out.shape == (2, window.length)
    expected = EXPECTED_PARAMS.get((name, variant))
    if expected is not None:
        assert g.count_params() == expected
    assert g.count_params() > 1000


def test_windows_follow_the_papers():
    assert networks_module("lstm_cnn_gans").WINDOW.length == 187 and networks_module("lstm_cnn_gans").WINDOW.fs == 125
    w = networks_module("normal_beat_gans").WINDOW
    assert w.length == 256 and abs(w.fs * 280 / 256 - 360) < 1e-9  # 280 samples at 360 Hz → 256
    w = networks_module("wavenet_gan").WINDOW
    assert w.length == 1440 and w.symbols == ("N", "L", "R")  # 4 s at 360 Hz
    assert networks_module("conditional_beat_gan").WINDOW.symbols == ("N", "L", "R", "V", "A")


TINY_RUNS = {"wgan": ("normal_beat_gans", []), "lstm_ae": ("bilstm_cnn_gan", []),
             "lstm_fcn": ("conditional_beat_gan", []), "wavenet": ("wavenet_gan", ["--before", "50", "--after", "50"])}


@pytest.fixture(scope="module")
def beat_runs(tiny_runs, tmp_path_factory):
    """One tiny run per training path (the session's shared runs, see conftest): GAN with gradient penalty (wgan),
    plain AE (lstm_ae), class-conditional GAN (lstm_fcn), WaveNet; linked under their variant names."""
    root = tmp_path_factory.mktemp("beat_runs")
    for variant, (name, _) in TINY_RUNS.items():
        (root / variant).symlink_to(tiny_runs(name), target_is_directory=True)
    return root


@pytest.mark.parametrize("variant", sorted(TINY_RUNS))
def test_tiny_training_and_sampling(beat_runs, variant):
    from ecgtf.kits.beatgen.sampling import sample_beats
    from ecgtf.runs import Run

    out = beat_runs / variant
    assert (out / "final" / "generator.weights.h5").exists() and (out / "plots" / "epoch_001.png").exists()
    run = Run(out)
    assert run.variant == variant and run.model == TINY_RUNS[variant][0]
    g = run.generator()
    beats = sample_beats(run, g, 5, seed=3)
    assert beats.shape == (5, run.preprocessing.length) and np.all(np.isfinite(beats))
    assert np.array_equal(beats, sample_beats(run, g, 5, seed=3))  # seeded
    if variant == "lstm_ae":  # a plain AE samples from the Gaussian fitted to its codes, not N(0, 1)
        assert not np.allclose(g.get_layer("latent").std.numpy(), 1.0)
    if variant == "lstm_fcn":
        with pytest.raises(ValueError, match="class indices"):
            sample_beats(run, g, 3, labels=[0, 1, 7])


def test_resume_continues_the_run(beat_runs, tmp_path):
    import shutil

    out = tmp_path / "wgan"
    shutil.copytree(beat_runs / "wgan", out)
    r = _run("training.normal_beat_gans", "--out", out, "--resume", "--epochs", "2", "--verbose", "0")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "resuming after epoch 1" in r.stdout
    assert len(json.loads((out / "history.json").read_text())["g_loss"]) == 2


def test_wavenet_fast_sampler_matches_the_network():
    """The per-layer-queue sampler reproduces the teacher-forced network's logits exactly."""
    from ecgtf.models.wavenet_gan.networks import WavenetGanConfig, _Stepper, sample, wavenet

    cfg = WavenetGanConfig(length=60, dilations=(1, 2, 4, 8), residual_channels=8, skip_channels=16)
    net = wavenet(cfg)
    rng = np.random.default_rng(0)
    for w in net.weights:  # non-trivial weights everywhere
        w.assign(rng.normal(0, 0.3, w.shape).astype(np.float32))
    forced = np.clip(rng.normal(0, 0.4, (2, 60)), -1, 1).astype(np.float32)
    onehot = np.eye(3, dtype=np.float32)[[0, 2]]
    _, step_logits = _Stepper(net, cfg).run(onehot, 60, rng, forced=forced)
    prev = np.concatenate([np.zeros((2, 1), np.float32), forced[:, :-1]], axis=1)
    full = net([prev, onehot]).numpy()
    np.testing.assert_allclose(step_logits, full, rtol=1e-4, atol=1e-4)
    beats = sample(net, cfg, 3, labels=[0, 1, 2], seed=1)
    assert beats.shape == (3, 60) and beats.min() >= 0 and beats.max() <= 1


def test_generators_export_to_tflite_with_builtin_ops(tiny_runs):
    """A class-conditional GAN (noise + one-hot → beat) and WaveNet's one-step signature convert,
    validate in LiteRT and carry their metadata (the session's shared float32 exports)."""
    for name, shape_in, shape_out in (("conditional_beat_gan", [1, 256 * 4 + 5], [1, 256]),
                                      ("wavenet_gan", [1, 1024 + 3], [1, 256])):
        folder, records = tiny_runs.export(name)
        assert records[0]["passed"], records
        meta = json.loads((folder / f"{name}_float32.json").read_text())
        assert meta["validation"]["rel_rms_vs_keras"] < 1e-3
        assert meta["model"] == name and meta["output_spec"]["sampling_rate_hz"] == 360.0
        assert meta["input_spec"]["shape"] == shape_in and meta["output_spec"]["shape"] == shape_out
        content = (folder / f"{name}_float32.tflite").read_bytes()
        assert b"Flex" not in content  # builtin ops only


def test_bench_metrics_separate_real_from_collapsed():
    """Real→real is near its floor and 1NNC ≈ 0.5; a mode-collapsed generator is far and 1NNC ≈ 1."""
    from ecgtf.kits.beatgen.evaluate import fidelity

    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 128)
    def beats(n):
        amp = rng.uniform(0.6, 1.4, (n, 1))
        shift = rng.uniform(-0.05, 0.05, (n, 1))
        return (amp * np.exp(-((t - 0.3 - shift) / 0.02) ** 2) + 0.2 * np.exp(-((t - 0.7) / 0.06) ** 2)
                + rng.normal(0, 0.02, (n, 128)))
    real = beats(400)
    good = fidelity(real, beats(100), n=100)
    collapsed = fidelity(real, np.repeat(beats(1), 100, axis=0), n=100)
    assert abs(good["one_nn_accuracy"] - 0.5) < 0.15 and collapsed["one_nn_accuracy"] > 0.9
    assert good["dtw"] < 1.5 * good["real_dtw"] and good["mmd"] < collapsed["mmd"]


def test_bench_cli_on_a_tiny_run_and_bad_input(beat_runs, tmp_path):
    r = _run("training.evaluate_beat_generators", beat_runs / "wgan", "--out", tmp_path / "bench", "--n", "20",
             "--no-utility")
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert results[0]["variant"] == "wgan" and 0 <= results[0]["fidelity"]["one_nn_accuracy"] <= 1
    assert "| normal_beat_gans | wgan |" in (tmp_path / "bench" / "bench.md").read_text()
    assert (tmp_path / "bench" / "examples.png").exists()
    r = _run("training.evaluate_beat_generators", tmp_path / "nothing")
    assert r.returncode == 2 and "not a run directory" in r.stderr
    r = _run("training.normal_beat_gans", *TINY, "--variant", "nope", "--out", tmp_path / "x")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = _run("training.normal_beat_gans", "--data", tmp_path / "missing", "--out", tmp_path / "y", "--verbose", "0")
    assert r.returncode == 2 and "expected 'mitdb', 'synthetic' or a MIT-BIH directory" in r.stderr
