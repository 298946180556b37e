"""ME-GAN (issue 15): full-size shapes and parameter counts, the layers (linear up-sampling, MixupNorm,
view coordinates), beat segmentation and the splits, tiny training + resume through the CLI, TFLite
export, the bench's metrics and a tiny bench run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_ludb
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--data", "synthetic", "--n-synthetic", "24", "--width", "16", "--epochs", "2", "--steps-per-epoch", "2",
        "--batch-size", "4", "--verbose", "0"]


def _run(*args, module="training.me_gan"):
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1"}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)


# -- networks -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides,generator_params", [({"variant": "bilstm_cnn"}, 418_316),
    ({}, 3_343_685), ({"normalization": "self_modulation"}, 3_595_841), ({"variant": "cdcgan"}, 1_486_092)])
def test_full_size_shapes_and_parameter_counts(overrides, generator_params):
    from ecgtf.models.me_gan.engine import build_model
    from ecgtf.models.me_gan.networks import MeganConfig

    model = build_model(MeganConfig(**overrides))
    assert model.generator.count_params() == generator_params
    assert model.discriminator.count_params() == 310_596
    assert model.view_discriminator.count_params() == 53_570
    rng = np.random.default_rng(0)
    beats = model.generator([rng.standard_normal((2, 128)).astype(np.float32),
                             np.array([[0, 0, 0], [1, 0, 1]], np.float32)]).numpy()
    assert beats.shape == (2, 12, 512) and beats.min() >= 0 and beats.max() <= 1
    score, logits = model.discriminator(beats)
    assert score.shape == (2, 1) and logits.shape == (2, 3)
    assert model.view_discriminator([beats[:, :, :256], np.tile(np.arange(256), (2, 1))]).shape == (2, 12, 2)


def test_mixed_precision_generators_answer_float32():
    """GPU path (mixed_float16): every variant's generator still returns float32 beats."""
    from ecgtf.backend import keras
    from ecgtf.models.me_gan.networks import VARIANTS, MeganConfig, build_generator, widths

    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        dtypes = {v: build_generator(MeganConfig(variant=v, **widths(16))).output.dtype.name for v in VARIANTS}
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert set(dtypes.values()) == {"float32"}, dtypes


def test_config_rejects_inconsistent_sizes():
    from ecgtf.models.me_gan.networks import MeganConfig, widths

    with pytest.raises(ValueError, match="base_length"):
        MeganConfig(base_length=16)
    with pytest.raises(ValueError, match="normalization"):
        MeganConfig(normalization="batch")
    with pytest.raises(ValueError, match="view_crop"):
        MeganConfig(view_crop=600)
    with pytest.raises(ValueError, match="too small"):
        widths(2)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(2, 20), st.integers(1, 4)),
              elements=st.floats(-10, 10, width=32)))
def test_linear_upsample_matches_interpolation_at_half_sample_centres(x):
    """out[j] = x interpolated at (j + ½)/2 − ½, clamped to the ends (PyTorch align_corners=False)."""
    from ecgtf.models.me_gan.networks import LinearUpsample1D

    out = LinearUpsample1D()(x).numpy()
    n = x.shape[1]
    pos = np.clip((np.arange(2 * n) + 0.5) / 2 - 0.5, 0, n - 1)
    expected = np.stack([[np.interp(pos, np.arange(n), x[b, :, c]) for c in range(x.shape[2])]
                         for b in range(x.shape[0])]).transpose(0, 2, 1)
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_mixupnorm_normalises_along_the_length_and_injects_the_condition():
    """Self-modulation: the output is an affine map per channel of the length-wise standardised input;
    MixupNorm: its output depends on the condition vector and the condition feature map."""
    from ecgtf.models.me_gan.networks import MixupNorm

    rng = np.random.default_rng(0)
    z_i = rng.normal(3.0, 2.0, (2, 16, 4)).astype(np.float32)
    c_i = rng.normal(size=(2, 16, 3)).astype(np.float32)
    zv, cv = rng.normal(size=(2, 8)).astype(np.float32), rng.normal(size=(2, 8)).astype(np.float32)
    sm = MixupNorm(4, units=8, mode="self_modulation")
    out = sm([z_i, c_i, zv, cv]).numpy()
    standard = (z_i - z_i.mean(1, keepdims=True)) / z_i.std(1, keepdims=True)
    for b in range(2):
        for c in range(4):
            assert abs(abs(np.corrcoef(out[b, :, c], standard[b, :, c])[0, 1]) - 1) < 1e-4
    mix = MixupNorm(4, units=8, attention_channels=4, kernel=3)
    base = mix([z_i, c_i, zv, cv], training=False).numpy()
    assert not np.allclose(base, mix([z_i, c_i, zv, cv + 1.0], training=False).numpy())
    assert not np.allclose(base, mix([z_i, c_i * 2.0, zv, cv], training=False).numpy())


