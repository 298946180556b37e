"""ECG reconstruction and generation metrics (numpy, vectorised over leading axes).

Conventions: ``x`` is the reference (real) signal and ``y`` the reconstruction/generation; the
time axis is the last one; pointwise metrics reduce only the last axis, so ``(N, 12, 512)`` gives
``(N, 12)`` (per record and lead).
"""
from __future__ import annotations

import numpy as np


def _pair(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: reference {x.shape} vs estimate {y.shape}")
    return x, y


def rmse(x, y):
    """Root-mean-square error ``sqrt(mean((x − y)²))`` over the last axis (signal units)."""
    x, y = _pair(x, y)
    return np.sqrt(np.mean((x - y) ** 2, axis=-1))


def mae(x, y):
    """Mean absolute error ``mean(|x − y|)`` over the last axis (signal units)."""
    x, y = _pair(x, y)
    return np.mean(np.abs(x - y), axis=-1)


def prd(x, y):
    """Percent root-mean-square difference ``100 · sqrt(Σ(x − y)² / Σx²)`` (%)."""
    x, y = _pair(x, y)
    return 100.0 * np.sqrt(np.sum((x - y) ** 2, axis=-1) / np.sum(x ** 2, axis=-1))


def prdn(x, y):
    """Normalised PRD, reference mean removed: ``100 · sqrt(Σ(x − y)² / Σ(x − x̄)²)`` (%)."""
    x, y = _pair(x, y)
    xc = x - x.mean(axis=-1, keepdims=True)
    return 100.0 * np.sqrt(np.sum((x - y) ** 2, axis=-1) / np.sum(xc ** 2, axis=-1))


def prd_ecggan(x, y):
    """The ecgGAN notebook's PRD: ``sqrt(Σ(x − y)² / Σx² · 100)`` = :func:`prd` / 10.

    Non-standard (the factor 100 sits inside the square root); kept under its own name only to
    reproduce that project's published numbers.
    """
    x, y = _pair(x, y)
    return np.sqrt(np.sum((x - y) ** 2, axis=-1) / np.sum(x ** 2, axis=-1) * 100.0)


def snr_db(clean, noisy):
    """Signal-to-noise ratio ``10·log10(Σclean² / Σ(noisy − clean)²)`` in dB."""
    clean, noisy = _pair(clean, noisy)
    return 10.0 * np.log10(np.sum(clean ** 2, axis=-1) / np.sum((noisy - clean) ** 2, axis=-1))


def snr_improvement_db(clean, noisy, denoised):
    """SNR improvement ``SNR(clean, denoised) − SNR(clean, noisy)`` in dB."""
    return snr_db(clean, denoised) - snr_db(clean, noisy)


def _sq_dists(a, b):
    a2 = np.sum(a ** 2, axis=1)[:, None]
    b2 = np.sum(b ** 2, axis=1)[None, :]
    return np.maximum(a2 + b2 - 2.0 * a @ b.T, 0.0)


def mmd(x, y, sigma: float | None = None) -> float:
    """Unbiased squared maximum mean discrepancy with a Gaussian kernel between sample sets.

    ``x`` (m, d), ``y`` (n, d) (further axes are flattened into d).
    MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xi,xj) + 1/(n(n−1)) Σ_{i≠j} k(yi,yj) − 2/(mn) Σ k(xi,yj),
    k(a, b) = exp(−‖a − b‖² / (2σ²)); σ defaults to the median pairwise distance of the pooled set.
    """
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        raise ValueError(f"MMD needs at least 2 samples per set, got {m} and {n}")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"feature sizes differ: {x.shape[1]} vs {y.shape[1]}")
    dxx, dyy, dxy = _sq_dists(x, x), _sq_dists(y, y), _sq_dists(x, y)
    if sigma is None:
        pooled = np.concatenate([dxx[np.triu_indices(m, 1)], dyy[np.triu_indices(n, 1)], dxy.ravel()])
        sigma = float(np.sqrt(np.median(pooled))) or 1.0
    g = lambda d: np.exp(-d / (2.0 * sigma ** 2))  # noqa: E731
    kxx, kyy, kxy = g(dxx), g(dyy), g(dxy)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * kxy.mean())


