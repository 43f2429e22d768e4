"""Save/load: exact round trips, and every kind of bad file raises LoadError and changes nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import nn


def weights(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    "model",
    [
        nn.MLP(2, [16, 16, 1], rng=0),
        nn.MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", dropout=0.25, rng=1),
        nn.Layer(2, 3, activation="sigmoid", rng=2),
        nn.Neuron(4, activation="linear", rng=3),
    ],
    ids=repr,
)
def test_round_trip_is_exact(tmp_path: Path, model: nn.Module) -> None:
    for p in model.parameters():
        p.data += 1e-17 + p.data / 3  # awkward floats
    path = tmp_path / "m.json"
    model.save(str(path))
    copy = nn.load(path)
    assert type(copy) is type(model) and repr(copy) == repr(model)
    assert weights(copy) == weights(model)
    fresh = type(model)(*_args(model), rng=99) if not isinstance(model, nn.MLP) else nn.MLP(model.nin, model.nouts, model.activation, model.output_activation, model.dropout.p if model.dropout else 0.0, rng=99)
    assert fresh.load(str(path)) is fresh and weights(fresh) == weights(model)
    doc = json.loads(path.read_text())
    assert doc["format"] == "blamegrad" and doc["version"] == 1 and len(doc["weights"]) == model.num_parameters()


def _args(model: nn.Module) -> tuple:
    return (model.nin, model.nout, model.activation) if isinstance(model, nn.Layer) else (model.nin, model.activation)


def test_saving_non_finite_weights_refuses_and_keeps_the_old_file(tmp_path: Path) -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    path = tmp_path / "m.json"
    model.save(path)
    good = path.read_text()
    model.layers[0].neurons[0].b.data = float("nan")
    with pytest.raises(ValueError, match=r"nn.save: weight layers.0.neurons.0.b is nan"):
        model.save(path)
    assert path.read_text() == good and [p.name for p in tmp_path.iterdir()] == ["m.json"]


def _good_doc() -> dict:
    model = nn.MLP(2, [3, 1], rng=5)
    return json.loads(json.dumps({"format": "blamegrad", "version": 1, "architecture": {"type": "MLP", "nin": 2, "nouts": [3, 1], "activation": "relu", "output_activation": "linear", "dropout": 0.0}, "weights": {n: p.data for n, p in model.named_parameters()}}))


def _edit(**changes):
    def make() -> str:
        doc = _good_doc()
        for key, value in changes.items():
            target = doc
            *path, last = key.split("__")
            for part in path:
                target = target[part]
            if value is DELETE:
                del target[last]
            else:
                target[last] = value
        return json.dumps(doc)

    return make


DELETE = object()
W0 = "layers.0.neurons.0.w.0"
CORRUPT = {
    "empty file": (lambda: "", "not a valid model file"),
    "truncated": (lambda: json.dumps(_good_doc())[:-40], "not a valid model file"),
    "garbage": (lambda: "\x00\xff not json", "not a valid model file"),
    "not utf-8": (lambda: b'{"format": "\xff\xfe"}', "not a valid model file"),
    "top-level list": (lambda: "[1, 2]", "expected a JSON object at the top, got list"),
    "other format": (_edit(format="keras"), "not a blamegrad model file (format is 'keras'"),
    "no format": (_edit(format=DELETE), "the key 'format' is missing"),
    "no version": (_edit(version=DELETE), "the key 'version' is missing"),
    "no weights": (_edit(weights=DELETE), "the key 'weights' is missing"),
    "no type": (_edit(architecture__type=DELETE), "the architecture has no 'type' key"),
    "no nin": (_edit(architecture__nin=DELETE), "the architecture of a MLP is missing the key 'nin'"),
    "no dropout": (_edit(architecture__dropout=DELETE), "the architecture of a MLP is missing the key 'dropout'"),
    "future version": (_edit(version=2), "unsupported format version 2"),
    "version as string": (_edit(version="1"), "unsupported format version '1'"),
    "no architecture": (_edit(architecture=DELETE), "the key 'architecture' is missing"),
    "architecture a list": (_edit(architecture=[1]), "'architecture' must be a JSON object, got list"),
    "weights a list": (_edit(weights=[1.0]), "'weights' must be a JSON object, got list"),
    "unknown type": (_edit(architecture__type="CNN"), "unknown architecture type 'CNN'"),
    "unknown activation": (_edit(architecture__activation="gelu"), "bad architecture: nn.MLP: activation must be one of"),
    "extra field": (_edit(architecture__bias=True), "must have the fields"),
    "negative size": (_edit(architecture__nouts=[3, -1]), "sizes must be positive ints, got -1"),
    "empty nouts": (_edit(architecture__nouts=[]), "nouts must be a non-empty list, got []"),
    "bool size": (_edit(architecture__nin=True), "sizes must be positive ints, got True"),
    "huge size": (_edit(architecture__nouts=[10**6, 10**6]), "more than the limit"),
    "bad dropout": (_edit(architecture__dropout=1.5), "dropout must be a number in [0, 1), got 1.5"),
    "weights of another size": (_edit(architecture__nouts=[4, 1]), "weights are missing, first 'layers.0.neurons.3.w.0'"),
    "string weight": (_edit(**{f"weights__{W0}": "0.5"}), f"weight '{W0}' must be a number, got str"),
    "null weight": (_edit(**{f"weights__{W0}": None}), f"weight '{W0}' must be a number, got NoneType"),
    "bool weight": (_edit(**{f"weights__{W0}": True}), f"weight '{W0}' must be a number, got bool"),
    "NaN token": (lambda: json.dumps(_good_doc()).replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'), "NaN is not a finite number"),
    "Infinity token": (lambda: json.dumps(_good_doc()).replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": -Infinity'), "-Infinity is not a finite number"),
    "overflowing number": (lambda: json.dumps(_good_doc()).replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'), "weight 'layers.0.neurons.0.b' must be finite, got inf"),
}


def _missing() -> str:
    doc = _good_doc()
    del doc["weights"]["layers.1.neurons.0.b"]
    return json.dumps(doc)


def _unexpected() -> str:
    doc = _good_doc()
    doc["weights"]["layers.2.neurons.0.b"] = 0.0
    return json.dumps(doc)


CORRUPT["missing weight"] = (_missing, "1 weights are missing, first 'layers.1.neurons.0.b'")
CORRUPT["unexpected weight"] = (_unexpected, "1 unexpected weights for this architecture, first 'layers.2.neurons.0.b'")


@pytest.mark.parametrize("case", list(CORRUPT))
def test_every_corrupt_file_raises_and_leaves_the_model_unchanged(tmp_path: Path, case: str) -> None:
    make, message = CORRUPT[case]
    path = tmp_path / "bad.json"
    path.write_bytes(make().encode("utf-8", "surrogateescape") if isinstance(make(), str) else make())
    model = nn.MLP(2, [3, 1], rng=0)
    before = weights(model)
    with pytest.raises(nn.LoadError) as info:
        model.load(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert weights(model) == before
    with pytest.raises(nn.LoadError):
        nn.load(path)


def test_a_good_file_for_another_architecture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], activation="tanh", rng=0).save(path)
    model = nn.MLP(2, [3, 1], rng=0)
    before = weights(model)
    with pytest.raises(nn.LoadError, match=r"holds MLP\(nin=2, nouts=\[3, 1\], activation='tanh'.* but the model is MLP\(.*activation='relu'"):
        model.load(path)
    assert weights(model) == before
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "missing.json")


@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
def test_save_writes_an_ordinary_file_with_the_umasks_permissions(tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 1], rng=0)
    old = os.umask(0o022)
    try:
        model.save(tmp_path / "m.json")
        assert stat.S_IMODE(os.stat(tmp_path / "m.json").st_mode) == 0o644  # not mkstemp's 0600
        os.umask(0o077)
        model.save(tmp_path / "private.json")
        assert stat.S_IMODE(os.stat(tmp_path / "private.json").st_mode) == 0o600
        os.chmod(tmp_path / "m.json", 0o640)
        model.save(tmp_path / "m.json")  # overwriting keeps the file's own mode, as open() does
        assert stat.S_IMODE(os.stat(tmp_path / "m.json").st_mode) == 0o640
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_save_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "run3.json"
    nn.MLP(2, [3, 1], rng=0).save(real)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    model = nn.MLP(2, [3, 1], rng=1)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert weights(nn.load(real)) == weights(model)
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["run3.json"]