def test_view_coordinates():
    from ecgtf.models.me_gan.networks import encode_angles, view_angles, view_targets

    t = view_targets()
    assert t.shape == (12, 2) and np.all(np.abs(t) <= 1)
    assert len({tuple(np.round(r, 4)) for r in t}) == 12          # every view has its own target (aVR ≠ aVL)
    assert encode_angles(view_angles()).shape == (12, 12)
    np.testing.assert_allclose(view_angles()[0], [np.pi / 2, np.pi / 2])   # lead I


# -- data ---------------------------------------------------------------------------------------------------

def test_segment_beats_aligns_r_peaks_and_scales_to_unit_range():
    from ecgtf.data.synthetic import generate_record
    from ecgtf.models.me_gan.data import BeatConfig, segment_beats

    rec = generate_record(seed=3)
    beats = segment_beats(rec.signal, rec.fs, BeatConfig(max_beats_per_record=20))
    assert beats.ndim == 3 and beats.shape[1:] == (12, 512) and len(beats) >= 5
    assert beats.min() >= 0 and beats.max() <= 1 and np.all(beats.reshape(len(beats), -1).max(1) == 1)
    qrs = np.abs(np.diff(beats[:, 1, :250], axis=1))   # lead II slope before the padding: steepest in the QRS
    assert np.all(np.abs(np.argmax(qrs, axis=1) - 100) <= 25)
    assert segment_beats(np.zeros((12, 5000)), 500.0).shape == (0, 12, 512)   # flat record: no beats


def test_condition_mapping_and_stratified_patient_split():
    from ecgtf.models.me_gan.data import alternating_halves, condition_vector, stratified_patient_split

    np.testing.assert_array_equal(condition_vector(("NORM", "LAD")), [1, 0, 0])
    np.testing.assert_array_equal(condition_vector(("CRBBB", "RAD")), [0, 1, 1])
    np.testing.assert_array_equal(condition_vector(("IRBBB", "SR")), [0, 0, 0])      # incomplete RBBB not counted
    patients = [f"p{i // 2}" for i in range(60)]             # two records per patient
    strata = [3 if i < 8 else (1 if i < 20 else 0) for i in range(60)]
    train, test = stratified_patient_split(patients, strata, (0.75, 0.25), seed=0)
    assert len(train) + len(test) == 60 and not set(np.array(patients)[train]) & set(np.array(patients)[test])
    assert {strata[i] for i in test} == {0, 1, 3}
    h1, h2 = alternating_halves([patients[i] for i in test], [strata[i] for i in test], seed=0)
    assert len(h1) and len(h2) and not set(h1) & set(h2)


@needs_ludb
def test_real_ludb_beats_and_labels():
    from ecgtf.models.me_gan.data import BeatConfig, MeganData, load_beats, split_beats

    data = MeganData(sources=("ludb",))
    pool = load_beats(BeatConfig(), data)
    assert len(pool["records"]) >= 190 and pool["beats"].shape[1:] == (12, 512)
    per_record = np.stack([r["conditions"] for r in pool["records"]])
    assert per_record[:, 0].sum() >= 20          # LUDB has many left axis deviations
    s = split_beats(pool, data)
    tr = {pool["records"][i]["patient"] for i in np.unique(s["train"]["record"])}
    te = {pool["records"][i]["patient"] for i in np.unique(s["test"]["record"])}
    assert not tr & te and len(s["real_half1"]["beats"]) and len(s["real_half2"]["beats"])


# -- bench metrics ------------------------------------------------------------------------------------------

