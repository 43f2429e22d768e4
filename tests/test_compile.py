"""``autograd.compile``: the replay equals the eager engine, stays correct where values branch,
notices shape changes, and fails the way the eager engine fails."""

from __future__ import annotations

import contextlib
import math
import random

import pytest
from examples import micrograd_readme
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import TraceMismatch, Value, compile
from autograd.testing import expressions


def close(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def eager(fn, xs: list[float], seed: float = 1.0) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    return out.data, autograd.grad(out, leaves, seed=seed)


def replay(compiled: autograd.Compiled, xs: list[float], seed: float = 1.0) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    out = compiled.backward(*leaves, seed=seed)
    return out, [v.grad for v in leaves]


readme = micrograd_readme


def test_readme_expression_matches_micrograd_numbers() -> None:
    f = compile(readme)
    a, b = Value(-4.0), Value(2.0)
    g = f.backward(a, b)
    assert (f"{g:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == ("24.7041", "138.8338", "645.5773")
    assert f(-4.0, 2.0) == g


@settings(max_examples=150)
@given(expressions(), st.data())
def test_compiled_gradients_equal_eager_gradients(expr, data) -> None:  # type: ignore[no-untyped-def]
    f = compile(expr)
    traced_at = list(expr.inputs)
    seed = data.draw(st.floats(-2.0, 2.0))
    for xs in (traced_at, [x * data.draw(st.floats(0.5, 1.5)) for x in traced_at]):
        try:
            want = eager(expr, xs, seed)
        except (ArithmeticError, ValueError) as error:  # the new point left an op's domain
            # The replay raises the same error, or returns when the failing step does not feed
            # the output (a trace keeps only what the output depends on).
            with contextlib.suppress(type(error)):
                replay(f, xs, seed)
            continue
        got = replay(f, xs, seed)
        assert close(got[0], want[0]), (got, want)
        assert all(close(g, w) for g, w in zip(got[1], want[1])), (got, want, f.source)
        assert close(f(*xs), want[0])


def test_value_dependent_locals_are_evaluated_at_replay_time() -> None:
    f = compile(lambda x: x.relu() * 3 + abs(x) + x**2)
    assert replay(f, [2.0]) == (12.0, [3.0 + 1.0 + 4.0])  # traced where relu passes and x > 0
    assert replay(f, [-2.0]) == (6.0, [0.0 - 1.0 - 4.0])  # replayed where relu blocks and x < 0
    assert replay(f, [0.0]) == (0.0, [0.0])  # relu'(0) = abs'(0) = 0, as the eager engine
    assert f.traces == 1
    assert "(1.0 if x0 > 0.0 else 0.0)" in f.source


def test_captured_values_are_read_and_updated_at_every_call() -> None:
    w, b = Value(2.0, label="w"), Value(0.5, label="b")
    f = compile(lambda x: autograd.dot([w], [x], b).tanh())
    assert close(f.backward(1.0), math.tanh(2.5))
    w.data = -1.0
    assert close(f(1.0), math.tanh(-0.5))
    w.grad = b.grad = 0.0
    f.backward(1.0)
    assert close(w.grad, 1 - math.tanh(-0.5) ** 2) and close(b.grad, 1 - math.tanh(-0.5) ** 2)
    assert "'w' (captured Value" in f.source


def test_a_new_argument_structure_is_traced_again() -> None:
    f = compile(lambda xs: autograd.sum(x * x for x in xs))
    assert f([1.0, 2.0]) == 5.0
    assert f([1.0, 2.0, 3.0]) == 14.0
    assert f.traces == 2
    xs = [Value(1.0), Value(-3.0)]
    f.backward(xs)  # Values where numbers were: a new trace that also computes their gradients
    assert [x.grad for x in xs] == [2.0, -6.0] and f.traces == 3
    assert f([5.0, 6.0]) == 61.0 and f.traces == 3


def test_check_detects_a_function_that_branches_on_values() -> None:
    def branchy(x: Value) -> Value:
        return x.tanh() if x.data > 0 else x.exp()

    f = compile(branchy)
    f(1.0)
    assert f.check(2.0)
    with pytest.raises(TraceMismatch, match=r"branchy built a different graph.*traced tanh\(node 0\), now exp\(node 0\)"):
        f.check(-1.0)


def test_domain_errors_come_from_the_eager_engine_and_change_nothing() -> None:
    w = Value(1.0)
    f = compile(lambda x: (x * w).log())
    f.backward(2.0)
    before = w.grad
    with pytest.raises(ValueError, match="log: input must be > 0, got -2.0"):
        f.backward(-2.0)
    assert w.grad == before
    with pytest.raises(ZeroDivisionError, match="div: division by zero"):
        compile(lambda x: 1.0 / x)(0.0)


def test_anomaly_mode_runs_eagerly_and_names_the_op() -> None:
    f = compile(lambda x: x.sqrt() * 0.0)
    f.backward(1.0)
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        f.backward(0.0)


def test_user_errors_name_compile() -> None:
    with pytest.raises(TypeError, match="compile: fn must be callable"):
        compile(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compile: <lambda> must return a Value, got float"):
        compile(lambda x: 1.0)(2.0)
    with pytest.raises(TypeError, match=r"compile: argument 0\[1\]: expected a real number, got str"):
        compile(lambda xs: xs[0])([1.0, "a"])
    with pytest.raises(RuntimeError, match="has not been traced yet"):
        compile(lambda x: x).source


def test_a_training_step_through_compile_equals_the_eager_step() -> None:
    rng = random.Random(1)
    hidden = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    out = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    params = [p for ws in [*hidden, out] for p in ws]
    data = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(10)]
    labels = [rng.choice((-1.0, 1.0)) for _ in range(10)]

    def loss(X: list, Y: list) -> Value:
        scores = []
        for x in X:
            h = [autograd.dot(w[:2], x, w[2]).relu() for w in hidden]
            scores.append(autograd.dot(out[:4], h, out[4]))
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores)]
        return autograd.mean(losses) + 1e-4 * autograd.sum(p * p for p in params)

    eager_loss = loss(data, labels)
    eager_loss.backward()
    want = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    f = compile(loss)
    got = f.backward(data, labels)
    assert close(got, eager_loss.data)
    assert all(close(p.grad, w) for p, w in zip(params, want))


