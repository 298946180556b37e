"""One synthetic 12-lead record: the dipole projected onto the leads, with Gaussian-wave or learned beats."""
from __future__ import annotations

import numpy as np

from ecgtf.data import dipole_beats
from ecgtf.leads import complete_from_independent

from .config import SyntheticConfig, SyntheticRecord
from .waves import (
    _ectopic_tables,
    _electrode_noise,
    _electrodes_to_leads,
    _fibrillatory_waves,
    _lead_vectors,
    _non_dipolar,
    _premature_beats,
    _rr_intervals,
    _unit,
    _wave_table,
)


def generate_record(config: SyntheticConfig | None = None, seed: int = 0) -> SyntheticRecord:
    """One synthetic 12-lead record; ``signal`` is (12, round(fs·duration)) mV."""
    cfg = config or SyntheticConfig()
    rng = np.random.default_rng(seed)
    n = int(round(cfg.fs * cfg.duration_s))
    t = np.arange(n) / cfg.fs
    lead_in = 1.5
    rr = _rr_intervals(cfg, rng, cfg.duration_s + 2 * lead_in)
    symbols = _premature_beats(cfg, rng, rr)
    start = -lead_in + rng.uniform(0.0, rr[0])
    for _ in range(3):  # make the mean RR of the beats inside the record exactly 60 / heart rate
        r_times = start + np.concatenate([[0.0], np.cumsum(rr[:-1])])
        inside = np.flatnonzero((r_times >= 0) & (r_times < cfg.duration_s))
        if inside.size >= 2:
            rr[inside[0]:inside[-1]] *= (60.0 / cfg.heart_rate_bpm) / rr[inside[0]:inside[-1]].mean()
    r_times = start + np.concatenate([[0.0], np.cumsum(rr[:-1])])
    learned = cfg.beat_model == "learned"
    tables = {"N": [] if learned else _wave_table(cfg, rng)}
    if np.any(symbols != "N"):
        tables.update(_ectopic_tables(tables["N"], rng))

    beat_gain = np.ones(r_times.size)
    if cfg.beat_amplitude_cv > 0:  # respiration modulates every wave of a beat together
        beat_gain += cfg.beat_amplitude_cv * np.sin(2 * np.pi * rng.uniform(0.2, 0.35) * r_times + rng.uniform(0, 2 * np.pi))
    # Wave centres for every beat; the T wave (scales_with_qt) follows Bazett with the preceding RR.
    rr_prev = np.concatenate([[rr[0]], rr[:-1]])
    centres, sigmas, vecs, atrial = [], [], [], []
    for symbol, waves in tables.items():
        beats = symbols == symbol
        for offset, sigma, amp, direction, part in waves:
            scale = np.sqrt(rr_prev[beats]) if part == "repol" else np.ones(beats.sum())
            atrial.append(np.full(beats.sum(), part == "atrial"))
            centres.append(r_times[beats] + offset * scale)
            sigmas.append(sigma * scale)
            vecs.append(cfg.amplitude * amp * direction[None, :] * beat_gain[beats, None])
    centres = np.concatenate(centres or [np.zeros(0)])
    sigmas = np.concatenate(sigmas or [np.zeros(0)])
    vecs = np.concatenate(vecs or [np.zeros((0, 3))])
    keep = (centres > -0.5) & (centres < cfg.duration_s + 0.5)
    gauss = np.exp(-0.5 * ((t[None, :] - centres[keep, None]) / sigmas[keep, None]) ** 2)
    dipole = vecs[keep].T @ gauss                                   # (3, n) Frank XYZ, mV

    if learned:   # the learned beat at every conducted (N) and premature atrial (A) beat
        learned_dipole, chest_residual = _learned_beats(cfg, rng, t, r_times, symbols, beat_gain)
        dipole += learned_dipole
    lead_vectors = _lead_vectors(cfg.lead_vector_jitter, rng)
    independent = lead_vectors @ dipole                              # (8, n): I, II, V1..V6
    if learned:
        independent[2:] += chest_residual
    atrial_vectors = lead_vectors                                    # what the leads see of the atrial waves
    if cfg.atrial_chest_gain != 1.0:   # the chest rows at their own gain: add (gain − 1) × what they gave
        chest_extra = np.concatenate([np.zeros(2), np.full(6, cfg.atrial_chest_gain - 1.0)])[:, None] * lead_vectors
        atrial_vectors = lead_vectors + chest_extra
        atrial = np.concatenate(atrial or [np.zeros(0, bool)])[keep]
        if atrial.any():
            independent += chest_extra @ (vecs[keep][atrial].T @ gauss[atrial])
    if cfg.condition == "AFIB":
        f_dir = _unit(0.1, 0.5, -0.8)
        if cfg.shape_jitter > 0:
            f_dir = _unit(*(f_dir + cfg.shape_jitter * rng.standard_normal(3)))
        independent += (atrial_vectors @ f_dir)[:, None] * \
            _fibrillatory_waves(rng, t, cfg.f_wave_mv * cfg.amplitude)[None, :]
    electrodes = _electrode_noise(cfg, rng, t)
    if cfg.non_dipolar_mv > 0:
        electrodes += _non_dipolar(cfg, rng, t, r_times, beat_gain)
    independent += _electrodes_to_leads(electrodes)
    signal = complete_from_independent(independent)

    inside = (r_times >= 0) & (r_times < cfg.duration_s)
    return SyntheticRecord(signal=signal.astype(np.float32), fs=cfg.fs, r_peaks=np.round(r_times[inside] * cfg.fs).astype(int),
                           labels=[cfg.condition], config=cfg, beat_symbols=symbols[inside])