def _antidiagonal_dp(cost: np.ndarray, start: float, combine) -> np.ndarray | float:
    """Fill ``acc[i, j] = combine(cost[i-1, j-1], min(acc[i-1, j], acc[i, j-1], acc[i-1, j-1]))``.

    ``acc`` is padded with ``inf`` on the top row / left column and ``acc[0, 0] = start``; cells
    on one anti-diagonal are independent, so each diagonal is one vectorised step. ``cost`` is (n, m)
    → a float, or a stack (B, n, m) → (B,) values, all pairs in the same steps.
    """
    batch = cost.ndim == 3
    cost = cost if batch else cost[None]
    b, n, m = cost.shape
    acc = np.full((b, n + 1, m + 1), np.inf)
    acc[:, 0, 0] = start
    for k in range(2, n + m + 1):
        i = np.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        best = np.minimum(np.minimum(acc[:, i - 1, j], acc[:, i, j - 1]), acc[:, i - 1, j - 1])
        acc[:, i, j] = combine(cost[:, i - 1, j - 1], best)
    return acc[:, n, m] if batch else float(acc[0, n, m])


def _pair_costs(p: np.ndarray, q: np.ndarray, window: int | None = None) -> np.ndarray:
    """|p_i − q_j| for rows of ``p`` (B, n) against rows of ``q`` (B, m): (B, n, m); outside a Sakoe–Chiba
    ``window`` (|i − j| > max(window, |n − m|)) the cost is inf."""
    cost = np.abs(p[:, :, None] - q[:, None, :])
    if window is not None:
        w = max(int(window), abs(p.shape[1] - q.shape[1]))
        ii, jj = np.indices(cost.shape[1:])
        cost[:, np.abs(ii - jj) > w] = np.inf
    return cost


_DP_RULES = {"dtw": (0.0, np.add), "frechet": (-np.inf, np.maximum)}
"""(start, combine) of :func:`_antidiagonal_dp` per distance: DTW sums the costs, Fréchet keeps their max."""


def frechet_distance(p, q) -> float:
    """Discrete Fréchet distance between two 1-D curves (Eiter & Mannila 1994).

    The smallest, over monotone couplings of the two sample sequences, of the largest |p_i − q_j|
    along the coupling: ``F(i, j) = max(|p_i − q_j|, min(F(i−1, j), F(i, j−1), F(i−1, j−1)))``.
    """
    p = np.asarray(p, dtype=np.float64).reshape(1, -1)
    q = np.asarray(q, dtype=np.float64).reshape(1, -1)
    return float(_antidiagonal_dp(_pair_costs(p, q), *_DP_RULES["frechet"])[0])


def dtw_distance(p, q, window: int | None = None) -> float:
    """Dynamic-time-warping distance: the smallest Σ|p_i − q_j| over monotone alignments.

    ``D(i, j) = |p_i − q_j| + min(D(i−1, j), D(i, j−1), D(i−1, j−1))``; ``window`` is an optional
    Sakoe–Chiba band (|i − j| ≤ window).
    """
    p = np.asarray(p, dtype=np.float64).reshape(1, -1)
    q = np.asarray(q, dtype=np.float64).reshape(1, -1)
    return float(_antidiagonal_dp(_pair_costs(p, q, window), *_DP_RULES["dtw"])[0])


