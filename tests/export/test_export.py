"""Export on tiny models: every format, builtin ops only, validation failure path, metadata, benchmark."""
import hashlib
import json

import numpy as np
import pytest

from ecgtf.backend import tf


@pytest.fixture(scope="module")
def ekgan_run(tiny_runs):
    """The session's shared tiny EKGAN run: width 0.0625, 24 synthetic records, one epoch, fixed normalisation."""
    return tiny_runs("ekgan")


@pytest.fixture(scope="module")
def lstm_run(tiny_runs):
    """The session's shared tiny LSTM-GAN run: 12 synthetic records, one epoch."""
    return tiny_runs("lstm_gan")


def test_all_formats_convert_validate_and_carry_metadata(ekgan_run, tmp_path):
    from export.__main__ import main as export
    from export.tflite import op_names

    out = tmp_path / "export"
    # a generous budget: the point here is the mechanics on an untrained tiny model
    rc = export([str(ekgan_run), "--out", str(out), "--budget", "10", "--n-validate", "4", "--n-calibration", "8",
                 "--qat-steps", "3"])
    assert rc == 0
    for fmt in ("float32", "float16", "dynamic", "int8", "qat"):
        path = out / f"ekgan_{fmt}.tflite"
        meta = json.loads((out / f"ekgan_{fmt}.json").read_text())
        content = path.read_bytes()
        assert meta["sha256"] == hashlib.sha256(content).hexdigest() and meta["size_bytes"] == len(content)
        assert meta["inputs"] == [{"name": "lead_i", "shape": [1, 512], "dtype": "float32", "quantization": None}]
        assert meta["outputs"][0]["name"] == "leads" and meta["outputs"][0]["shape"] == [1, 12, 512]
        assert meta["input_spec"]["sampling_rate_hz"] == 62.5 and len(meta["input_spec"]["bandpass_sos"]) == 2
        assert meta["output_spec"]["lead_order"][3] == "aVR" and "licence" in meta
        names = op_names(content)
        assert not any(n.startswith("Flex") or n == "CUSTOM" for n in names), names
    assert "int8" in json.loads((out / "ekgan_int8.json").read_text())["tensor_dtypes"]
    held = {f: json.loads((out / f"ekgan_{f}.json").read_text())["weight_bytes"] for f in ("int8", "float32")}
    assert held["int8"]["int8"] > held["int8"].get("float32", 0) and "int8" not in held["float32"]   # bytes of weights
    assert json.loads((out / "ekgan_int8.json").read_text())["equalization"]["skip_scales"]
    assert not list(out.glob(".*tmp"))                    # no partial files
    f32 = json.loads((out / "ekgan_float32.json").read_text())["validation"]
    assert f32["rel_rms_vs_keras"] < 1e-5


def test_over_budget_exits_nonzero_and_leaves_no_file(ekgan_run, tmp_path):
    from export.__main__ import main as export

    out = tmp_path / "export"
    rc = export([str(ekgan_run), "--out", str(out), "--formats", "dynamic", "--budget", "1e-9", "--n-validate", "4"])
    assert rc == 1
    assert not (out / "ekgan_dynamic.tflite").exists() and not (out / "ekgan_dynamic.json").exists()
    assert not list(out.glob(".*tmp"))
    report = json.loads((out / "export_report.json").read_text())
    assert report[0]["passed"] is False


def test_bad_arguments(ekgan_run, tmp_path):
    from export.__main__ import main as export

    assert export([str(tmp_path), "--formats", "float32"]) == 2
    assert export([str(ekgan_run), "--formats", "int4", "--out", str(tmp_path / "x")]) == 2


def test_flex_ops_are_refused():
    from export.tflite import FlexOpError, check_builtin_only

    class Module(tf.Module):
        input_name, output_name = "x", "y"

        @tf.function(input_signature=[tf.TensorSpec([1, 8], tf.float32)])
        def f(self, x):
            return {"y": tf.signal.rfft(x)[..., :4]}  # complex FFT: not a builtin op

    m = Module()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([m.f.get_concrete_function()], m)
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    content = conv.convert()
    with pytest.raises(FlexOpError, match="non-builtin ops"):
        check_builtin_only(content)


def test_strip_names_keeps_function(ekgan_run):
    from ecgtf.lite import run_tflite
    from ecgtf.models.ekgan.inference import load_generator
    from ecgtf.models.ekgan.mobile import EkganMobile
    from export.tflite import convert, strip_tensor_names

    gen, *_ = load_generator(ekgan_run)
    content = convert(EkganMobile(gen), "float32")
    stripped = strip_tensor_names(content)
    assert len(stripped) < len(content)
    x = np.random.default_rng(0).normal(size=(2, 512)).astype(np.float32)
    np.testing.assert_allclose(run_tflite(stripped, x, "lead_i", "leads"), run_tflite(content, x, "lead_i", "leads"))


