"""Corrupted model files: every one raises nn.LoadError and leaves the target model unchanged.

A small model's file is truncated at every byte, has a byte flipped at random places, nests JSON
deeply, holds huge numbers, and has every key's value replaced by values of every JSON type.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn


def _small() -> tuple[nn.MLP, bytes]:
    model = nn.MLP(2, [2, 1], rng=0)
    doc = {
        "format": "blamegrad", "version": 1, "architecture": nn.serialize.architecture(model),
        "weights": {name: p.data for name, p in model.named_parameters()},
    }
    return model, json.dumps(doc).encode()


def _is(x: object, n: int) -> bool:
    return type(x) is int and x == n


def _refused(tmp_path, data: bytes) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(data)
    target = nn.MLP(2, [2, 1], rng=3)
    before = [p.data for p in target.parameters()]
    with pytest.raises(nn.LoadError):
        target.load(path)
    assert [p.data for p in target.parameters()] == before
    with pytest.raises(nn.LoadError):
        nn.load(path)


def test_truncated_at_every_byte(tmp_path) -> None:
    _, data = _small()
    for n in range(len(data)):
        _refused(tmp_path, data[:n])


@given(st.data())
def test_a_changed_byte_is_refused_or_loads_a_valid_model(tmp_path_factory, data) -> None:
    _, raw = _small()
    i = data.draw(st.integers(0, len(raw) - 1))
    b = data.draw(st.integers(0, 255))
    path = tmp_path_factory.mktemp("flip") / "m.json"
    path.write_bytes(raw[:i] + bytes([b]) + raw[i + 1 :])
    target = nn.MLP(2, [2, 1], rng=3)
    before = [p.data for p in target.parameters()]
    try:
        target.load(path)  # no checksum (README): a changed digit may load as another valid model
    except nn.LoadError:
        assert [p.data for p in target.parameters()] == before


KEYS = [("format",), ("version",), ("architecture",), ("weights",), ("architecture", "type"), ("architecture", "nin"),
        ("architecture", "nouts"), ("architecture", "activation"), ("architecture", "output_activation"),
        ("architecture", "dropout"), ("weights", "layers.0.neurons.0.w.0"), ("weights", "layers.1.neurons.0.b")]
WRONG = [None, True, 0, -1, 1.5, 10**400, -(10**400), "x", "", [], [1], {}, {"a": 1}, "[" * 50, 1e308]


@pytest.mark.parametrize("key", KEYS, ids=".".join)
def test_wrong_type_at_every_key(tmp_path, key: tuple[str, ...]) -> None:
    _, raw = _small()
    for wrong in WRONG:
        doc = json.loads(raw)
        where = doc
        for k in key[:-1]:
            where = where[k]
        where[key[-1]] = wrong
        weight = key[-1].startswith("layers")
        if (weight and type(wrong) in (int, float) and abs(wrong) <= 1e308) or (key[-1] == "dropout" and _is(wrong, 0)):
            continue  # a valid value: a finite number as a weight, 0 as the dropout
        _refused(tmp_path, json.dumps(doc).encode())


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
@pytest.mark.parametrize("where", ["top", "weight", "extra", "architecture"])
def test_deep_nesting(tmp_path, depth: int, where: str) -> None:
    _, raw = _small()
    deep = "[" * depth + "]" * depth
    text = raw.decode()
    if where == "top":
        text = deep
    elif where == "weight":
        text = text.replace('"layers.0.neurons.0.b": 0.0', f'"layers.0.neurons.0.b": {deep}')
    elif where == "extra":
        text = text[:-1] + f', "extra": {deep}}}'
    else:
        text = text.replace('"nin": 2', f'"nin": {deep}')
    if where == "extra" and depth == 100:  # an unknown top-level key is ignored, however it is nested
        (tmp_path / "m.json").write_text(text)
        nn.load(tmp_path / "m.json")
        return
    _refused(tmp_path, text.encode())


@pytest.mark.parametrize("number", ["1" + "0" * 400, "-" + "9" * 400, "1e400", "NaN", "Infinity", "1" * 5000])
def test_huge_numbers(tmp_path, number: str) -> None:
    _, raw = _small()
    text = raw.decode().replace('"layers.0.neurons.0.b": 0.0', f'"layers.0.neurons.0.b": {number}')
    _refused(tmp_path, text.encode())
    text = raw.decode().replace('"nin": 2', f'"nin": {number}')
    _refused(tmp_path, text.encode())
