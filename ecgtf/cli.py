"""The ``ecgtf`` command line (also ``python -m ecgtf``)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ecgtf.models.beatgen import BEAT_MODELS


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
    from ecgtf.leads import LEADS
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
    if path.suffix == ".npz":
        with np.load(path) as z:
            if "signals" not in z:
                raise ValueError(f"{path}: expected an array 'signals' (N, 12, n) as written by `ecgtf data synth`")
            return z["signals"][index], float(z["fs"]) if "fs" in z else 500.0
    from ecgtf.data.records import canonical_12lead, read_wfdb

    signal, fs, names = read_wfdb(path.with_suffix("") if path.suffix in (".hea", ".dat") else path)
    return canonical_12lead(signal, names, str(path)), fs


def _plot(args) -> int:
    from ecgtf.plots import plot_12lead

    signal, fs = _load_for_plot(Path(args.input), args.index)
    plot_12lead(signal, fs, args.out, title=args.title or Path(args.input).name)
    print(f"wrote {args.out}")
    return 0


TRAINERS = {"ekgan": "ecgtf.models.ekgan.trainer", "pix2pix": "ecgtf.models.ekgan.trainer",
            "lstm-gan": "ecgtf.models.lstm_gan.trainer", "unet1d": "ecgtf.models.unet1d.trainer",
            **{name.replace("_", "-"): f"ecgtf.models.{name}.trainer" for name in BEAT_MODELS},
            "denoiser": "ecgtf.models.denoiser.trainer", "me-gan": "ecgtf.models.me_gan.trainer",
            "classifier": "ecgtf.models.classifier.trainer", "pulse2pulse": "ecgtf.models.pulse2pulse.trainer"}


def _train(args, rest: list[str]) -> int:
    """``ecgtf train NAME …``: the model's trainer with the remaining arguments."""
    from importlib import import_module

    module = import_module(TRAINERS[args.model])
    if args.model == "pix2pix" and "--variant" not in rest:
        rest = ["--variant", "pix2pix", *rest]
    return module.main(rest)


def _evaluate(args, rest: list[str]) -> int:
    from ecgtf.runs import Run

    if "--diagnostic" in rest:
        from ecgtf.models.classifier.diagnostic import main as diagnostic_main

        return diagnostic_main([a for a in rest if a != "--diagnostic"])
    paths = [a for a in rest if not a.startswith("-")]
    model = None
    for p in paths:
        if (Path(p) / "config.json").exists():
            model = Run(p).model
            break
    if model in BEAT_MODELS:
        from ecgtf.models.beatgen.bench import main as run_main
    elif model == "denoiser":
        from ecgtf.models.denoiser.bench import main as run_main
    elif model == "me_gan":
        from ecgtf.models.me_gan.bench import main as run_main
    elif model == "classifier":
        raise ValueError("a classifier run is evaluated with --diagnostic: ecgtf evaluate --diagnostic "
                         "--classifier RUN [reconstructors] (see ecgtf evaluate --diagnostic --help)")
    elif model == "pulse2pulse":   # the synthesis protocol, with the real-vs-real and dipole rows beside the runs
        from ecgtf.synthesis_bench import main as synthesis_main

        runs = [p for p in paths if (Path(p) / "config.json").exists()]
        options = [a for a in rest if a not in runs]
        return synthesis_main(["--sources", ",".join(["real", "dipole", *runs]), *options])
    elif model == "lstm_gan" or "--original" in rest:
        from ecgtf.models.lstm_gan.evaluate import main as run_main
    elif model == "ekgan" and "--protocol" not in rest:
        from ecgtf.models.ekgan.evaluate import main as run_main
    else:
        from ecgtf.reconstruction_eval import main as run_main

        rest = [a for a in rest if a != "--protocol"]
    return run_main(rest)


def _export(args, rest: list[str]) -> int:
    from export.engine import main as export_main

    return export_main(rest, prog="ecgtf export")


def _benchmark(args, rest: list[str]) -> int:
    from export.benchmark import main as bench_main

    return bench_main(rest)


def _resolve_model(model: str | None, denoise=None):
    from ecgtf.reconstructor import Reconstructor

    if model is None:
        from ecgtf.presets import list_presets

        names = list(list_presets())
        if not names:
            raise ValueError("no preset is installed; pass --model RUN_DIR or FILE.tflite")
        model = names[0]
    p = Path(model)
    if p.suffix == ".tflite":
        return Reconstructor.from_tflite(p, denoise=denoise)
    if (p / "config.json").exists():
        return Reconstructor.from_run(p, denoise=denoise)
    return Reconstructor.from_preset(model, denoise=denoise)


