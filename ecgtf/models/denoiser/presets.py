"""Trained denoisers shipped with ecgtf (presets by name): ``ecgtf.Denoiser.from_preset(NAME)``.

A preset folder is a minimal run directory (``config.json`` + ``final/generator.weights.h5``) plus its
validated ``.tflite`` files with metadata and a ``MODEL_CARD.md`` built from the bench's tables.
"""
from __future__ import annotations

from pathlib import Path

PRESET_ROOT = Path(__file__).with_name("presets")

PRESETS = {
    "denoiser_lstm_dcgan": {
        "description": "Lead I / MLII denoiser (LSTM-DCGAN, Wang et al. 2023; 0.29 M parameters) trained on MIT-BIH "
                       "with NSTDB baseline wander and muscle noise; 360 Hz, 1,024-sample windows. Off by default "
                       "in front of the reconstructor (README: ECG denoising)",
        "folder": "denoiser_lstm_dcgan",
        "phone_format": "dynamic",
    },
}


def build_preset(run_dir, name: str, bench: str | Path | None = None, reconstruction: str | Path | None = None,
                 formats=("float32", "dynamic")) -> Path:
    """Turn a finished denoiser run into ``presets/<name>/``: config (no data paths), final weights, the
    validated ``formats`` and ``MODEL_CARD.md`` with the bench's ``bench.md`` and the reconstruction
    table ``reconstruction.md`` (folders of the two evaluation commands). Returns the folder."""
    import json
    import shutil

    from ecgtf.runs import Run, atomic_write_json
    from export.engine import export_run, format_records

    run = Run(run_dir)
    if run.model != "denoiser":
        raise ValueError(f"{run.path} is a {run.model} run, not a denoiser")
    out = PRESET_ROOT / name
    if out.exists():
        shutil.rmtree(out)
    (out / "final").mkdir(parents=True)
    cfg = json.loads((run.path / "config.json").read_text())
    cfg["data"]["data_dir"] = None
    cfg["preset"] = {"name": name, "run": run.path.name, "metrics": run.metrics()}
    atomic_write_json(out / "config.json", cfg)
    shutil.copyfile(run.weights_path("generator"), out / "final" / "generator.weights.h5")
    records = export_run(out, list(formats), out)
    print(format_records(records))
    if not any(r["passed"] for r in records):
        raise ValueError(f"preset {name}: no format passed validation")
    for f in ("heldout.npz", "export_report.json"):
        (out / f).unlink(missing_ok=True)

    def read(folder, file):
        return Path(folder, file).read_text() if folder and Path(folder, file).exists() else "(not evaluated)"
    (out / "MODEL_CARD.md").write_text(model_card(name, run, records, read(bench, "bench.md"),
                                                  read(reconstruction, "reconstruction.md")))
    return out


def model_card(name: str, run, records, bench: str, reconstruction: str) -> str:
    files = ", ".join(f"`denoiser_{r['format']}.tflite` ({r['size_bytes'] / 1e6:.2f} MB, RMS error vs Keras "
                      f"{100 * r['validation']['rel_rms_vs_keras']:.2f} % of the output's std)" for r in records if r["passed"])
    m, d, w = run.metrics(), run.data, run.preprocessing
    return f"""# Model card: `{name}`

**What it does.** Removes noise from one ECG lead (trained on MIT-BIH lead MLII; meant for a watch's Lead I)
in millivolts: the LSTM-DCGAN generator of Wang et al., "Deep convolutional generative adversarial network
with LSTM for ECG denoising" (Comput. Math. Methods Med. 2023, 6737102) — a convolutional encoder–decoder
with an LSTM after each convolutional layer ({m.get("generator_parameters", 0):,} parameters), trained as a GAN
(L1 content loss + adversarial loss) for {m.get("epochs_done")} epochs × {run.training.steps_per_epoch} steps
of {run.training.batch_size} ({m.get("train_seconds_total", 0) / 60:.0f} min on a 2-core CPU).

**Intended use.** Research and development; **not a medical device**. It is *not* switched on in front of
ecgtf's reconstructor by default: see the reconstruction table below and the README ("ECG denoising").

**Input / output.** One lead in mV at any rate; resampled to {w.fs:g} Hz inside `ecgtf.Denoiser`, windows of
{w.length} samples every {w.hop}, each window's mean kept, stitched by weighted overlap-add, resampled back.

**Files.** `config.json`, `final/generator.weights.h5` (Keras 2 / tf_keras), {files}; each `.tflite` has its
metadata `.json`. A TFLite LSTM keeps state between invocations: reset it before every window
(`Interpreter.reset_all_variables()` / `resetVariableTensors()`, as `ecgtf.Denoiser.from_tflite` and the
Android app's `DenoiserRunner` do).

**Training data**, with attribution: MIT-BIH Arrhythmia Database (Moody & Mark 2001; PhysioNet, ODC-By 1.0),
records {", ".join(map(str, d.train_records))} (MLII); MIT-BIH Noise Stress Test Database (Moody, Muldrow & Mark
1984; PhysioNet, ODC-By 1.0), noise records `bw` and `ma`, first {100 * d.noise_train_fraction:.0f} % of each;
SNRs uniform in {d.train_snr_db[0]:g}…{d.train_snr_db[1]:g} dB. Never trained on: records
{", ".join(map(str, d.test_records))}, 118, 119, the last {100 * (1 - d.noise_test_start):.0f} % of the noise
records, electrode-motion noise.

**Evaluation** (`python -m training.evaluate_denoisers`; PRD %, RMSE mV, SNR improvement dB, XQRS F1):

{bench}

**Reconstruction from noisy Lead I** (`python -m training.evaluate_denoised_reconstruction`; r / RMSE mV over
II, V1–V6 of `unet1d_12lead`):

{reconstruction}

**Known limitations.** Trained on 11 patients' MLII; amplitudes and morphologies far from theirs, other leads,
and noise types other than baseline wander and muscle artefact (electrode motion: see the 118e/119e rows) are
outside its training. It keeps a residual error on clean input (see the 12 dB rows).
"""
