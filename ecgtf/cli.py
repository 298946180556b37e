"""The ``ecgtf`` command line (also ``python -m ecgtf``).

Every model-specific choice (which trainer, which evaluation, which export formats) comes from the model
registry (:mod:`ecgtf.registry`): this file names no model. TensorFlow's start-up logs are hidden unless
``--verbose`` is given or ``ECGTF_DEBUG=1`` is set.

One file, over 300 lines on purpose: the whole command line (its parsers and their small handlers) reads best in one place.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
from importlib import import_module
from pathlib import Path

import numpy as np

from ecgtf import registry
from ecgtf.arguments import coverage, non_negative_int, positive_float, positive_int
from ecgtf.leads import LEADS
from ecgtf.preprocessing.denoise import DEFAULT_DENOISE
from ecgtf.runs import Run

TASK_EVALUATIONS = {"reconstruction": "ecgtf.reconstruction_eval"}
"""The evaluation of a task's models when a run's model names none (and ``--protocol``'s for reconstruction)."""


def _data_info(args) -> int:
    from ecgtf.data.sources import load_source
    from ecgtf.leads import limb_lead_law_error

    ds = load_source(str(args.directory), progress=not args.quiet)
    counts: dict[str, int] = {}
    for labels in ds.labels:
        for lab in labels:
            counts[lab] = counts.get(lab, 0) + 1
    law = limb_lead_law_error(ds.signals)
    info = {
        "directory": str(args.directory), "records": len(ds), "patients": len(set(ds.patient_ids)),
        "fs_hz": ds.fs, "samples": int(ds.signals.shape[-1]), "duration_s": ds.signals.shape[-1] / ds.fs,
        "leads": list(ds.lead_names), "skipped": len(ds.skipped),
        "amplitude_mv_p1_p99": [float(np.percentile(ds.signals, 1)), float(np.percentile(ds.signals, 99))],
        "limb_lead_law_rms_mv": law["rms"], "limb_lead_law_max_mv": law["max"],
        "top_labels": dict(sorted(counts.items(), key=lambda kv: -kv[1])[:15]),
    }
    print(json.dumps(info, indent=2))
    return 0


def _data_synth(args) -> int:
    from ecgtf.data.synthetic import CONDITIONS, LEARNED_RANGES, REALISTIC_RANGES, generate_dataset
    from ecgtf.plots import plot_12lead

    conditions = tuple(args.conditions.split(",")) if args.conditions else CONDITIONS
    unknown = sorted(set(conditions) - set(CONDITIONS))
    if unknown:
        print(f"error: --conditions: unknown {unknown}; expected a subset of {','.join(CONDITIONS)}", file=sys.stderr)
        return 2
    ranges = {"learned": LEARNED_RANGES, "waves": REALISTIC_RANGES}[args.beats]
    signals, labels, configs = generate_dataset(args.n, seed=args.seed, conditions=conditions, progress=True,
                                                ranges=ranges)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from ecgtf.runs import atomic_write

    atomic_write(out, lambda fh: np.savez_compressed(
        fh, signals=signals, labels=np.array(labels), fs=500.0, leads=np.array(LEADS),
        heart_rate_bpm=np.array([c.heart_rate_bpm for c in configs]),
        axis_deg=np.array([c.frontal_axis_deg for c in configs])), mode="wb")
    print(f"wrote {len(signals)} records {signals.shape[1:]} (12 leads × samples at 500 Hz, mV) to {out}")
    if args.plot:
        png = out.with_suffix(".png")
        plot_12lead(signals[0], 500.0, png, title=f"synthetic {labels[0]}, {configs[0].heart_rate_bpm:.0f} bpm")
        print(f"plotted record 0 to {png}")
    return 0


def _data_download(args) -> int:
    from ecgtf.data.download import DownloadError, download

    try:
        path = download(args.name, args.directory)
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"downloaded {args.name} to {path}")
    return 0