def test_a_long_trace_is_compiled_in_pieces_with_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    # 6,000 nodes: 12,000 generated lines, compiled as pieces of 2,000 (the compiler's memory
    # grows with the size of one function; the real limits are 100,000 and 20,000 lines, scaled
    # down here to keep the test quick). Forward and backward equal the eager engine's.
    import sys

    monkeypatch.setattr(sys.modules["autograd.compile"], "_WHOLE", 4_000)
    monkeypatch.setattr(sys.modules["autograd.compile"], "_PIECE", 2_000)
    w = Value(0.9, label="w")

    def chain(x: Value) -> Value:
        y = x
        for i in range(3_000):
            y = (y * w + 0.01 * (i % 7)).tanh()
        return y

    f = compile(chain)
    x = Value(0.3)
    out = f.backward(x)
    assert f.source.count("def _piece") == 0  # .source stays the readable single function
    replayed = w.grad
    x2 = Value(0.3)
    eager_out = chain(x2)
    eager_out.backward()  # adds the same gradient into w again
    assert out == eager_out.data and x.grad == x2.grad
    assert math.isclose(w.grad, 2 * replayed, rel_tol=1e-12)  # w sums 3,000 uses: in another order
    pieces = [name for name in f._last.forward_backward.__globals__ if name.startswith("_piece")]  # type: ignore[union-attr]
    assert len(pieces) >= 6


def test_a_nan_gradient_in_a_long_trace_reruns_eagerly_from_any_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check that sends a nan or inf gradient back to the eager engine sits in the last piece:
    # it must leave the whole function, not just its piece.
    import sys

    monkeypatch.setattr(sys.modules["autograd.compile"], "_WHOLE", 400)
    monkeypatch.setattr(sys.modules["autograd.compile"], "_PIECE", 200)

    def chain(x: Value) -> Value:
        y = x
        for _ in range(300):
            y = y + 1.0
        return y * 2.0 + (x - x).sqrt()  # d/dx of sqrt at 0 is inf: eager's rules decide

    f = compile(chain)
    x, x2 = Value(0.0), Value(0.0)
    assert f.backward(x) == chain(x2).data
    pieces = [name for name in f._last.forward_backward.__globals__ if name.startswith("_piece")]  # type: ignore[union-attr]
    assert len(pieces) >= 3
    eager = chain(x2)
    eager.backward()
    assert x.grad == x2.grad or (math.isnan(x.grad) and math.isnan(x2.grad))
