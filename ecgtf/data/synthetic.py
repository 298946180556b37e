"""Synthetic 12-lead ECG from a 3-D cardiac dipole: the embedded default dataset.

Model (after McSharry et al. 2003 and its multichannel extension by Sameni et al. 2007):
the heart is a moving dipole ``d(t) = Σ_w a_w · u_w · g_w(t)`` in Frank coordinates
(X to the patient's left, Y to the feet, Z to the back), where each wave ``w`` (P, Q, R, S,
two T halves, and condition-specific extras) is a Gaussian ``g_w`` in time around each beat's
R peak with its own amplitude ``a_w`` (mV), direction ``u_w`` and width. Beat times come from
an RR tachogram with respiratory and Mayer-wave variability (or irregular RR for atrial
fibrillation), and the T wave moves with Bazett's ``QT ∝ sqrt(RR)``.

The dipole is projected onto I, II and V1–V6 with Dower's XYZ → 12-lead matrix (the inverse
of the "inverse Dower" 12-lead → VCG transform); III, aVR, aVL and aVF are derived from I and
II, so Einthoven's and Goldberger's laws hold exactly. Noise (baseline wander, EMG, powerline)
is generated per *electrode* (RA, LA, LL, C1–C6) and turned into leads like a real
amplifier would, so the laws hold exactly with noise as well.

Everything is deterministic for a given seed. Units: mV and seconds; arrays are lead-major
``(12, n_samples)`` in :data:`ecgtf.leads.LEADS` order.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ecgtf.leads import LEADS, complete_from_independent

CONDITIONS = ("NORM", "CLBBB", "CRBBB", "AFIB", "LAD", "RAD")
"""Labelled conditions (PTB-XL SCP-code names): normal sinus rhythm, complete left / right
bundle-branch block, atrial fibrillation, left / right axis deviation."""

# Dower et al. (1980/1988): Frank X, Y, Z (mV) -> I, II, V1..V6 (mV).
DOWER_MATRIX = np.array([
    [0.632, -0.235, 0.059],   # I
    [0.235, 1.066, -0.132],   # II
    [-0.515, 0.157, -0.917],  # V1
    [0.044, 0.164, -1.387],   # V2
    [0.882, 0.098, -1.277],   # V3
    [1.213, 0.127, -0.601],   # V4
    [1.125, 0.127, -0.086],   # V5
    [0.831, 0.076, 0.230],    # V6
])

_DEFAULT_AXIS = {"NORM": 55.0, "CLBBB": 20.0, "CRBBB": 70.0, "AFIB": 55.0, "LAD": -50.0, "RAD": 115.0}


@dataclass(frozen=True)
class SyntheticConfig:
    """Controls of one synthetic record. Units: bpm, degrees, mV, Hz, seconds."""

    condition: str = "NORM"
    heart_rate_bpm: float = 70.0
    hrv: float = 0.03
    """Relative RR variability (std of RR / mean RR) for sinus rhythm; AF uses ``af_rr_cv``."""
    af_rr_cv: float = 0.18
    axis_deg: float | None = None
    """Frontal QRS axis; ``None`` takes the condition's typical axis (LAD −50°, RAD +115°, …)."""
    amplitude: float = 1.0
    """Scale of all cardiac waves (1.0 gives ≈1.3 mV R waves in lead II)."""
    baseline_wander_mv: float = 0.05
    emg_mv: float = 0.01
    powerline_mv: float = 0.005
    powerline_hz: float = 50.0
    fs: float = 500.0
    duration_s: float = 10.0

    def __post_init__(self) -> None:
        if self.condition not in CONDITIONS:
            raise ValueError(f"unknown condition {self.condition!r}; expected one of {CONDITIONS}")
        if not 20.0 <= self.heart_rate_bpm <= 250.0:
            raise ValueError(f"heart_rate_bpm must be in [20, 250], got {self.heart_rate_bpm}")
        if self.fs <= 0 or self.duration_s <= 0:
            raise ValueError(f"fs and duration_s must be positive, got {self.fs}, {self.duration_s}")
        for name in ("hrv", "af_rr_cv", "amplitude", "baseline_wander_mv", "emg_mv", "powerline_mv"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def frontal_axis_deg(self) -> float:
        return _DEFAULT_AXIS[self.condition] if self.axis_deg is None else float(self.axis_deg)


@dataclass
class SyntheticRecord:
    """A synthetic record: ``signal`` (12, n) in mV, R-peak sample indices, labels, config."""

    signal: np.ndarray
    fs: float
    r_peaks: np.ndarray
    labels: list[str]
    config: SyntheticConfig
    lead_names: tuple[str, ...] = field(default=LEADS)


def _unit(x: float, y: float, z: float) -> np.ndarray:
    v = np.array([x, y, z], dtype=np.float64)
    return v / np.linalg.norm(v)


def _rotate_frontal(u: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate a direction in the frontal (X-Y) plane; positive angles turn toward +Y (inferior)."""
    a = np.deg2rad(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([c * u[0] - s * u[1], s * u[0] + c * u[1], u[2]])


def _frontal_direction(axis_deg: float, z: float) -> np.ndarray:
    """Dipole direction whose projection on leads I and aVF has frontal angle ``axis_deg``.

    Solves the 2×2 system (I, aVF) = (cos α, sin α) for X, Y given Z, using the Dower rows
    (aVF = II − I/2), so the axis measured from the generated leads equals the requested one.
    """
    lead_i, lead_ii = DOWER_MATRIX[0], DOWER_MATRIX[1]
    avf = lead_ii - lead_i / 2.0
    a = np.array([lead_i[:2], avf[:2]])
    rhs = np.array([np.cos(np.deg2rad(axis_deg)), np.sin(np.deg2rad(axis_deg))]) - z * np.array([lead_i[2], avf[2]])
    x, y = np.linalg.solve(a, rhs)
    return np.array([x, y, z])


def _wave_table(cfg: SyntheticConfig, rng: np.random.Generator):
    """Per-beat waves: (offset from R [s] at RR=1 s, sigma [s], amplitude [mV], direction, scales_with_qt)."""
    axis = cfg.frontal_axis_deg
    jitter = lambda s: 1.0 + s * rng.standard_normal()  # noqa: E731  per-record morphology variation
    r_dir = _frontal_direction(axis, z=0.35)
    rot = axis - 55.0  # rotate the other QRS/T vectors with the QRS axis
    waves = []
    if cfg.condition != "AFIB":
        waves.append((-0.16, 0.022, 0.14 * jitter(0.15), _unit(0.55, 0.8, -0.15), False))  # P
    if cfg.condition == "CLBBB":
        # No septal q; slow, notched leftward-posterior activation; discordant T.
        lbbb = _rotate_frontal(_unit(0.8, 0.2, 0.65), axis - 20.0)
        waves += [(-0.025, 0.022, 1.2 * jitter(0.1), lbbb, False),
                  (0.035, 0.024, 1.4 * jitter(0.1), _rotate_frontal(_unit(0.85, 0.1, 0.5), axis - 20.0), False),
                  (0.30, 0.06, 0.32 * jitter(0.15), -lbbb, True)]
    else:
        waves += [(-0.026, 0.008, 0.16 * jitter(0.2), _rotate_frontal(_unit(-0.5, 0.1, -0.8), rot), False),  # Q
                  (0.0, 0.011, 1.3 * jitter(0.1), r_dir, False),                                          # R
                  (0.027, 0.010, 0.38 * jitter(0.2), _rotate_frontal(_unit(-0.4, -0.5, 0.6), rot), False)]  # S
        t_dir = _rotate_frontal(_unit(0.7, 0.6, -0.25), rot)
        waves += [(0.27, 0.055, 0.24 * jitter(0.15), t_dir, True),   # T, ascending half
                  (0.33, 0.035, 0.16 * jitter(0.15), t_dir, True)]   # T, descending half
        if cfg.condition == "CRBBB":
            # Late, slow right-ventricular activation toward the right and front: R' in V1, wide S in I/V6.
            waves.append((0.065, 0.02, 0.55 * jitter(0.1), _unit(-0.6, 0.05, -0.8), False))
    return waves


def _rr_intervals(cfg: SyntheticConfig, rng: np.random.Generator, span_s: float) -> np.ndarray:
    """RR intervals (s) covering ``span_s``, with mean exactly 60 / heart rate."""
    rr0 = 60.0 / cfg.heart_rate_bpm
    n = int(np.ceil(span_s / rr0)) + 2
    if cfg.condition == "AFIB":
        rr = rr0 * np.exp(cfg.af_rr_cv * rng.standard_normal(n))
    else:
        t = np.cumsum(np.full(n, rr0))
        resp = rng.uniform(0.2, 0.35)
        mayer = rng.uniform(0.08, 0.12)
        p1, p2 = rng.uniform(0, 2 * np.pi, 2)
        mod = 0.7 * np.sin(2 * np.pi * resp * t + p1) + 0.5 * np.sin(2 * np.pi * mayer * t + p2) \
            + 0.3 * rng.standard_normal(n)
        rr = rr0 * (1.0 + cfg.hrv * mod / 0.9)
    rr = np.clip(rr, 0.25, 3.0)
    return rr * (rr0 / rr.mean())


def _electrode_noise(cfg: SyntheticConfig, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Noise (9, n) in mV at electrodes RA, LA, LL, C1..C6."""
    n_el = 9
    noise = np.zeros((n_el, t.size))
    if cfg.baseline_wander_mv > 0:
        freqs = rng.uniform(0.05, 0.5, size=(n_el, 2))
        phases = rng.uniform(0, 2 * np.pi, size=(n_el, 2))
        amps = cfg.baseline_wander_mv * rng.uniform(0.3, 1.0, size=(n_el, 2))
        noise += np.einsum("ek,ekn->en", amps, np.sin(2 * np.pi * freqs[..., None] * t + phases[..., None]))
    if cfg.emg_mv > 0:
        noise += cfg.emg_mv * rng.standard_normal((n_el, t.size))
    if cfg.powerline_mv > 0:
        amps = cfg.powerline_mv * (1.0 + 0.3 * rng.standard_normal(n_el))
        phase = rng.uniform(0, 2 * np.pi)
        noise += amps[:, None] * np.sin(2 * np.pi * cfg.powerline_hz * t + phase)[None, :]
    return noise


def _electrodes_to_leads(el: np.ndarray) -> np.ndarray:
    """Electrode potentials (9, n) → 8 independent leads I, II, V1..V6 (Wilson central terminal)."""
    ra, la, ll = el[0], el[1], el[2]
    wct = (ra + la + ll) / 3.0
    return np.concatenate([np.stack([la - ra, ll - ra]), el[3:] - wct], axis=0)


def _fibrillatory_waves(rng: np.random.Generator, t: np.ndarray, amplitude: float) -> np.ndarray:
    """Atrial f-waves: a few 4–9 Hz oscillations with slowly wandering phase, (n,) in mV."""
    out = np.zeros_like(t)
    for _ in range(3):
        f = rng.uniform(4.0, 9.0)
        drift = np.cumsum(rng.standard_normal(t.size)) * 0.002
        out += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi) + drift)
    return amplitude * out / 3.0


