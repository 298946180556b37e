"""Trained 1-D U-Net reconstructors shipped with ecgtf (keras-hub style presets by name).

A preset folder is a minimal run directory (``config.json`` + ``final/*.weights.h5``) plus the
validated int8 ``.tflite`` with its metadata and a ``MODEL_CARD.md``.
"""
from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from ecgtf.callbacks import save_weights_atomic
from ecgtf.data.segments import recorded_split, trained_split_revisions
from ecgtf.files import record_digest
from ecgtf.runs import Run, atomic_write_json, config_to_dict

from .networks import build_reconstructor

PRESET_ROOT = Path(__file__).with_name("presets")

PRESETS = {
    "unet1d_12lead": {
        "description": "Lead I (and any other leads recorded) → 12 leads in mV: an ensemble of two 1-D U-Nets "
                       "(2 × 2.4 M parameters) trained on PTB-XL, z-scored PTB-XL shapes and the CinC 2011/2021 mV "
                       "records, with a ridge blend for Lead I + a chest lead; 100 Hz, 5.12 s windows",
        "folder": "unet1d_12lead",
        "phone_format": "dynamic",
    },
    "unet1d_lite": {
        "description": "Lead I (and any other leads recorded) → 12 leads in mV for watches and small phones: one "
                       "small 1-D U-Net (0.6 M parameters, int8 0.8 MB, ridge blend for Lead I + a chest lead); "
                       "100 Hz, 5.12 s windows",
        "folder": "unet1d_lite",
        "phone_format": "int8",
    },
}


def assemble_preset(run_dirs, name: str, weights: str = "best") -> tuple[Path, list]:
    """Write preset ``name``'s run folder (``presets/<name>/``: config + weights) from finished unet1d run(s).

    One run: its config and ``weights``. Several runs of the same architecture: an ensemble
    (``architecture.members`` = their number; the outputs are averaged). The config keeps no data
    paths (users have their own data folders). Returns (folder, runs). Exporting and the model card are
    :func:`export.presets.build_preset`'s job.
    """
    runs = [Run(r) for r in ([run_dirs] if isinstance(run_dirs, (str, Path)) else run_dirs)]
    for r in runs:
        if r.spec.presets != __name__:
            raise ValueError(f"{r.path} is a {r.model} run; presets here are {__package__.rsplit('.', 1)[-1]} runs")
        if dataclasses.replace(r.architecture, members=1) != dataclasses.replace(runs[0].architecture, members=1):
            raise ValueError(f"{r.path} has another architecture than {runs[0].path}; an ensemble needs one")
    if len(runs) > 1 and runs[0].architecture.ridge_sets:
        raise ValueError(f"{runs[0].path} ends in a ridge blend: an ensemble is assembled from runs without one (blend "
                         "the ensemble's run afterwards with python -m training.ridge_blend)")
    out = PRESET_ROOT / name
    if out.exists():
        shutil.rmtree(out)
    (out / "final").mkdir(parents=True)
    cfg = json.loads((runs[0].path / "config.json").read_text())
    arch = runs[0].architecture if len(runs) == 1 else dataclasses.replace(runs[0].architecture, members=len(runs))
    cfg["architecture"] = config_to_dict(arch)
    cfg["data"]["data_dir"] = None
    cfg["data"]["cache_dir"] = None
    cfg["preset"] = {"name": name, "weights": weights, "members": [
        {"run": r.path.name, "training": r.raw["training"], "data_sources": list(r.data.sources)} for r in runs]}
    atomic_write_json(out / "config.json", cfg)
    record_digest(out / "config.json")
    if all((r.path / "splits.json").exists() for r in runs):   # the split policy travels with the weights
        atomic_write_json(out / "splits.json", [e for r in runs for e in json.loads((r.path / "splits.json").read_text())])
    if len(runs) == 1 and (runs[0].path / "ridge_blend.json").exists():    # how the blend was fitted, and its scores
        shutil.copyfile(runs[0].path / "ridge_blend.json", out / "ridge_blend.json")
    target = out / "final" / "best_reconstructor.weights.h5"
    if len(runs) == 1:
        shutil.copyfile(runs[0].weights_path("reconstructor", weights), target)
        record_digest(target)
    else:
        net = build_reconstructor(arch)
        for m, r in enumerate(runs):
            net.get_layer(f"member{m}").set_weights(r.generator(weights).get_weights())
        save_weights_atomic(net, target)
    return out, runs


