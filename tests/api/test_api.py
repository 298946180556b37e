"""The library around a trained model: config round-trip, Run, Reconstructor, the CLI, layout rules."""
import json
import re
import subprocess
import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

ROOT = Path(__file__).resolve().parents[2]


def _nondefault(cfg):
    """A copy of a config dataclass with every simple field changed (to prove each one round-trips)."""
    changes = {}
    for f in fields(cfg):
        v = getattr(cfg, f.name)
        if isinstance(v, bool):
            changes[f.name] = not v
        elif isinstance(v, int):
            changes[f.name] = v + 1
        elif isinstance(v, float):
            changes[f.name] = v * 1.5 + 0.25
        elif isinstance(v, str):
            changes[f.name] = v + "_x"
        elif isinstance(v, tuple) and v and all(isinstance(e, (int, float)) for e in v):
            changes[f.name] = tuple(e * 2 for e in v)
    try:
        return replace(cfg, **changes), changes
    except (ValueError, TypeError):  # a validator refused a combination: change fields one at a time
        out = cfg
        for k, v in changes.items():
            try:
                out = replace(out, **{k: v})
            except (ValueError, TypeError):
                pass
        return out, changes


@pytest.mark.parametrize("model", ["ekgan", "lstm_gan", "unet1d"])
def test_config_round_trip_every_field(model):
    from ecgtf import registry
    from ecgtf.runs import config_from_dict, config_to_dict

    spec = registry.get(model)
    for cls in (spec.architecture, spec.preprocessing, spec.training, spec.data):
        cfg, _ = _nondefault(cls())
        back = config_from_dict(cls, json.loads(json.dumps(config_to_dict(cfg))))
        assert back == cfg, cls.__name__
        for f in fields(cls):
            assert getattr(back, f.name) == getattr(cfg, f.name), f"{cls.__name__}.{f.name}"
    with pytest.raises(ValueError, match="unknown"):
        config_from_dict(spec.training, {"no_such_field": 1})


def test_run_opens_format1_config(tmp_path):
    from ecgtf.runs import Run

    (tmp_path / "config.json").write_text(json.dumps({
        "model": "ekgan", "variant": "ekgan", "data": {"source": "ptbxl", "n_synthetic": 600, "augment_crops": 2},
        "architecture": {"width": 0.25, "physics_head": False}, "preprocessing": {"normalization": "per_lead"},
        "training": {"epochs": 40, "batch_size": 32, "lr": 1e-4, "beta1": 0.5, "beta2": 0.999, "lambda_l1": 50.0,
                     "alpha_latent": 1.0, "label_input": "input", "label_smoothing": 0.0, "lr_decay": 0.95,
                     "lr_decay_start": 5, "seed": 3, "mixed_precision": False, "strategy": "default"}}))
    run = Run(tmp_path)
    assert run.architecture.width == 0.25 and run.data.augment_crops == 2 and run.data.seed == 3
    assert run.training.epochs == 40
    (tmp_path / "config.json").write_text(json.dumps({"model": "nope"}))
    with pytest.raises(ValueError, match="cannot convert|unknown model"):
        Run(tmp_path)


@pytest.fixture(scope="module")
def untrained_run(tmp_path_factory):
    return make_tiny_unet1d_run(tmp_path_factory.mktemp("unet1d") / "run")


@pytest.mark.parametrize("fs", [250, 360, 500, 1000])
@pytest.mark.parametrize("seconds", [8.2, 30.0, 300.0])
def test_reconstructor_any_rate_and_length(untrained_run, fs, seconds):
    import ecgtf

    rec = ecgtf.Reconstructor.from_run(untrained_run)
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * fs)) / fs
    lead_i = 0.8 * np.sin(2 * np.pi * 1.2 * t) ** 15 + 0.02 * rng.standard_normal(t.size)
    out = rec.reconstruct(lead_i, fs, quality=False)      # not an ECG (the gate refuses it): windowing is tested here
    assert out.leads.shape == (12, t.size)
    assert out.fs == fs and out.units == "mV"
    assert np.all(np.isfinite(out.leads))
    hop_s = rec.pipeline.hop_in / rec.pipeline.fs_in
    assert out.windows >= int((seconds - rec.pipeline.min_seconds) / hop_s)


def test_reconstructor_rejects_bad_input(untrained_run):
    import ecgtf

    rec = ecgtf.Reconstructor.from_run(untrained_run)
    with pytest.raises(ValueError, match="at least"):
        rec.reconstruct(np.random.randn(100), 500)           # shorter than one window
    with pytest.raises(ValueError, match="1-D"):
        rec.reconstruct(np.random.randn(12, 5000), 500)      # a 12-lead array, not Lead I
    with pytest.raises(ValueError, match="sampling rate"):
        rec.reconstruct(np.random.randn(5000), "500")
    with pytest.raises(ValueError, match="NaN"):
        rec.reconstruct(np.full(5000, np.nan), 500)


