"""nn.Module, Neuron, Layer, MLP: parameter counts and names, scopes, init, errors."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest

import autograd
import nn
from autograd import Value


@pytest.mark.parametrize(
    ("nin", "nouts", "count"),
    [(2, [16, 16, 1], 337), (3, [4, 4, 1], 41), (2, [3, 1, 1], 15), (1, [1], 2), (5, [2, 3], 21)],
)
def test_parameter_counts(nin: int, nouts: list[int], count: int) -> None:
    model = nn.MLP(nin, nouts, rng=0)
    assert len(model.parameters()) == count == model.num_parameters()
    assert len({id(p) for p in model.parameters()}) == count


def test_named_parameters_follow_micrograd_order_and_scopes() -> None:
    model = nn.MLP(2, [3, 2], rng=0)
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.1.b"
    micrograd_order = [p for layer in model.layers for n in layer.neurons for p in n.w + [n.b]]
    assert [id(p) for p in model.parameters()] == [id(p) for p in micrograd_order]
    for name, p in model.named_parameters():
        assert p.scope == ".".join(name.split(".")[:4])


def test_call_makes_one_dot_node_per_neuron_then_activation_in_scope() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", rng=0)
    out = model([1.0, -2.0])
    assert isinstance(out, Value) and out.op == "dot" and out.scope == "layers.1.neurons.0"
    hidden = [p for p in out.parents if p.op == "tanh"]
    assert [h.scope for h in hidden] == [f"layers.0.neurons.{j}" for j in range(3)]
    for h in hidden:
        (d,) = h.parents
        assert d.op == "dot" and d.scope == h.scope and len(d.parents) == 5  # w0 x0 w1 x1 b
    nodes = autograd.topological_order(out)
    assert {n.op for n in nodes} == {"", "dot", "tanh"}


def test_layer_always_returns_a_list_and_mlp_a_value_for_one_output() -> None:
    assert isinstance(nn.Layer(2, 1, rng=0)([1.0, 2.0]), list)
    assert isinstance(nn.MLP(2, [3, 2], rng=0)([1.0, 2.0]), list)
    out = nn.MLP(2, [3, 1, 1], rng=0)([1.0, 2.0])  # micrograd crashes here
    assert isinstance(out, Value)


def test_neuron_matches_the_formula() -> None:
    for act, f in [("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh), ("sigmoid", lambda z: 1 / (1 + math.exp(-z))), ("linear", lambda z: z)]:
        n = nn.Neuron(3, activation=act, rng=1)
        n.b.data = 0.3
        x = [0.5, -1.0, 2.0]
        z = sum(w.data * xi for w, xi in zip(n.w, x)) + 0.3
        assert n(x).data == pytest.approx(f(z))


def test_same_seed_same_model_bit_for_bit_and_rng_objects() -> None:
    a = [p.data for p in nn.MLP(2, [8, 1], rng=42).parameters()]
    b = [p.data for p in nn.MLP(2, [8, 1], rng=random.Random(42)).parameters()]
    c = [p.data for p in nn.MLP(2, [8, 1], rng=43).parameters()]
    assert a == b and a != c
    random.seed(7)
    d = [p.data for p in nn.MLP(2, [8, 1]).parameters()]
    random.seed(7)
    assert d == [p.data for p in nn.MLP(2, [8, 1]).parameters()]


@pytest.mark.parametrize(("act", "gain"), [("relu", 2.0), ("tanh", 1.0), ("sigmoid", 1.0), ("linear", 1.0)])
def test_init_variance_is_gain_over_fan_in(act: str, gain: float) -> None:
    layer = nn.Layer(50, 200, activation=act, rng=3)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert statistics.pvariance(ws) == pytest.approx(gain / 50, rel=0.05)
    assert max(abs(w) for w in ws) <= math.sqrt(3 * gain / 50)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_zero_grad_train_eval_and_repr() -> None:
    model = nn.MLP(2, [4, 1], dropout=0.5, rng=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert model.eval() is model and not any(m.training for m in model.modules())
    assert all(m.training for m in model.train().modules())
    assert repr(model) == "MLP(2, [4, 1], activation='relu', output_activation='linear', dropout=0.5)"
    assert repr(model.layers[0]) == "Layer(2, 4, activation='relu')"
    assert repr(model.layers[0].neurons[0]) == "Neuron(2, activation='relu')"


def test_numpy_inputs_are_accepted() -> None:
    model = nn.MLP(2, np.array([3, 1]), rng=0)
    assert model(np.array([0.5, -0.5])).data == model([0.5, -0.5]).data


def test_dropout_is_off_in_eval_mode_and_active_in_training() -> None:
    model = nn.MLP(2, [64, 1], dropout=0.5, rng=0)
    x = [0.3, -0.7]
    model.eval()
    ref = model(x).data
    assert all(model(x).data == ref for _ in range(5))
    model.train()
    assert len({model(x).data for _ in range(10)}) > 1
    drop = nn.Dropout(0.25, rng=1)
    xs = [Value(1.0) for _ in range(4000)]
    out = [v.data for v in drop(xs)]
    assert set(out) == {0.0, 1 / 0.75}
    assert out.count(0.0) / 4000 == pytest.approx(0.25, abs=0.03)
    assert drop.eval()(xs) == xs


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: nn.MLP(2, []), ValueError, "nn.MLP: nouts must be a non-empty list, got []"),
        (lambda: nn.MLP(2, [3, 0]), ValueError, "nn.MLP: nouts[1] must be a positive int, got 0"),
        (lambda: nn.MLP(2, 3), TypeError, "nn.MLP: nouts must be a non-empty list"),
        (lambda: nn.MLP(0, [1]), ValueError, "nn.MLP: nin must be a positive int, got 0"),
        (lambda: nn.MLP(True, [1]), TypeError, "nn.MLP: nin must be a positive int, got bool"),
        (lambda: nn.MLP(2, [1], activation="gelu"), ValueError, "nn.MLP: activation must be one of"),
        (lambda: nn.Neuron(2, rng="seed"), TypeError, "nn.Neuron: rng must be an int seed"),
        (lambda: nn.Layer(2, 2.5), TypeError, "nn.Layer: nout must be a positive int, got float"),
        (lambda: nn.Dropout(1.0), ValueError, "nn.Dropout: p must be a number in [0, 1), got 1.0"),
        (lambda: nn.MLP(2, [1], rng=0)([1.0]), ValueError, "nn.MLP: expected 2 inputs, got 1"),
        (lambda: nn.MLP(2, [1], rng=0)(1.0), TypeError, "nn.MLP: expected a sequence of 2 inputs, got float"),
        (lambda: nn.Neuron(2, rng=0)([1.0, "a"]), TypeError, "str"),
    ],
)
def test_user_errors_name_the_function_and_value(build, error, message: str) -> None:
    with pytest.raises(error) as info:
        build()
    assert message in str(info.value)
