"""``python -m training.fit_dipole_beats``: fit the dipole generator's learned beat model to real mV records.

Median beats of 12-lead millivolt records → dipole trajectory + chest residual → principal components → a
Gaussian over the component scores and the log RR (:mod:`ecgtf.data.dipole_beats`). Records with a
bundle-branch block, atrial fibrillation / flutter, WPW or a pacemaker (PTB-XL SCP codes) are left out.

    python -m training.fit_dipole_beats --out runs/dipole_beats.npz            # PTB-XL fitting half
    python -m training.fit_dipole_beats --sources ptb-xl,ludb --out runs/dipole_beats.npz

``ptb-xl`` is the half of PTB-XL that is *not* the synthesis protocol's reference (``ptbxl_halves``), so the
protocol's numbers stay a test on unseen records. The shipped model (``ecgtf/data/dipole_beats.npz``) was made
with the first command; write over it only deliberately (``--out ecgtf/data/dipole_beats.npz --force``) and
update its model card. An existing ``--out`` is never overwritten without ``--force``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

SOURCES = ("ptb-xl", "ludb")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.fit_dipole_beats", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sources", default="ptb-xl",
                   help=f"comma-separated mV 12-lead sets to fit on, of {', '.join(SOURCES)} (default ptb-xl: the "
                        "PTB-XL half that is not the protocol's reference)")
    p.add_argument("--components", type=int, default=20, help="principal components kept (default 20)")
    p.add_argument("--data-dir", default=None, help="data root (default: $ECGTF_DATA, else ~/.cache/ecgtf/data)")
    p.add_argument("--out", type=Path, required=True, help="the beat model file to write (.npz)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --out")
    return p


def load_records(sources: list[str], data_dir=None):
    """(signals (N, 12, 5000) mV at 500 Hz, description) of the fitting records."""
    from ecgtf import synthesis_quality as sq
    from ecgtf.data.dipole_beats import EXCLUDED_FINDINGS

    parts, notes = [], []
    for source in sources:
        if source == "ptb-xl":
            ds, _ = sq.ptbxl_halves(data_dir)
            keep = [i for i, labels in enumerate(ds.labels) if not set(labels) & set(EXCLUDED_FINDINGS)]
            notes.append(f"PTB-XL fitting half ({len(keep)} of {len(ds)} records)")
        else:
            from ecgtf.data.ludb import LUDB
            from ecgtf.data.sources import dataset_dir

            ds = LUDB(dataset_dir("ludb", data_dir)).load(progress=False)
            keep = [i for i, (labels, m) in enumerate(zip(ds.labels, ds.meta))
                    if not set(labels) & set(EXCLUDED_FINDINGS) and not _ludb_excluded(m)]
            notes.append(f"LUDB ({len(keep)} of {len(ds)} records)")
        if ds.fs != 500.0:
            raise ValueError(f"{source}: expected 500 Hz records, got {ds.fs} Hz")
        parts.append(ds.signals[keep, :, :5000])
    return np.concatenate(parts), " + ".join(notes)


def _ludb_excluded(meta: dict) -> bool:
    """A paced or fluttering LUDB record (its labels carry AF and bundle-branch blocks already)."""
    row = meta.get("diagnoses", {})
    return bool(str(row.get("Cardiac pacing", "")).strip()) or "flutter" in str(row.get("Rhythms", "")).lower()


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown or not sources:
        print(f"error: --sources {args.sources!r}: expected a comma-separated subset of {', '.join(SOURCES)}",
              file=sys.stderr)
        return 2
    if args.out.exists() and not args.force:
        print(f"error: {args.out} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    if not args.out.parent.is_dir():
        print(f"error: the folder of --out ({args.out.parent}) does not exist", file=sys.stderr)
        return 2
    if args.components < 1:
        print(f"error: --components must be ≥ 1, got {args.components}", file=sys.stderr)
        return 2
    from ecgtf.data.dipole_beats import BeatModel, fit_beat_model_to_beats, median_beats

    try:
        signals, note = load_records(sources, args.data_dir)
        beats, rrs, _ = median_beats(signals, 500.0)
        model = fit_beat_model_to_beats(beats, rrs, args.components, source=note)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tmp = args.out.with_name(args.out.stem + ".partial.npz")
    model.save(tmp)
    BeatModel.load(tmp)                       # written and readable before it replaces anything
    tmp.replace(args.out)
    print(f"fitted on {note}: {args.components} components; wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")
    png = plot_fit(model, beats, rrs, args.out.with_suffix(".png"))
    print(f"plotted {len(beats)} real median beats and as many sampled ones to {png}")
    return 0


def plot_fit(model, beats: np.ndarray, rrs: np.ndarray, path: Path) -> Path:
    """Real median beats vs as many beats sampled at the same heart rates (seed 0), all 12 leads."""
    from ecgtf.leads import complete_from_independent
    from ecgtf.plots import plot_lead_beats

    rng = np.random.default_rng(0)
    sampled = np.stack([model.leads(model.sample(rng, 60.0 / rr)) for rr in rrs])
    real = complete_from_independent(beats)
    plot_lead_beats(real, sampled, model.fs, path, r_peak_s=model.pre / model.fs,
                    title=f"median beats of {model.source} (grey) vs beats sampled from the "
                          f"{model.n_components}-component model at the same heart rates (blue)")
    return path


if __name__ == "__main__":
    sys.exit(main())
