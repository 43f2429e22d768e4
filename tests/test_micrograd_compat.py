"""Code written for micrograd runs on this engine with only the import changed.

The snippets below follow micrograd's ``nn.py``, its demo's training loop, and the lecture's
``trace`` / manual ``_backward`` loop, as a learner would paste them.
"""

from __future__ import annotations

import random

import pytest

from autograd import Value

# ---- micrograd/nn.py, as published (MIT), with `from autograd import Value` ----------------


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


# ---- the demo's loss and training loop ------------------------------------------------------


def test_micrograd_demo_training_loop_runs_unchanged() -> None:
    random.seed(1337)
    X = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(30)]
    y = [1 if a * b > 0 else -1 for a, b in X]  # XOR-like quadrants
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    first, _ = loss()
    for k in range(30):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    last, acc = loss()
    assert last.data < first.data
    assert acc >= 0.8


# ---- the lecture: trace() for draw_dot, and backward by hand --------------------------------


def trace(root):
    # builds a set of all nodes and edges in a graph (the lecture's draw_dot helper)
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def test_lecture_trace_and_manual_backward() -> None:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"

    nodes, edges = trace(L)
    assert len(nodes) == 7 and len(edges) == 6
    assert {n._op for n in nodes} == {"", "*", "+"}

    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(L)
    L.grad = 1.0
    for node in reversed(topo):
        node._backward()
    assert (a.grad, b.grad, c.grad, f.grad) == pytest.approx((6.0, -4.0, -2.0, 4.0))


# ---- nn.MLP in the demo notebook's loop, as written there but for the imports ---------------


def test_nn_mlp_runs_micrographs_demo_loop_unchanged() -> None:
    import numpy as np

    from nn import MLP
    from nn.datasets import moons

    np.random.seed(1337)
    random.seed(1337)

    X, y = moons(n=40, noise=0.1, seed=1)  # the notebook: make_moons(n_samples=100, noise=0.1)
    X, y = np.array(X), np.array(y)
    y = y * 2 - 1  # make y be -1 or 1

    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    assert len(model.parameters()) == 337

    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    first, _ = loss()
    for k in range(20):
        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

    last, acc = loss()
    assert last.data < first.data and acc >= 0.8


# ---- nn.MLP(init="micrograd") gives micrograd's own numbers --------------------------------


def _demo_losses(model, value, X, y, steps):
    """micrograd's demo loop (full batch), with ``value`` as its Value class; the loss per step."""
    out = []
    for k in range(steps):
        inputs = [list(map(value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        out.append(total_loss.data)
    return out


def test_nn_mlp_init_micrograd_gives_micrograds_losses() -> None:
    # micrograd itself (PyPI micrograd==0.1.0, in the test extra) is the reference; the copy of
    # its nn.py above, on our Value, must agree too.
    import micrograd.engine
    import micrograd.nn

    import nn
    from nn.datasets import moons

    X, y = moons(n=16, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y]
    random.seed(1337)
    theirs = _demo_losses(micrograd.nn.MLP(2, [16, 16, 1]), micrograd.engine.Value, X, y, 8)
    random.seed(1337)
    copy = _demo_losses(MLP(2, [16, 16, 1]), Value, X, y, 8)
    random.seed(1337)
    ours = nn.MLP(2, [16, 16, 1], init="micrograd")
    assert "init='micrograd'" in repr(ours)
    mine = _demo_losses(ours, Value, X, y, 8)
    assert theirs[-1] < theirs[0] * 0.7  # it trains: the comparison is not of constants
    assert max(abs(a - b) for a, b in zip(theirs, mine)) <= 1e-12
    assert max(abs(a - b) for a, b in zip(copy, mine)) <= 1e-12
    random.seed(1337)
    default = _demo_losses(nn.MLP(2, [16, 16, 1]), Value, X, y, 2)
    assert abs(default[0] - theirs[0]) > 1e-6  # the default init is a different start


def test_nn_mlp_init_lecture_is_the_lectures_mlp() -> None:
    # The lecture's Neuron draws its bias from U(-1, 1) right after its weights; tanh everywhere.
    import nn

    random.seed(42)
    expected = []
    for nin, nout in ((3, 4), (4, 4), (4, 1)):
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [random.uniform(-1, 1)]
    random.seed(42)
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", init="lecture")
    assert [p.data for p in model.parameters()] == expected
    with pytest.raises(ValueError, match="nn.MLP: init must be one of 'fan_in', 'micrograd', 'lecture'; got 'he'"):
        nn.MLP(2, [1], init="he")
