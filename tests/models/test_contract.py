"""The model-folder contract, for every registered model — add a folder, and it is covered without edits here.

For each :class:`ecgtf.registry.ModelSpec`: a tiny run (``spec.smoke_args``) trains through ``ecgtf train NAME``,
reopens as a :class:`ecgtf.runs.Run` with the spec's config dataclasses, loads its generator for inference, and —
for models with a mobile signature — exports float32 TFLite with builtin ops only that matches Keras; a
reconstructor also reconstructs through :class:`ecgtf.Reconstructor` from the run and from the exported file.
"""
from __future__ import annotations

import numpy as np
import pytest

from ecgtf import registry

SPECS = registry.specs()


def test_every_folder_is_registered_and_complete():
    from pathlib import Path

    import ecgtf.models

    folders = sorted(p.name for p in Path(ecgtf.models.__path__[0]).iterdir() if (p / "__init__.py").exists()
                     and not p.name.startswith("_"))
    assert folders == sorted(registry.names())
    for spec in SPECS:
        assert spec.smoke_args, f"{spec.name}: ModelSpec.smoke_args is empty (the contract test needs a tiny run)"
        if spec.task == "reconstruction":
            assert spec.window_pipeline is not None, spec.name
        assert registry.get(spec.cli_name) is spec


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_train_reopen_load_export(spec, tiny_runs):
    from ecgtf.lite import read_tflite_metadata
    from ecgtf.runs import Run
    from export.tflite import check_builtin_only, io_details

    out = tiny_runs(spec.name)
    run = Run(out)
    assert run.spec is spec and run.model == spec.name
    for section, cls in (("architecture", spec.architecture), ("preprocessing", spec.preprocessing),
                         ("training", spec.training), ("data", spec.data)):
        assert isinstance(getattr(run, section), cls), section
    generator = run.generator("final")
    assert generator.count_params() > 0
    if spec.mobile is None:
        return
    folder, records = tiny_runs.export(spec.name)
    assert records[0]["passed"], records
    tflite = folder / records[0]["file"]
    content = tflite.read_bytes()
    check_builtin_only(content)
    meta = read_tflite_metadata(tflite)                      # SHA-256 checked
    assert meta["model"] == spec.name and meta["validation"]["rel_rms_vs_keras"] <= 1e-3
    io = io_details(content)
    assert [i["name"] for i in meta["inputs"]] == [i["name"] for i in io["inputs"]]
    if spec.task == "reconstruction":
        from ecgtf.reconstructor import Reconstructor

        rng = np.random.default_rng(0)
        lead_i = np.cumsum(rng.normal(0, 0.01, 5000)) * 0.1 + 0.5 * np.sin(np.arange(5000) / 40.0)
        a = Reconstructor.from_run(out, weights="final").reconstruct(lead_i, fs=500, quality=False)   # not an ECG
        b = Reconstructor.from_tflite(tflite).reconstruct(lead_i, fs=500, quality=False)
        assert a.leads.shape == b.leads.shape == (12, 5000)
        assert np.all(np.isfinite(a.leads))
        assert np.sqrt(np.mean((a.leads - b.leads) ** 2)) <= 1e-2 * (np.std(a.leads) + 1e-6)
