"""``gradcheck`` and the public Hypothesis strategies in ``autograd.testing``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import GradcheckError, Value, gradcheck
from autograd.testing import Expression, expressions, op_inputs, smooth_floats


def test_passes_for_a_correct_function() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + x**2 / y.exp(), [0.3, -1.2])
    assert gradcheck(lambda x: x.sigmoid(), [Value(0.5)])


def test_fails_with_a_table_for_a_graph_breaking_function() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: Value(x.data**2) + y, [1.5, 2.0])
    lines = str(info.value).splitlines()
    assert lines[0].startswith("gradcheck: 1 of 2 gradients do not match")
    assert lines[1].split() == ["input", "value", "analytic", "numeric", "abs", "error"]
    assert lines[2].split()[:4] == ["x0", "1.5", "0", "3"]
    assert "input not in the graph" in lines[2]
    assert "mismatch" not in lines[3]


def test_fails_for_a_wrong_derivative() -> None:
    from autograd.ops import Op
    from autograd.value import apply

    wrong = Op("wrong_square", "sq", 1, lambda x: x * x, lambda out, x: (x,), ("x",), (((-1.0, 1.0),),))
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(lambda x: apply(wrong, x), [0.8])


def test_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="gradcheck: fn must be callable"):
        gradcheck(3, [1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gradcheck: inputs is empty"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match=r"gradcheck: inputs\[0\]: expected a real number, got str"):
        gradcheck(lambda x: x, ["1"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="gradcheck: eps must be a finite number > 0"):
        gradcheck(lambda x: x, [1.0], eps=0)
    with pytest.raises(TypeError, match="gradcheck: fn must return a Value, got float"):
        gradcheck(lambda x: 2.0, [1.0])


@given(expressions())
def test_random_expression_graphs_pass_gradcheck(expr: Expression) -> None:
    assert gradcheck(expr, list(expr.inputs))


@given(expressions(max_steps=12))
def test_expressions_respect_domains_and_reuse_nodes(expr: Expression) -> None:
    values = list(expr.inputs)
    for op, args in expr.steps:
        arity = len(args)
        domains = op.domain if op.arity is not None else op.domain * arity
        for i, domain in zip(args, domains):
            assert any(lo <= values[i] <= hi for lo, hi in domain)
        values.append(op.forward(*(values[i] for i in args), *op.params))
    out = expr(*[Value(x) for x in expr.inputs])
    assert out.data == pytest.approx(values[-1])
    assert "Expression:" in repr(expr)


def test_expressions_do_reuse_nodes_sometimes() -> None:
    seen_reuse = []

    @given(expressions())
    def look(expr: Expression) -> None:
        used = [i for _, args in expr.steps for i in args]
        seen_reuse.append(len(used) != len(set(used)))

    look()
    assert any(seen_reuse)


@given(smooth_floats(-3, 3, kinks=[0.0, 1.0], margin=0.2))
def test_smooth_floats_keep_away_from_kinks(x: float) -> None:
    assert -3 <= x <= 3 and abs(x) >= 0.2 and abs(x - 1.0) >= 0.2


def test_smooth_floats_rejects_impossible_requests() -> None:
    with pytest.raises(ValueError, match="smooth_floats: need finite lo < hi"):
        smooth_floats(1, 0)
    with pytest.raises(ValueError, match="smooth_floats: no room"):
        smooth_floats(-0.1, 0.1, kinks=[0.0], margin=0.5)


@given(op_inputs(autograd.ops.LOG))
def test_op_inputs_come_from_the_declared_domain(xs: tuple[float, ...]) -> None:
    assert len(xs) == 1 and xs[0] > 0


@given(st.data())
def test_users_own_function(data: st.DataObject) -> None:
    # What the README shows: a user property-testing their own function.
    x = data.draw(smooth_floats(-3, 3))
    y = data.draw(smooth_floats(-3, 3, kinks=[0.0]))
    assert gradcheck(lambda a, b: (a * b).tanh() + abs(b), [x, y])
