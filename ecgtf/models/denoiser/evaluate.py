"""The denoising bench: every denoiser on the same held-out noisy recordings, one table.

    python -m training.evaluate_denoisers runs/denoise/lstm_dcgan runs/denoise/dcgan --out runs/denoise/bench

Denoisers: the noisy input itself ("none"), the classical baselines (band-pass, wavelet) and each run.
Two test sets, neither seen in training (see :mod:`.data`):

1. **NSTDB mixtures** — each test record's first ``minutes`` of MLII plus ``bw``, ``ma`` or ``mix``
   noise from the held-out part of the noise records, scaled to each test SNR (power ratio over the
   stretch); test record i takes noise channel i mod 2.
2. **118e / 119e** — the NSTDB's own records: MIT-BIH 118 and 119 with real electrode-motion noise
   (a noise type no denoiser was trained on) at nominal SNRs 24 … −6 dB (the NSTDB's ``nst`` measures
   SNR from QRS amplitude, so the power SNR of the noisy stretches — reported too — is lower). The
   clean reference is the MIT-BIH record; minutes 4.5–11.5 (the noisy stretches 5–7 and 9–11 min and
   clean context) are used, scored on the fragments that lie wholly inside a noisy stretch.

Each recording is denoised whole (a network through its windows and overlap-add, as on the phone)
and scored on consecutive 1,024-sample fragments, each centred (its mean carries no ECG
information): PRD (%) = 100·√(Σ(y−c)²/Σc²), RMSE (mV), SNR improvement (dB) = SNR(c, y) − SNR(c, x);
means over fragments. Beats: wfdb's XQRS on the whole noisy / denoised recording, matched to the
reference annotations within 150 ms (F1 of sensitivity and positive predictivity), and the heart
rate per 10 s (median RR) against the annotations' (MAE in bpm; a window with < 2 detected beats
counts as 0 bpm). Denoising that erases beats is worse than none.

One file, over 300 lines on purpose: the denoising bench (recordings, scores, table, figures) is one protocol.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgtf.arguments import positive_float
from ecgtf.lazy import require_api as require

from .data import DenoiserData, NoiseBank, scale_to_snr

FRAGMENT = 1024
TOLERANCE_S = 0.15


@dataclass(frozen=True)
class Recording:
    """One test recording: ``noisy`` and ``clean`` (n,) mV at ``fs``; reference beat samples; the
    samples scored (``scored`` (n,) bool)."""

    group: str
    noise: str
    snr_db: float
    record: str
    noisy: np.ndarray
    clean: np.ndarray
    beats: np.ndarray
    scored: np.ndarray
    fs: float


def _beats(directory: Path, record: str, start: int, stop: int) -> np.ndarray:
    import wfdb

    from ecgtf.data.mitdb import BEAT_SYMBOLS

    ann = wfdb.rdann(str(directory / record), "atr", sampfrom=start, sampto=stop)
    keep = [s for s, c in zip(ann.sample, ann.symbol) if c in BEAT_SYMBOLS]
    return np.asarray(keep, np.int64) - start


def mixture_recordings(data: DenoiserData, minutes: float = 3.0) -> list[Recording]:
    """Test set 1: held-out records + held-out noise at each test SNR."""
    from ecgtf.data.sources import dataset_dir

    from .data import load_clean, load_noise

    mitdb = dataset_dir("mitdb", data.data_dir)
    clean = load_clean(mitdb, data.test_records)
    bank = NoiseBank(load_noise(dataset_dir("nstdb", data.data_dir)), "test", data)
    n = int(minutes * 60 * 360)
    part = min(v.shape[1] for v in bank.parts.values())
    if n > part:
        raise ValueError(f"{minutes} min per record exceed the held-out noise ({part / 21600:.1f} min)")
    out = []
    for i, (rec, x) in enumerate(sorted(clean.items())):
        c = x[:n]
        beats = _beats(mitdb, str(rec), 0, n)
        start = (i // 2) % 2 * (part - n)
        for kind in data.noise_kinds:
            noise = bank.fragment(kind, n, None, channel=i % 2, start=start)
            for snr in data.test_snr_db:
                noisy = (c + scale_to_snr(c, noise, snr)).astype(np.float32)
                out.append(Recording("mixture", kind, float(snr), str(rec), noisy, c, beats, np.ones(n, bool), 360.0))
    return out


NSTDB_SNRS = {"24": 24.0, "18": 18.0, "12": 12.0, "06": 6.0, "00": 0.0, "_6": -6.0}


def nstdb_recordings(data: DenoiserData, span_min: tuple[float, float] = (4.5, 11.5)) -> list[Recording]:
    """Test set 2: 118e*/119e* (real electrode-motion noise) against MIT-BIH 118/119."""
    from ecgtf.data.sources import dataset_dir

    from .data import load_clean

    mitdb, nstdb = dataset_dir("mitdb", data.data_dir), dataset_dir("nstdb", data.data_dir)
    a, b = int(span_min[0] * 21600), int(span_min[1] * 21600)
    clean = load_clean(mitdb, (118, 119))
    out = []
    for rec in (118, 119):
        c = clean[rec][a:b]
        beats = _beats(mitdb, str(rec), a, b)
        for tag, snr in NSTDB_SNRS.items():
            noisy = load_clean(nstdb, (f"{rec}e{tag}",))[f"{rec}e{tag}"][a:b]
            noise_on = noise_mask(noisy - c, 360.0)
            out.append(Recording("nstdb", "em", snr, str(rec), noisy.astype(np.float32), c, beats, noise_on, 360.0))
    return out


def noise_mask(diff: np.ndarray, fs: float, block_s: float = 0.5, threshold_mv: float = 0.002) -> np.ndarray:
    """Where noise was added: blocks of ``block_s`` in which noisy − clean varies by more than
    ``threshold_mv`` (the stored records differ by a constant offset and float rounding elsewhere)."""
    w = int(block_s * fs)
    n = diff.size // w * w
    on = np.repeat(diff[:n].reshape(-1, w).std(axis=1) > threshold_mv, w)
    return np.concatenate([on, np.full(diff.size - n, on[-1] if on.size else False)])


# -- scoring ---------------------------------------------------------------------------------------------
def fragment_scores(clean: np.ndarray, noisy: np.ndarray, denoised: np.ndarray, scored: np.ndarray) -> dict:
    """Mean PRD (%), RMSE (mV), SNR in/out/improvement (dB) over the centred 1,024-sample fragments
    that lie wholly in ``scored``."""
    from ecgtf.metrics import prd, rmse, snr_db

    k = clean.size // FRAGMENT
    idx = [i for i in range(k) if scored[i * FRAGMENT:(i + 1) * FRAGMENT].all()]
    if not idx:
        raise ValueError("no fully scored 1,024-sample fragment")

    def frags(x):
        f = np.stack([np.asarray(x[i * FRAGMENT:(i + 1) * FRAGMENT], np.float64) for i in idx])
        return f - f.mean(axis=1, keepdims=True)
    c, x, y = frags(clean), frags(noisy), frags(denoised)
    snr_in, snr_out = snr_db(c, x), snr_db(c, y)
    return {"prd": float(np.mean(prd(c, y))), "rmse": float(np.mean(rmse(c, y))), "snr_in": float(np.mean(snr_in)),
            "snr_out": float(np.mean(snr_out)), "snr_imp": float(np.mean(snr_out - snr_in)), "fragments": len(idx)}


def hr_per_window(beats: np.ndarray, n: int, fs: float, seconds: float = 10.0) -> np.ndarray:
    """Heart rate (bpm) per ``seconds`` window from the median RR of the beats in it (0 if < 2 beats)."""
    w = int(seconds * fs)
    out = []
    for s in range(0, n - w + 1, w):
        b = beats[(beats >= s) & (beats < s + w)]
        out.append(60.0 * fs / np.median(np.diff(b)) if b.size >= 2 else 0.0)
    return np.asarray(out)


def beat_scores(signal: np.ndarray, rec: Recording) -> dict:
    """XQRS on ``signal``: F1 against the reference beats (within the scored samples) and HR MAE (bpm)."""
    from wfdb import processing

    x = np.nan_to_num(np.asarray(signal, np.float64))
    try:
        det = np.asarray(processing.xqrs_detect(x, fs=rec.fs, verbose=False), np.int64)
    except Exception:  # XQRS can fail on pathological input: no beats found
        det = np.zeros(0, np.int64)
    ref = rec.beats[rec.scored[np.clip(rec.beats, 0, rec.scored.size - 1)]]
    det = det[rec.scored[np.clip(det, 0, rec.scored.size - 1)]] if det.size else det
    tol = int(TOLERANCE_S * rec.fs)
    if det.size and ref.size:
        cmp = processing.compare_annotations(ref, det, tol)
        se, ppv = cmp.sensitivity, cmp.positive_predictivity
    else:
        se = ppv = 0.0
    f1 = 0.0 if se + ppv == 0 else 2 * se * ppv / (se + ppv)
    hr_ref = hr_per_window(np.sort(ref), rec.scored.size, rec.fs)
    hr_det = hr_per_window(det, rec.scored.size, rec.fs)
    valid = hr_ref > 0
    return {"qrs_f1": float(f1), "qrs_se": float(se), "qrs_ppv": float(ppv),
            "hr_mae": float(np.mean(np.abs(hr_det[valid] - hr_ref[valid]))) if valid.any() else float("nan")}


def evaluate(denoisers: dict, recordings: list[Recording], progress: bool = True) -> list[dict]:
    """One row per (denoiser, recording): fragment and beat scores, and denoising seconds."""
    from ecgtf.progress import progress_bar

    rows = []
    reference_beats = {}
    for rec in progress_bar(recordings, desc="denoising bench", disable=not progress):
        key = (rec.group, rec.record)
        if key not in reference_beats:
            reference_beats[key] = beat_scores(rec.clean, rec)
        for name, den in denoisers.items():
            t = time.perf_counter()
            y = rec.noisy if den is None else den(rec.noisy, rec.fs)
            seconds = time.perf_counter() - t
            rows.append({"denoiser": name, "group": rec.group, "noise": rec.noise, "snr_db": rec.snr_db,
                         "record": rec.record, "seconds": seconds, "signal_seconds": rec.noisy.size / rec.fs,
                         **fragment_scores(rec.clean, rec.noisy, y, rec.scored), **beat_scores(y, rec),
                         **{f"clean_{k}": v for k, v in reference_beats[key].items()}})
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Means over records per (denoiser, group, noise, SNR)."""
    keys = []
    for r in rows:
        k = (r["denoiser"], r["group"], r["noise"], r["snr_db"])
        if k not in keys:
            keys.append(k)
    out = []
    for k in keys:
        sel = [r for r in rows if (r["denoiser"], r["group"], r["noise"], r["snr_db"]) == k]
        out.append({"denoiser": k[0], "group": k[1], "noise": k[2], "snr_db": k[3], "records": len(sel),
                    **{m: float(np.mean([r[m] for r in sel])) for m in
                       ("prd", "rmse", "snr_in", "snr_out", "snr_imp", "qrs_f1", "hr_mae", "clean_qrs_f1", "seconds",
                        "signal_seconds")}})
    return out