def _load_for_plot(path: Path, index: int):
    """(12-lead signal (12, n) in mV, fs) of record ``index`` of an ``ecgtf data synth`` .npz, or of a WFDB record."""
    if path.suffix == ".npz":
        import zipfile

        try:
            with np.load(path, allow_pickle=False) as z:
                if "signals" not in z:
                    raise ValueError(f"{path}: expected an array 'signals' (N, 12, n) as written by `ecgtf data synth`")
                signals, fs = z["signals"], float(z["fs"]) if "fs" in z else 500.0
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable .npz ({type(exc).__name__}: {exc})") from None
        if signals.ndim != 3 or signals.shape[1] != 12:
            raise ValueError(f"{path}: 'signals' has shape {signals.shape}; expected (N, 12, n)")
        if not 0 <= index < len(signals):
            raise ValueError(f"--index {index}: {path} holds records 0–{len(signals) - 1}")
        return signals[index], fs
    from ecgtf.data.records import canonical_12lead
    from ecgtf.io import read_wfdb_mv

    if index != 0:
        raise ValueError(f"--index {index}: a WFDB record holds one recording (index 0)")
    signal, fs, names = read_wfdb_mv(path.with_suffix("") if path.suffix in (".hea", ".dat") else path)
    return canonical_12lead(signal, names, str(path)), fs


def _plot(args) -> int:
    from ecgtf.files import check_outputs
    from ecgtf.io import input_files
    from ecgtf.plots import plot_12lead

    check_outputs([Path(args.out)], input_files(args.input))
    signal, fs = _load_for_plot(Path(args.input), args.index)
    plot_12lead(signal, fs, args.out, title=args.title or Path(args.input).name)
    print(f"wrote {args.out}")
    return 0


def _train(model: str, rest: list[str]) -> int:
    """``ecgtf train NAME …``: the model's trainer with the remaining arguments (and those NAME stands for)."""
    commands = registry.train_commands()
    if model not in commands:
        raise ValueError(f"ecgtf train: unknown model {model!r}; expected one of {', '.join(sorted(commands))}")
    spec, implied = commands[model]
    if implied and implied[0] not in rest:
        rest = [*implied, *rest]
    return import_module(spec.trainer).main(rest)


def _train_help() -> str:
    lines = []
    for name, (spec, implied) in sorted(registry.train_commands().items()):
        what = f"= {spec.cli_name} {' '.join(implied)}" if implied else spec.description
        variants = f" [--variant {','.join(spec.variants)}]" if spec.variants and not implied else ""
        lines.append(f"  {name:<22}{what}{variants}")
    return "models (ecgtf train NAME --help for NAME's options):\n" + "\n".join(lines)


def _run_evaluation(module: str, argv: list[str]) -> int:
    """``module.main(argv)``, handing down the user API to evaluations that take it (``main(argv, api)``)."""
    from ecgtf.user_api import API  # the user API stack (scipy, matplotlib): loaded by the commands that use it

    main = import_module(module).main
    if "api" in inspect.signature(main).parameters:
        return main(argv, api=API)
    return main(argv)


def _evaluate(args, rest: list[str]) -> int:
    """``ecgtf evaluate RUN …``: the evaluation the run's model names (``ModelSpec.evaluate``)."""
    for spec in registry.specs():
        if any(flag in rest for flag in spec.evaluate_flags) and spec.evaluate:
            return _run_evaluation(spec.evaluate, rest)
    runs = [a for a in rest if not a.startswith("-") and (Path(a) / "config.json").exists()]
    spec = Run(runs[0]).spec if runs else None
    if "--protocol" in rest or spec is None or spec.evaluate is None:
        task = spec.task if spec is not None else "reconstruction"
        if task not in TASK_EVALUATIONS:
            raise ValueError(f"{runs[0]}: no evaluation is registered for {spec.name} ({task}) models")
        return _run_evaluation(TASK_EVALUATIONS[task], [a for a in rest if a != "--protocol"])
    return _run_evaluation(spec.evaluate, rest)


def _export(args, rest: list[str]) -> int:
    from export.engine import main as export_main

    return export_main(rest, prog="ecgtf export")


def _benchmark(args, rest: list[str]) -> int:
    from export.benchmark import main as bench_main

    return bench_main(rest)


OUTPUT_FORMATS = {"csv": (".csv",), "npz": (".npz",), "wfdb": (".hea", ".dat")}
"""``ecgtf reconstruct --formats``: name → the files it writes (the PNG is always written)."""


