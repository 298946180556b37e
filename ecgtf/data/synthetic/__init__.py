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

from .config import BEAT_MODELS, CONDITIONS, SyntheticConfig, SyntheticRecord  # noqa: F401
from .ranges import (  # noqa: F401
    LEARNED_RANGES,
    ORIGINAL_RANGES,
    PTBXL_MIX,
    REALISTIC_RANGES,
    RandomRanges,
    generate_dataset,
    random_config,
)
from .record import generate_record  # noqa: F401
from .waves import _electrode_noise, _electrodes_to_leads, _rr_intervals  # noqa: F401
