"""ECG denoiser (issue 14): full-size shapes and parameter counts, the data split, the classical baselines,
tiny training through the CLI, TFLite export, ecgtf.Denoiser, Reconstructor(denoise=...), the CLI flag and
the bench's scoring."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_mitdb, needs_nstdb
from hypothesis import given, settings
from hypothesis import strategies as st

from ecgtf.models.denoiser.data import (
    DenoiserData,
    DenoiseWindow,
    NoiseBank,
    power,
    random_pairs,
    scale_to_snr,
    synthetic_sources,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--data", "synthetic", "--n-synthetic", "4", "--length", "256", "--filters", "8,16", "--epochs", "2",
        "--steps-per-epoch", "3", "--batch-size", "8", "--verbose", "0"]


def _run(*args, module="training.denoiser"):
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1"}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)


# -- networks -----------------------------------------------------------------------------------------------
# generator / discriminator parameters at the defaults (1,024 samples; encoder 16-32-48-64, kernel 16)
EXPECTED = {"lstm_dcgan": 292_417, "dcgan": 201_281, "lstm_gan": 33_985}


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_full_size_denoisers_shapes_parameters_and_level(variant):
    from ecgtf.models.denoiser.networks import VARIANTS, DenoiserConfig, build_model

    cfg = replace(DenoiserConfig(variant=variant), **VARIANTS[variant])
    model = build_model(cfg)
    assert model.generator.count_params() == EXPECTED[variant]
    assert model.discriminator.count_params() == 111_281
    x = np.random.default_rng(0).normal(size=(2, 1024)).astype(np.float32) + np.array([[0.7], [-1.2]], np.float32)
    y = model.generator(x).numpy()
    assert y.shape == (2, 1024)
    np.testing.assert_allclose(y.mean(axis=1), x.mean(axis=1), atol=1e-4)   # the level of the recording is kept
    assert model.discriminator([x, x]).shape == (2, 1)


def test_config_rejects_bad_sizes():
    from ecgtf.models.denoiser.networks import DenoiserConfig

    with pytest.raises(ValueError, match="divisible"):
        DenoiserConfig(length=1000)
    with pytest.raises(ValueError, match="unknown denoiser variant"):
        DenoiserConfig(variant="unet")
    with pytest.raises(ValueError, match="both train_records and test_records"):
        DenoiserData(train_records=(100, 205), test_records=(205,))


# -- data ---------------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(snr=st.floats(-10, 30), seed=st.integers(0, 10_000))
def test_scale_to_snr_gives_the_asked_power_ratio(snr, seed):
    rng = np.random.default_rng(seed)
    clean = rng.normal(size=2000) + 3.0
    noise = scale_to_snr(clean, rng.normal(size=2000).cumsum(), snr)
    assert abs(noise.mean()) < 1e-9
    assert 10 * np.log10(power(clean) / power(noise)) == pytest.approx(snr, abs=1e-6)


def test_noise_bank_keeps_train_and_test_apart_and_mixes_at_equal_power():
    data = DenoiserData()
    n = 10_000
    noise = {"bw": np.arange(2 * n, dtype=np.float32).reshape(2, n), "ma": -np.arange(2 * n, dtype=np.float32).reshape(2, n)}
    train, test = NoiseBank(noise, "train", data), NoiseBank(noise, "test", data)
    for ch in (0, 1):                                               # per channel, train precedes test with a gap
        assert train.parts["bw"][ch].max() < test.parts["bw"][ch].min() - 100
    rng = np.random.default_rng(0)
    src = {"bw": np.random.default_rng(1).normal(size=(2, n)) * 5, "ma": np.random.default_rng(2).normal(size=(2, n))}
    mix = NoiseBank(src, "train", data).fragment("mix", 1000, rng)
    assert mix.shape == (1000,) and power(mix) == pytest.approx(2.0, rel=0.2)   # two unit-power parts


def test_random_pairs_on_synthetic_sources():
    clean, noise = synthetic_sources(3, 360.0, seed=0, seconds=20.0)
    bank = NoiseBank(noise, "train", DenoiserData())
    noisy, target = random_pairs(clean, bank, 16, 512, ("bw", "ma", "mix"), (0.0, 0.0), np.random.default_rng(0))
    assert noisy.shape == target.shape == (16, 512)
    snr = 10 * np.log10(power(target) / power(noisy - target))
    np.testing.assert_allclose(snr, 0.0, atol=1e-3)


@needs_mitdb
@needs_nstdb
def test_real_split_keeps_test_records_118_119_and_test_noise_out_of_training():
    from ecgtf.models.denoiser.data import load_sources

    data = DenoiserData()
    src = load_sources(DenoiseWindow(), data)
    assert set(src["train"]).isdisjoint(src["test"])
    assert not {118, 119} & (set(src["train"]) | set(src["test"]))
    assert set(src["noise"]) == {"bw", "ma"}
    n = src["noise"]["bw"].shape[1]
    assert n == 650_000 and all(v.dtype == np.float32 for v in src["train"].values())
    train, test = NoiseBank(src["noise"], "train", data), NoiseBank(src["noise"], "test", data)
    assert train.parts["bw"].shape[1] + test.parts["bw"].shape[1] < n   # a gap between the two parts


# -- classical baselines ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["bandpass", "wavelet"])
@pytest.mark.parametrize("kind", ["bw", "ma"])
def test_classical_denoisers_improve_snr_on_synthetic_ecg(method, kind):
    from ecgtf.denoising import Denoiser
    from ecgtf.metrics import snr_db

    clean, noise = synthetic_sources(1, 360.0, seed=3, seconds=30.0)
    c = clean[0]
    noisy = c + scale_to_snr(c, noise[kind][0, :c.size], 0.0)
    y = Denoiser.get(method)(noisy, 360.0)
    centred = [v - v.mean() for v in (c, noisy, y)]
    gain = snr_db(centred[0], centred[2]) - snr_db(centred[0], centred[1])
    assert y.shape == c.shape and y.dtype == np.float32
    assert gain > 3.0, f"{method} on {kind}: {gain:.1f} dB"


# -- training, export, API, CLI ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_run(tiny_runs):
    """The session's shared tiny denoiser run (``ModelSpec.smoke_args`` = :data:`TINY`)."""
    from ecgtf import registry

    assert tuple(registry.get("denoiser").smoke_args) == tuple(TINY)
    return tiny_runs("denoiser")