def test_lstm_gan_export_and_benchmark(lstm_run, tiny_runs, tmp_path):
    import shutil

    from export.__main__ import main as export
    from export.benchmark import main as bench

    out = tmp_path / "export"
    shutil.copytree(tiny_runs.export("lstm_gan")[0], out)     # the session's float32 export of the same run
    assert export([str(lstm_run), "--out", str(out), "--formats", "dynamic", "--n-validate", "4"]) == 0
    meta = json.loads((out / "lstm_gan_float32.json").read_text())
    assert meta["inputs"][0]["shape"] == [1, 100, 12] and meta["outputs"][0]["shape"] == [1, 400]
    assert export([str(lstm_run), "--out", str(out), "--formats", "qat"]) == 2   # QAT: EKGAN only, clear error
    assert bench([str(out / "lstm_gan_float32.tflite"), str(out / "lstm_gan_dynamic.tflite"),
                  "--runs", "3", "--warmup", "1", "--threads", "1,2"]) == 0
    rows = json.loads((out / "benchmark.json").read_text())["rows"]
    assert [r["model"] for r in rows] == ["keras (float32)", "tflite float32", "tflite dynamic"]
    assert rows[1]["rel_rms_vs_keras"] < 1e-4 and set(rows[1]["latency_ms"]) == {"1", "2"}


def test_pipeline_end_to_end_tiny(tmp_path):
    from export.pipeline import main as pipeline

    out = tmp_path / "demo"
    assert pipeline(["--from-scratch", "--out", str(out), "--epochs", "1", "--width", "0.0625", "--n-synthetic", "24",
                     "--batch-size", "4", "--bench-runs", "3", "--budget", "10"]) == 0
    report = (out / "report.md").read_text()
    assert "tflite int8" in report and "keras (float32)" in report and "trained from scratch" in report
    assert "Keras model on its test split" in report                  # the trained run's own metrics
    for f in ("reconstruction_12lead.png", "tflite_reconstruction_12lead.png", "export/ekgan_int8.tflite", "run/config.json"):
        assert (out / f).exists(), f
    from ecgtf.runs import Run

    assert Run(out / "run").architecture.width == 0.0625 and Run(out / "run").training.epochs == 1   # passed through
    assert pipeline(["--from-scratch", "--out", str(out), "--formats", "float32"]) == 2


def test_main_job_on_the_preset(tmp_path, monkeypatch):
    """README command 1: the preset reconstructs the bundled example, exports, validates, benchmarks, reports —
    without any dataset (validation windows come from the synthetic generator then)."""
    from export.pipeline import main as pipeline

    monkeypatch.setenv("ECGTF_DATA", str(tmp_path / "no-data"))
    out = tmp_path / "demo"
    assert pipeline(["--out", str(out), "--bench-runs", "3"]) == 0
    report = (out / "report.md").read_text()
    assert "tflite dynamic" in report and "keras (float32)" in report and "synthetic" in report
    # the report's numbers are the export's and the benchmark's, not prose
    records = {r["format"]: r for r in json.loads((out / "export" / "export_report.json").read_text())}
    dyn = records["dynamic"]
    assert f"{dyn['size_bytes'] / 1e6:.2f} MB" in report
    assert f"{100 * dyn['validation']['rel_rms_vs_keras']:.2f} %" in report
    bench = json.loads((out / "export" / "benchmark.json").read_text())
    rows = {r["model"]: r for r in bench["rows"]}
    assert {"keras (float32)", "tflite dynamic", "tflite float32"} <= set(rows)
    assert abs(rows["tflite dynamic"]["size_mb"] - dyn["size_bytes"] / 1e6) < 1e-6
    assert all(v["p50"] > 0 for v in rows["tflite dynamic"]["latency_ms"].values())
    for f in ("reconstruction_12lead.png", "reconstruction.csv", "tflite_reconstruction_12lead.png",
              "export/unet1d_dynamic.tflite", "export/unet1d_float32.tflite"):
        assert (out / f).exists(), f


def test_qat_range_initialisation_keeps_small_activations():
    """Without initialised ranges tfmot's ±6 defaults quantize small activations to zero."""
    from ecgtf.models.ekgan import EkganConfig, build_inference_generator
    from ecgtf.models.ekgan.quantization import _quantize, init_quantization_ranges

    gen = build_inference_generator(EkganConfig(width=0.125))
    x = np.zeros((8, 16, 512, 1), np.float32)
    x[:, 2:14, :, 0] = np.random.default_rng(0).normal(size=(8, 1, 512))
    ref = gen(x, training=False)[0].numpy()
    rel = lambda q: float(np.sqrt(np.mean((q(x, training=False)[0].numpy() - ref) ** 2)) / ref.std())  # noqa: E731
    before = rel(_quantize(gen))
    q = _quantize(gen)
    assert init_quantization_ranges(q, gen, x) > 10
    assert before > 0.8 and rel(q) < 0.3


def test_compare_leaves_out_the_rows_of_recorded_leads():
    """An any-leads file is judged on the leads it reconstructs: the reconstructor returns recorded leads as given."""
    from export.errors import compare

    rng = np.random.default_rng(0)
    keras_out = rng.normal(size=(4, 12, 64))
    inputs = np.zeros_like(keras_out)
    inputs[:, 0] = 1.0                                   # Lead I recorded in every window
    inputs[1, 7] = 1.0                                   # and V2 in one
    pred = keras_out.copy()
    pred[:, 0] += 5.0                                    # wrong only where the lead was recorded
    pred[1, 7] -= 5.0
    assert compare(pred, keras_out, None)["rel_rms_vs_keras"] > 1.0
    assert compare(pred, keras_out, keras_out, inputs) == {"rel_rms_vs_keras": 0.0, "max_abs_vs_keras": 0.0,
                                                          "rmse_vs_truth": 0.0, "keras_rmse_vs_truth": 0.0}
    assert compare(pred, keras_out, None, inputs[:, 0])["rel_rms_vs_keras"] > 1.0    # Lead I models: every row