def generate_record(config: SyntheticConfig | None = None, seed: int = 0) -> SyntheticRecord:
    """One synthetic 12-lead record; ``signal`` is (12, round(fs·duration)) mV."""
    cfg = config or SyntheticConfig()
    rng = np.random.default_rng(seed)
    n = int(round(cfg.fs * cfg.duration_s))
    t = np.arange(n) / cfg.fs
    lead_in = 1.5
    rr = _rr_intervals(cfg, rng, cfg.duration_s + 2 * lead_in)
    start = -lead_in + rng.uniform(0.0, rr[0])
    for _ in range(3):  # make the mean RR of the beats inside the record exactly 60 / heart rate
        r_times = start + np.concatenate([[0.0], np.cumsum(rr[:-1])])
        inside = np.flatnonzero((r_times >= 0) & (r_times < cfg.duration_s))
        if inside.size >= 2:
            rr[inside[0]:inside[-1]] *= (60.0 / cfg.heart_rate_bpm) / rr[inside[0]:inside[-1]].mean()
    r_times = start + np.concatenate([[0.0], np.cumsum(rr[:-1])])
    waves = _wave_table(cfg, rng)

    # Wave centres for every beat; the T wave (scales_with_qt) follows Bazett with the preceding RR.
    rr_prev = np.concatenate([[rr[0]], rr[:-1]])
    centres, sigmas, vecs = [], [], []
    for offset, sigma, amp, direction, with_qt in waves:
        scale = np.sqrt(rr_prev) if with_qt else np.ones_like(rr_prev)
        centres.append(r_times + offset * scale)
        sigmas.append(np.full(r_times.size, sigma) * (scale if with_qt else 1.0))
        vecs.append(np.tile(cfg.amplitude * amp * direction, (r_times.size, 1)))
    centres = np.concatenate(centres)
    sigmas = np.concatenate(sigmas)
    vecs = np.concatenate(vecs)
    keep = (centres > -0.5) & (centres < cfg.duration_s + 0.5)
    gauss = np.exp(-0.5 * ((t[None, :] - centres[keep, None]) / sigmas[keep, None]) ** 2)
    dipole = vecs[keep].T @ gauss                                   # (3, n) Frank XYZ, mV

    independent = DOWER_MATRIX @ dipole                              # (8, n): I, II, V1..V6
    if cfg.condition == "AFIB":
        f_dir = DOWER_MATRIX @ _unit(0.1, 0.5, -0.8)
        independent += f_dir[:, None] * _fibrillatory_waves(rng, t, 0.06 * cfg.amplitude)[None, :]
    independent += _electrodes_to_leads(_electrode_noise(cfg, rng, t))
    signal = complete_from_independent(independent)

    r_peaks = np.round(r_times[(r_times >= 0) & (r_times < cfg.duration_s)] * cfg.fs).astype(int)
    return SyntheticRecord(signal=signal.astype(np.float32), fs=cfg.fs, r_peaks=r_peaks,
                           labels=[cfg.condition], config=cfg)