def table(summary: list[dict], group: str) -> str:
    """Markdown: one row per (noise, SNR), per denoiser PRD / RMSE / SNRimp / QRS F1."""
    sel = [s for s in summary if s["group"] == group]
    names = list(dict.fromkeys(s["denoiser"] for s in sel))
    cells = list(dict.fromkeys((s["noise"], s["snr_db"]) for s in sel))
    head = "| noise | SNR dB (power in) | " + " | ".join(f"{n}: PRD % / RMSE / SNRimp / F1" for n in names) + " |"
    lines = [head, "|" + "---|" * (2 + len(names))]
    for noise, snr in cells:
        row = {s["denoiser"]: s for s in sel if (s["noise"], s["snr_db"]) == (noise, snr)}
        first = row[names[0]]
        parts = [f"{row[n]['prd']:.1f} / {row[n]['rmse']:.3f} / {row[n]['snr_imp']:+.1f} / {row[n]['qrs_f1']:.3f}"
                 for n in names]
        lines.append(f"| {noise} | {snr:g} ({first['snr_in']:.1f}) | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def overall(summary: list[dict], group: str) -> str:
    """Markdown: per denoiser, means over all cells of ``group``."""
    sel = [s for s in summary if s["group"] == group]
    lines = ["| denoiser | PRD % | RMSE mV | SNRimp dB | QRS F1 | HR MAE bpm | s per minute of signal |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in dict.fromkeys(s["denoiser"] for s in sel):
        rows = [s for s in sel if s["denoiser"] == name]
        m = {k: np.mean([r[k] for r in rows]) for k in ("prd", "rmse", "snr_imp", "qrs_f1", "hr_mae")}
        m["per_minute"] = sum(r["seconds"] for r in rows) / sum(r["signal_seconds"] for r in rows) * 60
        lines.append(f"| {name} | {m['prd']:.1f} | {m['rmse']:.3f} | {m['snr_imp']:+.2f} | {m['qrs_f1']:.3f} | "
                     f"{m['hr_mae']:.1f} | {m['per_minute']:.2f} |")
    return "\n".join(lines)


def snr_grid(summary: list[dict], group: str, metric: str = "snr_imp", fmt: str = "{:+.1f}") -> str:
    """Markdown: one row per denoiser, one column per (noise, SNR) cell, ``metric`` in each."""
    sel = [s for s in summary if s["group"] == group]
    cells = list(dict.fromkeys((s["noise"], s["snr_db"]) for s in sel))
    lines = ["| denoiser | " + " | ".join(f"{n} {snr:g}" for n, snr in cells) + " |", "|---|" + "---:|" * len(cells)]
    for name in dict.fromkeys(s["denoiser"] for s in sel):
        row = {(s["noise"], s["snr_db"]): s[metric] for s in sel if s["denoiser"] == name}
        lines.append(f"| {name} | " + " | ".join(fmt.format(row[c]) for c in cells) + " |")
    return "\n".join(lines)


def plot_curves_by_snr(summary: list[dict], path: Path) -> None:
    """SNR improvement against input SNR: one panel per noise, one line per denoiser."""
    import matplotlib.pyplot as plt

    from ecgtf.plots import save_figure

    groups = list(dict.fromkeys((s["group"], s["noise"]) for s in summary))
    fig, axes = plt.subplots(1, len(groups), figsize=(4 * len(groups), 3.4), squeeze=False)
    for ax, (g, noise) in zip(axes[0], groups):
        for name in dict.fromkeys(s["denoiser"] for s in summary):
            rows = sorted((s for s in summary if (s["group"], s["noise"], s["denoiser"]) == (g, noise, name)),
                          key=lambda s: s["snr_db"])
            ax.plot([r["snr_db"] for r in rows], [r["snr_imp"] for r in rows], marker="o", label=name)
        ax.set_title(f"{noise} ({'118e/119e, nominal SNR' if g == 'nstdb' else 'held-out mixtures'})", fontsize=9)
        ax.set_xlabel("input SNR (dB)")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("SNR improvement (dB)")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)


def load_denoisers(runs, api, classical: bool = True) -> dict:
    """name → denoiser: none, the classical filters and each run or ``.tflite`` (``api``: :data:`ecgtf.user_api.API`)."""
    Denoiser = api.Denoiser
    out = {"none": None}
    if classical:
        out["bandpass"] = Denoiser.classical("bandpass")
        out["wavelet"] = Denoiser.classical("wavelet")
    for r in runs:
        name = Path(r).stem                      # the run folder's (or .tflite file's) name
        out[name if name not in out else str(r)] = Denoiser.get(str(r))
    return out


def render(summary: list[dict], test_records, minutes: float, nstdb: bool = True) -> list[str]:
    """The lines of ``bench.md``: overall means, per-cell grids of SNR improvement, PRD and F1, all metrics."""
    text = ["## Held-out mixtures (records " + ", ".join(str(r) for r in test_records) + ", "
            f"{minutes:g} min each; means over every noise and SNR)", "", overall(summary, "mixture"), "",
            "SNR improvement (dB) per noise and nominal input SNR (dB):", "", snr_grid(summary, "mixture"), "",
            "PRD (%):", "", snr_grid(summary, "mixture", "prd", "{:.1f}"), "",
            "XQRS F1 (beats within 150 ms of the reference):", "", snr_grid(summary, "mixture", "qrs_f1", "{:.3f}"), "",
            "All metrics per cell (PRD % / RMSE mV / SNRimp dB / F1):", "", table(summary, "mixture")]
    if nstdb:
        text += ["", "## 118e / 119e (real electrode-motion noise, never trained on; nominal NSTDB SNR)", "",
                 overall(summary, "nstdb"), "", "SNR improvement (dB):", "", snr_grid(summary, "nstdb"), "",
                 "XQRS F1:", "", snr_grid(summary, "nstdb", "qrs_f1", "{:.3f}"), "",
                 "All metrics per record SNR:", "", table(summary, "nstdb")]
    return text


def main(argv=None, api=None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_denoisers", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="*", help="denoiser run directories (or .tflite files) to compare")
    p.add_argument("--out", type=Path, default=Path("runs/denoise/bench"), help="folder for results.json, bench.md, plots")
    p.add_argument("--data-dir", type=Path, default=None, help="data root with mitdb/ and nstdb/ (default $ECGTF_DATA)")
    p.add_argument("--minutes", type=positive_float, default=3.0, help="minutes of each test record per mixture (default 3)")
    p.add_argument("--no-nstdb-records", action="store_true", help="skip the 118e/119e records")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--render-only", action="store_true",
                   help="rewrite --out/bench.md from --out/results.json (no evaluation)")
    args = p.parse_args(argv)
    if args.render_only:
        import json

        from ecgtf.runs import atomic_write_text

        try:
            saved = json.loads((args.out / "results.json").read_text())
        except (OSError, ValueError) as exc:
            print(f"error: --render-only: cannot read {args.out / 'results.json'} ({exc})", file=sys.stderr)
            return 2
        groups = {s["group"] for s in saved["summary"]}
        atomic_write_text(args.out / "bench.md", "\n".join(render(saved["summary"], DenoiserData().test_records,
                                                                   saved["minutes_per_record"], "nstdb" in groups)) + "\n")
        print(f"rewrote {args.out / 'bench.md'}")
        return 0
    try:
        for r in args.runs:
            if not Path(r).exists():
                raise FileNotFoundError(f"{r}: no such run directory or .tflite file")
        denoisers = load_denoisers(args.runs, require(api, "the denoising bench"))
        data = DenoiserData(data_dir=str(args.data_dir) if args.data_dir else None)
        recordings = mixture_recordings(data, args.minutes)
        if not args.no_nstdb_records:
            recordings += nstdb_recordings(data)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = evaluate(denoisers, recordings, progress=not args.quiet)
    summary = summarise(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    from ecgtf.runs import atomic_write_json, atomic_write_text

    atomic_write_json(args.out / "results.json", {"rows": rows, "summary": summary, "runs": [str(r) for r in args.runs],
                                                 "minutes_per_record": args.minutes})
    text = render(summary, data.test_records, args.minutes, nstdb=not args.no_nstdb_records)
    atomic_write_text(args.out / "bench.md", "\n".join(text) + "\n")
    plot_curves_by_snr(summary, args.out / "snr_improvement.png")
    plot_examples(denoisers, recordings, args.out / "examples.png")
    print("\n".join(text))
    print(f"\nwritten: {args.out}/results.json, bench.md, snr_improvement.png, examples.png")
    return 0


def plot_examples(denoisers: dict, recordings: list[Recording], path: Path) -> None:
    """One 1,024-sample stretch per noise type at 0 dB (held-out mixture, and 118e00), every denoiser: the
    scored fragment of median SNR (noise is not stationary: most fragments are quieter than the mean)."""
    from ecgtf.plots import plot_denoising

    picks = [r for r in recordings if r.snr_db == 0.0]
    picks = list({(r.group, r.noise): r for r in reversed(picks)}.values())[::-1]
    if not picks:
        return
    starts = [typical_fragment(r) for r in picks]
    noisy = np.stack([r.noisy[s:s + FRAGMENT] for r, s in zip(picks, starts)])
    clean = np.stack([r.clean[s:s + FRAGMENT] for r, s in zip(picks, starts)])
    outs = {}
    for name, den in denoisers.items():
        if den is not None:   # each recording denoised whole (as scored), then the fragment cut out
            outs[name] = np.stack([den(r.noisy, r.fs)[s:s + FRAGMENT] for r, s in zip(picks, starts)])
    plot_denoising(noisy, clean, outs, 360.0, path, "denoisers at 0 dB (held-out records and noise)",
                   labels=[f"{r.noise} {r.record}" for r in picks])


def typical_fragment(rec: Recording) -> int:
    """Start of the scored 1,024-sample fragment whose SNR is the median of the recording's fragments."""
    from .data import power

    starts = [i * FRAGMENT for i in range(rec.clean.size // FRAGMENT) if rec.scored[i * FRAGMENT:(i + 1) * FRAGMENT].all()]
    snr = np.array([10 * np.log10(power(rec.clean[a:a + FRAGMENT]) /
                                  max(power(rec.noisy[a:a + FRAGMENT] - rec.clean[a:a + FRAGMENT]), 1e-12)) for a in starts])
    return starts[int(np.argmin(np.abs(snr - np.median(snr))))]
