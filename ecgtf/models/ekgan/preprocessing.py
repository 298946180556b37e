"""EKGAN preprocessing (Joo et al., MICCAI 2023), and the model's (16, 512, 1) layout.

Per 10 s record at 500 Hz:
  1. drop the first 1 s (500 samples) and keep the next 4,096 samples (8.192 s);
  2. normalise each lead: min-max to [-1, 1] (the paper, ``normalization="per_lead"``), or divide
     every lead by one fixed scale (``"fixed"``, an ecgtf option: keeps amplitudes in mV and the
     limb-lead laws, needed by the physics head and by a phone that wants millivolts back);
  3. band-pass 0.05–150 Hz (zero-phase Butterworth, order 2 per edge);
  4. downsample 4,096 → 512 (factor 8, polyphase FIR): 512 samples at 62.5 Hz = 8.192 s.

Model input: Lead I replicated on rows 2–13 of a 16-row image with two zero rows above and
below, shape (16, 512, 1). Target: the 12 leads in canonical order on rows 2–13, same padding.

Mapping back to millivolts: ``mV = value · scale + offset`` per lead, with the scale and offset
returned by :func:`preprocess_leads`. The band-pass removes the DC level, so the offset only
restores the baseline approximately; the scale is exact. With per-lead min-max, the scale of
leads other than I is unknown on a device that records only Lead I: outputs are then shapes in
normalised units. With ``"fixed"`` every lead's scale is :data:`FIXED_SCALE_MV`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ecgtf.preprocessing.signal import bandpass, downsample, minmax_scale, resample, validate_signal

FIXED_SCALE_MV = 2.5
"""mV per normalised unit in ``"fixed"`` normalisation (±2.5 mV spans nearly all 12-lead ECGs)."""

NORMALIZATIONS = ("per_lead", "fixed")
INPUT_LAYOUTS = ("replicated", "zero_padded")


@dataclass(frozen=True)
class EkganPreprocessing:
    """EKGAN preprocessing parameters; defaults are the paper's."""

    fs: float = 500.0
    drop_s: float = 1.0
    n_keep: int = 4096
    band_hz: tuple[float, float] = (0.05, 150.0)
    filter_order: int = 2
    downsample_factor: int = 8
    normalization: str = "per_lead"
    fixed_scale_mv: float = FIXED_SCALE_MV
    pad_rows: int = 2
    input_layout: str = "replicated"
    """``replicated`` (EKGAN, Pix2Pix: Lead I on all 12 lead rows) or ``zero_padded`` (Lead I on its own
    row, zeros elsewhere: the CycleGAN/CardioGAN baselines' input domain, a 12-lead image with only
    Lead I kept)."""

    def __post_init__(self) -> None:
        if self.input_layout not in INPUT_LAYOUTS:
            raise ValueError(f"input_layout must be one of {INPUT_LAYOUTS}, got {self.input_layout!r}")
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {self.normalization!r}")
        if self.n_keep % self.downsample_factor:
            raise ValueError(f"n_keep ({self.n_keep}) must be a multiple of downsample_factor "
                             f"({self.downsample_factor})")

    @property
    def n_out(self) -> int:
        """Samples per lead after preprocessing (512)."""
        return self.n_keep // self.downsample_factor

    @property
    def fs_out(self) -> float:
        """Sampling rate of the model's time axis (62.5 Hz)."""
        return self.fs / self.downsample_factor

    @property
    def drop_samples(self) -> int:
        return int(round(self.drop_s * self.fs))

    @property
    def min_samples(self) -> int:
        """Shortest accepted record (drop + keep = 4,596 samples at 500 Hz)."""
        return self.drop_samples + self.n_keep

    @property
    def rows(self) -> int:
        return 12 + 2 * self.pad_rows

    def to_dict(self) -> dict:
        return asdict(self)