def test_readme_python_example_runs(tmp_path, monkeypatch):
    """The README's three lines of Python (Lead I CSV → 12-lead PNG and CSV in mV) run as written."""
    from ecgtf.presets import list_presets

    assert "unet1d_12lead" in list_presets()
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(import ecgtf\n.*?)```", text, re.S)
    assert block, "README has no ```python block starting with `import ecgtf`"
    monkeypatch.chdir(tmp_path)
    sample = ROOT / "ecgtf" / "data" / "examples" / "lead_i_500hz.csv"
    (tmp_path / "lead_i.csv").write_bytes(sample.read_bytes())
    exec(compile(block.group(1), "README", "exec"), {})
    assert (tmp_path / "reconstruction.png").stat().st_size > 10_000
    data = np.loadtxt(tmp_path / "reconstruction.csv", delimiter=",", skiprows=1)
    assert data.shape[1] == 1 + 3 * 12                                # time, 12 leads, their bands' bounds


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ecgtf", *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=600)


def test_cli_help_lists_every_subcommand(capsys):
    """``ecgtf --help``, ``ecgtf train --help`` (every registered model, variants and shortcuts listed, generated
    from the registry) and ``ecgtf train NAME --help`` for every name (in-process: one TensorFlow import)."""
    from ecgtf import registry
    from ecgtf.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    for cmd in ("train", "reconstruct", "evaluate", "export", "benchmark", "data", "plot"):
        assert cmd in out
    with pytest.raises(SystemExit) as exc:
        main(["train", "--help"])
    listing = capsys.readouterr().out
    assert exc.value.code == 0
    for spec in registry.specs():
        assert spec.cli_name in listing, spec.name
        for variant in spec.variants:
            assert variant in listing, (spec.name, variant)
        for shortcut in spec.shortcuts:
            assert shortcut in listing, (spec.name, shortcut)
    assert {"cyclegan", "cardiogan", "pix2pix"} <= set(registry.train_commands())   # baselines by name
    for model in sorted(registry.train_commands()):
        with pytest.raises(SystemExit) as exc:
            main(["train", model, "--help"])
        assert exc.value.code == 0 and "usage:" in capsys.readouterr().out, model
    assert _cli("--help").returncode == 0      # and once as a real process


def test_cli_reconstruct_csv_and_wfdb(untrained_run, tmp_path):
    import wfdb

    from ecgtf.data.synthetic import generate_record

    rec = generate_record(seed=3)
    csv = tmp_path / "lead_i.csv"
    np.savetxt(csv, rec.signal[0], header="I", comments="", fmt="%.5f")
    r = _cli("reconstruct", str(csv), "--fs", "500", "--model", str(untrained_run), "-o", str(tmp_path / "a"),
             "--formats", "csv,npz,wfdb")
    assert r.returncode == 0, r.stderr
    for ext in (".png", ".csv", ".npz", ".hea", ".dat"):
        assert (tmp_path / f"a{ext}").exists(), ext
    header = (tmp_path / "a.csv").read_text().splitlines()[0]
    assert header.startswith("time_s,I_mV,II_mV")
    wfdb.wrsamp("rec", fs=250, units=["mV"] * 12, sig_name=["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2",
                "V3", "V4", "V5", "V6"], p_signal=rec.signal[:, ::2].T.astype(np.float64), fmt=["16"] * 12,
                write_dir=str(tmp_path))
    r = _cli("reconstruct", str(tmp_path / "rec.hea"), "--model", str(untrained_run), "-o", str(tmp_path / "b"))
    assert r.returncode == 0, r.stderr
    out = np.loadtxt(tmp_path / "b.csv", delimiter=",", skiprows=1)
    assert out.shape == (2500, 13)
    # bad input: a clear one-line error, no traceback
    r = _cli("reconstruct", str(csv), "--model", str(untrained_run))
    assert r.returncode == 2 and "--fs" in r.stderr and "Traceback" not in r.stderr
    np.savetxt(tmp_path / "uv.csv", rec.signal[0] * 1000)
    r = _cli("reconstruct", str(tmp_path / "uv.csv"), "--fs", "500", "--model", str(untrained_run))
    assert r.returncode == 2 and "µV" in r.stderr


