"""The training template (ecgtf.trainer): a finished run survives every late failure of an --overwrite, a run
directory has one writer, --resume cannot change what is trained, weight files are written atomically."""
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

from ecgtf.models.lstm_gan.networks import LstmGanConfig
from ecgtf.models.lstm_gan.preprocessing import BeatWindowing
from ecgtf.models.lstm_gan.trainer import LstmGanData, LstmGanTraining
from ecgtf.runs import LOCK_NAME, RunDir, RunLockedError, new_run_config
from ecgtf.trainer import run_trainer, save_weights_atomic


def finished_run(path):
    """A stand-in for a finished run: a config, a history and weights worth keeping."""
    path.mkdir(parents=True)
    (path / "final").mkdir()
    (path / "config.json").write_text(json.dumps(small_config()))
    (path / "final" / "generator.weights.h5").write_bytes(b"weights of a week of training")
    return path


def small_config():
    return new_run_config("lstm_gan", "lstm_gan", LstmGanConfig(), BeatWindowing(), LstmGanTraining(epochs=1),
                          LstmGanData())


def args_for(out, **given):
    return SimpleNamespace(**{"out": out, "resume": False, "overwrite": False, "verbose": 0, **given})


def kept(path) -> bool:
    return (path / "final" / "generator.weights.h5").read_bytes() == b"weights of a week of training"


@pytest.mark.parametrize("failure", [ValueError("too little data"), FileNotFoundError("no such run"),
                                     RuntimeError("an internal error")])
@pytest.mark.parametrize("where", ["load_data", "train"])
def test_overwrite_puts_the_old_run_back_on_any_failure_before_the_first_checkpoint(tmp_path, capsys, failure, where):
    out = finished_run(tmp_path / "run")

    def boom(*_):
        raise failure

    load = boom if where == "load_data" else (lambda run: None)
    train = boom if where == "train" else (lambda s: 0)
    args = args_for(out, overwrite=True)
    if isinstance(failure, RuntimeError):
        with pytest.raises(RuntimeError):
            run_trainer(args, [], "x", small_config, load, train)
    else:
        assert run_trainer(args, [], "x", small_config, load, train) == 2
        assert str(failure) in capsys.readouterr().err
    assert kept(out) and not list(tmp_path.glob("run.replaced-*")) and not (out / LOCK_NAME).exists()


def test_a_new_run_that_fails_before_its_first_checkpoint_leaves_nothing(tmp_path):
    out = tmp_path / "new"
    assert run_trainer(args_for(out), [], "x", small_config, lambda run: None, lambda s: 2) == 2
    assert not out.exists()


def test_a_run_is_committed_once_its_first_checkpoint_is_saved(tmp_path):
    """After the first checkpoint the new run is the run: a later failure keeps it, the old one is gone."""
    out = finished_run(tmp_path / "run")

    def train(session):
        session.run_dir.commit()          # what EpochCheckpoint's on_first_save does
        raise ValueError("evaluation failed")

    assert run_trainer(args_for(out, overwrite=True), [], "x", small_config, lambda run: None, train) == 2
    assert (out / "config.json").exists() and not (out / "final" / "generator.weights.h5").exists()
    assert not list(tmp_path.glob("run.replaced-*")) and not (out / LOCK_NAME).exists()


def test_second_writer_is_refused_naming_the_process_and_a_stale_lock_is_taken_over(tmp_path, capsys):
    out = finished_run(tmp_path / "run")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / LOCK_NAME).write_text(json.dumps({"pid": holder.pid, "host": os.uname().nodename,
                                                 "started": "2026-12-06T05:00:00"}))
        with pytest.raises(RunLockedError, match=str(holder.pid)):
            RunDir(out, resume=True)
        assert run_trainer(args_for(out, overwrite=True), [], "x", small_config, lambda r: None, lambda s: 0) == 2
        assert f"process {holder.pid}" in capsys.readouterr().err and kept(out)
    finally:
        holder.kill()
        holder.wait()
    run = RunDir(out, resume=True)            # its process is gone: a stale lock, reported and replaced
    assert "stale lock" in capsys.readouterr().err
    assert json.loads((out / LOCK_NAME).read_text())["pid"] == os.getpid()
    run.release()
    assert not (out / LOCK_NAME).exists()


def test_resume_refuses_options_that_change_what_is_trained(tmp_path, capsys):
    from ecgtf.models.unet1d.trainer import main

    out = make_tiny_unet1d_run(tmp_path / "run")
    for given in (["--filters", "8,16"], ["--lr", "0.1"], ["--data", "synthetic"], ["--overwrite"]):
        capsys.readouterr()
        assert main(["--out", str(out), "--resume", *given]) == 2, given
        assert given[0] in capsys.readouterr().err


def test_unet1d_init_from_typo_or_other_width_costs_nothing(tmp_path, capsys):
    from ecgtf.models.unet1d.trainer import main

    out = make_tiny_unet1d_run(tmp_path / "run")
    other = make_tiny_unet1d_run(tmp_path / "other")
    before = (out / "final" / "reconstructor.weights.h5").read_bytes()
    cases = [(["--init-from", str(tmp_path / "typo")], "neither a run directory"),
             (["--init-from", str(other), "--filters", "8,16,16"], "differs from this run"),
             (["--filters", "8,x"], "--filters"), (["--lambda-mv", "nan"], "finite")]
    for given, message in cases:
        capsys.readouterr()
        try:
            rc = main(["--out", str(out), "--overwrite", "--data", "synthetic:1", *given])
        except SystemExit as exc:           # argparse refusals
            rc = exc.code
        assert rc == 2 and message in capsys.readouterr().err, given
        assert (out / "final" / "reconstructor.weights.h5").read_bytes() == before, given
        assert not list(tmp_path.glob("run.replaced-*"))


def test_a_failed_weight_save_keeps_the_previous_file(tmp_path):
    """A crash or a full disk in the middle of save_weights leaves the old weights, and no temporary file."""
    path = tmp_path / "final" / "generator.weights.h5"
    path.parent.mkdir()
    path.write_bytes(b"good")

    class HalfWriter:
        def save_weights(self, name):
            with open(name, "wb") as fh:
                fh.write(b"half")
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        save_weights_atomic(HalfWriter(), path)
    assert path.read_bytes() == b"good" and sorted(p.name for p in path.parent.iterdir()) == [path.name]

    class Writer:
        def save_weights(self, name):
            np.save(open(name, "wb"), np.ones(3))

    save_weights_atomic(Writer(), path)
    assert path.read_bytes() != b"good"


def test_unet1d_overwrite_with_too_little_data_keeps_the_finished_run(tmp_path, capsys):
    """The issue's case: `--overwrite` with a data set too small to split (--n-synthetic 1) fails after the run
    directory was opened; the finished run is put back and the message says what was wrong."""
    from ecgtf.models.unet1d.trainer import main

    out = make_tiny_unet1d_run(tmp_path / "run")
    (tmp_path / "no-data").mkdir()                   # no PTB-XL: the one record is held out for validation
    before = (out / "final" / "reconstructor.weights.h5").read_bytes()
    rc = main(["--out", str(out), "--overwrite", "--data", "synthetic:1", "--n-synthetic", "1", "--filters", "4,8,8",
               "--kernel", "3", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "1", "--verbose", "0",
               "--cache-dir", str(tmp_path / "cache"), "--data-dir", str(tmp_path / "no-data")])
    assert rc == 2 and "too little data" in capsys.readouterr().err
    assert (out / "final" / "reconstructor.weights.h5").read_bytes() == before
    assert not list(tmp_path.glob("run.replaced-*")) and not (out / LOCK_NAME).exists()
