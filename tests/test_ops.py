"""The op table: every op has a method, a domain, correct forward values and correct gradients.

The gradient tests are generated from :data:`autograd.OPS`, so a new op is tested as soon as it
is added to the table, and the meta-tests fail if it lacks a ``Value`` method or a test domain.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given

import autograd
from autograd import OPS, Value, gradcheck, ops
from autograd.testing import op_inputs
from autograd.value import apply

# How a user reaches each op; the meta-test below fails for an op missing here.
CALLS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "neg": lambda x: -x,
    "div": lambda x, y: x / y,
    "pow": None,  # takes a parameter: see POW_CALL
    "powv": lambda x, y: x**y,
    "abs": abs,
    "exp": Value.exp,
    "log": Value.log,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "sum": lambda *xs: autograd.sum(xs),
    "dot": None,  # interleaved inputs: see DOT_CALL
}


def call(op: autograd.Op, *xs: Value) -> Value:
    """Reach ``op`` the way a user does (a method, an operator or a function)."""
    if op.name == "pow":
        return xs[0] ** op.params[0]
    if op.name == "dot":
        n = len(xs) // 2
        return autograd.dot(xs[0 : 2 * n : 2], xs[1 : 2 * n : 2], xs[-1] if len(xs) % 2 else None)
    return CALLS[op.name](*xs)


def bound_ops() -> list[autograd.Op]:
    """Every op, with each test parameter bound for parametrised ones."""
    return [b for op in OPS for b in ([op.bind(k) for k in op.param_cases] or [op])]


def test_every_op_is_reachable_and_has_a_test_domain() -> None:
    names = [op.name for op in OPS]
    assert len(names) == len(set(names)), "op names must be unique"
    for op in OPS:
        assert op.name in CALLS, f"{op.name}: add how users call it to CALLS"
        n_inputs = 1 if op.arity is None else op.arity
        assert len(op.domain) == n_inputs, f"{op.name}: one domain per input"
        assert all(lo < hi for d in op.domain for lo, hi in d), f"{op.name}: empty domain"
        assert op.derivative, f"{op.name}: derivative formula text is missing"
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu"):
        assert callable(getattr(Value, name)), name
        assert callable(getattr(autograd, name)), name


@pytest.mark.parametrize("op", bound_ops(), ids=lambda op: op.name + op.label)
def test_gradient_matches_finite_differences(op: autograd.Op) -> None:
    @given(op_inputs(op))
    def check(xs: tuple[float, ...]) -> None:
        assert gradcheck(lambda *vs: call(op, *vs), list(xs))

    check()


@pytest.mark.parametrize("op", bound_ops(), ids=lambda op: op.name + op.label)
def test_method_builds_the_op_and_stores_locals(op: autograd.Op) -> None:
    @given(op_inputs(op))
    def check(xs: tuple[float, ...]) -> None:
        leaves = [Value(x) for x in xs]
        out = call(op, *leaves)
        assert out.op == op.name
        assert out.data == op.forward(*xs, *op.params)
        assert len(out.parents) == len(xs)
        assert all(p is leaf for p, leaf in zip(out.parents, leaves))
        assert list(out.local_grads) == list(op.local(out.data, *xs, *op.params))

    check()


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (lambda: Value(2.0) + 3, 5.0),
        (lambda: 3 - Value(2.0), 1.0),
        (lambda: 3 * Value(2.0), 6.0),
        (lambda: 3 / Value(2.0), 1.5),
        (lambda: -Value(2.0), -2.0),
        (lambda: Value(2.0) ** 3, 8.0),
        (lambda: Value(2.0) ** Value(3.0), 8.0),
        (lambda: 2 ** Value(3.0), 8.0),
        (lambda: abs(Value(-2.5)), 2.5),
        (lambda: Value(0.0).exp(), 1.0),
        (lambda: Value(math.e).log(), 1.0),
        (lambda: Value(9.0).sqrt(), 3.0),
        (lambda: Value(0.0).tanh(), 0.0),
        (lambda: Value(0.0).sigmoid(), 0.5),
        (lambda: Value(-1.0).relu(), 0.0),
        (lambda: autograd.sum([1, 2, Value(3.0)]), 6.0),
        (lambda: autograd.dot([1, 2], [3, 4], bias=5), 16.0),
        (lambda: autograd.mean([1, 2, 6]), 3.0),
        (lambda: Value(-8.0) ** 3, -512.0),
        (lambda: Value(-2.0) ** -1, -0.5),
    ],
)
def test_forward_values(expr, expected: float) -> None:
    assert expr().data == pytest.approx(expected)


def test_dot_takes_numbers_iterables_and_no_grad() -> None:
    # autograd.dot records its node in one step (not through apply): the same parents and locals.
    w, x = [Value(2.0), 3], [1.5, Value(-1.0)]
    out = autograd.dot(w, x, bias=0.5)
    assert out.data == 0.5 + 2.0 * 1.5 + 3.0 * -1.0
    assert [p.data for p in out.parents] == [2.0, 1.5, 3.0, -1.0, 0.5]
    assert out.local_grads == (1.5, 2.0, -1.0, 3.0, 1.0)
    assert out.parents[0] is w[0] and out.parents[3] is x[1]
    assert autograd.dot(iter(w), (v for v in x)).data == 0.0
    assert autograd.dot([], [], bias=Value(1.5)).local_grads == (1.0,)
    with autograd.no_grad():
        assert autograd.dot(w, x, bias=0.5).is_leaf
    with pytest.raises(TypeError, match="dot: operand: expected a real number, got str"):
        autograd.dot(["a"], [1.0])
    with pytest.raises(ValueError, match="dot: got 2 weights but 1 inputs"):
        autograd.dot(w, [1.0])
    with pytest.raises(ValueError, match="dot: got 1 weights but 2 inputs"):
        ops.dot_forward([1.0], [2.0, 3.0])
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError, match="dot"):
        autograd.dot([1e308], [10.0])


def test_reflected_pow_gradient() -> None:
    x = Value(1.5)
    y = 2**x
    y.backward()
    assert x.grad == pytest.approx(2**1.5 * math.log(2))


# -- domain rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(-2.0).log(), ValueError, "log: input must be > 0, got -2.0"),
        (lambda: Value(0.0).log(), ValueError, "log: input must be > 0, got 0.0"),
        (lambda: Value(-1.0).sqrt(), ValueError, "sqrt: input must be >= 0, got -1.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "div: division by zero (1.0 / 0.0)"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "div: division by zero (1.0 / 0.0)"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "pow: 0.0 cannot be raised to a negative power"),
        (lambda: Value(0.0) ** Value(-2.0), ZeroDivisionError, "pow: 0.0 cannot be raised"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, "pow: negative base -8.0 with fractional exponent"),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, "pow: negative base -8.0"),
        (lambda: (-8) ** Value(0.5), ValueError, "pow: negative base -8.0"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp: result overflows a float for input 1000.0"),
        (lambda: Value(1e200) ** 2, OverflowError, "pow: 1e+200 ** 2.0 overflows"),
    ],
)
def test_domain_errors_name_the_op_and_the_value(make, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        make()
    assert message in str(info.value)


@pytest.mark.parametrize("x", [-1e308, -745.0, -710.0, -50.0, 0.0, 50.0, 710.0, 1e308])
def test_tanh_and_sigmoid_never_overflow(x: float) -> None:
    v = Value(x)
    t, s = v.tanh(), v.sigmoid()
    assert -1.0 <= t.data <= 1.0 and 0.0 <= s.data <= 1.0
    t.backward()
    s.backward()
    assert math.isfinite(v.grad)


def test_infinite_derivative_where_the_function_is_defined() -> None:
    x = Value(0.0)
    y = x.sqrt()
    assert y.data == 0.0
    assert y.local_grads == (math.inf,)
    z = Value(0.0) ** 0.5
    assert z.data == 0.0 and z.local_grads == (math.inf,)


def test_kink_conventions() -> None:
    assert Value(0.0).relu().local_grads == (0.0,)
    assert abs(Value(0.0)).local_grads == (0.0,)
    assert (Value(0.0) ** 2).local_grads == (0.0,)
    assert (Value(0.0) ** 0).local_grads == (0.0,)


def test_nan_and_inf_flow_through_ops() -> None:
    assert math.isnan((Value(math.nan) * 2).data)
    assert (Value(math.inf) + 1).data == math.inf
    assert math.isnan(Value(math.nan).relu().data)
    assert math.isnan(Value(math.nan).log().data)


def test_pow_local_gradient_overflow_gives_inf_not_an_error() -> None:
    x = Value(1e-200)
    y = x**-1  # 1e200 is finite; its derivative -1e400 is not
    assert y.local_grads == (-math.inf,)


def test_ops_are_reachable_through_apply_with_plain_numbers() -> None:
    assert apply(ops.MUL, 2, 3.5).data == 7.0
    assert apply(ops.SUM, 1, Value(2.0)).local_grads == (1.0, 1.0)
    assert apply(ops.POW.bind(2.0), 3).data == 9.0


def test_apply_names_the_op_when_the_input_count_is_wrong() -> None:
    with pytest.raises(TypeError, match="add: takes 2 input"):
        apply(ops.ADD, Value(1.0))
    with pytest.raises(TypeError, match="relu: takes 1 input"):
        apply(ops.RELU, 1.0, 2.0)
    with pytest.raises(TypeError, match="mul: operand: expected a real number, got str"):
        apply(ops.MUL, "a", 2.0)