def nearest_neighbour_distances(generated, real, metric: str = "dtw", window: int | None = None) -> np.ndarray:
    """For each generated sample, its distance to the closest real sample (``dtw``, ``frechet`` or ``euclidean``)."""
    generated = np.asarray(generated, dtype=np.float64).reshape(len(generated), -1)
    real = np.asarray(real, dtype=np.float64).reshape(len(real), -1)
    if metric == "euclidean":
        return np.sqrt(_sq_dists(generated, real).min(axis=1))
    if metric not in _DP_RULES:
        raise ValueError(f"unknown metric {metric!r}; expected 'dtw', 'frechet' or 'euclidean'")
    # Pre-select candidates by Euclidean distance (exact search over all pairs is quadratic in length too).
    cand = np.argsort(_sq_dists(generated, real), axis=1)[:, :min(8, len(real))]
    g_rows, r_rows = np.repeat(np.arange(len(generated)), cand.shape[1]), cand.ravel()
    chunk = max(1, 2 ** 24 // (generated.shape[1] * real.shape[1]))     # ≤ 128 MB of float64 costs at a time
    values = np.concatenate([
        _antidiagonal_dp(_pair_costs(generated[g_rows[a:a + chunk]], real[r_rows[a:a + chunk]],
                                     window if metric == "dtw" else None), *_DP_RULES[metric])
        for a in range(0, len(g_rows), chunk)])
    return values.reshape(cand.shape).min(axis=1)


def one_nn_accuracy(real, generated, real_groups=None, generated_groups=None) -> float:
    """Leave-one-out 1-nearest-neighbour two-sample accuracy (1NNC; Lopez-Paz & Oquab 2017).

    Each sample of the pooled set is labelled by its nearest other sample (Euclidean). 0.5 means
    the sets are indistinguishable; 1.0 means perfectly separable (e.g. mode collapse or artefacts).
    With ``real_groups`` / ``generated_groups`` (e.g. the record each beat was cut from), samples of the
    same group are never each other's neighbour (leave one *group* out): several beats of one record
    would otherwise find each other and make even two real sets look separable.
    """
    real = np.asarray(real, dtype=np.float64).reshape(len(real), -1)
    generated = np.asarray(generated, dtype=np.float64).reshape(len(generated), -1)
    pooled = np.concatenate([real, generated])
    labels = np.concatenate([np.zeros(len(real)), np.ones(len(generated))])
    d = _sq_dists(pooled, pooled)
    np.fill_diagonal(d, np.inf)
    if real_groups is not None or generated_groups is not None:
        rg = [("r", g) for g in real_groups] if real_groups is not None else [("r#", i) for i in range(len(real))]
        gg = ([("g", g) for g in generated_groups] if generated_groups is not None
              else [("g#", i) for i in range(len(generated))])
        _, groups = np.unique(np.array([f"{a}:{b}" for a, b in rg + gg]), return_inverse=True)
        d[groups[:, None] == groups[None, :]] = np.inf
    return float(np.mean(labels[np.argmin(d, axis=1)] == labels))


def detect_r_peaks(x, fs: float) -> np.ndarray:
    """R-peak sample indices of a 1-D ECG with wfdb's XQRS detector (empty if none found)."""
    import wfdb.processing as wp

    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size < int(2 * fs) or np.ptp(x) == 0:
        return np.zeros(0, dtype=int)
    det = wp.XQRS(sig=x, fs=fs)
    det.detect(verbose=False)
    return np.asarray(det.qrs_inds, dtype=int)


def envelope_r_peaks(leads, fs: float, *, envelope: str = "slope", band_hz: tuple[float, float] = (5.0, 25.0),
                     smooth_s: float = 0.05, min_rr_s: float = 0.3, height: float = 0.3, percentile: float = 99.0,
                     edges: str = "reflect"):
    """R-peak sample indices of a multi-lead record ``(L, n)`` (or one lead ``(n,)``) from a QRS envelope summed
    over the leads, and that envelope ``(n,)`` (``(n − 1,)`` for ``slope``). Fast and lead-agnostic: one
    consistent QRS time per beat, for cutting beats and rhythm features (:func:`detect_r_peaks` is the accurate
    single-lead detector).

    ``envelope``: ``slope`` (squared first difference) or ``band`` (squared ``band_hz`` band-pass, 2nd order,
    the upper edge capped at 0.45·fs); smoothed by a centred moving average of ``smooth_s`` seconds (``edges``: the
    record mirrored past its ends, ``reflect``, or zeros there, ``constant``); peaks at
    least ``min_rr_s`` apart and above ``height`` × the envelope's ``percentile``-th percentile (none if the
    envelope is zero).
    """
    from scipy import ndimage
    from scipy import signal as sps

    x = np.atleast_2d(np.asarray(leads, np.float64))
    if envelope == "slope":
        env = np.sum(np.diff(x, axis=-1) ** 2, axis=0)
    elif envelope == "band":
        from ecgtf.preprocessing.signal import bandpass

        env = np.sum(bandpass(x, fs, band_hz[0], min(band_hz[1], 0.45 * fs), order=2) ** 2, axis=0)
    else:
        raise ValueError(f"envelope {envelope!r}: expected 'slope' or 'band'")
    size = max(1, int(round(smooth_s * fs)))
    env = ndimage.uniform_filter1d(env, size=size, mode=edges)
    if not np.any(env > 0):
        return np.zeros(0, int), env
    peaks, _ = sps.find_peaks(env, height=height * np.percentile(env, percentile), distance=int(min_rr_s * fs))
    return peaks, env


def heart_rate_bpm(x, fs: float) -> float:
    """Mean heart rate from XQRS R peaks: ``60 · fs / mean(RR in samples)``; NaN with < 2 beats.

    For a 12-lead array ``(12, n)`` the lead with the most QRS energy (5–25 Hz) is used.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        from scipy import signal as sps
        hi = min(25.0, fs / 2 * 0.9)
        sos = sps.butter(2, [5.0, hi], btype="bandpass", fs=fs, output="sos")
        energy = np.sum(sps.sosfiltfilt(sos, x, axis=-1) ** 2, axis=-1)
        x = x[int(np.argmax(energy))]
    peaks = detect_r_peaks(x, fs)
    if peaks.size < 2:
        return float("nan")
    return float(60.0 * fs / np.mean(np.diff(peaks)))


def heart_rate_mae(real, estimate, fs: float) -> float:
    """Mean |HR(real) − HR(estimate)| in bpm over records ``(N, n)`` or ``(N, 12, n)``; NaN records skipped."""
    diffs = [abs(heart_rate_bpm(a, fs) - heart_rate_bpm(b, fs)) for a, b in zip(real, estimate)]
    diffs = np.asarray(diffs)
    return float(np.nanmean(diffs)) if np.any(np.isfinite(diffs)) else float("nan")


def bootstrap_interval(stat, *arrays, groups=None, n: int = 1000, seed: int = 0,
                       min_valid: float = 0.0) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of ``stat(*arrays)``, resampling records with replacement (or, with
    ``groups`` (N,), whole groups such as patients or records of many beats). Non-finite resamples are dropped;
    NaNs are returned when none, or fewer than ``min_valid`` × ``n``, are left."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a) for a in arrays]
    if groups is not None:
        uniq = np.unique(groups)
        members = {g: np.flatnonzero(np.asarray(groups) == g) for g in uniq}
    values = []
    for _ in range(n):
        if groups is None:
            pick = rng.integers(0, len(arrays[0]), len(arrays[0]))
        else:
            pick = np.concatenate([members[g] for g in rng.choice(uniq, len(uniq))])
        v = stat(*(a[pick] for a in arrays))
        if np.isfinite(v):
            values.append(v)
    if not values or len(values) < min_valid * n:
        return (float("nan"), float("nan"))
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def gaussian_frechet(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussian fits of feature sets a (n, d) and b (m, d) (Heusel et al. 2017)."""
    from scipy import linalg

    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = np.real(linalg.sqrtm(s1 @ s2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
