"""One protocol for judging synthetic 10 s 12-lead ECGs, the same for every source.

Every record goes through the protocol's view and metrics (:mod:`ecgtf.synthesis_metrics`: band-pass 0.5–40 Hz,
100 Hz, per-lead z-score; 1NNC, MMD² of views and of features, the feature Fréchet distance, Einthoven's
residual, heart-rate spread). This module holds the rest of the protocol: the sources (:data:`GENERATED` and
generator runs), one row per source (:func:`score_source`) and the table.

The real reference is one half of PTB-XL (patients split in two, :func:`ptbxl_halves`); the other half
is the "real vs real" row, and generators trained here never see the reference half.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.data.reference import MV_SOURCES, load_mv_records, ptbxl_halves  # noqa: F401 (the protocol's API)
from ecgtf.runs import Run
from ecgtf.synthesis_metrics import (  # noqa: F401 (the protocol's API)
    BAND_HZ,
    FEATURE_NAMES,
    POWER_BANDS_HZ,
    PROTOCOL_FS,
    PROTOCOL_SAMPLES,
    beat_peaks,
    einthoven_residual,
    feature_frechet,
    frechet_terms,
    median_beats,
    mmd2,
    mmd2_features,
    protocol_view,
    record_features,
)


@dataclass
class SourceScore:
    """One row of the table."""

    name: str
    n: int
    nnc: float
    mmd2: float
    mmd2_features: float
    fd: float
    einthoven: float
    hr_mean: float
    hr_spread: float
    lead_ii_p2p_mv: float
    seconds_per_1000: float | None = None
    note: str = ""
    top_terms: tuple = ()
    nnc_sd: float = 0.0
    """Spread (std) of the 1NNC across ``repeats`` generated sets (0 for one set)."""
    repeats: int = 1


def score_source(name: str, signals: np.ndarray, fs: float, ref_views: np.ndarray, ref_features: np.ndarray,
                 seconds_per_1000: float | None = None, note: str = "", seed: int = 0) -> SourceScore:
    """Score ``signals`` (N, 12, n) mV against the reference views/features (1NNC on equal-sized sets:
    ``min(N, n_ref)`` records of each, drawn with ``seed``)."""
    from ecgtf.metrics import one_nn_accuracy

    views = protocol_view(signals, fs)
    feats = record_features(views)
    rng = np.random.default_rng(seed)
    k = min(len(views), len(ref_views))
    a = ref_views[rng.permutation(len(ref_views))[:k]]
    b = views[rng.permutation(len(views))[:k]]
    terms = frechet_terms(ref_features, feats)
    top = tuple(sorted(terms.items(), key=lambda kv: -kv[1])[:3])
    hr = feats[:, 0]
    p2p = np.ptp(np.asarray(signals)[:, 1], axis=-1)
    return SourceScore(name=name, n=len(signals), nnc=one_nn_accuracy(a, b), mmd2=mmd2(ref_views, views),
                       mmd2_features=mmd2_features(ref_features, feats),
                       fd=feature_frechet(ref_features, feats), einthoven=einthoven_residual(signals),
                       hr_mean=float(np.nanmean(hr)), hr_spread=float(np.nanstd(hr)),
                       lead_ii_p2p_mv=float(np.median(p2p)), seconds_per_1000=seconds_per_1000, note=note,
                       top_terms=top)


def mean_score(rows: list[SourceScore]) -> SourceScore:
    """One row from the scores of several generated sets of one source: every number averaged, the
    1NNC's std across the sets kept as ``nnc_sd``, the largest FD terms of the first set."""
    from dataclasses import fields, replace

    if len(rows) == 1:
        return rows[0]
    numeric = {f.name: float(np.mean([getattr(r, f.name) for r in rows])) for f in fields(SourceScore)
               if f.name not in ("name", "n", "note", "top_terms", "nnc_sd", "repeats", "seconds_per_1000")}
    speeds = [r.seconds_per_1000 for r in rows if r.seconds_per_1000 is not None]
    return replace(rows[0], **numeric, nnc_sd=float(np.std([r.nnc for r in rows])), repeats=len(rows),
                   seconds_per_1000=float(np.mean(speeds)) if speeds else None)


