"""The synthetic generator's configuration: the labelled conditions and one record's parameters."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ecgtf.data import dipole_beats
from ecgtf.leads import LEADS

CONDITIONS = ("NORM", "CLBBB", "CRBBB", "AFIB", "LAD", "RAD")
"""Labelled conditions (PTB-XL SCP-code names): normal sinus rhythm, complete left / right
bundle-branch block, atrial fibrillation, left / right axis deviation."""

BEAT_MODELS = ("waves", "learned")
"""How a record's normally conducted beats are made (``SyntheticConfig.beat_model``)."""

_DEFAULT_AXIS = {"NORM": 55.0, "CLBBB": 20.0, "CRBBB": 70.0, "AFIB": 55.0, "LAD": -50.0, "RAD": 115.0}


@dataclass(frozen=True)
class SyntheticConfig:
    """Controls of one synthetic record. Units: bpm, degrees, mV, Hz, seconds."""

    condition: str = "NORM"
    heart_rate_bpm: float = 70.0
    hrv: float = 0.03
    """Relative RR variability (std of RR / mean RR) for sinus rhythm; AF uses ``af_rr_cv``."""
    af_rr_cv: float = 0.18
    f_wave_mv: float = 0.06
    """Amplitude (mV, before ``amplitude``) of atrial fibrillation's f waves; their direction turns per record
    with ``shape_jitter``."""
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
    qrs_scale: float = 1.0
    """Multiplies the widths and timing offsets of the normally conducted QRS waves (1.0: R σ = 11 ms); the
    bundle-branch-block waves keep their widths so those QRS stay ≥ 120 ms."""
    r_depth: float = 0.35
    """Posterior (Frank Z) component of the R direction; moves the precordial transition, keeps the frontal axis."""
    p_scale: float = 1.0
    s_scale: float = 1.0
    t_scale: float = 1.0
    """Amplitude multipliers of the P, S and T waves (on top of ``amplitude``)."""
    t_rotation_deg: float = 0.0
    """Frontal rotation of the T wave's direction away from the QRS's (a wider QRS–T angle)."""
    u_scale: float = 0.0
    """Amplitude of a U wave (after the T wave, in its direction) relative to the T wave's (0.0: none)."""
    ta_scale: float = 0.0
    """Amplitude of the atrial repolarisation (Ta) wave relative to the P wave, opposite to it, through the
    PR segment (0.0: none, a flat PR segment)."""
    st_mv: float = 0.0
    """Amplitude (mV, either sign) of an anterior ST-segment vector between the QRS and the T wave: the
    ST elevation in V1–V3 most hearts show (0.0: an isoelectric ST segment)."""
    shape_jitter: float = 0.0
    """Per-record random turn of every wave's direction (std of a Gaussian added to the unit vector) and
    spread of its width (std of the log width is half of it): real hearts differ in more ways than the
    named controls (0.0: none)."""
    t_width_scale: float = 1.0
    """Multiplies the widths of the T wave's two halves (1.0: σ 55 and 35 ms at RR = 1 s)."""
    t_depth: float = -0.25
    """Frank Z (posterior) component of the T wave's direction before normalising: more negative turns the T
    wave toward the front (upright T in V1)."""
    t_axis_follow: float = 1.0
    """How far the T wave's direction turns with the QRS axis (1.0: fully, as the Q and S waves; 0.0: the T
    axis stays where a normal axis would put it, as in left anterior fascicular block)."""
    q_scale: float = 1.0
    """Amplitude multiplier of the septal Q wave."""
    qs_axis_follow: float = 1.0
    """How far the Q and S waves' directions turn with the QRS axis (1.0: fully; below 1 the initial and
    terminal forces stay nearer a normal heart's while the R wave carries the deviation, as in fascicular
    blocks: rS in the inferior leads of a left axis)."""
    p_axis_deg: float | None = None
    """Frontal axis of the P wave as read from leads I and aVF (``None``: the fixed direction of ecgtf ≤ 0.1,
    ≈ 80° on those leads)."""
    p_terminal: float = 0.0
    """Amplitude of the P wave's late, posterior (left-atrial) part relative to the P wave: the negative
    terminal P in V1 (0.0: a single-direction P)."""
    pr_scale: float = 1.0
    """Multiplies the P wave's lead before the R peak (1.0: 160 ms)."""
    qt_scale: float = 1.0
    """Multiplies the T wave's delay after the R peak (on top of Bazett's √RR)."""
    electrode_noise_spread: float = 0.0
    """Log-normal spread (σ of the log) of each electrode's EMG level around ``emg_mv``: lead-specific noise."""
    non_dipolar_mv: float = 0.0
    """Typical amplitude of small QRS-locked deflections seen by single electrodes (local, non-dipolar
    activity: notches and slurs that a 3-D dipole cannot make), fixed per record."""
    beat_amplitude_cv: float = 0.0
    """Respiratory beat-to-beat modulation of all wave amplitudes (relative, sinusoidal at the breathing rate)."""
    qrs_notch: float = 0.0
    """Amplitude, relative to the R wave, of one extra narrow QRS wave of this record (σ 4–8 ms, within
    ±35 ms of the R peak, a random direction): the notches and slurs of real QRS complexes, seen by all
    leads as one dipole (0.0: none)."""
    pvc_rate: float = 0.0
    """Probability that a beat is a premature ventricular complex (wide QRS of one ectopic focus per record,
    discordant T, no P wave, at a fixed coupling of 50–70 % of the RR and followed by a compensatory pause)."""
    pac_rate: float = 0.0
    """Probability that a beat is a premature atrial complex (a P wave of another direction, 65–85 % of the RR
    early, a normal QRS; none in atrial fibrillation; with ``beat_model="learned"`` the record's own beat, P wave
    included, comes early). Ectopic beats are never consecutive."""
    atrial_chest_gain: float = 1.0
    """How strongly the six chest leads see the atrial waves (P, terminal P, Ta, AF's f waves) relative to the
    Dower rows: the atria lie higher and further back than the ventricles the Dower matrix was fitted to,
    so real chest leads show smaller P waves than it predicts (1.0: the Dower rows). Limb leads unchanged."""
    p_depth: float = -0.15
    """Z (Frank, posterior +) component of the P-wave direction before normalisation, when ``p_axis_deg`` is set."""
    r_posterior_delay_s: float = 0.0
    """Delay (s) of the R wave's posterior (Frank Z) part after its frontal part: the QRS loop turns back
    after pointing left, so V1–V2 reach their S nadir after the R peak of the lateral leads (0.0: one
    direction). The frontal QRS area, and with it the axis, is unchanged."""
    beat_model: str = "waves"
    """How the normally conducted beat is made: ``"waves"`` (Gaussian waves, every knob above) or ``"learned"``
    (P, QRS and T from the learned beat model of :mod:`ecgtf.data.dipole_beats`: a dipole trajectory plus a
    chest-lead residual fitted to real median beats; the wave-shape knobs then do nothing, ``amplitude``,
    ``axis_deg``, ``t_axis_follow``, the rhythm, noise, ectopic beats and lead vectors still act). Not for
    bundle-branch blocks, which have too few real examples to learn from."""
    beat_scores: tuple | None = None
    """The learned beat's principal-component scores (``None``: drawn from the record's seed, conditioned on its
    heart rate). ``axis_deg`` ``None`` keeps that beat's own frontal axis; a number turns the QRS (and the T
    wave by ``t_axis_follow``) so the measured axis is that number."""
    beat_model_path: str | None = None
    """A beat model file (``None``: the one shipped with ecgtf)."""
    lead_vector_jitter: float = 0.0
    """Per-record change of the six chest leads' lead vectors (the Dower rows V1–V6): all six slide together
    along the row by N(0, (2·this)²) electrode spacings (electrodes placed a little medial or lateral) and
    turn together by a random 3-D rotation of this × N(0, 1) radians (torsos and hearts sit differently).
    The limb leads keep their vectors, so Einthoven's law and the frontal axis are untouched (0.0: the
    Dower matrix as published)."""

    def __post_init__(self) -> None:
        if self.condition not in CONDITIONS:
            raise ValueError(f"unknown condition {self.condition!r}; expected one of {CONDITIONS}")
        if self.beat_model not in BEAT_MODELS:
            raise ValueError(f"unknown beat_model {self.beat_model!r}; expected one of {BEAT_MODELS}")
        if self.beat_model == "learned" and self.condition in ("CLBBB", "CRBBB"):
            raise ValueError(f"beat_model='learned' has no {self.condition} beats (too few real examples to learn "
                             "from); use beat_model='waves' for bundle-branch blocks")
        if not 20.0 <= self.heart_rate_bpm <= 250.0:
            raise ValueError(f"heart_rate_bpm must be in [20, 250], got {self.heart_rate_bpm}")
        if self.qrs_scale <= 0:
            raise ValueError(f"qrs_scale must be > 0, got {self.qrs_scale}")
        if self.fs <= 0 or self.duration_s <= 0:
            raise ValueError(f"fs and duration_s must be positive, got {self.fs}, {self.duration_s}")
        for name in ("hrv", "af_rr_cv", "amplitude", "baseline_wander_mv", "emg_mv", "powerline_mv", "p_scale",
                     "s_scale", "t_scale", "t_axis_follow", "t_width_scale", "q_scale", "p_terminal", "u_scale",
                     "ta_scale", "shape_jitter", "pr_scale", "qt_scale", "beat_amplitude_cv",
                     "electrode_noise_spread", "non_dipolar_mv", "lead_vector_jitter", "pvc_rate", "pac_rate", "qrs_notch", "f_wave_mv", "qs_axis_follow",
                     "atrial_chest_gain", "r_posterior_delay_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def frontal_axis_deg(self) -> float:
        """The frontal QRS axis (degrees) the record's leads show (a learned beat's own when ``axis_deg`` is None)."""
        if self.axis_deg is not None:
            return float(self.axis_deg)
        if self.beat_model == "learned" and self.beat_scores is not None:
            return dipole_beats.load_beat_model(self.beat_model_path).qrs_axis(self.beat_scores)
        return _DEFAULT_AXIS[self.condition]


@dataclass
class SyntheticRecord:
    """A synthetic record: ``signal`` (12, n) in mV, R-peak sample indices, labels, config, and each R peak's
    beat type ``beat_symbols`` (MIT-BIH symbols: "N" conducted, "A" premature atrial, "V" premature
    ventricular)."""

    signal: np.ndarray
    fs: float
    r_peaks: np.ndarray
    labels: list[str]
    config: SyntheticConfig
    lead_names: tuple[str, ...] = field(default=LEADS)
    beat_symbols: np.ndarray | None = None
