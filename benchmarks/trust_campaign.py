"""A bad-input and fault campaign against one ecgtf checkout: each probe tries what a careless or unlucky user
does and classifies what ecgtf did.

    python benchmarks/trust_campaign.py                         # this checkout
    python benchmarks/trust_campaign.py --checkout ../old-tree  # another one (e.g. a git worktree of an old commit)

Classes: **ok** (the right answer, or a refusal whose message names what was wrong), **traceback** (an exception
that is not a clear refusal, or a refusal that does not say which option/file/field), **silent** (an answer where
a refusal was due: garbage returned without a word), **data loss** (a user's file or a finished run destroyed),
**hang** (no answer within the time limit). Every probe runs in its own process against fixtures that the
checkout itself builds first (a tiny unet1d run trained for two steps, its float32 export, a Lead I CSV, a WFDB
record). Prints one table and writes JSON (``--out``). About 10 minutes on two CPU cores.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

CLASSES = ("ok", "traceback", "silent", "data loss", "hang")
CLEAR = (ValueError, TypeError, FileNotFoundError, FileExistsError, PermissionError)
PROBES: dict = {}


def probe(kind: str):
    def register(fn):
        PROBES[fn.__name__[2:]] = (kind, fn)
        return fn
    return register


# ---------- helpers used inside a probe's process ------------------------------------------------------------

class Ctx:
    def __init__(self, fixture: Path, work: Path):
        self.fixture, self.work = fixture, work

    def copy(self, name: str) -> Path:
        src = self.fixture / name
        dst = self.work / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
        return dst

    def cli(self, *args, timeout: float = 600):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
        p = subprocess.run([sys.executable, "-m", "ecgtf", *map(str, args)], cwd=self.work, env=env,
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr


def refusal(call, mention: str = "") -> tuple[str, str]:
    """ok when ``call()`` raises a clear error mentioning ``mention``; silent when it returns."""
    try:
        result = call()
    except CLEAR as exc:
        text = f"{type(exc).__name__}: {exc}"
        if mention and mention.lower() not in str(exc).lower():
            return "traceback", f"unclear: {text[:160]}"
        return "ok", text[:160]
    except Exception as exc:  # noqa: BLE001 (what the probe measures)
        return "traceback", f"{type(exc).__name__}: {str(exc)[:160]}"
    return "silent", f"returned {str(result)[:120]}"


def cli_refusal(rc: int, out: str, err: str, mention: str = "") -> tuple[str, str]:
    if "Traceback (most recent call last)" in err:
        return "traceback", err.strip().splitlines()[-1][:160]
    if rc == 0:
        return "silent", f"exit 0: {out.strip()[-120:]}"
    text = (err + out).strip()
    if mention and mention.lower() not in text.lower():
        return "traceback", f"unclear: {text[-160:]}"
    return "ok", text.splitlines()[-1][:160] if text else f"exit {rc}"


def lead_i(seconds: float = 20.0, fs: float = 500.0):
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    return generate_record(SyntheticConfig(duration_s=seconds), seed=0).signal[0].astype("float64")


def reconstructor(ctx):
    import ecgtf

    return ecgtf.Reconstructor.from_run(ctx.fixture / "run", "final")


def api_input(ctx, x, fs, mention=""):
    rec = reconstructor(ctx)
    return refusal(lambda: rec.reconstruct(x, fs).leads.shape, mention)


def unchanged(path: Path, before: bytes) -> bool:
    return path.exists() and path.read_bytes() == before


# ---------- probes: data loss --------------------------------------------------------------------------------

def _output_onto_input(ctx, out: str):
    src = ctx.copy("session.csv")
    before = src.read_bytes()
    rc, o, e = ctx.cli("reconstruct", "session.csv", "--fs", "500", "--model", ctx.fixture / "run", "-o", out)
    if not unchanged(src, before):
        return "data loss", f"-o {out} replaced session.csv"
    if out.endswith(".v2"):
        return ("ok", "session.csv kept") if rc == 0 else cli_refusal(rc, o, e)
    return cli_refusal(rc, o, e, "input")


@probe("data loss")
def p_output_same_stem(ctx):
    return _output_onto_input(ctx, "session")


@probe("data loss")
def p_output_same_name(ctx):
    return _output_onto_input(ctx, "session.csv")


@probe("data loss")
def p_output_dotted_stem(ctx):
    return _output_onto_input(ctx, "session.v2")


@probe("data loss")
def p_output_onto_wfdb_input(ctx):
    ctx.copy("rec.hea"), ctx.copy("rec.dat")
    before = (ctx.work / "rec.dat").read_bytes()
    rc, o, e = ctx.cli("reconstruct", "rec.hea", "--model", ctx.fixture / "run", "-o", "rec", "--formats", "wfdb",
                       "--no-quality-gate")
    if not unchanged(ctx.work / "rec.dat", before):
        return "data loss", "the input record was overwritten"
    return cli_refusal(rc, o, e, "input")


@probe("data loss")
def p_plot_onto_its_input(ctx):
    src = ctx.copy("records.npz")
    before = src.read_bytes()
    rc, o, e = ctx.cli("plot", "records.npz", "--out", "records.npz")
    return ("data loss", "the .npz became a PNG") if not unchanged(src, before) else cli_refusal(rc, o, e, "input")


def _overwrite_fails_late(ctx, *args):
    run = ctx.copy("run")
    before = (run / "final" / "reconstructor.weights.h5").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    p = subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(run), "--overwrite", *args],
                       cwd=ctx.work, env=env, capture_output=True, text=True, timeout=600)
    if not unchanged(run / "final" / "reconstructor.weights.h5", before):
        return "data loss", "the finished run was replaced"
    return cli_refusal(p.returncode, p.stdout, p.stderr)


TINY_TRAIN = ["--data", "synthetic:1", "--n-synthetic", "4", "--filters", "4,8,8", "--kernel", "3", "--epochs", "1",
              "--steps-per-epoch", "2", "--batch-size", "4", "--verbose", "0"]


@probe("data loss")
def p_overwrite_init_from_typo(ctx):
    return _overwrite_fails_late(ctx, *TINY_TRAIN, "--init-from", str(ctx.work / "no-such-run"))


@probe("data loss")
def p_overwrite_init_from_other_width(ctx):
    other = ctx.copy("run")
    shutil.move(other, ctx.work / "other")
    args = [a if a != "4,8,8" else "8,16,16" for a in TINY_TRAIN]
    return _overwrite_fails_late(ctx, *args, "--init-from", str(ctx.work / "other"))


@probe("data loss")
def p_overwrite_too_little_data(ctx):
    args = [a if a != "4" else "1" for a in TINY_TRAIN]
    return _overwrite_fails_late(ctx, *args)


@probe("data loss")
def p_two_writers_one_run(ctx):
    run = ctx.copy("run")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    cmd = [sys.executable, "-m", "training.unet1d", "--out", str(run), "--overwrite", *TINY_TRAIN]
    long = [{"2": "400", "1": "200"}.get(a, a) for a in cmd]          # minutes of training
    first = subprocess.Popen(long, cwd=ctx.work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(25)                                   # the first one is training now
        if first.poll() is not None:
            return "ok", "the first training ended before the second started (inconclusive)"
        p = subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(run), "--resume", "--epochs", "2",
                            "--verbose", "0"], cwd=ctx.work, env=env, capture_output=True, text=True, timeout=600)
        if p.returncode == 0:
            return "data loss", "a second writer trained into the same run"
        return cli_refusal(p.returncode, p.stdout, p.stderr, "process")
    finally:
        first.kill()
        first.wait()


# ---------- probes: silent garbage ---------------------------------------------------------------------------

@probe("silent")
def p_flipped_weight_bytes(ctx):
    import numpy as np

    import ecgtf

    run = ctx.copy("run")
    w = run / "final" / "reconstructor.weights.h5"
    data = bytearray(w.read_bytes())
    for k in range(6):
        data[len(data) // 2 + 131 * k] ^= 0x7F
    w.write_bytes(bytes(data))

    def use():
        out = ecgtf.Reconstructor.from_run(run, "final").reconstruct(lead_i(), 500)
        return f"max {np.abs(out.leads).max():.3g} mV"
    return refusal(use, "weights")


def _calibrated_run(ctx):
    """The fixture run with a made-up interval calibration (``intervals.json``) beside its weights."""
    import numpy as np

    from ecgtf.intervals import COVERAGES, N_WEIGHTS, IntervalCalibration

    run = ctx.copy("run")
    sets = {"I": {"weights": np.full((12, N_WEIGHTS), -2.0), "quantiles": np.tile(np.linspace(0.1, 3, len(COVERAGES)),
                                                                                   (12, 1))}}
    IntervalCalibration("run", "made up", sets).save(run / "intervals.json")
    return run


@probe("silent")
def p_edited_interval_quantile(ctx):
    import ecgtf

    run = _calibrated_run(ctx)
    f = run / "intervals.json"
    doc = json.loads(f.read_text())
    doc["sets"]["I"]["quantiles"][7][79] = 0.0           # V1's 80 % band made zero-width by hand
    f.write_text(json.dumps(doc))
    return refusal(lambda: ecgtf.Reconstructor.from_run(run, "final").reconstruct(lead_i(), 500).band_width,
                   "intervals.json")


@probe("silent")
def p_truncated_interval_file(ctx):
    import ecgtf

    run = _calibrated_run(ctx)
    f = run / "intervals.json"
    f.write_text(f.read_text()[:200])
    return refusal(lambda: ecgtf.Reconstructor.from_run(run, "final").reconstruct(lead_i(), 500).band_width,
                   "intervals.json")


@probe("cli")
def p_coverage_as_percent(ctx):
    run = ctx.copy("run")
    rc, out, err = ctx.cli("reconstruct", ctx.fixture / "session.csv", "--fs", "500", "--model", run, "-o", "rec",
                           "--coverage", "80")
    if (ctx.work / "rec.csv").exists():
        return "silent", "wrote rec.csv with --coverage 80"
    return cli_refusal(rc, out, err, "probability")


@probe("silent")
def p_profile_head_of_unknown_leads(ctx):
    from ecgtf.files import json_digest
    from ecgtf.personal import PersonalReconstructor

    rec = reconstructor(ctx)
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    ref = generate_record(SyntheticConfig(duration_s=10.0), seed=3).signal.astype("float64")
    path = rec.personalize(ref, 500).save(ctx.work / "p.json")
    doc = json.loads(path.read_text())
    doc["heads"]["V2+I"] = doc["heads"]["I"]             # a head keyed by leads out of canonical order
    doc["profile_sha256"] = json_digest(doc, "profile_sha256")
    path.write_text(json.dumps(doc))
    return refusal(lambda: PersonalReconstructor.load(path, rec).reconstruct(lead_i(), 500).leads.shape,
                   "canonical order")


@probe("silent")
def p_edited_run_fs(ctx):
    import ecgtf

    run = ctx.copy("run")
    cfg = json.loads((run / "config.json").read_text())
    cfg["preprocessing"]["fs"] = 250.0
    (run / "config.json").write_text(json.dumps(cfg))
    return refusal(lambda: ecgtf.Reconstructor.from_run(run, "final").reconstruct(lead_i(), 500).leads.shape,
                   "config.json")


@probe("silent")
def p_edited_tflite_fs(ctx):
    import ecgtf

    exp = ctx.copy("export")
    f = exp / "unet1d_float32.json"
    f.write_text(f.read_text().replace('"fs": 100.0', '"fs": 250.0'))
    tfl = exp / "unet1d_float32.tflite"
    return refusal(lambda: ecgtf.Reconstructor.from_tflite(tfl).reconstruct(lead_i(), 500).leads.shape, "metadata")


def _scaled(factor, fs=500.0, declared=None):
    def run(ctx):
        x = lead_i() * factor
        return api_input(ctx, x, declared or fs)
    return run


for _name, _factor, _decl in (("gain_x5", 5, None), ("gain_x10", 10, None), ("microvolts", 1000, None),
                              ("volts", 1e-3, None), ("fs_500_said_100", 1, 100.0), ("fs_500_said_2000", 1, 2000.0)):
    PROBES[f"api_{_name}"] = ("silent", _scaled(_factor, declared=_decl))


def _api_signal(make):
    def run(ctx):
        import numpy as np

        rng = np.random.default_rng(0)
        t = np.arange(10000) / 500
        return api_input(ctx, make(rng, t), 500)
    return run


PROBES["api_white_noise"] = ("silent", _api_signal(lambda rng, t: rng.normal(0, 0.3, t.size)))
PROBES["api_square_wave"] = ("silent", _api_signal(lambda rng, t: 0.5 * ((t * 1.2) % 1 < 0.5) - 0.25))
PROBES["api_2uV_noise"] = ("silent", _api_signal(lambda rng, t: rng.normal(0, 0.002, t.size)))
PROBES["api_50Hz_hum"] = ("silent", _api_signal(lambda rng, t: 0.5 * __import__("numpy").sin(2 * 3.14159265 * 50 * t)))


def _cli_signal(make, *extra):
    def run(ctx):
        import numpy as np

        x = make(np.random.default_rng(0))
        np.savetxt(ctx.work / "in.csv", x[:, None], delimiter=",", header="I", comments="")
        return cli_refusal(*ctx.cli("reconstruct", "in.csv", "--fs", "500", "--model", ctx.fixture / "run", *extra))
    return run


PROBES["cli_white_noise"] = ("silent", _cli_signal(lambda rng: rng.normal(0, 0.3, 10000)))
PROBES["cli_gain_x10"] = ("silent", _cli_signal(lambda rng: lead_i() * 10))


@probe("silent")
def p_csv_header_other_lead(ctx):
    import numpy as np

    np.savetxt(ctx.work / "ii.csv", lead_i()[:, None], delimiter=",", header="II", comments="")
    return cli_refusal(*ctx.cli("reconstruct", "ii.csv", "--fs", "500", "--model", ctx.fixture / "run"), "II")


@probe("silent")
def p_lead_name_nonsense(ctx):
    ctx.copy("session.csv")
    return cli_refusal(*ctx.cli("reconstruct", "session.csv", "--fs", "500", "--lead", "XYZ", "--model",
                                ctx.fixture / "run"), "XYZ")


@probe("silent")
def p_wfdb_dat_corrupt_same_size(ctx):
    ctx.copy("rec.hea"), ctx.copy("rec.dat")
    dat = ctx.work / "rec.dat"
    data = bytearray(dat.read_bytes())
    data[2001] ^= 0x40
    dat.write_bytes(bytes(data))
    return cli_refusal(*ctx.cli("reconstruct", "rec.hea", "--model", ctx.fixture / "run", "--no-quality-gate"),
                       "checksum")


@probe("silent")
def p_wfdb_output_name_with_space(ctx):
    ctx.copy("session.csv")
    rc, o, e = ctx.cli("reconstruct", "session.csv", "--fs", "500", "--model", ctx.fixture / "run", "-o", "my out",
                       "--formats", "wfdb")
    if rc == 0:
        import wfdb

        try:
            wfdb.rdrecord(str(ctx.work / "my out"))
            return "ok", "wfdb reads it back"
        except Exception as exc:  # noqa: BLE001
            return "silent", f"exit 0, unreadable record ({type(exc).__name__})"
    return cli_refusal(rc, o, e, "record name")


@probe("silent")
def p_resume_changes_architecture(ctx):
    run = ctx.copy("run")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    p = subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(run), "--resume", "--epochs", "2",
                        "--filters", "8,16,16", "--verbose", "0"], cwd=ctx.work, env=env, capture_output=True,
                       text=True, timeout=600)
    return cli_refusal(p.returncode, p.stdout, p.stderr, "--filters")


@probe("silent")
def p_lambda_nan(ctx):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    p = subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(ctx.work / "new"), *TINY_TRAIN,
                        "--lambda-mv", "nan"], cwd=ctx.work, env=env, capture_output=True, text=True, timeout=600)
    return cli_refusal(p.returncode, p.stdout, p.stderr, "lambda-mv")


@probe("silent")
def p_stream_push_after_flush(ctx):
    rec = reconstructor(ctx)
    s = rec.stream(500)
    s.push(lead_i(12))
    s.flush()
    return refusal(lambda: s.push(lead_i(12)).leads.shape, "flush")


@probe("silent")
def p_plot_microvolt_record(ctx):
    ctx.copy("rec_uv.hea"), ctx.copy("rec_uv.dat")
    from ecgtf import cli

    sig, fs = cli._load_for_plot(ctx.work / "rec_uv.hea", 0)
    peak = float(abs(sig).max())
    return ("ok", f"drawn at {peak:.2f} mV") if peak < 20 else ("silent", f"drawn at {peak:.0f} 'mV' (µV as mV)")


# ---------- probes: tracebacks -------------------------------------------------------------------------------

for _fs in ("inf", "0", "nan", "-500"):
    PROBES[f"cli_fs_{_fs}"] = ("traceback", (lambda fs: lambda ctx: (ctx.copy("session.csv"), cli_refusal(
        *ctx.cli("reconstruct", "session.csv", "--fs", fs, "--model", ctx.fixture / "run"), "fs"))[1])(_fs))


def _edited_config(edit, mention):
    def run(ctx):
        from ecgtf.runs import Run

        d = ctx.copy("run")
        cfg = json.loads((d / "config.json").read_text())
        (d / "config.json").write_text(json.dumps(edit(cfg)))
        digests = d / "digests.json"
        if digests.exists():        # the edit is the point here, not the digest: record it as ecgtf would
            from ecgtf.files import record_digest

            record_digest(d / "config.json")
        return refusal(lambda: Run(d).generator("final").count_params(), mention)
    return run


PROBES["config_json_list"] = ("traceback", _edited_config(lambda c: [c], "config.json"))
PROBES["config_hop_0"] = ("traceback", _edited_config(
    lambda c: {**c, "preprocessing": {**c["preprocessing"], "hop": 0}}, "hop"))
PROBES["config_band_reversed"] = ("traceback", _edited_config(
    lambda c: {**c, "preprocessing": {**c["preprocessing"], "band_hz": [40.0, 0.5]}}, "band"))
PROBES["config_fs_string"] = ("traceback", _edited_config(
    lambda c: {**c, "preprocessing": {**c["preprocessing"], "fs": "100"}}, "fs"))


def _use_config(ctx, edit, mention):
    """The edited run used for a reconstruction (settings only bite there)."""
    import ecgtf
    from ecgtf.runs import Run  # noqa: F401

    d = ctx.copy("run")
    cfg = json.loads((d / "config.json").read_text())
    (d / "config.json").write_text(json.dumps(edit(cfg)))
    if (d / "digests.json").exists():
        from ecgtf.files import record_digest

        record_digest(d / "config.json")
    return refusal(lambda: ecgtf.Reconstructor.from_run(d, "final").reconstruct(lead_i(), 500).leads.shape, mention)


PROBES["use_config_hop_0"] = ("traceback", lambda ctx: _use_config(
    ctx, lambda c: {**c, "preprocessing": {**c["preprocessing"], "hop": 0}}, "hop"))
PROBES["use_config_band_reversed"] = ("traceback", lambda ctx: _use_config(
    ctx, lambda c: {**c, "preprocessing": {**c["preprocessing"], "band_hz": [40.0, 0.5]}}, "band"))


def _edited_metadata(edit, mention):
    def run(ctx):
        import ecgtf

        exp = ctx.copy("export")
        f = exp / "unet1d_float32.json"
        meta = edit(json.loads(f.read_text()))
        if isinstance(meta, dict) and "metadata_sha256" in meta:
            from ecgtf.files import json_digest

            meta["metadata_sha256"] = json_digest(meta, "metadata_sha256")
        f.write_text(json.dumps(meta))
        return refusal(lambda: ecgtf.Reconstructor.from_tflite(exp / "unet1d_float32.tflite")
                       .reconstruct(lead_i(), 500).leads.shape, mention)
    return run


PROBES["metadata_missing_inputs"] = ("traceback", _edited_metadata(
    lambda m: {k: v for k, v in m.items() if k != "inputs"}, "unet1d_float32.json"))
PROBES["metadata_missing_preprocessing"] = ("traceback", _edited_metadata(
    lambda m: {k: v for k, v in m.items() if k != "preprocessing_config"}, "unet1d_float32.json"))
PROBES["metadata_wrong_tensor_name"] = ("traceback", _edited_metadata(
    lambda m: {**m, "inputs": [{**m["inputs"][0], "name": "nope"}]}, "nope"))
PROBES["metadata_a_list"] = ("traceback", _edited_metadata(lambda m: [m], "unet1d_float32.json"))


@probe("traceback")
def p_quality_fs_nan(ctx):
    from ecgtf.quality import assess

    return refusal(lambda: assess(lead_i(), float("nan")).reason or "ok", "rate")


@probe("traceback")
def p_stream_margin_nan(ctx):
    rec = reconstructor(ctx)
    return refusal(lambda: rec.stream(500, margin_s=float("nan")).push(lead_i(12)).leads.shape, "margin")


@probe("traceback")
def p_truncated_cache_shard(ctx):
    from ecgtf.data.cache import SegmentCache

    d = ctx.copy("cache")
    shard = d / "shard_00000.npy"
    shard.write_bytes(shard.read_bytes()[:1000])
    return refusal(lambda: SegmentCache(d).segment(0).shape, "shard")


@probe("traceback")
def p_truncated_cache_manifest(ctx):
    from ecgtf.data.cache import SegmentCache

    d = ctx.copy("cache")
    (d / "manifest.json").write_text((d / "manifest.json").read_text()[:30])
    return refusal(lambda: len(SegmentCache(d)), str(d.name))


@probe("silent")
def p_flipped_cache_shard(ctx):
    from ecgtf.data.cache import SegmentCache

    d = ctx.copy("cache")
    shard = d / "shard_00000.npy"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x40
    shard.write_bytes(bytes(data))
    return refusal(lambda: SegmentCache(d).segments(range(2)).shape, "shard")


@probe("traceback")
def p_plot_index_99(ctx):
    ctx.copy("records.npz")
    return cli_refusal(*ctx.cli("plot", "records.npz", "--index", "99", "--out", "p.png"), "index")


@probe("traceback")
def p_plot_truncated_npz(ctx):
    src = ctx.copy("records.npz")
    src.write_bytes(src.read_bytes()[:300])
    return cli_refusal(*ctx.cli("plot", "records.npz", "--out", "p.png"), "records.npz")


@probe("traceback")
def p_export_corrupt_weights(ctx):
    run = ctx.copy("run")
    (run / "final" / "reconstructor.weights.h5").write_bytes(b"\x89HDF\r\n" + b"\x00" * 5000)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    p = subprocess.run([sys.executable, "-m", "export", str(run), "--formats", "float32", "--out",
                        str(ctx.work / "exp")], cwd=ctx.work, env=env, capture_output=True, text=True, timeout=600)
    return cli_refusal(p.returncode, p.stdout, p.stderr, "weights.h5")


@probe("traceback")
def p_filters_not_numbers(ctx):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1"}
    args = [a if a != "4,8,8" else "abc" for a in TINY_TRAIN]
    p = subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(ctx.work / "new"), *args],
                       cwd=ctx.work, env=env, capture_output=True, text=True, timeout=600)
    return cli_refusal(p.returncode, p.stdout, p.stderr, "--filters")


@probe("traceback")
def p_metrics_json_corrupt(ctx):
    from ecgtf.runs import Run

    d = ctx.copy("run")
    (d / "metrics.json").write_text('{"val": ')
    return refusal(lambda: Run(d).metrics(), "metrics.json")


@probe("silent")
def p_torch_load_weights_only(ctx):
    import inspect

    from ecgtf.models.pulse2pulse import published

    src = inspect.getsource(published)
    return ("ok", "torch.load(..., weights_only=True)") if "weights_only=True" in src else \
        ("silent", "torch.load without weights_only=True (a checkpoint can run code)")


# ---------- fixtures and driver -----------------------------------------------------------------------------

def build_fixtures(out: Path) -> None:
    """What the probes use, built by this checkout's own code (configs differ between versions)."""
    import numpy as np
    import wfdb

    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECGTF_NO_PROGRESS": "1", "ECGTF_DATA": str(out / "no-data"),
           "ECGTF_CACHE": str(out / "caches")}
    (out / "no-data").mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "training.unet1d", "--out", str(out / "run"), *TINY_TRAIN], cwd=out,
                   env=env, check=True, capture_output=True, timeout=900)
    subprocess.run([sys.executable, "-m", "export", str(out / "run"), "--formats", "float32", "--out",
                    str(out / "export"), "--budget", "1.0", "--n-validate", "4"], cwd=out, env=env, check=True,
                   capture_output=True, timeout=900)
    caches = sorted((out / "caches").glob("synthetic-*"))
    shutil.copytree(caches[0], out / "cache")
    sys.path.insert(0, str(ROOT))
    x = lead_i()
    np.savetxt(out / "session.csv", x[:, None], delimiter=",", header="I", comments="")
    from ecgtf.data.synthetic import generate_dataset
    from ecgtf.leads import LEADS

    signals = generate_dataset(2, seed=0)[0]
    np.savez(out / "records.npz", signals=signals, fs=500.0)
    wfdb.wrsamp("rec", fs=500, units=["mV"] * 12, sig_name=list(LEADS), p_signal=signals[0].T.astype(float),
                fmt=["16"] * 12, write_dir=str(out))
    wfdb.wrsamp("rec_uv", fs=500, units=["uV"] * 12, sig_name=list(LEADS), p_signal=signals[0].T * 1000.0,
                fmt=["16"] * 12, adc_gain=[1.0] * 12, baseline=[0] * 12, write_dir=str(out))


