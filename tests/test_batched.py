"""``autograd.compile(fn, batched=True)`` and ``nn.fit(compile="batched")``: one example's trace
replayed over a batch with numpy gives the eager engine's outputs and summed gradients."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value
from autograd.testing import expressions

np = pytest.importorskip("numpy")


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return a == b or abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def eager_mean(fn, weights: list[Value], batch: list[list[float]]) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    """The mean of fn over the batch, and d(mean)/d(weights), on the eager engine."""
    outs = [fn(*[Value(x) for x in example]) for example in batch]
    mean = autograd.sum(outs) * (1.0 / len(outs))
    for w in weights:
        w.grad = 0.0
    mean.backward()
    return mean.data, [w.grad for w in weights]


@given(expressions(max_inputs=3, max_steps=8), st.integers(1, 6), st.data())
def test_random_graphs_equal_the_eager_engine(expr, size: int, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    # Input 0 is a weight (one number, gradient summed over the batch); the rest are per-example.
    w = Value(expr.inputs[0])
    jitter = st.floats(-1e-3, 1e-3)
    batch = [[x + data.draw(jitter) for x in expr.inputs[1:]] for _ in range(size)]
    if len(expr.inputs) == 1:
        fn = lambda x: expr(w) + 0.0 * x  # noqa: E731 - one per-example number that does not matter
        batch = [[data.draw(jitter)] for _ in range(size)]
    else:
        fn = lambda *xs: expr(w, *xs)  # noqa: E731
    try:
        mean, (dw,) = eager_mean(fn, [w], batch)
    except (ArithmeticError, ValueError):
        return  # a jittered example left the op's domain: the eager engine refuses it
    f = autograd.compile(fn, batched=True)
    outs = f(*[np.array([ex[j] for ex in batch]) for j in range(len(batch[0]))])
    assert outs.shape == (size,)
    w.grad = 0.0
    got = f.backward(*[[ex[j] for ex in batch] for j in range(len(batch[0]))])
    assert close(got, mean, 1e-12) or (math.isnan(got) and math.isnan(mean))
    assert close(w.grad, dw, 1e-9) or (math.isnan(w.grad) and math.isnan(dw)), (w.grad, dw, f.source)


def _model_case(sizes: list[int], activation: str) -> tuple[nn.MLP, list, list]:
    X, y = nn.datasets.blobs(30, centers=sizes[-1], seed=1) if sizes[-1] > 1 else nn.datasets.moons(30, seed=1, signed=True)
    return nn.MLP(2, sizes, activation=activation, rng=2), X, y


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_network_is_replayed_as_matrix_products_with_the_eager_gradients(activation: str) -> None:
    model, X, y = _model_case([8, 8, 1], activation)
    params = model.parameters()
    loss = nn.losses.hinge([model(x) for x in X], y)
    expected = autograd.grad(loss, params)
    f = autograd.compile(lambda x, t: (1.0 - t * model(x)).relu(), batched=True)
    got = f.backward(X, y)  # the targets as a per-example column
    assert close(got, loss.data)
    assert all(close(p.grad, e) for p, e in zip(params, expected))
    assert "W0 @ X0" in f.source and "W2 @ X2" in f.source  # a layer is one product
    assert "where(" in f.source  # relu's branch holds per example (relu of the hinge)


def test_relu_and_abs_branch_per_example() -> None:
    w = Value(1.0)
    f = autograd.compile(lambda x: (w * x).relu() + abs(w * x - 1.0), batched=True)
    xs = [-2.0, 0.5, 3.0]
    assert f(xs).tolist() == [3.0, 1.0, 5.0]
    f.backward(xs, reduce="sum")
    # d/dw: relu part x where w x > 0; abs part sign(w x - 1) x
    assert w.grad == (0.0 + 2.0) + (0.5 - 0.5) + (3.0 + 3.0)


def test_domain_errors_and_overflow_are_the_engines_own() -> None:
    w = Value(1.0)
    f = autograd.compile(lambda x: (w * x).log(), batched=True)
    assert f([1.0, 2.0]).tolist() == [0.0, math.log(2.0)]
    with pytest.raises(ValueError, match=r"log: input must be > 0, got -1.0"):
        f.backward([1.0, -1.0])
    g = autograd.compile(lambda x: (w * x).exp(), batched=True)
    with pytest.raises(OverflowError, match="exp: result overflows"):
        g([1.0, 1000.0])


def test_several_outputs_per_example_give_a_matrix() -> None:
    model = nn.MLP(2, [4, 3], rng=0)
    f = autograd.compile(lambda x: model(x), batched=True)
    X = [[0.5, -1.0], [1.0, 2.0]]
    out = f(X)
    assert out.shape == (2, 3)
    assert np.allclose(out, nn.predict(model, X), rtol=0, atol=1e-12)
    with pytest.raises(TypeError, match="returns a list; backward needs one Value per example"):
        f.backward(X)


def test_source_reads_as_the_ops_rules() -> None:
    w = Value(2.0, label="w")
    f = autograd.compile(lambda x: (w * x).tanh(), batched=True)
    f([1.0])
    src = f.source
    assert "tanh(" in src and "1.0 - v" in src and "# 'w'" in src
    assert src.startswith("# autograd.compile(batched=True) of <lambda>")


@pytest.mark.parametrize(
    ("batch", "error", "message"),
    [
        ("abc", TypeError, "batch argument 0 must be a list or array of examples, got str"),
        ([[1.0], [1.0, 2.0]], ValueError, "batch argument 0 is ragged"),
        ([], ValueError, "must hold at least one example"),
        ([Value(1.0)], TypeError, "must hold real numbers, got dtype object"),
        ([1 + 2j], TypeError, "must hold real numbers, got dtype complex128"),
        (Value(1.0), TypeError, "got Value"),
    ],
)
def test_bad_batches_are_refused(batch: object, error: type, message: str) -> None:
    f = autograd.compile(lambda x: x * 2.0, batched=True)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        f(batch)


def test_bad_arguments_are_refused() -> None:
    f = autograd.compile(lambda x, y: x * y, batched=True)
    with pytest.raises(ValueError, match="batch arguments differ in length: 2 and 3"):
        f([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="reduce must be 'mean' or 'sum', got 'max'"):
        f.backward([1.0], [2.0], reduce="max")
    with pytest.raises(TypeError, match="batched must be a bool, got str"):
        autograd.compile(lambda x: x, batched="yes")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="has not been traced yet"):
        autograd.compile(lambda x: x, batched=True).source  # noqa: B018


def test_without_numpy_it_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "blamegrad\[batched\]"'):
        autograd.compile(lambda x: x, batched=True)


@pytest.mark.parametrize(
    ("loss", "sizes", "dataset"),
    [("hinge", [8, 1], "moons"), ("cross_entropy", [8, 3], "blobs"), ("binary_cross_entropy_with_logits", [8, 1], "moons01")],
)
def test_fit_batched_equals_fit_eager(loss: str, sizes: list[int], dataset: str) -> None:
    if dataset == "blobs":
        X, y = nn.datasets.blobs(40, centers=3, seed=0)
    else:
        X, y = nn.datasets.moons(40, seed=0, signed=dataset == "moons")
    histories = []
    for compile in (False, True, "batched"):
        model = nn.MLP(2, sizes, rng=0)
        adam = nn.optim.Adam(model.parameters(), lr=0.05)
        histories.append(nn.fit(model, X, y, loss=loss, optimizer=adam, epochs=5, batch_size=16, l2=1e-3,
                                validation=(X[:10], y[:10]), compile=compile, progress=False))
    eager, compiled, batched = histories
    assert all(close(a, b, 1e-9) for a, b in zip(eager.train_loss, batched.train_loss))
    assert all(close(a, b, 1e-9) for a, b in zip(eager.val_loss, batched.val_loss))
    assert eager.val_accuracy == batched.val_accuracy
    # A replay makes no predictions while it steps: both replays measure accuracy after the epoch.
    assert compiled.train_accuracy == batched.train_accuracy


def test_fit_batched_refuses_a_regression_and_bad_values() -> None:
    X, y = nn.datasets.line(100, seed=0)
    model = nn.MLP(1, [1], rng=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="the data has 100 .*use compile=True"):
        nn.fit(model, X, y, loss="mse", epochs=1, compile="batched", progress=False)
    with pytest.raises(TypeError, match="compile must be True, False or 'batched', got 'fast'"):
        nn.fit(model, X, y, loss="mse", epochs=1, compile="fast", progress=False)  # type: ignore[arg-type]
    assert [p.data for p in model.parameters()] == before