def test_library_does_not_import_training():
    r = subprocess.run(["grep", "-rnE", r"from training|import training", "ecgtf", "export"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.stdout == "", r.stdout
    for name in ("ekgan", "lstm_gan"):
        found = [p for p in ROOT.rglob(f"{name}.py") if ".git" not in p.parts and "training" not in p.parts]
        assert found == [], found


def test_data_root_resolution(tmp_path, monkeypatch):
    from ecgtf.data.sources import canonical_name, data_root, dataset_dir

    monkeypatch.delenv("ECGTF_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_root() == tmp_path / "cache" / "ecgtf" / "data"
    monkeypatch.setenv("ECGTF_DATA", str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(tmp_path / "x") == tmp_path / "x"
    (tmp_path / "cinc2011-seta").mkdir()
    assert dataset_dir("cinc2011") == tmp_path / "cinc2011-seta"
    assert canonical_name("ptbxl") == "ptb-xl"
    with pytest.raises(FileNotFoundError, match="ECGTF_DATA"):
        dataset_dir("ludb")
    with pytest.raises(ValueError, match="unknown dataset"):
        canonical_name("mimic")


@pytest.mark.parametrize("name, fmt, params, max_mb", [("unet1d_12lead", "dynamic", 4_892_752 + 12_024, 5.5),
                                                       ("unet1d_lite", "int8", 620_136 + 12_024, 1.0)])
def test_preset_load_reconstruct_and_tflite_parity(name, fmt, params, max_mb):
    """Each shipped preset: Keras reconstruction vs its phone TFLite file on the same recording, metadata, size."""
    import ecgtf
    from ecgtf.presets import list_presets, preset_phone_tflite, preset_tflite

    assert name in list_presets()
    keras_rec = ecgtf.Reconstructor.from_preset(name)
    assert keras_rec.run.generator("best").count_params() == params        # the U-Net(s) + a 12-set ridge blend
    assert keras_rec.run.generator("best").get_layer("ridge_blend").count_params() == 12_024
    tfl = preset_tflite(name, fmt)
    assert preset_phone_tflite(name) == tfl and tfl.stat().st_size <= max_mb * 1e6
    meta = json.loads(tfl.with_suffix(".json").read_text())
    import hashlib

    assert meta["sha256"] == hashlib.sha256(tfl.read_bytes()).hexdigest()
    assert meta["input_spec"]["sampling_rate_hz"] == 100.0 and meta["output_spec"]["units"].startswith("mV")
    lite_rec = ecgtf.Reconstructor.from_tflite(tfl)
    lead_i, fs = ecgtf.io.read_lead(ROOT / "ecgtf" / "data" / "examples" / "lead_i_500hz.csv", fs=500)
    keras_out, lite_out = keras_rec.reconstruct(lead_i, fs), lite_rec.reconstruct(lead_i, fs)
    a, b = keras_out.leads, lite_out.leads
    assert a.shape == b.shape == (12, lead_i.size)
    # the shipped bands: the same calibration for the phone file, zero width on Lead I, wider at 0.95
    expected = {"I", "personal:I"} | ({"I+II", "I+V2", "I+II+V2", "personal:I+II", "personal:I+V2", "personal:I+II+V2"}
                                      if keras_rec.pipeline.input_leads == 12 else set())
    assert set(keras_rec.intervals.sets) == expected and keras_out.coverage == 0.8
    assert keras_out.band_width[0] == 0 and np.all(keras_out.band_width[1:] > 0.01)
    np.testing.assert_allclose(lite_out.band_width, keras_out.band_width, rtol=0.05)
    assert np.all(keras_rec.reconstruct(lead_i, fs, coverage=0.95).band_width[1:] > keras_out.band_width[1:])
    assert np.sqrt(np.mean((a - b) ** 2)) / np.std(a) < 0.035        # the int8 budget (ModelSpec.format_budgets)
    # Lead I, the given lead, comes back exactly (Keras and phone file alike)
    np.testing.assert_array_equal(a[0], lead_i.astype(np.float32))
    np.testing.assert_array_equal(b[0], a[0])
    if keras_rec.pipeline.input_leads == 12:       # an any-leads preset: the phone file takes the same leads
        from ecgtf.data.synthetic import SyntheticConfig, generate_record

        assert lite_rec.pipeline.input_leads == 12 and meta["input_spec"]["name"] == "leads_in"
        x = generate_record(SyntheticConfig(duration_s=12), seed=2).signal.astype(np.float64)
        a = keras_rec.reconstruct(x[[0, 1, 7]], 500, leads=("I", "II", "V2"), quality=False).leads
        b = lite_rec.reconstruct(x[[0, 1, 7]], 500, leads=("I", "II", "V2"), quality=False).leads
        assert np.sqrt(np.mean((a - b) ** 2)) / np.std(a) < 0.035
        assert (tfl.parent / "personal_head.tflite").stat().st_size < 50_000
    total = sum(p.stat().st_size for p in (ROOT / "ecgtf" / "models").rglob("presets/**/*") if p.is_file())
    total += (ROOT / "ecgtf" / "data" / "dipole_beats.npz").stat().st_size      # the dipole's learned beat model
    assert total <= 30e6


def test_cli_hides_tensorflow_startup_noise_unless_verbose():
    """`ecgtf COMMAND` prints its own output only; `ecgtf --verbose COMMAND` shows TensorFlow's start-up lines."""
    quiet = _cli("export", "--list-formats")
    assert quiet.returncode == 0 and "float32" in quiet.stdout
    noise = ("oneDNN", "cuda", "cuInit", "absl::InitializeLog")
    assert not any(n in quiet.stderr for n in noise), quiet.stderr[-2000:]
    loud = _cli("--verbose", "export", "--list-formats")
    assert loud.returncode == 0 and "float32" in loud.stdout
    assert any(n in loud.stderr for n in noise), "TensorFlow printed nothing at start-up: nothing to hide here"