def _reconstruct_outputs(args) -> tuple[Path, list[str], list[Path]]:
    """(output stem, formats, every output file) of ``ecgtf reconstruct``, checked before any work: known formats, a
    WFDB-readable record name, no output onto an input file or onto another output."""
    from ecgtf.files import check_outputs
    from ecgtf.io import input_files

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown:
        raise ValueError(f"--formats: unknown output format(s) {unknown}; expected some of {', '.join(OUTPUT_FORMATS)}")
    base = Path(args.out)
    if base.suffix.lower() in (".png", ".csv", ".npz", ".hea", ".dat"):
        base = base.with_suffix("")
    if base.is_dir():
        raise ValueError(f"-o {args.out}: is a folder; expected an output name such as {base / 'ecg'}")
    if "wfdb" in formats and not re.fullmatch(r"[A-Za-z0-9_-]+", base.name):
        raise ValueError(f"-o {args.out}: {base.name!r} is not a WFDB record name (letters, digits, '_' and '-' "
                         "only); choose another name for --formats wfdb")
    outputs = [base.parent / (base.name + ext) for ext in (".png", *(e for f in formats for e in OUTPUT_FORMATS[f]))]
    extra_inputs = input_files(args.reference) if args.reference else []
    check_outputs(outputs + ([Path(args.save_profile)] if args.save_profile else []),
                  input_files(args.input) + extra_inputs)
    return base, formats, outputs


def _personal(rec, args):
    """``--reference``: a saved profile (``.json``) or the person's own 12-lead recording (CSV/WFDB/EDF) to calibrate
    on (``--save-profile`` keeps the profile)."""
    from ecgtf.io import read_leads
    from ecgtf.personal import PersonalReconstructor

    ref = Path(args.reference)
    if ref.suffix.lower() == ".json":
        personal = PersonalReconstructor.load(ref, rec)
    else:
        signals, fs_ref, _ = read_leads(ref, args.reference_fs or args.fs, LEADS, units=args.units)
        personal = rec.personalize(signals, fs_ref)
        if args.save_profile:
            print(f"wrote {personal.save(args.save_profile)}")
    print(f"personalised with {ref.name} ({personal.profile.reference_seconds:.1f} s reference)")
    return personal


def _reconstruct(args) -> int:
    from ecgtf.io import read_leads
    from ecgtf.leads import lead_names, limb_leads_from

    base, formats, _ = _reconstruct_outputs(args)
    option, given = ("--leads", args.leads) if args.leads else ("--lead", args.lead)
    try:
        wanted = lead_names(given)
    except ValueError as exc:
        raise ValueError(f"{option} {given!r}: {exc}") from None
    signals, fs, names = read_leads(args.input, args.fs, None if wanted == ("I",) and not args.leads else wanted,
                                    units=args.units)
    lead_i = limb_leads_from(dict(zip(names, signals))).get("I")
    if lead_i is None:
        raise ValueError(f"{args.input}: leads {list(names)}: the reconstruction starts from Lead I; give Lead I, or "
                         "two limb leads it follows from (e.g. --leads II,III)")
    from ecgtf.reconstructor import Reconstructor  # scipy, matplotlib: loaded by the commands that use them

    rec = Reconstructor.load(args.model, denoise=args.denoise)
    native = getattr(rec.pipeline, "native_fs", None)
    if native and not np.isclose(fs, native) and not args.resample:
        raise ValueError(f"{args.input} is sampled at {fs:g} Hz but {rec.name} was trained on {native:g} Hz "
                         "records; pass --resample to convert")
    base.parent.mkdir(parents=True, exist_ok=True)
    if not args.no_quality_gate:
        import warnings

        from ecgtf.quality import gate

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # each segment is printed below instead
            segments = gate(lead_i, fs, f"{args.input} (Lead I)", override="--no-quality-gate")
        for a, b, q in segments:
            if not q.ok:
                print(f"quality {'REFUSED' if q.refused else 'flag'} {a:.0f}-{b:.0f} s: {q.reason}")
    model = rec
    if args.reference:
        model = _personal(rec, args)
    out = model.reconstruct(signals if len(names) > 1 else signals[0], fs, coverage=args.coverage, quality=False,
                            leads=names)
    if len(names) > 1:
        print(f"given {', '.join(out.info['given'])}; derived exactly {', '.join(out.info['derived']) or 'none'}; "
              f"the rest reconstructed from Lead I")
    if not out.has_band:
        print(f"no band: {rec.name} has no interval calibration (intervals.json; python -m "
              "training.calibrate_intervals makes one)")
    elif args.confidence:
        print(f"per-lead mean width of the {out.coverage:.0%} band ({out.units}; 0 = given): " + ", ".join(
            f"{n} {w:.3f}" for n, w in zip(LEADS, out.band_width)))
    stem = base.parent / base.name
    out.plot(Path(f"{stem}.png"), title=f"{Path(args.input).name}: 12 leads from {'+'.join(names)} ({rec.name}, "
             f"{out.units})")
    written = [Path(f"{stem}.png")]
    writers = {"csv": lambda: out.to_csv(Path(f"{stem}.csv")), "npz": lambda: out.to_npz(Path(f"{stem}.npz")),
               "wfdb": lambda: out.to_wfdb(stem)}
    written += [writers[fmt]() for fmt in formats]
    denoised = f", Lead I denoised by {rec.denoiser.name}" if rec.denoiser is not None else ""
    print(f"reconstructed {out.leads.shape[1] / fs:.1f} s at {fs:g} Hz with {rec.name}{denoised} ({out.windows} windows, "
          f"units {out.units}); wrote " + ", ".join(str(w) for w in written))
    return 0


