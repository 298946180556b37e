import json
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("ECGTF_NO_PROGRESS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED = Path(os.environ.get("ECGTF_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")).resolve()
REFERENCE = SHARED.parent / "reference"


def _need(path: Path, what: str):
    """A test decorator: marked ``realdata``, skipped with a reason when ``path`` is absent."""
    skip = pytest.mark.skipif(not path.exists(), reason=f"{what} not found at {path} (real data is only on "
                              "development machines; set ECGTF_SHARED_DATA to point elsewhere)")
    return lambda test: pytest.mark.realdata(skip(test))


# tests read the development copies explicitly (user-facing defaults never point at ../shared)
os.environ.setdefault("ECGTF_DATA", str(SHARED))
os.environ.setdefault("ECGTF_CACHE", tempfile.mkdtemp(prefix="ecgtf-test-cache-"))

needs_ptbxl = _need(SHARED / "ptb-xl" / "ptbxl_database.csv", "PTB-XL subset")
needs_ludb = _need(SHARED / "ludb" / "ludb.csv", "LUDB")
needs_cinc2011 = _need(SHARED / "cinc2011-seta" / "RECORDS-acceptable", "CinC 2011 set-a")
needs_cinc2021 = _need(SHARED / "cinc2021-extra", "CinC 2021 records")
needs_mitdb = _need(SHARED / "mitdb" / "100.hea", "MIT-BIH record 100")
needs_nstdb = _need(SHARED / "nstdb" / "bw.hea", "MIT-BIH Noise Stress Test noise records")
needs_ecggan_weights = _need(REFERENCE / "ecggan" / "generator_80e.h5", "original ecgGAN weights")


TRACED = {"denoiser"}
"""Models whose tiny run is faster traced than eager (denoiser: 14 s vs 23 s, measured side by side)."""


@pytest.fixture(scope="session")
def tiny_runs(tmp_path_factory):
    """One factory of tiny runs for the whole session: ``tiny_runs(name)`` → the run directory of registered model
    ``name`` trained in-process with its ``ModelSpec.smoke_args`` (on synthetic data, a step or two, eagerly),
    built once and shared by every test that asks; ``tiny_runs.export(name)`` → its float32 export folder."""
    from ecgtf import registry

    root = tmp_path_factory.mktemp("tiny-runs")
    runs, exports = {}, {}

    def make(name: str) -> Path:
        if name not in runs:
            from ecgtf.backend import tf
            from ecgtf.cli import main

            spec = registry.get(name)
            out = root / spec.name
            tf.config.run_functions_eagerly(name not in TRACED)   # a step or two: eager beats tracing, mostly
            try:
                assert main(["train", spec.cli_name, *spec.smoke_args, "--out", str(out)]) == 0, spec.name
            finally:
                tf.config.run_functions_eagerly(False)
            runs[name] = out
        return runs[name]

    def export(name: str) -> tuple[Path, list]:
        if name not in exports:
            from export.engine import export_run

            out = root / f"{name}-export"
            exports[name] = (out, export_run(make(name), ["float32"], out, n_validate=4, n_calibration=4,
                                             verbose=False))
        return exports[name]

    make.export = export
    return make


TRAINED = {"tiny_runs", "tiny_run", "beat_runs", "ekgan_run", "lstm_run", "tiny_classifiers", "tiny_dir", "tiny_export",
           "tiny_rec", "tiny_reconstructor"}
"""Fixtures that train or export a model: every test using one is marked ``slow``."""


def pytest_collection_modifyitems(config, items):
    """``slow``: the test trains or exports a tiny model (``pytest -m "not slow"`` is the quick suite);
    ``realdata`` is set by the ``needs_*`` decorators above."""
    for item in items:
        if TRAINED & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def make_tiny_unet1d_run(path: Path, any_leads: bool = False, seed: int | None = None, lead_mix: int = 0,
                         ridge_sets: tuple = ()) -> Path:
    """A run directory holding an untrained tiny unet1d (as the trainer would write it); ``any_leads``: the network
    takes every lead (``lead_mix``: with the linear path; ``ridge_sets``: with ridge blends, random filters and
    α = 0.5); ``seed``: weights drawn at random (so that every input channel matters)."""
    from ecgtf.models.unet1d.networks import Unet1dConfig, build_reconstructor
    from ecgtf.models.unet1d.preprocessing import Unet1dPreprocessing
    from ecgtf.models.unet1d.trainer import Unet1dData, Unet1dTraining
    from ecgtf.runs import CONFIG_FORMAT, config_to_dict

    arch = Unet1dConfig(filters=(4, 8, 8), kernel=3, amp_hidden=8, any_leads=any_leads, lead_mix=lead_mix,
                        ridge_sets=tuple(ridge_sets), ridge_taps=9)
    path.mkdir(parents=True, exist_ok=True)
    (path / "final").mkdir(exist_ok=True)
    (path / "config.json").write_text(json.dumps({
        "format_version": CONFIG_FORMAT, "model": "unet1d", "variant": "unet1d",
        "architecture": config_to_dict(arch), "preprocessing": config_to_dict(Unet1dPreprocessing()),
        "training": config_to_dict(Unet1dTraining()), "data": config_to_dict(Unet1dData())}))
    from ecgtf.backend import keras

    keras.utils.set_random_seed(0 if seed is None else seed)      # the same network on every run and worker
    net = build_reconstructor(arch)
    if seed is not None:
        import numpy as np

        rng = np.random.default_rng(seed)
        net.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype) if "variance" not in v.name else w
                         for v, w in zip(net.weights, net.get_weights())])
    if ridge_sets:
        import numpy as np

        layer = net.get_layer("ridge_blend")
        rng = np.random.default_rng(0 if seed is None else seed)
        layer.set_weights([rng.normal(0, 0.1, w.shape).astype("float32") for w in layer.get_weights()[:-1]]
                          + [np.full(layer.get_weights()[-1].shape, 0.5, "float32")])
    net.save_weights(str(path / "final" / "reconstructor.weights.h5"))
    return path