def weights_card(name: str, runs) -> str:
    """The short card beside the preset's weights file."""
    return (f"# `best_reconstructor.weights.h5` — weights of the preset `{name}`\n\nKeras 2 (tf_keras) weights "
            f"({len(runs)} network(s)), built from `../config.json`. Data, licences, evaluation, intended use (not a "
            "medical device) and limitations: [`../MODEL_CARD.md`](../MODEL_CARD.md).\n")


def run_or_preset(name_or_dir, option: str) -> Path:
    """A run directory, or the folder of a preset of this model (:data:`.presets.PRESETS`) given by name."""
    path = Path(name_or_dir).expanduser()
    if not (path / "config.json").exists():
        installed = sorted(n for n, p in PRESETS.items() if (PRESET_ROOT / p["folder"] / "config.json").exists())
        if str(name_or_dir) not in installed:
            raise ValueError(f"{option} {name_or_dir!r} is neither a run directory (no config.json there) nor a "
                             f"preset; installed presets: {installed}")
        path = PRESET_ROOT / PRESETS[str(name_or_dir)]["folder"]
    return path


def teacher_dir(run) -> Path | None:
    """The folder of a run's distillation teacher (a run directory or a preset of this model, as the trainer resolved
    it: :func:`run_or_preset`), or ``None``."""
    teacher = getattr(run.training, "teacher", None)
    if not teacher:
        return None
    try:
        return run_or_preset(teacher, "--teacher")
    except ValueError:            # the teacher's folder is gone: its name is all the card can say
        return Path(teacher)


def training_data_text(runs) -> tuple[str, str, str]:
    """(PTB-XL line, CinC 2021 line, never-trained-on sentence) of the card, from the runs' ``splits.json``
    (:data:`ecgtf.data.segments.SPLIT_REVISION`): revision 2 keeps the cross-session patients and half of CinC 2021
    out; older runs trained on them. A teacher that did is said too."""
    clean = all(set(trained_split_revisions(r.path)) == {2} for r in runs)
    if not clean:
        return ("349 records of\n  folds 1–8 in mV, and 1,784", "106 records", "PTB-XL fold 10 and LUDB (the test sets below); "
                "the PTB-XL patients with recordings on two dates and the CinC 2021 records were trained on, so "
                "the cross-session and CinC 2021 results of this preset are partly in-sample")
    last = recorded_split(runs[0].path)
    counts = last["training_segments"]
    teacher = teacher_dir(runs[0])
    teacher_note = ""
    if teacher is not None:   # as recorded at training time (a preset name may point to newer weights today)
        if set(last.get("teacher_split_revisions") or trained_split_revisions(teacher)) != {2}:
            teacher_note = (f" (its teacher `{teacher.name}` was trained before this split and saw them; the "
                            "student never trained on their records)")
    return (f"{counts.get('ptb-xl', 0)} records of\n  folds 1–8 in mV (the patients with recordings on two dates "
            f"left out), and {counts.get('ptb-xl-zscore', 0):,}", f"{counts.get('cinc2021', 0)} records (the other half, "
            "chosen by the parity of the name's SHA-256, is the `cinc2021` test set)",
            "PTB-XL fold 10 and LUDB (the test sets below), the cross-session PTB-XL patients (recordings on two dates) "
            f"and the held-out half of CinC 2021{teacher_note}")


def network_parameters(generator) -> int:
    """Parameters of the U-Net(s) of ``generator``, without a ridge blend's filters and weights."""
    blend = [layer for layer in generator.layers if layer.name == "ridge_blend"]
    return generator.count_params() - sum(layer.count_params() for layer in blend)


