"""Tensors of the Open Inference Protocol's REST API (KServe v2, as Triton, KServe and
MLServer speak it), with the binary tensor data extension both ways.

Pure: bytes in, arrays out, and back. A request's JSON may be followed by binary tensor
data: the `Inference-Header-Content-Length` header then says where the JSON ends, and each
binary input says its size in `parameters.binary_data_size`. BYTES elements travel as a
4-byte little-endian length and the bytes; in JSON they are strings.
"""

from __future__ import annotations

import math
import reprlib
import struct
from dataclasses import dataclass, field

import numpy as np
import orjson

HEADER_LENGTH = "Inference-Header-Content-Length"
NUMERIC = {"FP32": np.float32, "FP64": np.float64, "UINT8": np.uint8, "INT32": np.int32}
BYTES = "BYTES"
MAX_ELEMENTS = 1 << 26  # 64 M elements: far above any real request, and bounded
QUOTED = reprlib.Repr()  # a caller's value in an error: short, and never recursing deep
QUOTED.maxlevel, QUOTED.maxstring, QUOTED.maxother = 2, 40, 40


class ProtocolError(ValueError):
    """A request the protocol cannot read; the message is one line for the caller."""


def quoted(value) -> str:
    """A caller's value, as an error message shows it: JSON nested a thousand levels deep
    (orjson reads up to 1,024) would exhaust Python's stack in `repr`, and a long one
    would make a long message."""
    return QUOTED.repr(value)


@dataclass
class Tensor:
    """One named tensor: a NumPy array, or a list of bytes for BYTES."""

    name: str
    datatype: str
    shape: tuple[int, ...]
    data: np.ndarray | list[bytes]
    parameters: dict = field(default_factory=dict)


@dataclass
class InferRequest:
    inputs: dict[str, Tensor]
    outputs: dict[str, bool] | None  # requested name -> binary; None: the model's default
    binary_output: bool  # the request's default for outputs (`binary_data_output`)
    parameters: dict
    id: str | None = None
    output_parameters: set[str] = field(default_factory=set)  # every name asked for


def parse_request(body: bytes, header_length: int | None = None) -> InferRequest:
    """An inference request from its HTTP body (ProtocolError for anything malformed)."""
    if header_length is not None and not 0 < header_length <= len(body):
        raise ProtocolError(f"{HEADER_LENGTH} {header_length} does not fit a {len(body)}-byte body")
    end = len(body) if header_length is None else header_length
    try:
        request = orjson.loads(memoryview(body)[:end])
    except orjson.JSONDecodeError as exc:  # its message: one line, with the position
        raise ProtocolError(f"the request is not valid JSON: {exc}") from None
    if not isinstance(request, dict) or not isinstance(request.get("inputs"), list):
        raise ProtocolError('the request must be a JSON object with a list of "inputs"')
    binary = memoryview(body)[end:]
    inputs: dict[str, Tensor] = {}
    for spec in request["inputs"]:
        tensor, size = parse_input(spec, binary)
        binary = binary[size:]
        if tensor.name in inputs:
            raise ProtocolError(f"input {tensor.name!r} is given twice")
        inputs[tensor.name] = tensor
    if len(binary):
        raise ProtocolError(f"{len(binary)} bytes of binary data belong to no input")
    parameters = as_parameters(request.get("parameters"), "the request's")
    outputs, output_parameters = parse_outputs(request.get("outputs"))
    request_id = request.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, str | int | float | None):
        raise ProtocolError(f'"id" must be a string, not {quoted(request_id)}')
    return InferRequest(
        inputs,
        outputs,
        bool(parameters.get("binary_data_output", False)),
        parameters,
        None if request_id is None else str(request_id),
        output_parameters,
    )


