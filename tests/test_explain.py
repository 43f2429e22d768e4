"""``explain`` splits dL/dv into one term per use of v, and the terms add up to v.grad."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, explain, topological_order
from autograd.testing import Expression, expressions


@given(expressions(), st.data())
def test_sum_of_the_terms_is_the_grad_exactly(expr: Expression, data: st.DataObject) -> None:
    out = expr(*(Value(x) for x in expr.inputs))
    out.backward()
    order = topological_order(out)
    v = data.draw(st.sampled_from(order))
    e = explain(v, out)
    assert repr(e.total) == repr(v.grad)  # added in backward's order: bit for bit
    if v is not out:
        assert len(e.uses) == sum(p is v for node in order for p in node.parents)
        for use in e.uses:
            assert use.node.parents[use.position] is v
            assert use.contribution == use.local * use.node.grad
        assert str(e).splitlines()[-1].endswith(f"= {v.label or e.names[id(v)]}.grad")


def test_reused_node_lists_each_use() -> None:
    a = Value(3.0, label="a")
    b = Value(2.0, label="b")
    loss = a * a + a * b
    loss.backward()
    e = explain(a, loss)
    assert [u.position for u in e.uses] == [0, 0, 1]  # a*b first (backward's order), then a*a twice
    assert [u.contribution for u in e.uses] == [2.0, 3.0, 3.0]
    assert e.total == a.grad == 8.0
    lines = str(e).splitlines()
    assert lines[0] == "dL/da = sum over the 3 uses of a of  d(node)/da x dL/d(node):"
    assert sum("n1 = a * a" in line for line in lines) == 2


def test_interior_node_and_the_neuron() -> None:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    text = str(explain(n, o))
    assert "o = tanh(n)   1 - o^2 = 0.500   1.000        0.500" in text
    assert explain(x1, o).total == x1.grad == pytest.approx(-1.5)


def test_root_is_its_own_seed_and_unused_values_say_so() -> None:
    a = Value(2.0, label="a")
    loss = a * 3.0
    loss.backward(2.0)
    assert explain(loss, loss).total == 2.0
    assert "is the root L itself" in str(explain(loss, loss))
    c = Value(1.0, label="c")
    zero = c * 0.0 + a
    zero.backward()
    assert explain(c, zero).total == 0.0


def test_accumulated_leaf_is_pointed_out() -> None:
    a = Value(2.0, label="a")
    loss = a * 3.0
    loss.backward()
    loss.backward()
    e = explain(a, loss)
    assert e.total == 3.0 and a.grad == 6.0
    assert "but a.grad is 6.000: leaf grads accumulate" in str(e)


def test_errors() -> None:
    a = Value(1.0)
    with pytest.raises(TypeError, match=r"explain: expected a Value to explain, got float"):
        explain(1.0, a)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"explain: root must be the Value backward ran from, got str"):
        explain(a, "loss")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"explain: Value\(data=2.0.* is not in the graph of the root"):
        explain(Value(2.0), a * 2.0)


def test_explain_defaults_to_the_latest_backward_root() -> None:
    a = Value(2.0, label="a")
    loss = a * a + a
    loss.backward()
    assert explain(a).total == explain(a, loss).total == a.grad == 5.0


def test_explain_without_root_after_stepping() -> None:
    a = Value(-1.0, label="a")
    loss = (a * 3).tanh()
    list(loss.backward_steps())
    assert explain(a).total == a.grad


def test_explain_without_any_backward_says_to_pass_the_root() -> None:
    import gc

    from autograd import backward as backward_module

    a = Value(1.0)
    loss = a * 2
    loss.backward()
    del loss
    gc.collect()
    assert backward_module.last_root() is None
    with pytest.raises(ValueError, match=r"explain: no backward\(\) has run yet .* explain\(v, loss\)"):
        explain(a)