def test_tiny_training_writes_a_complete_run_and_resumes(tiny_run, tmp_path):
    cfg = json.loads((tiny_run / "config.json").read_text())
    assert cfg["model"] == "denoiser" and cfg["architecture"]["filters"] == [8, 16]
    assert cfg["preprocessing"]["length"] == 256 and cfg["preprocessing"]["hop"] == 128
    assert (tiny_run / "final" / "generator.weights.h5").exists()
    assert (tiny_run / "plots" / "epoch_002.png").exists()
    hist = json.loads((tiny_run / "history.json").read_text())
    assert len(hist["val_content"]) == 2 and all(np.isfinite(hist["val_content"]))
    import shutil

    copy = tmp_path / "resumed"
    shutil.copytree(tiny_run, copy)
    r = _run("--out", copy, "--resume", "--epochs", "3", "--verbose", "0")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "resuming after epoch 2" in r.stdout
    assert len(json.loads((copy / "history.json").read_text())["val_content"]) == 3


def test_trainer_refuses_bad_arguments(tmp_path):
    r = _run(*TINY, "--filters", "8,x", "--out", tmp_path / "bad")
    assert r.returncode == 2 and "--filters" in r.stderr
    r = _run(*TINY, "--data", str(tmp_path / "nowhere"), "--out", tmp_path / "bad2")
    assert r.returncode == 2 and "expected 'mitdb', 'synthetic'" in r.stderr


def test_denoiser_api_any_rate_and_short_input(tiny_run):
    import ecgtf

    den = ecgtf.Denoiser.get(str(tiny_run))
    rng = np.random.default_rng(0)
    for fs, n in ((250.0, 2500), (360.0, 100), (500.0, 300)):
        y = den(rng.normal(size=n) * 0.2 + 1.0, fs)
        assert y.shape == (n,) and np.all(np.isfinite(y))
    with pytest.raises(ValueError, match="NaN"):
        den(np.full(500, np.nan), 360.0)
    with pytest.raises(ValueError, match="not 'none'"):
        ecgtf.Denoiser.get("no-such-denoiser")
    assert ecgtf.Denoiser.get("none") is None


def test_tflite_export_validates_and_matches_keras(tiny_run, tiny_runs, tmp_path):
    import ecgtf
    from export.engine import export_run

    folder, records = tiny_runs.export("denoiser")            # the session's shared float32 export
    dynamic = export_run(tiny_run, ["dynamic"], tmp_path / "export", n_validate=4, n_calibration=4, verbose=False)
    assert records[0]["passed"] and dynamic[0]["passed"], (records, dynamic)
    meta = json.loads((folder / "denoiser_float32.json").read_text())
    assert meta["model"] == "denoiser" and meta["input_spec"]["length"] == 256
    assert meta["input_spec"]["sampling_rate_hz"] == 360.0
    x = np.random.default_rng(1).normal(size=1500) * 0.3
    keras_y = ecgtf.Denoiser.get(str(tiny_run))(x, 360.0)
    lite_y = ecgtf.Denoiser.get(str(folder / "denoiser_float32.tflite"))(x, 360.0)
    np.testing.assert_allclose(lite_y, keras_y, atol=1e-3)


