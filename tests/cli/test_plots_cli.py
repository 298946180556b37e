import subprocess
import sys

import numpy as np
import pytest

from ecgtf.cli import main
from ecgtf.data.synthetic import generate_record
from ecgtf.plots import plot_12lead, plot_beats_grid, plot_overlay


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_12lead_png_has_paper_proportions(tmp_path):
    rec = generate_record(seed=0)
    out = tmp_path / "ecg.png"
    plot_12lead(rec.signal, rec.fs, out, title="t")
    w, h = _png_size(out)
    assert w > 1200 and 1.6 < w / h < 2.4   # 250 mm × 120 mm of paper plus margins


def _ink(path) -> np.ndarray:
    """Pixels that are not (near) white, as a boolean image."""
    from matplotlib.image import imread

    img = imread(path)[..., :3]
    return img.min(axis=-1) < 0.9


def test_overlay_and_beats(tmp_path):
    rec = generate_record(seed=0)
    plot_overlay(rec.signal, rec.signal, rec.fs, tmp_path / "same.png")
    plot_overlay(rec.signal, rec.signal * 0.5, rec.fs, tmp_path / "o.png")
    same, half = _ink(tmp_path / "same.png"), _ink(tmp_path / "o.png")
    assert same.shape == half.shape and 0.01 < half.mean() < 0.6       # drawn, not blank, not a solid block
    assert half.sum() > same.sum()              # a second trace appears where the prediction departs from the truth
    rows = np.flatnonzero(half.any(axis=1))
    assert np.ptp(rows) > 0.5 * half.shape[0]   # the traces span the figure (12 panels), not one corner
    plot_beats_grid(np.random.default_rng(0).normal(size=(8, 400)), tmp_path / "b.png",
                    reference=np.zeros((4, 400)))
    assert 0.01 < _ink(tmp_path / "b.png").mean() < 0.6


def test_plot_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"\(12, n_samples\)"):
        plot_12lead(np.zeros((8, 100)), 500, tmp_path / "x.png")
    with pytest.raises(ValueError, match="NaN"):
        plot_12lead(np.full((12, 100), np.nan), 500, tmp_path / "x.png")
    with pytest.raises(ValueError, match="differ in shape"):
        plot_overlay(np.zeros((12, 10)), np.zeros((12, 11)), 500)


@pytest.mark.parametrize("argv", [["--help"], ["data", "--help"], ["data", "info", "--help"],
                                  ["data", "synth", "--help"], ["data", "download", "--help"], ["plot", "--help"]])
def test_every_subcommand_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0 and "usage:" in capsys.readouterr().out


def test_synth_and_plot_roundtrip(tmp_path, capsys):
    out = tmp_path / "s.npz"
    assert main(["data", "synth", "--n", "3", "--out", str(out), "--plot"]) == 0
    with np.load(out) as z:
        assert z["signals"].shape == (3, 12, 5000) and list(z["labels"]) == ["NORM", "CLBBB", "CRBBB"]
    assert main(["plot", str(out), "--index", "2", "--out", str(tmp_path / "p.png")]) == 0
    assert (tmp_path / "p.png").exists()
    # learned beats by default; --beats waves makes every record from Gaussian waves (other records, same labels)
    waves = tmp_path / "w.npz"
    assert main(["data", "synth", "--n", "3", "--beats", "waves", "--out", str(waves)]) == 0
    with np.load(out) as a, np.load(waves) as b:
        assert list(a["labels"]) == list(b["labels"]) and not np.allclose(a["signals"][0], b["signals"][0])
    assert main(["data", "synth", "--n", "3", "--conditions", "NORM,LBBB", "--out", str(tmp_path / "x.npz")]) == 2
    assert "unknown ['LBBB']" in capsys.readouterr().err and not (tmp_path / "x.npz").exists()


def test_cli_bad_input_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["data", "info", str(tmp_path)]) == 2
    assert "no WFDB records" in capsys.readouterr().err


def test_import_ecgtf_selects_keras2_and_refuses_keras3():
    ok = subprocess.run([sys.executable, "-c", "import ecgtf.backend as b; import tensorflow as tf; "
                         "print(b.keras.__version__, tf.keras.layers.Dense.__module__)"],
                        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("2.") and "tf_keras" in ok.stdout
    bad = subprocess.run([sys.executable, "-c", "import tensorflow; import ecgtf"], capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert bad.returncode != 0 and "ecgtf needs Keras 2" in bad.stderr
