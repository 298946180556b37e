"""A user's files are sacred: no output of `ecgtf reconstruct`/`ecgtf plot` lands on an input, figures are written
atomically, and bad numbers, lead names and indices are refused with a message instead of a traceback."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED, make_tiny_unet1d_run, needs_ptbxl

from ecgtf.cli import main


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return make_tiny_unet1d_run(tmp_path_factory.mktemp("files") / "run")


def lead_i_csv(path: Path, header: str = "I_mV", seconds: float = 12.0, fs: float = 500.0) -> Path:
    t = np.arange(int(seconds * fs)) / fs
    x = 0.05 * np.sin(2 * np.pi * 1.0 * t)
    for beat in np.arange(0.4, seconds, 0.8):   # a crude QRS every 0.8 s
        x += 1.0 * np.exp(-0.5 * ((t - beat) / 0.012) ** 2)
    np.savetxt(path, x[:, None], delimiter=",", header=header, comments="", fmt="%.5f")
    return path


def run(capsys, *argv) -> tuple[int, str]:
    capsys.readouterr()
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:       # argparse refusals
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out + out.err


@pytest.mark.parametrize("out", ["session", "session.csv", "./sub/../session"])
def test_reconstruct_output_onto_the_input_csv_is_refused(tmp_path, capsys, monkeypatch, tiny_model, out):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    source = lead_i_csv(tmp_path / "session.csv")
    before = source.read_bytes()
    rc, text = run(capsys, "reconstruct", "session.csv", "--fs", "500", "--model", tiny_model, "-o", out)
    assert rc == 2 and "would overwrite the input" in text and "session.csv" in text
    assert source.read_bytes() == before and not (tmp_path / "session.png").exists()


def test_reconstruct_next_to_the_input_keeps_it(tmp_path, capsys, monkeypatch, tiny_model):
    """`-o session.v2` next to session.csv writes session.v2.csv (it once replaced ".v2" and hit the input)."""
    monkeypatch.chdir(tmp_path)
    source = lead_i_csv(tmp_path / "session.csv")
    before = source.read_bytes()
    rc, text = run(capsys, "reconstruct", "session.csv", "--fs", "500", "--model", tiny_model, "-o", "session.v2",
                   "--formats", "csv,npz", "--no-quality-gate")
    assert rc == 0, text
    assert source.read_bytes() == before
    assert {p.name for p in tmp_path.iterdir()} >= {"session.v2.csv", "session.v2.npz", "session.v2.png"}


@needs_ptbxl
def test_reconstruct_output_onto_the_input_wfdb_record_is_refused(tmp_path, capsys, monkeypatch, tiny_model):
    monkeypatch.chdir(tmp_path)
    hea = sorted((SHARED / "ptb-xl").glob("records500/*/*_hr.hea"))[0]
    for ext in (".hea", ".dat"):
        shutil.copy(hea.with_suffix(ext), tmp_path / hea.with_suffix(ext).name)
    record = hea.stem
    before = (tmp_path / f"{record}.dat").read_bytes()
    for out in (record, f"{record}.hea", f"{record}.dat"):
        rc, text = run(capsys, "reconstruct", f"{record}.hea", "--model", tiny_model, "-o", out, "--formats", "wfdb")
        assert rc == 2 and "would overwrite the input" in text, out
    assert (tmp_path / f"{record}.dat").read_bytes() == before
    # the same .dat at constant size with one sample changed: the header's checksum refuses it
    data = bytearray(before)
    data[1001] ^= 0x40
    (tmp_path / f"{record}.dat").write_bytes(bytes(data))
    rc, text = run(capsys, "reconstruct", f"{record}.hea", "--model", tiny_model, "-o", "out")
    assert rc == 2 and "checksum mismatch" in text


def test_reconstruct_refuses_bad_names_and_numbers_before_any_work(tmp_path, capsys, monkeypatch, tiny_model):
    monkeypatch.chdir(tmp_path)
    lead_i_csv(tmp_path / "a.csv")
    cases = [(["-o", "my out", "--formats", "wfdb"], "not a WFDB record name"),
             (["--formats", "csv,xls"], "unknown output format"),
             (["--fs", "inf"], "finite"), (["--fs", "0"], "> 0"), (["--fs", "nan"], "finite"),
             (["--lead", "XYZ"], "--lead 'XYZ'")]
    for extra, message in cases:
        argv = ["reconstruct", "a.csv", "--model", tiny_model, *(["--fs", "500"] if "--fs" not in extra else []), *extra]
        rc, text = run(capsys, *argv)
        assert rc == 2 and message in text, (extra, text[-300:])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_csv_headed_with_another_lead_is_not_taken_for_lead_i(tmp_path):
    from ecgtf.io import InputFileError, read_lead

    for header in ("II", "lead V1", "aVF_mV"):
        path = lead_i_csv(tmp_path / f"{header.replace(' ', '_')}.csv", header=header)
        with pytest.raises(InputFileError, match="headed"):
            read_lead(path, 500.0)
        x, fs = read_lead(path, 500.0, lead=header.split()[-1].split("_")[0])
        assert fs == 500.0 and x.shape == (6000,)
    for header in ("I", "ecg", "mV", "lead I"):       # the lead asked for, or a header that names no lead
        assert read_lead(lead_i_csv(tmp_path / "ok.csv", header=header), 500.0)[0].shape == (6000,)


def test_plot_refuses_bad_index_truncated_npz_and_its_own_input(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    signals = np.zeros((2, 12, 1000), np.float32)
    np.savez(tmp_path / "s.npz", signals=signals, fs=500.0)
    rc, text = run(capsys, "plot", "s.npz", "--index", "99", "--out", "p.png")
    assert rc == 2 and "holds records 0–1" in text
    rc, text = run(capsys, "plot", "s.npz", "--index", "-1", "--out", "p.png")
    assert rc == 2
    rc, text = run(capsys, "plot", "s.npz", "--out", "s.npz")
    assert rc == 2 and "would overwrite the input" in text
    data = (tmp_path / "s.npz").read_bytes()
    (tmp_path / "t.npz").write_bytes(data[: len(data) // 2])
    rc, text = run(capsys, "plot", "t.npz", "--out", "p.png")
    assert rc == 2 and "not a readable .npz" in text
    assert (tmp_path / "s.npz").read_bytes() == data and not (tmp_path / "p.png").exists()


def test_a_figure_that_fails_to_save_leaves_the_previous_one(tmp_path):
    """A full disk in the middle of savefig (simulated) leaves the good PNG, and no temporary file."""
    import matplotlib.pyplot as plt

    from ecgtf.plots import plot_12lead, save_figure

    path = tmp_path / "ecg.png"
    plot_12lead(np.zeros((12, 1000)), 500.0, path)
    good = path.read_bytes()
    fig = plt.figure()

    def half_then_full(fh, **kwargs):
        fh.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    fig.savefig = half_then_full
    with pytest.raises(OSError):
        save_figure(fig, path)
    assert path.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["ecg.png"]


def test_a_full_disk_leaves_the_previous_outputs(tmp_path, tiny_model):
    """RLIMIT_FSIZE (a size-limited file system): the writes of `ecgtf reconstruct` fail, the outputs of the previous
    run stay whole, no temporary file is left and the command says why (exit 2, no traceback)."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    lead_i_csv(tmp_path / "a.csv", seconds=60.0)
    env = {**os.environ, "ECGTF_NO_PROGRESS": "1"}
    cmd = [sys.executable, "-m", "ecgtf", "reconstruct", "a.csv", "--fs", "500", "--model", str(tiny_model),
           "--formats", "csv,npz", "--no-quality-gate"]
    subprocess.run(cmd, cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("reconstruction")}
    assert set(before) == {"reconstruction.png", "reconstruction.csv", "reconstruction.npz"}

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)          # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    lead_i_csv(tmp_path / "a.csv", seconds=90.0)                # other content: a successful write would show
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, preexec_fn=small_disk)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "error:" in p.stderr, p.stderr[-500:]
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("reconstruction")}
    assert after == before
    assert not [q.name for q in tmp_path.iterdir() if q.name.startswith(".")]


