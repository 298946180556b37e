"""Running exported ``.tflite`` files with LiteRT (``ai_edge_litert``): the one TFLite runner of ecgtf.

:func:`read_tflite_metadata` reads the metadata ``.json`` that ``ecgtf export`` writes beside a file and
checks the file's SHA-256; :func:`window_runner` turns a file into ``(B, …) → (B, …)``, one window at a
time at batch 1 (state reset before each, for LSTMs); :func:`run_tflite` does the same for bytes or a path.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ecgtf import registry
from ecgtf.files import json_digest, sha256_file


def _interpreter(content_or_path, threads: int = 1):
    from ai_edge_litert.interpreter import Interpreter

    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 64:
        raise ValueError(f"threads: expected a whole number 1–64, got {threads!r}")
    kw = {"model_content": bytes(content_or_path)} if isinstance(content_or_path, (bytes, bytearray)) else \
        {"model_path": str(content_or_path)}
    interp = Interpreter(num_threads=threads, **kw)
    interp.allocate_tensors()  # reset_all_variables needs allocated tensors
    return interp


def run_tflite(content_or_path, inputs: np.ndarray, input_name: str, output_name: str, threads: int = 1) -> np.ndarray:
    """Run a TFLite model on each input (batch 1), resetting state (LSTM) before every inference."""
    return window_runner(content_or_path, input_name, output_name, threads)(inputs)


def window_runner(content_or_path, input_name: str, output_name: str, threads: int = 1):
    """``(B, …) → (B, …)``: the file's ``serving_default`` signature on each window at batch 1."""
    interp = _interpreter(content_or_path, threads)
    runner = interp.get_signature_runner()

    def run(windows: np.ndarray) -> np.ndarray:
        outs = []
        for x in windows:
            interp.reset_all_variables()   # a TFLite LSTM keeps its state between invocations otherwise
            outs.append(runner(**{input_name: np.asarray(x)[None].astype(np.float32)})[output_name][0])
        return np.stack(outs)
    return run


def open_tflite(path, task: str, threads: int = 1):
    """(metadata, run_windows) of an exported ``.tflite`` whose model has ``task``; clear errors otherwise."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found")
    if not path.with_suffix(".json").exists():
        raise FileNotFoundError(f"{path.with_suffix('.json')} not found: ecgtf needs the metadata written next to "
                                "the .tflite by `ecgtf export` (preprocessing, rates, units)")
    meta = read_tflite_metadata(path)
    model = meta.get("model")
    try:
        spec = registry.get(model, source=str(path.with_suffix(".json")))
    except ValueError:
        spec = None
    if spec is None or spec.task != task:
        raise ValueError(f"{path}: model {model!r} is not a {task} model")
    try:
        iname, oname = meta["inputs"][0]["name"], meta["outputs"][0]["name"]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"{path.with_suffix('.json')}: metadata without input/output tensor names; "
                         "re-export with `ecgtf export`") from None
    try:
        signature = _interpreter(path).get_signature_list()["serving_default"]
    except (KeyError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{path}: not a TFLite model with a serving_default signature ({exc})") from None
    for kind, name in (("inputs", iname), ("outputs", oname)):
        if name not in signature[kind]:
            raise ValueError(f"{path.with_suffix('.json')}: {kind[:-1]} tensor {name!r} is not in {path.name}'s "
                             f"signature {signature[kind]}; the metadata belongs to another file: re-export")
    return spec, meta, window_runner(path, iname, oname, threads)


def read_tflite_metadata(path: str | Path) -> dict:
    """The metadata ``.json`` beside an exported ``.tflite``, after checking the file is the one it
    describes (SHA-256): a ``.tflite`` of another export or a corrupt copy is refused with a message."""
    path = Path(path)
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{meta_path}: unreadable metadata ({exc}); re-export with `ecgtf export`") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path}: expected a JSON object written by `ecgtf export`")
    if "metadata_sha256" in meta and json_digest(meta, "metadata_sha256") != meta["metadata_sha256"]:
        raise ValueError(f"{meta_path}: the metadata was changed after export (its SHA-256 no longer matches "
                         "metadata_sha256): rates, windows and units drive the model, so an edited copy is refused; "
                         "re-export with `ecgtf export`")
    want = meta.get("sha256")
    if want:
        got = sha256_file(path)
        if got != want:
            raise ValueError(f"{path}: SHA-256 {got[:12]}… does not match its metadata {meta_path.name} "
                             f"({want[:12]}…): the file is corrupt or from another export")
    return meta
