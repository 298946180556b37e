"""Does denoising Lead I help the 12-lead reconstruction? Measured on noisy Lead I.

    python -m training.evaluate_denoised_reconstruction runs/denoise/lstm_dcgan --out runs/denoise/reconstruction

For each evaluation set of :mod:`ecgtf.reconstruction_eval` (PTB-XL fold 10, LUDB), NSTDB noise from the
held-out part of ``bw`` / ``ma`` / ``mix`` (resampled 360 → 500 Hz, a random stretch and channel per
record, seeded) is added to Lead I at each SNR (power ratio over the record's 10 s Lead I). The
reconstructor (default: the shipped preset) then reconstructs the 12 leads from the noisy Lead I,
with each denoiser in front (``Reconstructor(..., denoise=...)``), and the result is scored against
the clean 12 leads exactly as in the reconstruction table: Pearson r and RMSE (mV) over II, V1–V6.
The same reconstructor on the clean Lead I is the ceiling.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ecgtf.arguments import positive_int


def noisy_lead_i(signals: np.ndarray, fs: float, kind: str, snr_db: float, bank, seed: int) -> np.ndarray:
    """Lead I of every record (N, n) plus held-out NSTDB noise at ``snr_db`` (resampled from 360 Hz to ``fs``)."""
    from ecgtf.preprocessing.signal import resample

    from .data import scale_to_snr

    rng = np.random.default_rng([seed, int(snr_db * 10) + 1000, ["bw", "ma", "mix"].index(kind)])
    n = signals.shape[-1]
    n360 = int(np.ceil(n * 360.0 / fs)) + 8
    out = []
    for s in signals:
        noise = resample(bank.fragment(kind, n360, rng), 360.0, fs)[:n]
        out.append(s[0] + scale_to_snr(s[0], noise, snr_db))
    return np.asarray(out)


def evaluate(reconstructor, denoisers: dict, sets=("ptb-xl-test", "ludb"), kinds=("bw", "ma", "mix"),
             snrs=(6.0, 0.0), data_dir=None, seed: int = 0, progress: bool = True,
             max_records: int | None = None) -> list[dict]:
    from ecgtf.data.eval_sets import load_eval_set
    from ecgtf.data.sources import dataset_dir
    from ecgtf.progress import progress_bar
    from ecgtf.scores import to_eval_space

    from .data import DenoiserData, NoiseBank, load_noise

    bank = NoiseBank(load_noise(dataset_dir("nstdb", data_dir)), "test", DenoiserData())

    def run(lead_i, den, fs, true_eval, true_hr):
        reconstructor.denoiser = den
        preds = np.stack([reconstructor.reconstruct(x, fs, quality=False).leads for x in lead_i])
        return light_score(true_eval, np.stack([to_eval_space(p, fs) for p in preds]), true_hr)

    rows = []
    for set_name in sets:
        signals, fs, _ = load_eval_set(set_name, data_dir)
        if max_records and len(signals) > max_records:   # an even spread over the set
            signals = signals[np.linspace(0, len(signals) - 1, max_records).round().astype(int)]
        true_eval = np.stack([to_eval_space(s, fs) for s in signals])
        ctx = (fs, true_eval, heart_rates(true_eval))
        clean = run(signals[:, 0], None, *ctx)
        rows.append({"set": set_name, "noise": "clean", "snr_db": None, "denoiser": "none", **clean})
        cells = [(k, s) for k in kinds for s in snrs]
        for kind, snr in progress_bar(cells, desc=f"{set_name}: noisy Lead I", disable=not progress or None):
            lead_i = noisy_lead_i(signals, fs, kind, snr, bank, seed)
            for name, den in denoisers.items():
                rows.append({"set": set_name, "noise": kind, "snr_db": snr, "denoiser": name, **run(lead_i, den, *ctx)})
    reconstructor.denoiser = None
    return rows


def heart_rates(eval_signals: np.ndarray) -> np.ndarray:
    """Heart rate (bpm) of lead II of each record (N, 12, T) in eval space (XQRS; NaN without beats)."""
    from ecgtf.metrics import heart_rate_bpm
    from ecgtf.scores import EVAL_FS

    return np.array([heart_rate_bpm(x[1], EVAL_FS) for x in eval_signals])


def light_score(true_eval: np.ndarray, pred_eval: np.ndarray, true_hr: np.ndarray) -> dict:
    """The reconstruction table's headline metrics, in its eval space: mean Pearson r and RMSE (mV) over
    II, V1–V6 and over the 11 reconstructed leads, and the lead-II heart-rate MAE (bpm)."""
    from ecgtf.leads import LEADS
    from ecgtf.scores import INDEPENDENT, RECONSTRUCTED, pearson

    r = pearson(true_eval, pred_eval)
    rmse = np.sqrt(((pred_eval - true_eval) ** 2).mean(-1))
    seven = [LEADS.index(n) for n in INDEPENDENT]
    eleven = [LEADS.index(n) for n in RECONSTRUCTED]
    hr = heart_rates(pred_eval)
    ok = np.isfinite(true_hr) & np.isfinite(hr)
    return {"r_7": float(np.nanmean(r[:, seven])), "rmse_mv_7": float(rmse[:, seven].mean()),
            "r_11": float(np.nanmean(r[:, eleven])), "hr_mae_bpm": float(np.mean(np.abs(hr[ok] - true_hr[ok])))}


def table(rows: list[dict]) -> str:
    names = list(dict.fromkeys(r["denoiser"] for r in rows if r["noise"] != "clean"))
    lines = ["| set | noise | SNR dB | " + " | ".join(f"{n}: r / RMSE mV" for n in names) + " |",
             "|" + "---|" * (3 + len(names))]
    for set_name in dict.fromkeys(r["set"] for r in rows):
        clean = next(r for r in rows if r["set"] == set_name and r["noise"] == "clean")
        lines.append(f"| {set_name} | clean Lead I | – | {clean['r_7']:.3f} / {clean['rmse_mv_7']:.3f} (ceiling) |"
                     + " |" * (len(names) - 1))
        for kind, snr in dict.fromkeys((r["noise"], r["snr_db"]) for r in rows
                                       if r["set"] == set_name and r["noise"] != "clean"):
            cell = {r["denoiser"]: r for r in rows if (r["set"], r["noise"], r["snr_db"]) == (set_name, kind, snr)}
            best = max(names, key=lambda n: cell[n]["r_7"])
            parts = [("**{:.3f}** / {:.3f}" if n == best else "{:.3f} / {:.3f}").format(cell[n]["r_7"],
                                                                                       cell[n]["rmse_mv_7"]) for n in names]
            lines.append(f"| {set_name} | {kind} | {snr:g} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def main(argv=None, api=None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_denoised_reconstruction", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("denoisers", nargs="*", help="denoiser run directories or .tflite files (besides none/bandpass/wavelet)")
    p.add_argument("--model", default="unet1d_12lead", help="reconstructor: preset, run directory or .tflite "
                   "(default unet1d_12lead)")
    p.add_argument("--out", type=Path, default=Path("runs/denoise/reconstruction"))
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--snr", default="6,0", help="input SNRs in dB, comma-separated (default 6,0)")
    p.add_argument("--sets", default="ptb-xl-test,ludb")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-records", type=positive_int, default=None, help="at most this many records per set (evenly spread)")
    p.add_argument("--no-classical", action="store_true", help="leave out the band-pass and wavelet rows")
    args = p.parse_args(argv)
    from ecgtf.lazy import require_api
    from ecgtf.runs import atomic_write_json, atomic_write_text

    from .evaluate import load_denoisers

    try:
        snrs = tuple(float(s) for s in args.snr.split(","))
        for d in args.denoisers:
            if not Path(d).exists():
                raise FileNotFoundError(f"{d}: no such denoiser run directory or .tflite file")
        api = require_api(api, "python -m training.evaluate_denoised_reconstruction")
        denoisers = load_denoisers(args.denoisers, api, classical=not args.no_classical)
        rec = api.Reconstructor.load(args.model)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = evaluate(rec, denoisers, tuple(args.sets.split(",")), snrs=snrs, data_dir=args.data_dir, seed=args.seed,
                    max_records=args.max_records)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out / "results.json", {"rows": rows, "model": args.model, "denoisers": args.denoisers})
    text = table(rows)
    atomic_write_text(args.out / "reconstruction.md", text + "\n")
    print(text)
    return 0
