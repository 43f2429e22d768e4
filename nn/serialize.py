"""Save and load models as JSON: a format tag and version, the architecture, and every weight.

Never pickle (loading a pickle runs code from the file). The file looks like::

    {"format": "blamegrad", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu",
                      "output_activation": "linear", "dropout": 0.0},
     "weights": {"layers.0.neurons.0.w.0": 0.4183, ...}}

Loading checks everything (valid JSON, known format and version, a known architecture with
sensible sizes, exactly the expected weight names, every weight a finite number) before it
assigns anything, so a truncated, corrupt or mismatched file raises :class:`LoadError` and leaves
the model as it was. Floats are written with ``repr``, so a round trip is exact.

>>> import os, tempfile, nn
>>> model = nn.MLP(2, [3, 1], rng=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> model.save(path)
>>> copy = nn.load(path)
>>> [p.data for p in copy.parameters()] == [p.data for p in model.parameters()]
True
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from typing import Any

from . import mlp
from .mlp import MLP, Layer, Neuron
from .module import Module

FORMAT = "blamegrad"
VERSION = 1
MAX_PARAMETERS = mlp.MAX_PARAMETERS
"""Files describing bigger models are refused (a corrupt size must not eat all memory)."""


MAX_FILE_BYTES = 1 << 30
"""Files larger than this (1 GiB) are refused before they are read (10^7 weights take ~600 MB)."""


class LoadError(ValueError):
    """A model file that cannot be loaded: corrupt, truncated, or for another architecture."""


def architecture(model: Module) -> dict[str, Any]:
    """The constructor arguments that rebuild ``model`` (an MLP, Layer or Neuron)."""
    if isinstance(model, MLP):
        return {
            "type": "MLP", "nin": model.nin, "nouts": list(model.nouts), "activation": model.activation,
            "output_activation": model.output_activation, "dropout": model.dropout.p if model.dropout else 0.0,
        }
    if isinstance(model, Layer):
        return {"type": "Layer", "nin": model.nin, "nout": model.nout, "activation": model.activation}
    if isinstance(model, Neuron):
        return {"type": "Neuron", "nin": model.nin, "activation": model.activation}
    raise TypeError(f"nn.save: can save an MLP, Layer or Neuron, got {type(model).__name__}")


def save(model: Module, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` as JSON (atomically: a failed write leaves any old file intact)."""
    check_path(path, "nn.save")
    arch = architecture(model)
    weights = {}
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"nn.save: weight {name} is {p.data!r}; only finite weights can be saved")
        weights[name] = p.data
    text = json.dumps({"format": FORMAT, "version": VERSION, "architecture": arch, "weights": weights}, indent=1, allow_nan=False)
    # A symlink is followed, as open() would: the file it points to is replaced, the link stays.
    target = os.path.realpath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.chmod(tmp, _mode_for(target))  # mkstemp makes 0600; a saved model is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _mode_for(target: str) -> int:
    """The permissions ``open(target, "w")`` would leave: the old file's, else 0666 minus the umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask


def load(path: str | os.PathLike) -> Module:
    """A new model built from the architecture and weights in ``path``; ``LoadError`` if invalid."""
    model, _ = _read(check_path(path, "nn.load"))
    return model


def load_into(model: Module, path: str | os.PathLike) -> None:
    """Copy the weights in ``path`` into ``model``, which must have the same architecture."""
    want = architecture(model)
    loaded, arch = _read(check_path(path, f"{type(model).__name__}.load"))
    if arch != want:
        raise LoadError(f"nn.load: {path}: the file holds {_describe(arch)} but the model is {_describe(want)}")
    for p, q in zip(model.parameters(), loaded.parameters()):
        p.data = q.data


def _describe(arch: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in arch.items() if k != "type")
    return f"{arch['type']}({args})"


def _fail(path: object, message: str) -> LoadError:
    return LoadError(f"nn.load: {path}: {message}")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number")


def check_path(path: object, where: str) -> str | os.PathLike:
    """``path`` if it is a str or ``os.PathLike``; an int (a file descriptor), bytes... are refused."""
    if isinstance(path, (str, os.PathLike)):
        return path
    raise TypeError(
        f"{where}: path must be a str or os.PathLike (a file name), got {type(path).__name__} ({path!r:.80})"
    )


def _read_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes; a FIFO, device or directory, or a file over MAX_FILE_BYTES, is a LoadError.

    It is opened without blocking (a FIFO with no writer would otherwise wait for ever), then
    checked to be a regular file (a symlink is followed to what it points to).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _fail(path, "not a regular file (a FIFO, device or directory?); model files are plain files")
    with os.fdopen(fd, "rb") as f:
        if info.st_size > MAX_FILE_BYTES:
            raise _fail(path, f"the file has {info.st_size:,} bytes, more than the limit of {MAX_FILE_BYTES:,} (nn.serialize.MAX_FILE_BYTES)")
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # it grew while we read it
        raise _fail(path, f"the file has more than {MAX_FILE_BYTES:,} bytes (nn.serialize.MAX_FILE_BYTES)")
    return raw


def _read(path: str | os.PathLike) -> tuple[Module, dict[str, Any]]:
    raw = _read_bytes(path)
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise _fail(path, f"not a valid model file (truncated or corrupt JSON?): {error}") from None
    except RecursionError:  # JSON nested a thousand deep: no model file looks like that
        raise _fail(path, "not a valid model file: JSON nested too deeply") from None
    if not isinstance(doc, dict):
        raise _fail(path, f"expected a JSON object at the top, got {type(doc).__name__}")
    for key in ("format", "version", "architecture", "weights"):
        if key not in doc:
            raise _fail(path, f"the key {key!r} is missing (a model file has 'format', 'version', 'architecture' and 'weights'; was it written by model.save()?)")
    if doc.get("format") != FORMAT:
        raise _fail(path, f"not a blamegrad model file (format is {doc.get('format')!r}, expected {FORMAT!r})")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise _fail(path, f"unsupported format version {version!r} (this blamegrad reads version {VERSION})")
    for key in ("architecture", "weights"):
        if not isinstance(doc.get(key), dict):
            raise _fail(path, f"{key!r} must be a JSON object, got {type(doc.get(key)).__name__}")
    arch = _check_architecture(path, doc["architecture"])
    model = _build(path, arch)
    weights = doc["weights"]
    names = [name for name, _ in model.named_parameters()]
    missing = [n for n in names if n not in weights]
    if missing:
        raise _fail(path, f"{len(missing)} weights are missing, first {missing[0]!r}")
    extra = sorted(set(weights) - set(names))
    if extra:
        raise _fail(path, f"{len(extra)} unexpected weights for this architecture, first {extra[0]!r}")
    values = []
    for name in names:
        w = weights[name]
        if type(w) not in (int, float):
            raise _fail(path, f"weight {name!r} must be a number, got {type(w).__name__} ({w!r})")
        try:
            float(w)
        except OverflowError:  # a 400-digit integer
            raise _fail(path, f"weight {name!r} is an integer too large for a float ({len(str(w))} digits)") from None
        if not math.isfinite(w):
            raise _fail(path, f"weight {name!r} must be finite, got {float(w)!r}")
        values.append(float(w))
    for p, w in zip(model.parameters(), values):
        p.data = w
    return model, arch


_FIELDS = {
    "MLP": {"type", "nin", "nouts", "activation", "output_activation", "dropout"},
    "Layer": {"type", "nin", "nout", "activation"},
    "Neuron": {"type", "nin", "activation"},
}


def _check_architecture(path: object, arch: dict[str, Any]) -> dict[str, Any]:
    kind = arch.get("type")
    if "type" not in arch:
        raise _fail(path, f"the architecture has no 'type' key (one of {', '.join(_FIELDS)})")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise _fail(path, f"unknown architecture type {kind!r} (known: {', '.join(_FIELDS)})")
    missing = sorted(_FIELDS[kind] - set(arch))
    if missing:
        raise _fail(path, f"the architecture of a {kind} is missing the key {missing[0]!r} (it needs {sorted(_FIELDS[kind])})")
    if set(arch) != _FIELDS[kind]:
        raise _fail(path, f"architecture of a {kind} must have the fields {sorted(_FIELDS[kind])}, got {sorted(arch)}")
    sizes = [arch["nin"]] + (arch["nouts"] if kind == "MLP" and isinstance(arch["nouts"], list) else [arch.get("nout", 1)])
    if kind == "MLP" and (not isinstance(arch["nouts"], list) or not arch["nouts"]):
        raise _fail(path, f"architecture nouts must be a non-empty list, got {arch['nouts']!r}")
    for s in sizes:
        if type(s) is not int or s < 1:
            raise _fail(path, f"architecture sizes must be positive ints, got {s!r}")
    count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if count > MAX_PARAMETERS:
        raise _fail(path, f"architecture has {count} parameters, more than the limit of {MAX_PARAMETERS}")
    if kind == "MLP" and (type(arch["dropout"]) not in (int, float) or not 0.0 <= arch["dropout"] < 1.0):
        raise _fail(path, f"architecture dropout must be a number in [0, 1), got {arch['dropout']!r}")
    return arch


def _build(path: object, arch: dict[str, Any]) -> Module:
    args = {k: v for k, v in arch.items() if k != "type"}
    try:
        if arch["type"] == "MLP":
            return MLP(**args, rng=0)
        if arch["type"] == "Layer":
            return Layer(**args, rng=0)
        return Neuron(**args, rng=0)
    except (TypeError, ValueError) as error:
        raise _fail(path, f"bad architecture: {error}") from None