def model_card(name: str, runs, records, table: str) -> str:
    run = runs[0]
    ptbxl_text, cinc2021_text, never_text = training_data_text(runs)
    members = len(runs) if len(runs) > 1 else run.architecture.members
    sizes = ", ".join(f"`unet1d_{r['format']}.tflite` ({r['size_bytes'] / 1e6:.2f} MB, RMS error vs Keras "
                      f"{100 * r['validation']['rel_rms_vs_keras']:.1f} % of the output's std)"
                      for r in records if r["passed"])
    failed = "; ".join(f"{r['format']}: {100 * r['validation']['rel_rms_vs_keras']:.1f} % of the output's std vs Keras, "
                       f"RMSE vs truth {r['validation'].get('rmse_vs_truth', float('nan')):.4f} mV (Keras "
                       f"{r['validation'].get('keras_rmse_vs_truth', float('nan')):.4f})"
                       for r in records if not r["passed"] and "validation" in r)
    sources = ", ".join(run.data.sources)
    head = (" `personal_head.tflite` (10 kB): a person's head after the network on the phone, the profile's weights "
            "as its input (`python -m export.personal_head`)." if run.architecture.any_leads else "")
    synthetic = ("\n- ecgtf's synthetic 12-lead generator (dipole model, generated on the fly; no licence "
                 "restrictions)." if any(s.startswith("synthetic") for s in run.data.sources) else "")
    if members == 1:
        ensemble = ""
    elif len(runs) > 1:
        ensemble = (f" The preset is an **ensemble of {members} such networks** trained separately (runs "
                    + ", ".join(f"`{r.path.name}`" for r in runs) + "; the second adds an L1 loss in mV) whose outputs "
                    "are averaged: averaging lowered the error on both test sets (README).")
    else:
        how = "fine-tuned" if run.training.extra.get("init_from") else "trained from random weights"
        ensemble = (f" The preset is an **ensemble of {members} such networks** whose outputs are averaged, {how} "
                    f"together in run `{run.path.name}`.")
    init = run.training.extra.get("init_from")
    if run.architecture.any_leads:
        ensemble += (
            " **Any leads in:** besides Lead I the network takes every other lead the device records (input "
            "`leads_in` 12 × 512, a row of zeros for each lead not recorded; a presence mask is computed inside the "
            "graph): given leads come back exactly, limb leads that follow from two of them are derived exactly, the "
            "others are reconstructed from everything given. Trained with random lead sets per window (Lead I always; "
            "all six limb leads in 35 % of the millivolt windows, no chest lead in half of them, one random chest "
            "lead in 30 %, a random subset in 20 %; a third of the windows are Lead I alone)"
            + (f", fine-tuned from `{Path(init).name}` (a chain that starts from a Lead I preset, widened so that it "
               "first computed exactly the Lead I function)" if init else "") + ". Personalisation: `rec.personalize(reference_12lead, fs)` fits a person's head "
            "(7 × 18 weights) that runs after the network on every window, on the phone too (`personal_head.tflite`, "
            "the profile as an input; Java `org.ecgtf.core.PersonalProfile`).")
    if run.architecture.ridge_sets:
        blend = json.loads((run.path / "ridge_blend.json").read_text()) if (run.path / "ridge_blend.json").exists() else {}
        ensemble += (
            f" **Ridge blend** (`python -m training.ridge_blend`): when the given leads are Lead I with one chest lead, "
            f"or Lead I, Lead II and one chest lead ({len(run.architecture.ridge_sets)} sets), each reconstructed lead "
            f"is blended with a {run.architecture.ridge_taps}-tap ridge reconstruction from the given leads (inside the "
            "graph: the `.tflite` file carries it); the ridge filters were fitted on the millivolt training windows, "
            "the blend weights per lead chosen on PTB-XL fold 9"
            + (f" (there, I+V2 other chest leads: network r {blend['results']['I+V2']['network']:.3f}, ridge "
               f"{blend['results']['I+V2']['ridge']:.3f}, blend {blend['results']['I+V2']['blend']:.3f})"
               if "I+V2" in blend.get("results", {}) else "") + ". Lead I alone and other sets: the network alone.")
    teacher = run.training.teacher
    if teacher:
        folder = teacher_dir(run)
        recorded = recorded_split(run.path)
        same = recorded["teacher_any_leads"] if "teacher_any_leads" in recorded else (
            (folder / "config.json").exists() and Run(folder).architecture.any_leads)   # as trained; else today's folder
        sees, where = (("it sees the same leads", "every training window") if same else
                       ("a Lead I network", "every training window where Lead I alone is given"))
        ensemble += (
            f" **Distilled** from `{Path(teacher).name}` (the teacher, frozen; {sees}): on {where} "
            f"the student matches the teacher's lead shapes and amplitudes (weight "
            f"{run.training.lambda_teacher:g}) and the first differences of its shapes over time (weight {run.training.lambda_grad:g}, which keeps the "
            f"QRS slopes a small network would smooth away), plus the ground-truth losses where the data has them "
            f"(weight {run.training.lambda_truth:g}); z-scored and synthetic windows get amplitude targets from the "
            "teacher.")
    return f"""# Model card: `{name}`

**What it does.** Reconstructs the 12 standard ECG leads (I, II, III, aVR, aVL, aVF, V1–V6) in
millivolts from a single Lead I recording (e.g. a smartwatch), on a phone: a 1-D U-Net over time
({network_parameters(run.generator()) // (run.architecture.members if len(runs) == 1 else 1):,} parameters per network) predicts each lead's shape, an amplitude head predicts each
lead's amplitude relative to Lead I, so no other lead is needed at inference (no oracle amplitude).{ensemble}

**Intended use.** Research and development: prototyping on-device reconstruction, benchmarking, teaching.
**Not a medical device**; not validated for diagnosis, monitoring or any clinical decision. A
reconstructed lead is an estimate from Lead I, not a measurement of that lead.

**Input / output.** Lead I (and, for an any-leads preset, any other leads recorded with it) at any sampling rate ≥ 50 Hz, at least {run.preprocessing.window_s:.2f} s; band-passed
{run.preprocessing.band_hz[0]}–{run.preprocessing.band_hz[1]} Hz and resampled to {run.preprocessing.fs:g} Hz inside
`ecgtf.Reconstructor`; windows of {run.preprocessing.window} samples ({run.preprocessing.window_s:.2f} s) every
{run.preprocessing.hop}, stitched by weighted overlap-add. Output: 12 leads in mV at the input's rate,
band-limited to {run.preprocessing.band_hz[0]}–{run.preprocessing.band_hz[1]} Hz.

**Files.** `config.json` (architecture, preprocessing, training), `final/best_reconstructor.weights.h5`
(Keras 2 / tf_keras weights, for fine-tuning), {sizes}; each `.tflite` has its metadata `.json`
(signature, preprocessing, SHA-256, validation).{head} `intervals.json` (once calibrated with `python -m training.calibrate_intervals --preset NAME --write`): the per-lead bands' calibration (`docs/guides/intervals.md`). `splits.json` (runs of session 17 on): the split policy the weights were trained under.

**Training data** (weighted mix `{sources}`), with attribution:
- PTB-XL 1.0 (Wagner et al., Scientific Data 7, 154, 2020; PhysioNet), CC BY 4.0: {ptbxl_text} further PTB-XL records published band-passed and z-scored per lead
  (shape only, used for the shape loss, never for amplitude).
- PhysioNet/CinC Challenge 2011 set-a (Silva, Moody & Celi, CinC 2011), ODC-By 1.0: the acceptable
  mobile-phone recordings without saturated or flat leads (752).
- PhysioNet/CinC Challenge 2021 (Reyna et al., CinC 2021), CC BY 4.0: {cinc2021_text} (CPSC, Georgia,
  PTB-XL, Chapman-Shaoxing/Ningbo).{synthetic}
Validation: PTB-XL fold 9. Never trained on: {never_text}.

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