def test_bench_metrics():
    from ecgtf.metrics import gaussian_frechet
    from ecgtf.models.me_gan.evaluate import average_precision, bootstrap_ap, view_distances

    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    assert gaussian_frechet(a, a) < 1e-6
    assert abs(gaussian_frechet(a, a + np.array([2.0, 0, 0])) - 4.0) < 1e-3
    assert abs(average_precision(np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1])) - (1 + 2 / 3) / 2) < 1e-9
    assert average_precision(np.array([1, 1, 0]), np.array([3, 2, 1])) == 1.0
    ap, lo, hi = bootstrap_ap(np.array([1, 0] * 20), rng.random(40), np.arange(40) // 2)
    assert lo <= ap <= hi
    from ecgtf.metrics import one_nn_accuracy

    def clustered(n):             # n records of 4 near-identical beats, as cut from one 10 s record
        centre = rng.normal(size=(n, 1, 20))
        return (centre + 0.01 * rng.normal(size=(n, 4, 20))).reshape(-1, 20), np.repeat(np.arange(n), 4)
    (a, ga), (b, gb) = clustered(50), clustered(50)
    assert one_nn_accuracy(a, b) > 0.95                                   # beats find their siblings
    assert 0.3 < one_nn_accuracy(a, b, ga, gb + 1000) < 0.65             # leave-one-record-out: ≈ 0.5 (small-n bias)
    d = view_distances(rng.random((3, 12, 50)))
    assert d.shape == (3, 12, 12) and np.allclose(d, d.transpose(0, 2, 1)) and np.allclose(np.diagonal(d, 0, 1, 2), 0, atol=1e-6)


# -- training, export, bench (one tiny run) -----------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_run(tiny_runs, tmp_path_factory):
    """A copy of the session's shared tiny ME-GAN run (``ModelSpec.smoke_args`` = :data:`TINY`): the tests here
    resume it."""
    import shutil

    from ecgtf import registry

    assert tuple(registry.get("me_gan").smoke_args) == tuple(TINY)
    out = tmp_path_factory.mktemp("me_gan") / "run"
    shutil.copytree(tiny_runs("me_gan"), out)
    return out


def test_tiny_training_resume_and_config(tiny_run):
    cfg = json.loads((tiny_run / "config.json").read_text())
    assert cfg["model"] == "me_gan" and cfg["architecture"]["level_channels"] == [16, 16, 16, 16]
    assert cfg["training"]["lr"] == 1e-4 and cfg["training"]["batch_size"] == 4
    r = _run("--out", tiny_run, "--resume", "--epochs", "3", "--verbose", "0")
    assert r.returncode == 0 and "resuming after epoch 2" in r.stdout, r.stderr[-3000:]
    assert len(json.loads((tiny_run / "history.json").read_text())["g_loss"]) == 3
    assert (tiny_run / "final" / "view_discriminator.weights.h5").exists()
    assert (tiny_run / "plots" / "epoch_003.png").exists()


def test_generate_api(tiny_run):
    from ecgtf.models.me_gan.engine import condition_matrix, generate

    beats = generate(tiny_run, "LAD+RBBB", n=3, seed=1)
    assert beats.shape == (3, 12, 512) and np.all((beats >= 0) & (beats <= 1))
    np.testing.assert_array_equal(beats, generate(str(tiny_run), [1, 0, 1], n=3, seed=1))
    np.testing.assert_array_equal(condition_matrix("none", 2), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="unknown condition"):
        condition_matrix("LBBB", 1)


def test_bad_arguments_are_refused_before_a_run_exists(tmp_path, capsys):
    from ecgtf.models.me_gan.trainer import main

    assert main(["--sources", "ptb-xl,nowhere", "--out", str(tmp_path / "x")]) == 2
    assert "--data" in capsys.readouterr().err and not (tmp_path / "x").exists()
    assert main(["--variant", "cdcgan", "--ablation", "self_modulation", "--out", str(tmp_path / "y")]) == 2
    assert "--ablation" in capsys.readouterr().err and not (tmp_path / "y").exists()


def test_export_to_tflite_condition_and_noise_to_12x512(tiny_runs):
    folder, records = tiny_runs.export("me_gan")      # the session's shared float32 export of the tiny run
    assert records[0]["passed"], records
    meta = json.loads((folder / "me_gan_float32.json").read_text())
    assert meta["input_spec"]["shape"] == [1, 128 + 3] and meta["output_spec"]["shape"] == [1, 12, 512]
    assert meta["validation"]["rel_rms_vs_keras"] < 1e-3
    content = (folder / "me_gan_float32.tflite").read_bytes()
    assert b"Flex" not in content


def test_tiny_bench_runs_and_caches(tiny_run, tmp_path):
    out = tmp_path / "bench"
    from ecgtf.cli import main

    args = [tiny_run, "--out", out, "--n-synthetic", "4", "--seeds", "1", "--utility-epochs", "1",
            "--feature-epochs", "1", "--feature-min-records", "2"]
    assert main(["evaluate", *map(str, args)]) == 0
    res = json.loads((out / "run.json").read_text())
    assert 0.5 <= res["nnc"] <= 1 and res["rfid"] > 0 and "ap_RBBB" in res
    assert (out / "table.md").exists() and (out / "run_examples.png").exists()
    assert json.loads((out / "feature_net.json").read_text())["labels"]