def format_table(rows: list[SourceScore]) -> str:
    """A Markdown table of the rows."""
    head = ("| source | N | 1NNC | MMD² (views) | MMD² (features) | FD | Einthoven residual | HR mean ± spread (bpm) | lead II p2p (mV) "
            "| s / 1,000 records | largest FD terms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    lines = [head]
    for r in rows:
        speed = f"{r.seconds_per_1000:.1f}" if r.seconds_per_1000 is not None else "–"
        terms = ", ".join(f"{k} {v:.1f}" for k, v in r.top_terms)
        nnc = f"{r.nnc:.3f}" + (f" ± {r.nnc_sd:.3f} ({r.repeats} sets)" if r.repeats > 1 else "")
        lines.append(f"| {r.name}{' (' + r.note + ')' if r.note else ''} | {r.n} | {nnc} | {r.mmd2:.1e} | {r.mmd2_features:.3f} | "
                     f"{r.fd:.1f} | {r.einthoven:.1e} | {r.hr_mean:.0f} ± {r.hr_spread:.0f} | {r.lead_ii_p2p_mv:.2f} | "
                     f"{speed} | {terms} |")
    return "\n".join(lines)


# ---------- generated sources ----------------------------------------------------------------------------

def dipole_records(n: int, seed: int = 0, mix: str = "ptb-xl", ranges: str = "learned"):
    """ecgtf's dipole generator (:mod:`ecgtf.data.synthetic`): (n, 12, 5000) mV at 500 Hz. ``mix``: the
    condition mix (``ptb-xl`` shares or ``balanced``, as ``--data synthetic`` trains); ``ranges``: ``learned``
    (the default: beats from the learned beat model), ``waves`` (the fitted Gaussian-wave ranges) or
    ``original`` (the hand-set ranges of ecgtf ≤ 0.1)."""
    from ecgtf.data import synthetic as syn

    table = {"learned": syn.LEARNED_RANGES, "waves": syn.REALISTIC_RANGES, "original": syn.ORIGINAL_RANGES}
    signals, _, _ = syn.generate_dataset(n, seed=seed, mix=mix, ranges=table[ranges])
    return signals, 500.0, "mV"


def neurokit2_records(n: int, seed: int = 0):
    """neurokit2's ``ecg_simulate(method="multileads")``, 10 s at 500 Hz, heart rate drawn from U(55, 95) bpm."""
    try:
        import neurokit2 as nk
    except ImportError as exc:
        raise ImportError("neurokit2 is not installed: pip install neurokit2") from exc
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        df = nk.ecg_simulate(duration=10, sampling_rate=500, heart_rate=float(rng.uniform(55, 95)),
                             method="multileads", random_state=int(rng.integers(2 ** 31)))
        from ecgtf.leads import reorder_leads

        out.append(reorder_leads(df.to_numpy().T, list(df.columns)))
    return np.stack(out).astype(np.float32), 500.0, "mV (as returned)"


def deepfake_ecg_records(n: int, seed: int = 0, batch_size: int = 16):
    """The published Pulse2Pulse generator of the ``deepfake-ecg`` package (PyTorch, CPU), 8 leads at
    500 Hz, rescaled as the package does (× 6,000, integers) and read as microvolts (÷ 1,000 → mV); III,
    aVR, aVL, aVF derived."""
    try:
        import deepfakeecg
        import torch
    except ImportError as exc:
        raise ImportError("deepfake-ecg needs PyTorch: pip install deepfake-ecg torch") from exc
    from pathlib import Path

    from ecgtf.leads import complete_from_independent

    net = deepfakeecg.Generator()
    ckpt = torch.load(Path(deepfakeecg.__file__).parent / "checkpoints" / "g_stat.pt", map_location="cpu")
    net.load_state_dict(ckpt["stat_dict"])
    net.eval()
    torch.manual_seed(seed)
    out = []
    with torch.no_grad():
        for start in range(0, n, batch_size):
            k = min(batch_size, n - start)
            x = net(torch.empty(k, 8, 5000).uniform_(-1, 1))
            out.append(np.trunc(x.numpy() * 6000.0) / 1000.0)   # the package's integers, µV → mV
    return complete_from_independent(np.concatenate(out)).astype(np.float32), 500.0, "package µV ÷ 1,000"


def run_records(run: str, n: int, seed: int = 0):
    """Records drawn from a trained generator run, through the data source its model registers
    (``ModelSpec.data_sources``: 12 leads in mV at 500 Hz)."""
    spec = Run(run).spec
    if not spec.data_sources:
        raise ValueError(f"{run}: a {spec.name} run is not a generator of 12-lead records (its model registers no "
                         "data source)")
    ds = next(iter(spec.data_sources.values()))(str(run), n, seed)
    return ds.signals, ds.fs, "mV"


GENERATED = {
    "dipole": dipole_records,
    "dipole-balanced": lambda n, seed=0: dipole_records(n, seed, mix="balanced"),
    "dipole-waves": lambda n, seed=0: dipole_records(n, seed, ranges="waves"),
    "dipole-original": lambda n, seed=0: dipole_records(n, seed, mix="balanced", ranges="original"),
    "neurokit2": neurokit2_records,
    "deepfake-ecg": deepfake_ecg_records,
}
"""Named generated sources: name → ``(n, seed) → (signals (n, 12, samples), fs, units note)``. ``dipole``:
learned beats (:data:`ecgtf.data.synthetic.LEARNED_RANGES`), PTB-XL-like condition mix; ``dipole-balanced``:
the same, the six conditions evenly (what ``--data synthetic`` trains on); ``dipole-waves``: the fitted
Gaussian-wave ranges (``REALISTIC_RANGES``: ``dipole`` up to session 11), PTB-XL-like mix; ``dipole-original``:
ecgtf ≤ 0.1 (hand-set ranges, balanced). A run directory of ``ecgtf train pulse2pulse`` is a source too."""
