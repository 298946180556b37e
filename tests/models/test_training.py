"""Trainer CLIs on tiny configs: help, run directory safety, kill -9 + --resume, bad input."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--n-synthetic", "24", "--width", "0.0625", "--batch-size", "4", "--verbose", "0"]


def _in_process(capsys, module, *args):
    """``module.main(args)`` in this process (no TensorFlow import per call): (exit code, stdout, stderr).
    For bad arguments, missing data, refused resumes, and short runs whose process boundary is not the point."""
    from importlib import import_module

    capsys.readouterr()
    try:
        rc = import_module(module).main([str(a) for a in args])
    except SystemExit as exc:      # argparse refusals
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def _run(module, *args, timeout=600):
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("module", ["training.ekgan", "training.lstm_gan", "training.evaluate",
                                    "training.evaluate_lstm_gan", "training.unet1d",
                                    "training.evaluate_reconstructors", "export", "export.benchmark",
                                    "export.pipeline", "training.pulse2pulse", "training.evaluate_synthesis",
                                    "training.fit_synthetic", "ecgtf.models.pulse2pulse.published"])
def test_help(module, monkeypatch, capsys):
    """Every entry point answers --help (in-process: TensorFlow is imported once, not per module)."""
    import runpy

    monkeypatch.setattr(sys, "argv", [module, "--help"])
    with pytest.raises(SystemExit) as exc:
        runpy.run_module(module, run_name="__main__", alter_sys=False)
    assert exc.value.code == 0 and "usage:" in capsys.readouterr().out


def test_ekgan_run_dir_contents_and_overwrite_protection(tmp_path, capsys):
    out = tmp_path / "run"
    rc, _, err = _in_process(capsys, "training.ekgan", *TINY, "--epochs", "2", "--out", out)
    assert rc == 0, err[-2000:]
    for name in ("config.json", "history.json", "metrics.json", "final/inference_generator.weights.h5",
                 "plots/epoch_002_val0.png", "final/best_inference_generator.weights.h5"):
        assert (out / name).exists(), name
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["g_l1"]) == 2 and len(hist["val_l1"]) == 2 and hist["lr"] == [1e-4, 1e-4]
    assert any((out / "logs").rglob("events.out.tfevents.*"))
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["test"]["per_lead"]) >= {"I", "aVR", "V6"}
    rc, _, err = _in_process(capsys, "training.ekgan", *TINY, "--epochs", "2", "--out", out)
    assert rc == 2 and "--resume" in err and "--overwrite" in err

    # evaluation CLI with the ridge baseline on the same run
    rc, stdout, err = _in_process(capsys, "training.evaluate", out, "--ridge", "--plots", "1")
    assert rc == 0, err[-2000:]
    assert "ridge (per_lead)" in stdout and (out / "evaluation" / "evaluation_test.json").exists()
    best = json.loads((out / "final" / "best_inference_generator.weights.json").read_text())
    assert best["val_l1"] == pytest.approx(min(hist["val_l1"])) and best["epoch"] in (1, 2)
    rc, stdout, _ = _in_process(capsys, "training.evaluate", out, "--weights", "best", "--plots", "0")
    assert rc == 0 and " best" in stdout

    # an edited config.json is refused (its digest); one that says another width (digest re-recorded) meets a
    # checkpoint that does not fit, and that is refused with a clear message
    from ecgtf.files import record_digest

    cfg = json.loads((out / "config.json").read_text())
    cfg["architecture"]["width"] = 0.125
    (out / "config.json").write_text(json.dumps(cfg))
    rc, _, err = _in_process(capsys, "training.ekgan", "--out", out, "--resume", "--epochs", "3", "--verbose", "0")
    assert rc == 2 and "was edited" in err and "config.json" in err
    record_digest(out / "config.json")
    rc, _, err = _in_process(capsys, "training.ekgan", "--out", out, "--resume", "--epochs", "3", "--verbose", "0")
    assert rc == 2 and "does not fit this model" in err


def test_kill_9_then_resume_loses_at_most_one_epoch(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "training.ekgan", *TINY, "--epochs", "30", "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    state = out / "checkpoints" / "checkpoint"   # TF points this at ckpt-N only after all of ckpt-N is written

    def reached_epoch_2():
        try:
            m = re.search(r'model_checkpoint_path: "ckpt-(\d+)"', state.read_text())
            return bool(m) and int(m.group(1)) >= 2
        except OSError:
            return False
    while time.time() < deadline and not reached_epoch_2():
        time.sleep(0.05)
    assert reached_epoch_2(), "training did not reach epoch 2"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    hist = json.loads((out / "history.json").read_text())
    done = len(hist["g_l1"])
    assert done >= 2                        # the history is written before its checkpoint: never behind
    r = _run("training.ekgan", "--out", out, "--resume", "--epochs", str(done + 2), "--verbose", "0")
    assert r.returncode == 0, r.stderr[-2000:]
    resumed = int(re.search(r"resuming after epoch (\d+)", r.stdout).group(1))
    assert resumed in (done - 1, done) and resumed >= 2   # a kill between the two writes: one epoch ahead
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["g_l1"]) == done + 2


def test_bad_inputs(tmp_path, capsys):
    rc, _, err = _in_process(capsys, "training.ekgan", "--data", tmp_path / "missing", "--out", tmp_path / "a",
                             "--verbose", "0")
    assert rc == 2 and "expected 'synthetic', one of" in err and "or a directory" in err
    (tmp_path / "empty").mkdir()
    rc, _, err = _in_process(capsys, "training.ekgan", "--data", tmp_path / "empty", "--out", tmp_path / "b",
                             "--verbose", "0")
    assert rc == 2 and "no WFDB records" in err
    rc, _, err = _in_process(capsys, "training.ekgan", "--resume", "--out", tmp_path / "nothing")
    assert rc == 2 and "not a run directory" in err
    rc, _, err = _in_process(capsys, "training.ekgan", "--physics-head", "--normalization", "per_lead", "--out",
                             tmp_path / "c")
    assert rc == 2 and "--normalization fixed" in err


def test_lstm_gan_trains_and_resumes(tmp_path, capsys):
    # in this process (every `python -m` entry point is run by test_help)
    out = tmp_path / "lstm"
    args = ["--n-synthetic", "12", "--batch-size", "32", "--verbose", "0"]
    rc, _, err = _in_process(capsys, "training.lstm_gan", *args, "--epochs", "1", "--out", out)
    assert rc == 0, err[-2000:]
    assert (out / "final" / "generator.weights.h5").exists() and (out / "plots" / "epoch_001.png").exists()
    rc, _, err = _in_process(capsys, "training.lstm_gan", "--out", out, "--resume", "--epochs", "2", "--verbose", "0")
    assert rc == 0, err[-2000:]
    assert len(json.loads((out / "history.json").read_text())["g_loss"]) == 2
    rc, stdout, err = _in_process(capsys, "training.evaluate_lstm_gan", out, "--n", "40")
    assert rc == 0, err[-2000:]
    assert "one_nn_accuracy" in stdout and (out / "evaluation" / "evaluation.json").exists()


def test_nothing_lost_overwrite_typo_resume_empty_and_truncated(tmp_path, capsys):
    """--overwrite with a bad argument keeps the finished run; --resume refuses an empty checkpoints/
    folder and falls back from a truncated newest checkpoint to the previous one."""
    out = tmp_path / "run"
    rc, _, err = _in_process(capsys, "training.ekgan", *TINY, "--epochs", "2", "--out", out, "--verbose", "0")
    assert rc == 0, err[-2000:]
    weights = (out / "final" / "inference_generator.weights.h5").read_bytes()
    for bad in (["--data", "ptbxll"], ["--width", "0"], ["--batch-size", "0"], ["--epochs", "-1"], ["--lr", "nan"]):
        rc, _, _ = _in_process(capsys, "training.ekgan", *TINY, *bad, "--out", out, "--overwrite", "--verbose", "0")
        assert rc == 2, bad
        assert (out / "final" / "inference_generator.weights.h5").read_bytes() == weights, bad
    assert not list(tmp_path.glob("run.replaced-*"))
    # truncated newest checkpoint: resume from the previous one, saying so
    data = sorted((out / "checkpoints").glob("ckpt-2.data-*"))[0]
    data.write_bytes(data.read_bytes()[:100])
    rc, stdout, err = _in_process(capsys, "training.ekgan", "--out", out, "--resume", "--epochs", "3", "--verbose", "0")
    assert rc == 0, err[-2000:]
    assert "unreadable" in err and "resuming after epoch 1" in stdout
    # empty checkpoints/: refused, the final weights stay
    weights = (out / "final" / "inference_generator.weights.h5").read_bytes()
    for f in (out / "checkpoints").iterdir():
        f.unlink()
    rc, _, err = _in_process(capsys, "training.ekgan", "--out", out, "--resume", "--epochs", "4", "--verbose", "0")
    assert rc == 2 and "holds no checkpoint" in err
    assert (out / "final" / "inference_generator.weights.h5").read_bytes() == weights