def run_one(name: str, fixture: Path) -> dict:
    kind, fn = PROBES[name]
    work = Path(tempfile.mkdtemp(prefix=f"probe-{name}-"))
    os.chdir(work)
    try:
        cls, detail = fn(Ctx(fixture, work))
    except Exception:  # noqa: BLE001 (the probe itself broke: count as a traceback of the tree under test)
        cls, detail = "traceback", traceback.format_exc().strip().splitlines()[-1][:160]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"probe": name, "kind": kind, "class": cls, "detail": detail}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parents[1],
                   help="the ecgtf tree to probe (default: this one)")
    p.add_argument("--out", type=Path, default=None, help="JSON with every probe's class and detail")
    p.add_argument("--only", default=None, help="comma-separated probe names")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per probe before it counts as a hang")
    p.add_argument("--one", default=None, help=argparse.SUPPRESS)
    p.add_argument("--fixture", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--build-fixtures", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.build_fixtures:
        build_fixtures(args.build_fixtures)
        return 0
    if args.one:
        sys.path.insert(0, str(ROOT))
        print("RESULT " + json.dumps(run_one(args.one, args.fixture)))
        return 0
    checkout = args.checkout.resolve()
    me = Path(__file__).resolve()
    env = {**os.environ, "PYTHONPATH": str(checkout), "ECGTF_NO_PROGRESS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "ECGTF_CAMPAIGN_ROOT": str(checkout)}
    fixture = Path(tempfile.mkdtemp(prefix="campaign-fixture-"))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(me), "--build-fixtures", str(fixture)], env=env, cwd=checkout, check=True)
    names = args.only.split(",") if args.only else list(PROBES)
    results = []
    for i, name in enumerate(names):
        try:
            proc = subprocess.run([sys.executable, str(me), "--one", name, "--fixture", str(fixture)], env=env,
                                  cwd=checkout, capture_output=True, text=True, timeout=args.timeout)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
            res = json.loads(lines[-1][7:]) if lines else {
                "probe": name, "kind": PROBES[name][0], "class": "traceback",
                "detail": (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]}
        except subprocess.TimeoutExpired:
            res = {"probe": name, "kind": PROBES[name][0], "class": "hang", "detail": f"> {args.timeout:g} s"}
        results.append(res)
        print(f"[{i + 1:2d}/{len(names)}] {res['class']:9s} {name}: {res['detail']}", flush=True)
    counts = {c: sum(r["class"] == c for r in results) for c in CLASSES}
    print(f"\n{checkout}: {len(results)} probes in {time.perf_counter() - t0:.0f} s")
    print(" | ".join(f"{c} {counts[c]}" for c in CLASSES))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"checkout": str(checkout), "counts": counts, "probes": results}, indent=1))
    shutil.rmtree(fixture, ignore_errors=True)
    return 0


ROOT = Path(os.environ.get("ECGTF_CAMPAIGN_ROOT", Path(__file__).resolve().parents[1]))

if __name__ == "__main__":
    sys.exit(main())