def build_parser(train_help: bool = True) -> argparse.ArgumentParser:
    """The parser; ``train_help=False`` skips listing the models (which loads every model folder)."""
    parser = argparse.ArgumentParser(prog="ecgtf", description="ecgtf: generative ECG models for phones — "
                                     "train, evaluate, export to TFLite, benchmark, and reconstruct 12 leads "
                                     "from Lead I. `ecgtf COMMAND --help` for each command; `ecgtf --verbose COMMAND` (or "
                                     "ECGTF_DEBUG=1) shows TensorFlow's logs and tracebacks.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a model (ecgtf train NAME --help for its options)",
                           description="Train a model. `ecgtf train NAME --help` lists NAME's options.",
                           epilog=_train_help() if train_help else None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("model", metavar="NAME", help="model to train (ecgtf train --help lists them)")
    train.set_defaults(func=lambda a, rest: _train(a.model, rest), passthrough=True)

    rec = sub.add_parser("reconstruct", help="12 leads (PNG + CSV/NPZ/WFDB in mV) from a Lead I recording")
    rec.add_argument("input", help="Lead I recording: .csv, .npy, .edf or a WFDB record (.hea)")
    rec.add_argument("--fs", type=positive_float, default=None, help="sampling rate in Hz (needed for CSV/NPY)")
    rec.add_argument("--lead", default="I", help="the lead a one-lead file holds (default I)")
    rec.add_argument("--leads", default=None, help="the leads to read, e.g. I,II: given leads come back exactly, limb "
                     "leads that follow from two are derived (default: every lead a CSV header names, else I)")
    rec.add_argument("--reference", default=None, help="calibrate to the person: their own 12-lead ECG (CSV with lead "
                     "columns, WFDB, EDF; ≥ 4 s) or a saved profile (.json)")
    rec.add_argument("--reference-fs", type=positive_float, default=None,
                     help="the reference's rate when its file does not say (default: --fs)")
    rec.add_argument("--save-profile", default=None, help="with --reference RECORDING: write the profile here")
    rec.add_argument("--units", default="mV", choices=["mV", "uV", "V"],
                     help="units of a CSV/NPY file's numbers (default mV; WFDB/EDF headers say their own)")
    rec.add_argument("--model", default=None, help="preset name, run directory or .tflite (default: the shipped preset)")
    rec.add_argument("-o", "--out", default="reconstruction", help="output path stem (default ./reconstruction)")
    rec.add_argument("--formats", default="csv", help="outputs besides the PNG: csv,npz,wfdb (default csv)")
    rec.add_argument("--coverage", type=coverage, default=0.8,
                     help="nominal coverage of each lead's band in the plot and outputs (0.01–0.99, default 0.8: the "
                     "true lead lies inside with this probability)")
    rec.add_argument("--confidence", action="store_true",
                     help="also print each lead's mean band width (the per-lead summary of the band)")
    rec.add_argument("--no-quality-gate", action="store_true",
                     help="reconstruct even when no 10 s segment of Lead I passes the signal-quality gate")
    rec.add_argument("--resample", action="store_true",
                     help="accept a rate other than the model's training rate (EKGAN: 500 Hz) and resample")
    rec.add_argument("--denoise", default=DEFAULT_DENOISE,
                     help="denoise Lead I first: none, bandpass, wavelet, a denoiser run directory or .tflite "
                     f"(default {DEFAULT_DENOISE}: see the README's denoising section for why)")
    rec.set_defaults(func=_reconstruct)

    for name, func, text in (("evaluate", _evaluate, "evaluate runs/presets on held-out data (--help for options)"),
                             ("export", _export, "export a run to validated TFLite files (see --help)"),
                             ("benchmark", _benchmark, "size, accuracy and latency of exported .tflite files")):
        p = sub.add_parser(name, help=text, add_help=False)
        p.set_defaults(func=func, passthrough=True)

    data = sub.add_parser("data", help="inspect, synthesise or download ECG data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    info = dsub.add_parser("info", help="summarise a directory of 12-lead records (PTB-XL, LUDB or WFDB)")
    info.add_argument("directory", type=Path)
    info.add_argument("--quiet", action="store_true", help="no progress bar")
    info.set_defaults(func=_data_info)

    synth = dsub.add_parser("synth", help="generate synthetic 12-lead records (dipole model) to an .npz")
    synth.add_argument("--n", type=positive_int, default=12, help="number of 10 s records (default 12)")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--conditions", default="", help="comma-separated subset of NORM,CLBBB,CRBBB,AFIB,LAD,RAD")
    synth.add_argument("--beats", choices=["learned", "waves"], default="learned",
                       help="learned: beats from the learned beat model (default; bundle-branch blocks keep Gaussian "
                            "waves); waves: Gaussian-wave beats for every condition (one style across labels)")
    synth.add_argument("--out", default="synthetic.npz", help="output .npz (signals (N,12,5000) mV, labels, fs)")
    synth.add_argument("--plot", action="store_true", help="also plot the first record as a 12-lead PNG")
    synth.set_defaults(func=_data_synth)

    dl = dsub.add_parser("download", help="download a PhysioNet database with wfdb (needs internet)")
    dl.add_argument("name", choices=["ptb-xl", "ludb", "mitdb", "nstdb"])
    dl.add_argument("directory", type=Path)
    dl.set_defaults(func=_data_download)

    plot = sub.add_parser("plot", help="plot a 12-lead record (WFDB path or .npz) in the standard paper layout")
    plot.add_argument("input", help="WFDB record path (without extension) or an .npz from `ecgtf data synth`")
    plot.add_argument("--index", type=non_negative_int, default=0, help="record index inside an .npz")
    plot.add_argument("--out", default="ecg.png", help="output PNG")
    plot.add_argument("--title", default="")
    plot.set_defaults(func=_plot)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--verbose"] or os.environ.get("ECGTF_DEBUG") == "1":
        argv = argv[1:] if argv[:1] == ["--verbose"] else argv
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
        os.environ["ECGTF_QUIET_TF"] = "0"
    else:
        quiet_tensorflow()
    if len(argv) >= 2 and argv[0] == "train" and argv[1] in registry.train_commands():  # the trainer parses the rest
        return _run(lambda: _train(argv[1], argv[2:]))
    parser = build_parser(train_help=argv[:1] == ["train"])
    args, rest = parser.parse_known_args(argv)
    if rest and not getattr(args, "passthrough", False):
        parser.parse_args(argv)  # reports the unknown arguments and exits
    if getattr(args, "passthrough", False):
        return _run(lambda: args.func(args, rest))
    return _run(lambda: args.func(args))


def quiet_tensorflow() -> None:
    """Hide TensorFlow's and absl's start-up logs (oneDNN notice, CUDA probing) for this process."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["ECGTF_QUIET_TF"] = "1"          # ecgtf.backend drops the C++ start-up lines of `import tensorflow`
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass


def _run(call) -> int:
    """Run a command; expected failures print one line (``ECGTF_DEBUG=1`` shows the traceback)."""
    try:
        return call()
    except (ValueError, FileNotFoundError, OSError) as exc:
        if os.environ.get("ECGTF_DEBUG") == "1":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