_BEAT_FADE_S = 0.04
"""Cross-fade (s) between one learned beat and the next."""


def _beat_spans(r_times: np.ndarray, pre_s: float, post_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) seconds, relative to each R peak, of the part of the signal each beat's template makes.

    Between two beats the hand-over lies midway between the T wave's end (≈ 0.42 s · √RR) and the next P wave's
    start (≈ 0.25 s before its R peak), kept where both beats' windows reach; when the windows do not meet
    (RR ≳ 0.97 s) each beat fades out at its window's end and the next fades in at its window's start."""
    half = _BEAT_FADE_S / 2
    start = np.full(r_times.size, -pre_s + half)
    end = np.full(r_times.size, post_s - half)
    rr = np.diff(r_times)
    lower, upper = rr - pre_s + half, post_s - half
    meet = lower <= upper
    handover = np.clip(0.5 * (0.42 * np.sqrt(rr) + rr - 0.25), lower, upper)
    end[:-1] = np.where(meet, handover, end[:-1])
    start[1:] = np.where(meet, handover - rr, start[1:])
    return start, end


def _learned_beats(cfg: SyntheticConfig, rng: np.random.Generator, t: np.ndarray, r_times: np.ndarray,
                   symbols: np.ndarray, beat_gain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dipole (3, n), chest residual (6, n)) mV of the record's learned beats (see ``SyntheticConfig.beat_model``)."""
    model = dipole_beats.load_beat_model(cfg.beat_model_path)
    scores = model.sample(rng, cfg.heart_rate_bpm) if cfg.beat_scores is None else np.asarray(cfg.beat_scores)
    if len(scores) != model.n_components:
        raise ValueError(f"beat_scores has {len(scores)} values; the beat model has {model.n_components} components")
    dipole, residual = model.beat(scores)
    tau = (np.arange(model.n_samples) - model.pre) / model.fs             # s from the R peak
    if cfg.axis_deg is not None:   # turn the QRS to the requested axis; the P wave stays, the T follows partly
        turn = cfg.axis_deg - dipole_beats.qrs_axis(dipole, model.pre, model.fs)
        w = np.interp(tau, [-0.09, -dipole_beats.QRS_WINDOW_S, dipole_beats.QRS_WINDOW_S, 0.13],
                      [0.0, 1.0, 1.0, cfg.t_axis_follow])
        dipole = dipole_beats.turn_frontal(dipole, turn * w)
    if cfg.condition == "AFIB":    # no P wave: f waves instead
        atrial_off = np.clip((tau + 0.10) / 0.04, 0.0, 1.0)
        dipole, residual = dipole * atrial_off, residual * atrial_off
    template = cfg.amplitude * np.concatenate([dipole, residual])          # (9, T) at the model's rate
    pre_s, post_s = model.pre / model.fs, (model.n_samples - model.pre) / model.fs
    if cfg.fs != model.fs:
        tau_out = np.arange(-int(round(pre_s * cfg.fs)), int(round(post_s * cfg.fs))) / cfg.fs
        template = np.stack([np.interp(tau_out, tau, row) for row in template])
        tau = tau_out
    start, end = _beat_spans(r_times, pre_s, post_s)
    out = np.zeros((9, t.size))
    first = int(round(tau[0] * cfg.fs))
    for k in np.flatnonzero((symbols == "N") | (symbols == "A")):
        c = int(round(r_times[k] * cfg.fs)) + first
        lo, hi = max(0, c), min(t.size, c + tau.size)
        if lo >= hi:
            continue
        tk = tau[lo - c:hi - c]
        w = np.clip((tk - start[k]) / _BEAT_FADE_S + 0.5, 0, 1) * np.clip((end[k] - tk) / _BEAT_FADE_S + 0.5, 0, 1)
        out[:, lo:hi] += (beat_gain[k] * w) * template[:, lo - c:hi - c]
    return out[:3], out[3:]