def _reconstruct(args) -> int:
    from ecgtf.io import read_lead

    signal, fs = read_lead(args.input, args.fs, args.lead)
    rec = _resolve_model(args.model, denoise=args.denoise)
    native = getattr(rec.pipeline, "native_fs", None)
    if native and not np.isclose(fs, native) and not args.resample:
        raise ValueError(f"{args.input} is sampled at {fs:g} Hz but {rec.name} was trained on {native:g} Hz "
                         "records; pass --resample to convert")
    base = Path(args.out)
    if base.suffix.lower() in (".png", ".csv", ".npz", ".hea"):
        base = base.with_suffix("")
    if base.is_dir():
        raise ValueError(f"-o {args.out}: is a folder; expected an output name such as {base / 'ecg'}")
    base.parent.mkdir(parents=True, exist_ok=True)  # checked before any work
    if not args.no_quality_gate:
        from ecgtf.quality import segment_quality

        segments = segment_quality(signal, fs)
        bad = [(a, b, q) for a, b, q in segments if not q.ok]
        for a, b, q in bad:
            print(f"quality {'REFUSED' if q.refused else 'flag'} {a:.0f}-{b:.0f} s: {q.reason}")
        if segments and all(q.refused for _, _, q in segments):
            raise ValueError(f"{args.input}: no segment of Lead I passes the quality gate (first: {bad[0][2].reason});"
                             " nothing worth reconstructing (--no-quality-gate overrides)")
    out = rec.reconstruct(signal, fs, confidence=args.confidence)
    if args.confidence:
        from ecgtf.leads import LEADS

        print("per-lead confidence (1 = the two window grids agree): " + ", ".join(
            f"{n} {c:.2f}" for n, c in zip(LEADS, out.info["confidence"])))
    written = []
    import matplotlib.pyplot as plt

    plt.close(out.plot(base.with_suffix(".png"), title=f"{Path(args.input).name}: 12 leads from Lead {args.lead} "
                       f"({rec.name}, {out.units})"))
    written.append(base.with_suffix(".png"))
    for fmt in args.formats.split(","):
        fmt = fmt.strip().lower()
        if fmt == "csv":
            written.append(out.to_csv(base.with_suffix(".csv")))
        elif fmt == "npz":
            written.append(out.to_npz(base.with_suffix(".npz")))
        elif fmt == "wfdb":
            written.append(out.to_wfdb(base))
        elif fmt:
            raise ValueError(f"--formats: unknown output format {fmt!r}; expected csv, npz, wfdb")
    denoised = f", Lead I denoised by {rec.denoiser.name}" if rec.denoiser is not None else ""
    print(f"reconstructed {out.leads.shape[1] / fs:.1f} s at {fs:g} Hz with {rec.name}{denoised} ({out.windows} windows, "
          f"units {out.units}); wrote " + ", ".join(str(w) for w in written))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecgtf", description="ecgtf: generative ECG models for phones — "
                                     "train, evaluate, export to TFLite, benchmark, and reconstruct 12 leads "
                                     "from Lead I. `ecgtf COMMAND --help` for each command.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a model (ecgtf train NAME --help for its options)",
                           description="Train a model: " + ", ".join(sorted(TRAINERS)) +
                           ". `ecgtf train NAME --help` lists NAME's options.")
    train.add_argument("model", choices=sorted(TRAINERS), help="model to train")
    train.set_defaults(func=_train, passthrough=True)

    rec = sub.add_parser("reconstruct", help="12 leads (PNG + CSV/NPZ/WFDB in mV) from a Lead I recording")
    rec.add_argument("input", help="Lead I recording: .csv, .npy, .edf or a WFDB record (.hea)")
    rec.add_argument("--fs", type=float, default=None, help="sampling rate in Hz (needed for CSV/NPY)")
    rec.add_argument("--lead", default="I", help="which lead of a multi-lead file to use (default I)")
    rec.add_argument("--model", default=None, help="preset name, run directory or .tflite (default: the shipped preset)")
    rec.add_argument("-o", "--out", default="reconstruction", help="output path stem (default ./reconstruction)")
    rec.add_argument("--formats", default="csv", help="outputs besides the PNG: csv,npz,wfdb (default csv)")
    rec.add_argument("--confidence", action="store_true",
                     help="also print a per-lead confidence (reconstructs on two window grids: twice the compute)")
    rec.add_argument("--no-quality-gate", action="store_true",
                     help="reconstruct even when no 10 s segment of Lead I passes the signal-quality gate")
    rec.add_argument("--resample", action="store_true",
                     help="accept a rate other than the model's training rate (EKGAN: 500 Hz) and resample")
    from ecgtf.denoising import DEFAULT_DENOISE

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
    synth.add_argument("--n", type=int, default=12, help="number of 10 s records (default 12)")
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
    plot.add_argument("--index", type=int, default=0, help="record index inside an .npz")
    plot.add_argument("--out", default="ecg.png", help="output PNG")
    plot.add_argument("--title", default="")
    plot.set_defaults(func=_plot)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) >= 2 and argv[0] == "train" and argv[1] in TRAINERS:  # the trainer parses (and documents) the rest
        return _run(lambda: _train(argparse.Namespace(model=argv[1]), argv[2:]))
    args, rest = build_parser().parse_known_args(argv)
    if rest and not getattr(args, "passthrough", False):
        build_parser().parse_args(argv)  # reports the unknown arguments and exits
    if getattr(args, "passthrough", False):
        return _run(lambda: args.func(args, rest))
    return _run(lambda: args.func(args))


def _run(call) -> int:
    """Run a command; expected failures print one line (``ECGTF_DEBUG=1`` shows the traceback)."""
    import os

    try:
        return call()
    except (ValueError, FileNotFoundError, OSError) as exc:
        if os.environ.get("ECGTF_DEBUG") == "1":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
