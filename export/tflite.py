"""TFLite conversion for ecgtf models: mobile signatures, quantization formats, builtin-ops check.

Mobile signatures (batch 1, named tensors, signature ``serving_default``) are defined by each
model folder's ``mobile.py`` (e.g. :class:`ecgtf.models.ekgan.mobile.EkganMobile`).

Formats: ``float32``; ``float16`` (weights); ``dynamic`` (int8 weights, float activations);
``int8`` (full-integer weights and activations, calibrated on training windows; float32 I/O);
``qat`` (int8 after quantization-aware fine-tuning, see :mod:`ecgtf.models.ekgan.quantization`).
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from ecgtf import registry
from ecgtf.backend import tf
from ecgtf.runs import Run
from export.formats import FORMATS


class FlexOpError(RuntimeError):
    """The model needs ops outside TFLite's builtin set (Flex / SELECT_TF_OPS or custom ops)."""


def load_mobile_module(run_dir, weights: str = "final"):
    """The mobile module (batch-1 signature around the trained generator) of a run directory."""
    run = Run(run_dir)
    return registry.mobile_module(run, run.generator(weights))


def convert(module, fmt: str, representative: Callable[[], Iterable] | None = None) -> bytes:
    """Convert a mobile module to TFLite bytes in ``fmt`` (a name of :data:`export.formats.FORMATS`)
    with builtin ops only.

    ``representative`` yields lists of calibration inputs (required by formats that need calibration).
    Raises :class:`FlexOpError` if any op would need Flex/SELECT_TF_OPS.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {tuple(FORMATS)}")
    spec = FORMATS[fmt]
    if spec.calibration and representative is None:
        raise ValueError(f"{fmt} needs a representative dataset (calibration windows)")
    keep_float = tuple(getattr(module, "float_tensors", ()))
    try:
        if spec.int8_activations and keep_float:
            content = _selective_int8(lambda: _converter(module, spec, representative, int8_only=False),
                                      representative, keep_float)
        else:
            content = _converter(module, spec, representative, int8_only=spec.int8_activations).convert()
    except Exception as exc:  # the converter raises ConverterError with the op list
        text = str(exc)
        if "Flex" in text or "SELECT_TF_OPS" in text or "not supported" in text.lower():
            raise FlexOpError(f"conversion to {fmt} needs ops outside TFLite's builtin set (mobile builds have "
                              f"no Flex delegate); export with a fixed batch of 1 and builtin-compatible layers. "
                              f"Converter said: {text[:1500]}") from exc
        raise
    check_builtin_only(content)
    return ensure_signature(content, module.input_name, module.output_name)


def _converter(module, spec, representative, int8_only: bool):
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.concrete_function()], module)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if spec.optimize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if spec.float16_weights:
        converter.target_spec.supported_types = [tf.float16]
    if spec.calibration:
        converter.representative_dataset = representative
    if int8_only:
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter


def float_tensor_names(content: bytes, patterns: Iterable[str]) -> list[str]:
    """Names of the tensors in ``content`` containing any of ``patterns`` (the ops to keep in float)."""
    from ai_edge_litert.interpreter import Interpreter

    names = [t["name"] for t in Interpreter(model_content=content).get_tensor_details()]
    return sorted({n for n in names if any(p in n for p in patterns)})


def _selective_int8(make_converter, representative, patterns) -> bytes:
    """int8 with the ops whose output tensors match ``patterns`` left in float32 (selective quantization).

    Uses TFLite's quantization debugger (``tf.lite.experimental``), the documented way to deny-list
    nodes; the float ops are builtins with QUANTIZE/DEQUANTIZE around them, so XNNPACK still runs
    everything. Used for the few cheap, range-sensitive ops of a model (per-window normalisation,
    exponentials, the amplitude head) whose int8 error would dominate.
    """
    full = make_converter().convert()
    deny = float_tensor_names(full, patterns)
    if not deny:
        return full
    options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=deny)
    debugger = tf.lite.experimental.QuantizationDebugger(converter=make_converter(), debug_dataset=representative,
                                                         debug_options=options)
    return debugger.get_nondebug_quantized_model()


def ensure_signature(content: bytes, input_name: str, output_name: str) -> bytes:
    """Add a ``serving_default`` SignatureDef (one input, one output) if the converter left none.

    The converter drops signatures on some paths (e.g. quantization-aware models); the signature
    only maps names to the subgraph's input/output tensor indices.
    """
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(content))
    if model.signatureDefs:
        return content
    sg = model.subgraphs[0]
    if len(sg.inputs) != 1 or len(sg.outputs) != 1:
        raise ValueError(f"expected one input and one output tensor, got {len(sg.inputs)} and {len(sg.outputs)}")

    def tensor_map(name, index):
        m = schema.TensorMapT()
        m.name, m.tensorIndex = name.encode(), int(index)
        return m

    sig = schema.SignatureDefT()
    sig.inputs = [tensor_map(input_name, sg.inputs[0])]
    sig.outputs = [tensor_map(output_name, sg.outputs[0])]
    sig.signatureKey = b"serving_default"
    sig.subgraphIndex = 0
    model.signatureDefs = [sig]
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


def op_names(content: bytes) -> set[str]:
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=content)
    return {op["op_name"] for op in interp._get_ops_details()}  # noqa: SLF001 (only public op listing)


def check_builtin_only(content: bytes) -> None:
    """Raise :class:`FlexOpError` if the model contains Flex or custom ops."""
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(content))
    bad = []
    for code in model.operatorCodes:
        custom = code.customCode.decode() if isinstance(code.customCode, bytes) else code.customCode
        if custom:
            bad.append(custom)
    if bad:
        raise FlexOpError(f"model contains non-builtin ops {sorted(set(bad))}: LiteRT on Android without the "
                          "Flex delegate cannot run it")


def strip_tensor_names(content: bytes, keep: Iterable[str] = ()) -> bytes:
    """Replace internal tensor names with short ones (signatures refer to tensors by index).

    The converter keeps long TensorFlow names (layer scopes), which can dominate small models.
    Names of the signature's input/output tensors and any name in ``keep`` are preserved.
    """
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(content))
    keep_idx = set()
    for sg in model.subgraphs:
        keep_idx |= set(int(i) for i in sg.inputs) | set(int(i) for i in sg.outputs)
    keep = set(keep)
    for sg in model.subgraphs:
        for i, tensor in enumerate(sg.tensors):
            name = tensor.name.decode() if isinstance(tensor.name, bytes) else (tensor.name or "")
            if i in keep_idx or name in keep:
                continue
            tensor.name = f"t{i}".encode()
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


def io_details(content: bytes) -> dict:
    """Names, shapes, dtypes and quantization parameters of the signature's inputs and outputs."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=content)
    sig = interp.get_signature_list()["serving_default"]
    runner = interp.get_signature_runner()
    details = {"signature": "serving_default", "inputs": [], "outputs": []}
    for kind, names, info in (("inputs", sig["inputs"], runner.get_input_details()),
                              ("outputs", sig["outputs"], runner.get_output_details())):
        for name in names:
            d = info[name]
            scale, zero = d["quantization"]
            details[kind].append({"name": name, "shape": [int(s) for s in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
                                  "quantization": {"scale": float(scale), "zero_point": int(zero)} if scale else None})
    return details


def weight_bytes(content: bytes) -> dict[str, int]:
    """Bytes of the constant tensors (weights) per dtype: how much of the file each dtype holds."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=content)
    out: dict[str, int] = {}
    for t in interp.get_tensor_details():
        try:
            interp.get_tensor(t["index"])          # only constant tensors have data before any inference
        except ValueError:
            continue
        k = np.dtype(t["dtype"]).name
        out[k] = out.get(k, 0) + int(np.prod(t["shape"])) * np.dtype(t["dtype"]).itemsize
    return out


def tensor_types(content: bytes) -> dict[str, int]:
    """Count of tensors per dtype (shows what the quantizer did)."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=content)
    counts: dict[str, int] = {}
    for t in interp.get_tensor_details():
        k = np.dtype(t["dtype"]).name
        counts[k] = counts.get(k, 0) + 1
    return counts