def random_config(rng: np.random.Generator, condition: str | None = None, **overrides) -> SyntheticConfig:
    """A plausible random configuration for one record (heart rate, axis, amplitude, noise levels)."""
    condition = condition or CONDITIONS[rng.integers(len(CONDITIONS))]
    axis_centre = _DEFAULT_AXIS[condition]
    hr_range = (80.0, 150.0) if condition == "AFIB" else (50.0, 100.0)
    cfg = SyntheticConfig(
        condition=condition,
        heart_rate_bpm=float(rng.uniform(*hr_range)),
        hrv=float(rng.uniform(0.01, 0.06)),
        axis_deg=float(axis_centre + rng.uniform(-15.0, 15.0) if condition in ("LAD", "RAD")
                       else axis_centre + rng.uniform(-25.0, 20.0)),
        amplitude=float(rng.uniform(0.6, 1.4)),
        baseline_wander_mv=float(rng.uniform(0.0, 0.1)),
        emg_mv=float(rng.uniform(0.0, 0.02)),
        powerline_mv=float(rng.uniform(0.0, 0.01)),
        powerline_hz=float(rng.choice([50.0, 60.0])),
    )
    return replace(cfg, **overrides)


def generate_dataset(n_records: int, seed: int = 0, conditions: tuple[str, ...] = CONDITIONS,
                     progress: bool = False, **overrides):
    """``n_records`` random records, conditions cycled evenly; deterministic per seed.

    Returns ``(signals (N, 12, n) float32 mV, labels list[str], configs list[SyntheticConfig])``.
    Record ``i`` depends only on ``(seed, i)``, so datasets of different sizes share a prefix.
    """
    if n_records < 1:
        raise ValueError(f"n_records must be >= 1, got {n_records}")
    for c in conditions:
        if c not in CONDITIONS:
            raise ValueError(f"unknown condition {c!r}; expected a subset of {CONDITIONS}")
    signals, labels, configs = [], [], []
    iterator = range(n_records)
    if progress:
        from ecgtf.progress import progress_bar
        iterator = progress_bar(iterator, total=n_records, desc="synthesising")
    for i in iterator:
        rng = np.random.default_rng([seed, i])
        cfg = random_config(rng, conditions[i % len(conditions)], **overrides)
        rec = generate_record(cfg, seed=int(rng.integers(2 ** 31)))
        signals.append(rec.signal)
        labels.append(cfg.condition)
        configs.append(cfg)
    return np.stack(signals), labels, configs