def as_parameters(value, whose: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{whose} parameters must be a JSON object")
    return value


def parse_input(spec, binary: memoryview) -> tuple[Tensor, int]:
    """One input and how many bytes of the binary data it took."""
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise ProtocolError('each input must be a JSON object with a "name"')
    name, datatype, shape = spec["name"], spec.get("datatype"), spec.get("shape")
    if not isinstance(datatype, str) or (datatype != BYTES and datatype not in NUMERIC):
        raise ProtocolError(f"input {name!r}: datatype {quoted(datatype)} is not supported here")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise ProtocolError(f"input {name!r}: shape must be a list of non-negative integers")
    count = math.prod(shape)
    if count > MAX_ELEMENTS:
        raise ProtocolError(f"input {name!r}: shape {shape} holds too many elements")
    parameters = as_parameters(spec.get("parameters"), f"input {name!r}'s")
    size = parameters.get("binary_data_size")
    if size is not None:
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= len(binary):
            given = quoted(size)
            raise ProtocolError(f"input {name!r}: binary_data_size {given} overruns the body")
        data = from_binary(name, datatype, count, bytes(binary[:size]))
    elif "data" in spec:
        size, data = 0, from_json(name, datatype, count, spec["data"])
    else:
        raise ProtocolError(f'input {name!r} has neither "data" nor binary data')
    return Tensor(name, datatype, tuple(shape), data, parameters), size


def from_binary(name: str, datatype: str, count: int, raw: bytes) -> np.ndarray | list[bytes]:
    if datatype == BYTES:
        return deserialize_bytes(name, raw, count)
    dtype = np.dtype(NUMERIC[datatype]).newbyteorder("<")
    if len(raw) != count * dtype.itemsize:
        raise ProtocolError(
            f"input {name!r}: {len(raw)} bytes of {datatype} do not make {count} elements"
        )
    return np.frombuffer(raw, dtype).astype(NUMERIC[datatype])


def from_json(name: str, datatype: str, count: int, data) -> np.ndarray | list[bytes]:
    if not isinstance(data, list):
        raise ProtocolError(f"input {name!r}: data must be a JSON list")
    if datatype == BYTES:
        flat = flatten(data)
        if len(flat) != count or not all(isinstance(v, str) for v in flat):
            raise ProtocolError(f"input {name!r}: BYTES data in JSON must be {count} strings")
        return [v.encode() for v in flat]
    try:  # NumPy reads a flat or nested list at C speed; objects and ragged lists fail
        values = np.asarray(data)
    except (TypeError, ValueError, RecursionError):
        values = np.asarray([], object)  # refused below
    if values.dtype.kind not in "iuf":  # text, true/false, null or a mix
        raise ProtocolError(f"input {name!r}: {datatype} data must be a list of numbers")
    values = values.astype(np.float64).ravel()
    if len(values) != count:
        given = f"{len(values)} value" + ("" if len(values) == 1 else "s")
        raise ProtocolError(f"input {name!r}: {given}, where its shape holds {count}")
    dtype = np.dtype(NUMERIC[datatype])
    if dtype.kind in "iu":
        bounds = np.iinfo(dtype)
        if not (np.isfinite(values).all() and (values == np.round(values)).all()) or (
            len(values) and (values.min() < bounds.min or values.max() > bounds.max)
        ):
            raise ProtocolError(f"input {name!r}: a value is not a whole number {datatype} holds")
    return values.astype(dtype)


def flatten(data: list) -> list:
    """Row-major values of a flat or nested JSON list."""
    flat: list = []
    stack = [iter(data)]
    while stack:  # iterative: a deeply nested list must not exhaust Python's stack
        for value in stack[-1]:
            if isinstance(value, list):
                stack.append(iter(value))
                break
            flat.append(value)
        else:
            stack.pop()
    return flat


def serialize_bytes(items: list[bytes]) -> bytes:
    """BYTES elements as the binary extension sends them."""
    return b"".join(struct.pack("<I", len(item)) + item for item in items)


def deserialize_bytes(name: str, raw: bytes, count: int) -> list[bytes]:
    items, offset = [], 0
    while offset < len(raw):
        if offset + 4 > len(raw):
            raise ProtocolError(f"input {name!r}: a BYTES element's length is cut off")
        (length,) = struct.unpack_from("<I", raw, offset)
        offset += 4
        if offset + length > len(raw):
            raise ProtocolError(f"input {name!r}: a BYTES element overruns its data")
        items.append(raw[offset : offset + length])
        offset += length
    if len(items) != count:
        raise ProtocolError(f"input {name!r}: {len(items)} BYTES elements, its shape holds {count}")
    return items


def parse_outputs(outputs) -> tuple[dict[str, bool] | None, set[str]]:
    """Requested outputs -> whether each goes as binary data (None: not in the request),
    and the names of the parameters they came with."""
    if outputs is None:
        return None, set()
    if not isinstance(outputs, list) or not all(
        isinstance(o, dict) and isinstance(o.get("name"), str) for o in outputs
    ):
        raise ProtocolError('"outputs" must be a list of JSON objects with a "name"')
    wanted, names = {}, set()
    for o in outputs:
        parameters = as_parameters(o.get("parameters"), f"output {o['name']!r}'s")
        wanted[o["name"]] = parameters.get("binary_data")
        names |= set(parameters)
    return wanted, names


def encode_response(
    model: str, version: str, request_id: str | None, tensors: list[Tensor], binary: set[str]
) -> tuple[bytes, dict[str, str]]:
    """The response body and its headers; the tensors named in `binary` go as binary data."""
    outputs, blobs = [], []
    for t in tensors:
        entry = {"name": t.name, "datatype": t.datatype, "shape": list(t.shape)}
        if t.datatype == BYTES:
            raw = serialize_bytes(t.data) if t.name in binary else None
            values = None if raw is not None else [b.decode() for b in t.data]
        else:
            array = np.ascontiguousarray(t.data, NUMERIC[t.datatype])
            raw = (
                array.astype(array.dtype.newbyteorder("<")).tobytes() if t.name in binary else None
            )
            values = None if raw is not None else array.ravel()
        if raw is None:
            entry["data"] = values
        else:
            entry["parameters"] = {"binary_data_size": len(raw)}
            blobs.append(raw)
        outputs.append(entry)
    response = {"model_name": model, "model_version": version, "outputs": outputs}
    if request_id is not None:
        response["id"] = request_id
    head = orjson.dumps(response, option=orjson.OPT_SERIALIZE_NUMPY)
    if not blobs:
        return head, {"content-type": "application/json"}
    headers = {"content-type": "application/octet-stream", HEADER_LENGTH: str(len(head))}
    return head + b"".join(blobs), headers
