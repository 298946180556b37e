"""Trained 1-D U-Net reconstructors shipped with ecgtf (keras-hub style presets by name).

A preset folder is a minimal run directory (``config.json`` + ``final/*.weights.h5``) plus the
validated int8 ``.tflite`` with its metadata and a ``MODEL_CARD.md``.
"""
from __future__ import annotations

from pathlib import Path

PRESET_ROOT = Path(__file__).with_name("presets")

PRESETS = {
    "unet1d_12lead": {
        "description": "Lead I → 12 leads in mV, 1-D U-Net (2.4 M parameters) trained on PTB-XL, z-scored "
                       "PTB-XL shapes and the CinC 2011/2021 mV records; 100 Hz, 5.12 s windows",
        "folder": "unet1d_12lead",
    },
}


def build_preset(run_dir: str | Path, name: str, evaluation: str | Path | None = None, formats=("dynamic", "int8"),
                 weights: str = "best") -> Path:
    """Turn a finished unet1d run into a shipped preset folder (``presets/<name>/``).

    Copies the run's config (data paths removed: users have their own data folders) and its
    ``weights`` as ``final/best_reconstructor.weights.h5``, exports and validates ``formats`` into the
    folder, and writes ``MODEL_CARD.md`` (with the evaluation table from ``evaluation``'s
    ``results.md`` when given). Returns the folder.
    """
    import json
    import shutil

    from ecgtf.runs import Run, atomic_write_json
    from export.engine import export_run, format_records

    run = Run(run_dir)
    if run.model != "unet1d":
        raise ValueError(f"{run_dir} is a {run.model} run; presets here are unet1d runs")
    out = PRESET_ROOT / name
    (out / "final").mkdir(parents=True, exist_ok=True)
    cfg = json.loads((run.path / "config.json").read_text())
    cfg["data"]["data_dir"] = None
    cfg["data"]["cache_dir"] = None
    cfg["preset"] = {"name": name, "from_run": run.path.name, "weights": weights}
    atomic_write_json(out / "config.json", cfg)
    shutil.copyfile(run.weights_path("reconstructor", weights), out / "final" / "best_reconstructor.weights.h5")
    for k in ("history.json", "metrics.json"):
        if (run.path / k).exists():
            shutil.copyfile(run.path / k, out / k)
    records = export_run(out, list(formats), out, weights="best")
    print(format_records(records))
    if not any(r["passed"] for r in records):
        raise ValueError(f"preset {name}: no format passed validation")
    for f in ("heldout.npz", "export_report.json"):
        (out / f).unlink(missing_ok=True)
    table = Path(evaluation, "results.md").read_text() if evaluation else "(not evaluated)"
    (out / "MODEL_CARD.md").write_text(model_card(name, run, records, table))
    return out


def model_card(name: str, run, records, table: str) -> str:
    sizes = ", ".join(f"`unet1d_{r['format']}.tflite` ({r['size_bytes'] / 1e6:.2f} MB, RMS error vs Keras "
                      f"{100 * r['validation']['rel_rms_vs_keras']:.1f} % of the output's std)"
                      for r in records if r["passed"])
    failed = "; ".join(f"{r['format']}: {100 * r['validation']['rel_rms_vs_keras']:.1f} % of the output's std vs Keras, "
                       f"RMSE vs truth {r['validation'].get('rmse_vs_truth', float('nan')):.4f} mV (Keras "
                       f"{r['validation'].get('keras_rmse_vs_truth', float('nan')):.4f})"
                       for r in records if not r["passed"] and "validation" in r)
    sources = ", ".join(run.data.sources)
    return f"""# Model card: `{name}`

**What it does.** Reconstructs the 12 standard ECG leads (I, II, III, aVR, aVL, aVF, V1–V6) in
millivolts from a single Lead I recording (e.g. a smartwatch), on a phone: a 1-D U-Net over time
({run.generator().count_params():,} parameters) predicts each lead's shape, an amplitude head predicts each
lead's amplitude relative to Lead I, so no other lead is needed at inference (no oracle amplitude).

**Intended use.** Research and development: prototyping on-device reconstruction, benchmarking, teaching.
**Not a medical device**; not validated for diagnosis, monitoring or any clinical decision. A
reconstructed lead is an estimate from Lead I, not a measurement of that lead.

**Input / output.** Lead I at any sampling rate ≥ 50 Hz, at least {run.preprocessing.window_s:.2f} s; band-passed
{run.preprocessing.band_hz[0]}–{run.preprocessing.band_hz[1]} Hz and resampled to {run.preprocessing.fs:g} Hz inside
`ecgtf.Reconstructor`; windows of {run.preprocessing.window} samples ({run.preprocessing.window_s:.2f} s) every
{run.preprocessing.hop}, stitched by weighted overlap-add. Output: 12 leads in mV at the input's rate,
band-limited to {run.preprocessing.band_hz[0]}–{run.preprocessing.band_hz[1]} Hz.

**Files.** `config.json` (architecture, preprocessing, training), `final/best_reconstructor.weights.h5`
(Keras 2 / tf_keras weights, for fine-tuning), {sizes}; each `.tflite` has its metadata `.json`
(signature, preprocessing, SHA-256, validation).

**Training data** (weighted mix `{sources}`), with attribution:
- PTB-XL 1.0 (Wagner et al., Scientific Data 7, 154, 2020; PhysioNet), CC BY 4.0: 349 records of
  folds 1–8 in mV, and 1,784 further PTB-XL records published band-passed and z-scored per lead
  (shape only, used for the shape loss, never for amplitude).
- PhysioNet/CinC Challenge 2011 set-a (Silva, Moody & Celi, CinC 2011), ODC-By 1.0: the acceptable
  mobile-phone recordings without saturated or flat leads (752).
- PhysioNet/CinC Challenge 2021 (Reyna et al., CinC 2021), CC BY 4.0: 106 records (CPSC, Georgia,
  PTB-XL, Chapman-Shaoxing/Ningbo).
Validation: PTB-XL fold 9. Never trained on: PTB-XL fold 10 and LUDB (the test sets below).

**Evaluation** (`python -m training.evaluate_reconstructors`, 95 % bootstrap intervals over records;
r and errors over the 11 reconstructed leads and over II, V1–V6; band 0.5–40 Hz, 100 Hz):

{table}

**Known limitations.** Trained on a few thousand 10 s records from mostly German (PTB-XL), Chinese
and US hospitals and on phone recordings; rhythm and morphology outside that data (paced rhythms,
children, rare conduction defects) are not represented. Like every single-lead reconstruction it
regresses chest-lead QRS amplitudes towards the population mean (see the QRS slope column):
amplitude extremes such as hypertrophy voltage criteria are not reproduced. Limb-lead laws are not
enforced (see the limb-law column). Quantized formats that failed validation and do not ship:
{failed or "none"}. The shipped phone file is the one listed under Files.
"""