def test_plot_converts_a_microvolt_record_and_export_refuses_garbage_weights(tmp_path, capsys, tiny_model):
    """`ecgtf plot` of a WFDB record in µV draws millivolts (it drew 1000× too tall); `ecgtf export` of a run whose
    weights are garbage says so naming the file (it was an HDF5 traceback)."""
    import wfdb

    from ecgtf.cli import _load_for_plot
    from ecgtf.leads import LEADS

    t = np.arange(5000) / 500
    mv = 0.8 * np.exp(-0.5 * (((t % 0.8) - 0.4) / 0.015) ** 2)
    wfdb.wrsamp("uv", fs=500, units=["uV"] * 12, sig_name=list(LEADS), p_signal=np.tile(mv * 1000, (12, 1)).T,
                fmt=["16"] * 12, adc_gain=[1.0] * 12, baseline=[0] * 12, write_dir=str(tmp_path))
    signal, fs = _load_for_plot(tmp_path / "uv.hea", 0)
    assert fs == 500 and 0.7 < np.abs(signal).max() < 0.9
    damaged = tmp_path / "run"
    shutil.copytree(tiny_model, damaged)
    (damaged / "final" / "reconstructor.weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 4096)
    rc, text = run(capsys, "export", damaged, "--formats", "float32", "--out", tmp_path / "exp")
    assert rc == 2 and "reconstructor.weights.h5" in text and "Traceback" not in text, text[-500:]