def test_reconstructor_denoises_lead_i_in_reconstruct_and_stream(tiny_run):
    import ecgtf
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    lead = generate_record(SyntheticConfig(duration_s=12.0), seed=2).signal[0]
    plain = ecgtf.Reconstructor.from_preset("unet1d_lite")
    with_den = ecgtf.Reconstructor.from_preset("unet1d_lite", denoise=str(tiny_run))
    assert "denoise=" in repr(with_den) and plain.denoiser is None
    a, b = plain.reconstruct(lead, 500.0).leads, with_den.reconstruct(lead, 500.0).leads
    assert a.shape == b.shape and not np.allclose(a, b)        # the denoiser did run
    calls = []
    den = ecgtf.Denoiser(lambda x, fs: calls.append(x.size) or x, "identity")
    plain.denoiser = den
    np.testing.assert_allclose(plain.reconstruct(lead, 500.0).leads, a, atol=1e-5)   # identity changes nothing
    chunk = plain.stream(500.0).push(lead)
    assert len(chunk) > 0 and len(calls) >= 2                   # the live stream goes through it too
    with pytest.raises(ValueError, match="denoise"):
        ecgtf.Reconstructor.from_preset("unet1d_lite", denoise=42)


def test_cli_reconstruct_with_denoise_flag(tmp_path):
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    lead = generate_record(SyntheticConfig(duration_s=10.0), seed=4).signal[0]
    csv = tmp_path / "lead.csv"
    np.savetxt(csv, lead)
    r = _run("reconstruct", csv, "--fs", "500", "--model", "unet1d_lite", "--denoise", "wavelet", "-o",
             tmp_path / "out", module="ecgtf")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "denoised by wavelet" in r.stdout and (tmp_path / "out.csv").exists()
    r = _run("reconstruct", csv, "--fs", "500", "--denoise", str(tmp_path / "missing-run"), "-o", tmp_path / "x",
             module="ecgtf")
    assert r.returncode != 0 and "missing-run" in r.stderr


# -- the bench's scoring ------------------------------------------------------------------------------------
def test_fragment_scores_identity_and_perfect():
    from ecgtf.models.denoiser.evaluate import fragment_scores

    rng = np.random.default_rng(0)
    clean = np.sin(np.arange(4096) / 20.0) + 0.5
    noisy = clean + 0.3 * rng.normal(size=clean.size)
    ok = np.ones(clean.size, bool)
    same = fragment_scores(clean, noisy, noisy, ok)
    assert same["snr_imp"] == pytest.approx(0.0) and same["fragments"] == 4
    perfect = fragment_scores(clean, noisy, clean + 7.0, ok)           # an offset is no error (centred)
    assert perfect["prd"] == pytest.approx(0.0, abs=1e-9) and perfect["rmse"] == pytest.approx(0.0, abs=1e-9)
    ok[:1500] = False
    assert fragment_scores(clean, noisy, noisy, ok)["fragments"] == 2


def test_noise_mask_finds_the_noisy_stretches():
    from ecgtf.models.denoiser.evaluate import noise_mask

    diff = np.full(3600, -5.12)
    diff[1000:2000] += np.random.default_rng(0).normal(size=1000) * 0.1
    m = noise_mask(diff, 360.0)
    assert m[1080:1980].all() and not m[:900].any() and not m[2200:].any()


def test_beat_scores_xqrs_on_clean_and_erased_signal():
    from ecgtf.data.synthetic import SyntheticConfig, generate_record
    from ecgtf.models.denoiser.evaluate import Recording, beat_scores

    rec = generate_record(SyntheticConfig(duration_s=30.0, fs=360.0, baseline_wander_mv=0.0, emg_mv=0.0), seed=1)
    x = rec.signal[1].astype(np.float32)
    r = Recording("t", "none", 0.0, "s", x, x, np.asarray(rec.r_peaks), np.ones(x.size, bool), 360.0)
    good = beat_scores(x, r)
    assert good["qrs_f1"] > 0.95 and good["hr_mae"] < 3.0
    erased = beat_scores(np.zeros_like(x) + 1e-3 * np.random.default_rng(0).normal(size=x.size), r)
    assert erased["qrs_f1"] < 0.5