def preprocess_leads(signal: np.ndarray, fs: float, cfg: EkganPreprocessing = EkganPreprocessing(),
                     resample_input: bool = False):
    """Preprocess leads ``(n_leads, n)`` or a batch ``(N, n_leads, n)`` in mV.

    Returns ``(x, scale, offset)``: ``x`` (…, n_leads, 512) float32 and per-lead ``scale``,
    ``offset`` (…, n_leads) such that ``mV ≈ x · scale + offset`` (see module docstring).
    Raises ``ValueError`` for NaN/inf, too-short records, flat leads or the wrong rate.
    """
    x = np.asarray(signal, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim == 3:
        outs = [preprocess_leads(s, fs, cfg, resample_input) for s in x]
        return tuple(np.stack(o) for o in zip(*outs))
    validate_signal(x, fs=fs, expected_fs=cfg.fs, resample=resample_input)
    if not np.isclose(fs, cfg.fs):
        x = resample(x, fs, cfg.fs)
    validate_signal(x, min_samples=cfg.min_samples, fs=cfg.fs)
    x = x[:, cfg.drop_samples:cfg.drop_samples + cfg.n_keep]
    validate_signal(x, name="kept 4096-sample window")
    return preprocess_window(x, cfg)


def preprocess_window(x: np.ndarray, cfg: EkganPreprocessing = EkganPreprocessing()):
    """Normalise, band-pass and downsample one window ``(n_leads, 4096)`` at ``cfg.fs`` (no cropping).

    Returns ``(x (n_leads, 512) float32, scale, offset)``; shared by records and streaming.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] != cfg.n_keep:
        raise ValueError(f"expected windows of {cfg.n_keep} samples, got {x.shape[-1]}")
    if cfg.normalization == "per_lead":
        x, scale, offset = minmax_scale(x)
    else:
        scale = np.full(x.shape[0], cfg.fixed_scale_mv)
        offset = np.zeros(x.shape[0])
        x = x / cfg.fixed_scale_mv
    x = bandpass(x, cfg.fs, *cfg.band_hz, order=cfg.filter_order)
    x = downsample(x, cfg.downsample_factor)
    return x.astype(np.float32), scale.astype(np.float32), offset.astype(np.float32)


def to_millivolts(x: np.ndarray, scale: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Invert the normalisation: ``(…, n_leads, n)`` normalised → mV."""
    return x * scale[..., None] + offset[..., None]


def model_input(lead_i: np.ndarray, cfg: EkganPreprocessing = EkganPreprocessing()) -> np.ndarray:
    """Lead I ``(512,)`` or ``(N, 512)`` → model input ``(N, 16, 512, 1)``: Lead I on rows 2–13, zeros around
    (``input_layout="zero_padded"``: on row 2 only)."""
    lead_i = np.asarray(lead_i, dtype=np.float32)
    if lead_i.ndim == 1:
        lead_i = lead_i[None]
    if lead_i.ndim != 2 or lead_i.shape[1] != cfg.n_out:
        raise ValueError(f"expected Lead I of shape ({cfg.n_out},) or (N, {cfg.n_out}), got {lead_i.shape}")
    rows = np.repeat(lead_i[:, None, :], 12, axis=1)
    if cfg.input_layout == "zero_padded":
        rows[:, 1:] = 0.0
    return pad_rows(rows, cfg)


def model_target(leads: np.ndarray, cfg: EkganPreprocessing = EkganPreprocessing()) -> np.ndarray:
    """12 leads ``(12, 512)`` or ``(N, 12, 512)`` → target ``(N, 16, 512, 1)`` with zero rows around."""
    leads = np.asarray(leads, dtype=np.float32)
    if leads.ndim == 2:
        leads = leads[None]
    if leads.ndim != 3 or leads.shape[1:] != (12, cfg.n_out):
        raise ValueError(f"expected leads of shape (12, {cfg.n_out}) or (N, 12, {cfg.n_out}), got {leads.shape}")
    return pad_rows(leads, cfg)


def pad_rows(leads: np.ndarray, cfg: EkganPreprocessing = EkganPreprocessing()) -> np.ndarray:
    p = cfg.pad_rows
    return np.pad(leads, ((0, 0), (p, p), (0, 0)))[..., None].astype(np.float32)


def leads_from_model(y: np.ndarray, cfg: EkganPreprocessing = EkganPreprocessing()) -> np.ndarray:
    """Model output ``(N, 16, 512, 1)`` (or without batch/channel axes) → leads ``(N, 12, 512)``."""
    y = np.asarray(y)
    if y.ndim == 4:
        y = y[..., 0]
    if y.ndim == 2:
        y = y[None]
    if y.ndim != 3 or y.shape[1] != cfg.rows:
        raise ValueError(f"expected model output (N, {cfg.rows}, {cfg.n_out}, 1), got {np.shape(y)}")
    return y[:, cfg.pad_rows:cfg.pad_rows + 12, :]


def prepare_pairs(signals: np.ndarray, fs: float, cfg: EkganPreprocessing = EkganPreprocessing(),
                  progress: bool = False, resample_input: bool = False):
    """Records ``(N, 12, n)`` mV → ``(inputs (N,16,512,1), targets (N,16,512,1), scale (N,12), offset (N,12))``.

    Records at another rate than ``cfg.fs`` are refused unless ``resample_input`` (then resampled)."""
    from ecgtf.progress import progress_bar

    leads, scales, offsets = [], [], []
    for s in progress_bar(signals, total=len(signals), desc="EKGAN preprocessing", disable=not progress or None):
        x, sc, off = preprocess_leads(s, fs, cfg, resample_input=resample_input)
        leads.append(x)
        scales.append(sc)
        offsets.append(off)
    leads = np.stack(leads)
    return model_input(leads[:, 0], cfg), model_target(leads, cfg), np.stack(scales), np.stack(offsets)


def prepare_cropped_pairs(signals: np.ndarray, fs: float, cfg: EkganPreprocessing = EkganPreprocessing(),
                          crops: int = 4, seed: int = 0):
    """Training augmentation: ``crops`` windows per record at random offsets (the paper's 1 s offset first).

    Records ``(N, 12, n)`` at ``cfg.fs`` → pairs like :func:`prepare_pairs` with ``N · crops`` rows;
    offsets are uniform in ``[0, n − 4096]`` and deterministic per seed.
    """
    signals = np.asarray(signals, dtype=np.float64)
    if not np.isclose(fs, cfg.fs):
        raise ValueError(f"crop augmentation needs records at {cfg.fs:g} Hz, got {fs:g} Hz")
    n = signals.shape[-1]
    if n < cfg.n_keep:
        raise ValueError(f"records have {n} samples, expected at least {cfg.n_keep}")
    rng = np.random.default_rng(seed)
    leads, scales, offsets = [], [], []
    for rec in signals:
        starts = [min(cfg.drop_samples, n - cfg.n_keep)] + list(rng.integers(0, n - cfg.n_keep + 1, size=crops - 1))
        for start in starts:
            x, sc, off = preprocess_window(rec[:, start:start + cfg.n_keep], cfg)
            leads.append(x)
            scales.append(sc)
            offsets.append(off)
    leads = np.stack(leads)
    return model_input(leads[:, 0], cfg), model_target(leads, cfg), np.stack(scales), np.stack(offsets)
