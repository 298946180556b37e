"""The dipole's geometry and waves: directions, the wave table of a beat, rhythm, premature beats, noise per
electrode, lead vectors and atrial fibrillation."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ecgtf.leads import DOWER_MATRIX, FRONTAL_ROWS

from .config import SyntheticConfig


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
    rhs = np.array([np.cos(np.deg2rad(axis_deg)), np.sin(np.deg2rad(axis_deg))]) - z * FRONTAL_ROWS[:, 2]
    x, y = np.linalg.solve(FRONTAL_ROWS[:, :2], rhs)
    return np.array([x, y, z])


class _Wave(NamedTuple):
    """One Gaussian wave of a beat's dipole: centre ``offset`` s from the R peak (at RR = 1 s), width ``sigma``
    s, ``amplitude`` mV along the unit ``direction`` (Frank XYZ). ``part``: "atrial" (P, terminal P, Ta),
    "qrs" (depolarisation) or "repol" (ST, T, U: their offset and width follow Bazett's √RR)."""
    offset: float
    sigma: float
    amplitude: float
    direction: np.ndarray
    part: str


def _wave_table(cfg: SyntheticConfig, rng: np.random.Generator) -> list[_Wave]:
    """The waves of one normally conducted beat of this record (the atrial ones first when present)."""
    axis = cfg.frontal_axis_deg
    jitter = lambda s: 1.0 + s * rng.standard_normal()  # noqa: E731  per-record morphology variation
    r_dir = _frontal_direction(axis, z=cfg.r_depth)
    rot = axis - 55.0  # rotate the other QRS/T vectors with the QRS axis
    q = cfg.qrs_scale
    waves = []
    if cfg.condition != "AFIB":
        p_at, p_amp = -0.16 * cfg.pr_scale, 0.14 * cfg.p_scale * jitter(0.15)
        p_dir = (_unit(0.55, 0.8, -0.15) if cfg.p_axis_deg is None
                 else _unit(*_frontal_direction(cfg.p_axis_deg, cfg.p_depth)))
        waves.append(_Wave(p_at, 0.022, p_amp, p_dir, "atrial"))  # P
    t_amp = cfg.t_scale
    if cfg.condition == "CLBBB":
        # No septal q; slow, notched leftward-posterior activation; discordant T.
        lbbb = _rotate_frontal(_unit(0.8, 0.2, 0.65), axis - 20.0)
        waves += [_Wave(-0.025, 0.022, 1.2 * jitter(0.1), lbbb, "qrs"),   # a block's QRS keeps its ≥ 120 ms width
                  _Wave(0.035, 0.024, 1.4 * jitter(0.1), _rotate_frontal(_unit(0.85, 0.1, 0.5), axis - 20.0), "qrs"),
                  _Wave(0.30, 0.06, 0.32 * t_amp * jitter(0.15), -lbbb, "repol")]
    else:
        waves += [_Wave(-0.026 * q, 0.008 * q, 0.16 * cfg.q_scale * jitter(0.2),
                        _rotate_frontal(_unit(-0.5, 0.1, -0.8), cfg.qs_axis_follow * rot), "qrs"),          # Q
                  _Wave(0.0, 0.011 * q, 1.3 * jitter(0.1), r_dir, "qrs"),                                   # R
                  _Wave(0.027 * q, 0.010 * q, 0.38 * cfg.s_scale * jitter(0.2),
                        _rotate_frontal(_unit(-0.4, -0.5, 0.6), cfg.qs_axis_follow * rot), "qrs")]          # S
        t_dir = _rotate_frontal(_unit(0.7, 0.6, cfg.t_depth), cfg.t_axis_follow * rot + cfg.t_rotation_deg)
        qt = cfg.qt_scale
        tw = cfg.t_width_scale
        t_peak = 0.24 * t_amp * jitter(0.15)
        waves += [_Wave(0.27 * qt, 0.055 * tw, t_peak, t_dir, "repol"),                          # T, ascending half
                  _Wave(0.33 * qt, 0.035 * tw, 0.16 * t_amp * jitter(0.15), t_dir, "repol")]   # T, descending half
        if cfg.u_scale > 0:
            waves.append(_Wave(0.33 * qt + 0.16, 0.04, cfg.u_scale * t_peak, t_dir, "repol"))     # U
        if cfg.st_mv != 0:
            waves.append(_Wave(0.13 * qt, 0.045, cfg.st_mv, _unit(-0.35, -0.15, -0.9), "repol"))  # ST vector
        if cfg.condition == "CRBBB":
            # Late, slow right-ventricular activation toward the right and front: R' in V1, wide S in I/V6.
            waves.append(_Wave(0.065, 0.02, 0.55 * jitter(0.1), _unit(-0.6, 0.05, -0.8), "qrs"))
    if cfg.condition != "AFIB":
        if cfg.p_terminal > 0:   # left atrium, activated last: leftward and posterior
            waves.append(_Wave(p_at + 0.035, 0.018, cfg.p_terminal * p_amp, _unit(0.5, 0.2, 0.85), "atrial"))
        if cfg.ta_scale > 0:     # atrial repolarisation through the PR segment
            waves.append(_Wave(p_at + 0.09, 0.04, cfg.ta_scale * p_amp, -p_dir, "atrial"))
    if cfg.qrs_notch > 0:     # relative to the R wave's 1.3 mV (qrs_scale scales widths, not amplitudes)
        waves.append(_Wave(rng.uniform(-0.035, 0.035), rng.uniform(0.004, 0.008), cfg.qrs_notch * 1.3,
                           _unit(*rng.standard_normal(3)), "qrs"))
    if cfg.shape_jitter > 0:   # this record's own directions and widths: every heart is a little different
        js = cfg.shape_jitter
        waves = [w._replace(sigma=w.sigma * np.exp(0.5 * js * rng.standard_normal()),
                            direction=_unit(*(w.direction + js * rng.standard_normal(3))))
                 for w in waves]
    if cfg.condition not in ("CLBBB", "CRBBB"):   # the measured (net QRS) axis is the requested one
        r_pos = next(i for i, w in enumerate(waves) if w.offset == 0.0 and w.part == "qrs")
        waves[r_pos] = _steer_r_wave(waves, axis, cfg.r_depth)
        if cfg.r_posterior_delay_s > 0:          # split into a frontal part and a later posterior part
            r = waves[r_pos]
            vec = r.amplitude * r.direction
            waves[r_pos] = r._replace(amplitude=float(np.linalg.norm(vec[:2])), direction=_unit(vec[0], vec[1], 0.0))
            waves.append(r._replace(offset=cfg.r_posterior_delay_s, amplitude=float(abs(vec[2])),
                                    direction=np.array([0.0, 0.0, float(np.sign(vec[2]) or 1.0)])))
    return waves


def _steer_r_wave(waves, axis_deg: float, r_depth: float):
    """The R wave turned so that the *net* QRS area (Q, R and S together) points at ``axis_deg`` in the
    frontal plane — the axis a reader measures — with the R wave's area magnitude unchanged."""
    area = lambda w: w.amplitude * w.sigma * np.sqrt(2 * np.pi) * (FRONTAL_ROWS @ w.direction)   # noqa: E731
    # what a reader's QRS window (±80 ms) sees: the QRS waves, and the atrial repolarisation or terminal P
    # of a short PR where they overlap it (the P wave itself starts ≥ 96 ms before the R peak)
    qrs = [w for w in waves if w.part != "repol" and abs(w.offset) < 0.07]
    r_index = next(i for i, w in enumerate(qrs) if w.offset == 0.0)
    others = sum(area(w) for i, w in enumerate(qrs) if i != r_index)
    r = qrs[r_index]
    # the R wave's area; when the other waves outweigh it, it grows to 1.25 × theirs: only then can the net
    # area point at ``axis_deg`` whatever they do (the label is the contract, the R amplitude gives way)
    k = max(np.linalg.norm(area(r)), 1.25 * np.linalg.norm(others))
    e = np.array([np.cos(np.deg2rad(axis_deg)), np.sin(np.deg2rad(axis_deg))])
    disc = (e @ others) ** 2 - others @ others + k ** 2
    target = (e @ others + np.sqrt(disc)) * e - others
    direction = _frontal_direction(np.degrees(np.arctan2(target[1], target[0])), z=r_depth)
    return r._replace(amplitude=k / (r.sigma * np.sqrt(2 * np.pi)), direction=direction)


def _premature_beats(cfg: SyntheticConfig, rng: np.random.Generator, rr: np.ndarray) -> np.ndarray:
    """Beat symbols ("N", "A", "V") of the beats that ``rr`` spaces, with ``rr`` changed in place: shortened
    before each premature beat, and lengthened after a PVC by what was taken (a compensatory pause).
    No random draw when both rates are 0."""
    symbols = np.full(rr.size, "N")
    if cfg.pvc_rate <= 0 and cfg.pac_rate <= 0:
        return symbols
    pvc_coupling, pac_coupling = rng.uniform(0.5, 0.7), rng.uniform(0.65, 0.85)
    draws = rng.random(rr.size)
    pac_rate = 0.0 if cfg.condition == "AFIB" else cfg.pac_rate
    for i in range(1, rr.size - 1):
        if symbols[i - 1] != "N":
            continue
        if draws[i] < cfg.pvc_rate:
            taken = (1.0 - pvc_coupling) * rr[i - 1]
            rr[i - 1] -= taken
            rr[i] += taken
            symbols[i] = "V"
        elif draws[i] < cfg.pvc_rate + pac_rate:
            rr[i - 1] *= pac_coupling
            symbols[i] = "A"
    return symbols


def _ectopic_tables(waves: list[_Wave], rng: np.random.Generator) -> dict[str, list[_Wave]]:
    """The waves of this record's premature beats: "V" from one ventricular focus (two wide QRS waves, a T
    wave opposite to them), "A" the normal beat with its atrial waves turned toward another focus."""
    focus = _unit(*rng.standard_normal(3))
    size = rng.uniform(1.0, 1.8)
    pvc = [_Wave(-0.03, 0.026, 1.3 * size, focus, "qrs"),
           _Wave(0.035, 0.03, 0.9 * size, _unit(*(focus + 0.8 * rng.standard_normal(3))), "qrs"),
           _Wave(0.33, 0.07, 0.35 * size, -focus, "repol")]
    turn = rng.standard_normal(3)
    pac = [w._replace(direction=_unit(*(w.direction + turn))) if w.part == "atrial" else w for w in waves]
    return {"V": pvc, "A": pac}


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
        level = cfg.emg_mv * np.exp(cfg.electrode_noise_spread * rng.standard_normal(n_el))
        noise += level[:, None] * rng.standard_normal((n_el, t.size))
    if cfg.powerline_mv > 0:
        amps = cfg.powerline_mv * (1.0 + 0.3 * rng.standard_normal(n_el))
        phase = rng.uniform(0, 2 * np.pi)
        noise += amps[:, None] * np.sin(2 * np.pi * cfg.powerline_hz * t + phase)[None, :]
    return noise


def _non_dipolar(cfg: SyntheticConfig, rng: np.random.Generator, t: np.ndarray, r_times: np.ndarray,
                 beat_gain: np.ndarray) -> np.ndarray:
    """(9, n) mV: at every chest electrode (C1–C6) two small Gaussian deflections (σ 4–10 ms, within ±40 ms
    of each R peak, amplitudes N(0, non_dipolar_mv²)), the same in every beat of the record (one template
    per electrode, placed at the R peaks rounded to the nearest sample). The limb electrodes get none, so
    the frontal axis — and with it the LAD/RAD labels — stays the dipole's."""
    fs = cfg.fs
    half = int(np.ceil(0.08 * fs))
    tau = np.arange(-half, half + 1) / fs
    offsets = rng.uniform(-0.04, 0.04, (9, 2, 1))
    sigmas = rng.uniform(0.004, 0.010, (9, 2, 1))
    amps = cfg.non_dipolar_mv * rng.standard_normal((9, 2, 1))
    templates = (amps * np.exp(-0.5 * ((tau[None, None, :] - offsets) / sigmas) ** 2)).sum(1)   # (9, 2·half+1)
    impulses = np.zeros(t.size + 2 * half)
    idx = np.round(r_times * fs).astype(int) + half
    ok = (idx >= 0) & (idx < impulses.size)
    np.add.at(impulses, idx[ok], beat_gain[ok])
    out = np.stack([np.convolve(impulses, k, mode="same")[half:half + t.size] for k in templates])
    out[:3] = 0.0
    return out


def _electrodes_to_leads(el: np.ndarray) -> np.ndarray:
    """Electrode potentials (9, n) → 8 independent leads I, II, V1..V6 (Wilson central terminal)."""
    ra, la, ll = el[0], el[1], el[2]
    wct = (ra + la + ll) / 3.0
    return np.concatenate([np.stack([la - ra, ll - ra]), el[3:] - wct], axis=0)


def _lead_vectors(jitter: float, rng: np.random.Generator) -> np.ndarray:
    """This record's (8, 3) Frank XYZ → (I, II, V1..V6) matrix: the Dower matrix with the chest rows moved
    (see ``SyntheticConfig.lead_vector_jitter``); no random draw when ``jitter`` is 0."""
    if jitter <= 0:
        return DOWER_MATRIX
    chest = DOWER_MATRIX[2:]
    # all six electrodes slide together along the row (a shift of s electrode spacings, s ~ N(0, 2·jitter²))
    shift = 2.0 * jitter * rng.standard_normal()
    padded = np.concatenate([2 * chest[:1] - chest[1:2], chest, 2 * chest[-1:] - chest[-2:-1]])  # extrapolated ends
    chest = chest + (padded[2:] - chest if shift > 0 else chest - padded[:-2]) * shift
    # and the torso turns them together (a rotation of jitter·N(0, 1) radians about a random axis)
    axis = rng.standard_normal(3)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]]) / np.linalg.norm(axis)
    angle = jitter * rng.standard_normal()
    rotation = np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k      # Rodrigues
    return np.concatenate([DOWER_MATRIX[:2], chest @ rotation.T])


def _fibrillatory_waves(rng: np.random.Generator, t: np.ndarray, amplitude: float) -> np.ndarray:
    """Atrial f-waves: a few 4–9 Hz oscillations with slowly wandering phase, (n,) in mV."""
    out = np.zeros_like(t)
    for _ in range(3):
        f = rng.uniform(4.0, 9.0)
        drift = np.cumsum(rng.standard_normal(t.size)) * 0.002
        out += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi) + drift)
    return amplitude * out / 3.0
