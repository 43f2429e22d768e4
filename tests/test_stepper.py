"""The stepper walks backward node by node and ends exactly where ``backward()`` ends."""

from __future__ import annotations

import re

import pytest
from examples import lecture_neuron
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, backward_steps, topological_order
from autograd.stepper import End, Step, Stepper, Steps, formula
from autograd.testing import Expression, expressions, op_inputs


def build(expr: Expression) -> tuple[Value, list[Value]]:
    out = expr(*(Value(x) for x in expr.inputs))
    return out, topological_order(out)


def bits(order: list[Value]) -> list[str]:
    return [repr(v.grad) for v in order]  # repr tells -0.0 from 0.0 and matches nan to nan


@given(expressions(), st.floats(-3, 3, allow_nan=False))
def test_all_steps_leave_the_grads_backward_leaves(expr: Expression, seed: float) -> None:
    out1, order1 = build(expr)
    out2, order2 = build(expr)
    for v1, v2 in zip(order1, order2):  # leaves accumulate: start both from the same old grads
        v1.grad = v2.grad = 0.25
    out1.backward(seed)
    steps = list(backward_steps(out2, seed))
    assert bits(order1) == bits(order2)
    assert len(steps) == sum(1 for v in order2 if not v.is_leaf)


@given(expressions())
def test_steps_come_in_backward_order_with_consistent_records(expr: Expression) -> None:
    out, order = build(expr)
    steps = list(backward_steps(out))
    assert [s.node for s in steps] == [v for v in reversed(order) if not v.is_leaf]
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    for s in steps:
        assert s.total == len(steps)
        assert [e.input for e in s.inputs] == list(s.node.parents)
        assert [e.local for e in s.inputs] == list(s.node.local_grads)
        assert s.grad == s.node.grad  # nothing above adds to a node after its own step
        for e in s.inputs:
            assert repr(e.contribution) == repr(e.local * s.grad)
        assert len(str(s).splitlines()) == len(s.inputs)


@settings(max_examples=50)
@given(expressions(), st.data())
def test_stopping_half_way_leaves_partial_grads(expr: Expression, data: st.DataObject) -> None:
    out, order = build(expr)
    reference, ref_order = build(expr)
    reference.backward()
    final = {id(v): g for v, g in zip(order, bits(ref_order))}
    steps = backward_steps(out)
    n = sum(1 for v in order if not v.is_leaf)
    k = data.draw(st.integers(0, n))
    taken = [next(steps) for _ in range(k)]
    if k == 0:
        assert all(v.grad == 0.0 for v in order)  # nothing happens before the first next()
    for s in taken:  # a processed node had all its blame before its step
        assert repr(s.node.grad) == final[id(s.node)]
    running = {id(v): 0.0 for v in order}
    running[id(out)] = 1.0 if k else 0.0  # the seed, added by the first next()
    for s in taken:  # each input's running grad is the sum of what reached it so far, in order
        for e in s.inputs:
            running[id(e.input)] += e.contribution
            assert repr(e.grad_after) == repr(running[id(e.input)])
    assert bits(order) == [repr(running[id(v)]) for v in order]


def test_half_way_on_a_chain() -> None:
    a = Value(0.5, label="a")
    b = a * 2.0
    b.label = "b"
    c = b.tanh()
    steps = backward_steps(c)
    first = next(steps)
    assert first.node is c and c.grad == 1.0
    assert b.grad == pytest.approx(1 - c.data**2) and a.grad == 0.0
    next(steps)
    assert a.grad == pytest.approx(2 * (1 - c.data**2))


def test_reused_node_gets_one_record_per_use_and_a_running_total() -> None:
    a = Value(3.0, label="a")
    sq = a * a
    (step,) = backward_steps(sq)
    assert [e.input for e in step.inputs] == [a, a]
    assert [e.grad_after for e in step.inputs] == [3.0, 6.0]
    first, second = str(step).splitlines()
    assert "dL/da += (a) = 3.000 x 1.000 = 3.000" in first and "is now" not in first
    assert second.strip() == "dL/da += (a) = 3.000 x 1.000 = 3.000   (dL/da is now 6.000)"


def test_sentence_reads_like_the_chain_rule() -> None:
    o = lecture_neuron()
    steps = list(backward_steps(o))
    first = "step 1/5  o = tanh(n)   dL/do = 1.000   dL/dn += (1 - o^2) = 0.500 x 1.000 = 0.500"
    assert str(steps[0]) == first
    last = str(steps[-1]).splitlines()
    assert last[0].startswith("step 5/5  n1 = x1 * w1   dL/dn1 = 0.500   ")
    assert last[0].endswith("dL/dx1 += (w1) = -3.000 x 0.500 = -1.500")
    assert last[1].strip() == "dL/dw1 += (x1) = 2.000 x 0.500 = 1.000"
    assert last[1].index("dL/dw1") == last[0].index("dL/dx1")  # inputs line up under each other


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_has_a_formula_in_node_names(op: autograd.Op) -> None:
    from hypothesis import find

    xs = find(op_inputs(op.bind(*op.param_cases[:1]) if op.param_cases else op), lambda _: True)
    bound = op.bind(*op.param_cases[:1]) if op.param_cases else op
    leaves = [Value(x, label=f"a{i}") for i, x in enumerate(xs)]
    out = autograd.value.apply(bound, *leaves)
    out.label = "out1"
    (step,) = backward_steps(out)
    for i in range(len(leaves)):
        text = formula(out, i, step.names)
        assert not re.search(r"\b(x|y|out|k)\b", text), text  # every placeholder was substituted
    assert len(str(step).splitlines()) == len(leaves)


def test_ten_thousand_node_graph_steps_without_recursion() -> None:
    x = Value(0.1, label="x")
    y = x
    for i in range(10_000):
        y = (y * 0.999 + 0.001) if i % 2 else y.tanh()
    ref = Value(0.1)
    z = ref
    for i in range(10_000):
        z = (z * 0.999 + 0.001) if i % 2 else z.tanh()
    z.backward()
    stepper = Stepper(y)
    steps = stepper.run()
    assert len(steps) == stepper.total == 15_000
    assert repr(x.grad) == repr(ref.grad) and x.grad != 0.0
    assert str(steps[-1]).startswith("step 15000/15000  n1 = tanh(x)")


def test_stepper_repl_api() -> None:
    a = Value(2.0, label="a")
    loss = (a * 3.0).relu()
    loss.label = "loss"
    s = Stepper(loss)
    assert repr(s) == "Stepper(L = loss = relu(n1) = 6.000, 0/2 steps done)"
    assert s.current is None and not s.done and a.grad == 0.0 and len(s) == 2 and s.position == 0
    first = s.next()
    assert isinstance(first, Step) and first.node is loss and s.current is first
    assert repr(s) == "Stepper(L = loss = relu(n1) = 6.000, 1/2 steps done, at loss = relu(n1))"
    assert repr(first) == str(first) == "step 1/2  loss = relu(n1)   dL/dloss = 1.000   dL/dn1 += (1 if n1 > 0 else 0) = 1.000 x 1.000 = 1.000"
    rest = s.run()
    assert isinstance(rest, Steps) and [t.index for t in rest] == [2] and s.done and a.grad == 3.0
    assert repr(rest) == str(rest[0]) + "\nall 2 steps done: every grad now equals backward()"
    assert repr(s) == "Stepper(L = loss = relu(n1) = 6.000, all 2 steps done)"
    end = s.next()
    assert isinstance(end, End) and not end and str(end) == repr(end) == "all 2 steps done: every grad now equals backward()"
    assert s.run() == [] and [t.index for t in s.history] == [1, 2] and s.history[-1] == rest[0]


def test_print_next_never_prints_none(capsys: pytest.CaptureFixture[str]) -> None:
    s = Stepper(lecture_neuron())
    for _ in range(len(s) + 2):
        print(s.next())
    out = capsys.readouterr().out
    assert "None" not in out and out.count("all 5 steps done: every grad now equals backward()") == 2
    assert [step.index for step in Stepper(lecture_neuron())] == [1, 2, 3, 4, 5]  # iteration stops at the end


def test_back_goto_and_again_give_backward_bit_for_bit() -> None:
    o = lecture_neuron()
    ref = lecture_neuron(backward=True)
    order, ref_order = topological_order(o), topological_order(ref)
    before = bits(order)
    s = Stepper(o)
    s.next(); s.next(); s.next()
    third = bits(order)
    assert s.back() is s and s.position == 2
    s.next()
    assert bits(order) == third
    s.goto(0)
    assert bits(order) == before and s.position == 0 and s.current is None and not s.done
    assert s.back().position == 0 and bits(order) == before  # back at the start changes nothing
    s.goto(5)
    assert bits(order) == bits(ref_order) and s.done
    s.goto(2).goto(4).back().back().goto(5)
    assert bits(order) == bits(ref_order)
    assert [t.node for t in s.history] == s.processed() == [v for v in reversed(order) if not v.is_leaf]


def test_back_restores_old_grads_of_every_kind() -> None:
    x = Value(0.5, label="x")
    y = (x * x + 1.0).tanh()
    order = topological_order(y)
    for v, g in zip(order, [0.25, -0.0, float("nan"), 7.0, float("inf"), -1e-300]):
        v.grad = g  # leftovers from anything: interior grads are reset by the first step, then put back
    before = bits(order)
    s = Stepper(y)
    s.run()
    s.goto(0)
    assert bits(order) == before


def test_leaf_root_has_no_steps_but_is_seeded() -> None:
    a = Value(1.0)
    s = Stepper(a, seed=2.0)
    assert len(s) == 0 and not s.done
    assert s.run() == [] and s.done and a.grad == 2.0
    assert str(s.next()) == "no steps: L is a leaf, its grad now holds the seed, as backward() leaves it"
    assert a.grad == 2.0  # seeded once, as one backward() would
    s.back()
    assert a.grad == 0.0 and not s.done


def test_goto_refuses_bad_steps_and_changes_nothing() -> None:
    s = Stepper(lecture_neuron())
    s.next()
    grads = bits(s.order)
    with pytest.raises(ValueError, match=r"Stepper.goto: step must be from 0 to 5 .*, got -1"):
        s.goto(-1)
    with pytest.raises(ValueError, match=r"Stepper.goto: step must be from 0 to 5 .*, got 1000000000"):
        s.goto(10**9)
    with pytest.raises(TypeError, match=r"Stepper.goto: step must be an int from 0 to 5, got str \('3'\)"):
        s.goto("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got bool \(True\)"):
        s.goto(True)
    import numpy as np

    assert s.goto(np.int64(2)).position == 2 and s.goto(1).position == 1
    assert bits(s.order) == grads and s.position == 1


def test_anomaly_in_the_stepper_changes_nothing() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt() * 0.0
    x.grad = 0.5
    s = Stepper(y)
    grads = bits(s.order)
    with autograd.detect_anomaly():
        s.next()  # y = n1 * 0: fine
        after_one = bits(s.order)
        with pytest.raises(FloatingPointError, match="backward of sqrt"):
            s.next()
        assert bits(s.order) == after_one and s.position == 1
        with pytest.raises(FloatingPointError, match="backward of sqrt"):
            s.goto(0).goto(2)
        assert bits(s.order) == grads and s.position == 0


def test_errors_name_the_function_and_value() -> None:
    with pytest.raises(TypeError, match=r"backward_steps: expected a Value, got float \(1.0\)"):
        backward_steps(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Stepper: expected a Value, got str"):
        Stepper("loss")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"backward_steps: seed: expected a real number, got str"):
        backward_steps(Value(1.0), "1")  # type: ignore[arg-type]


def test_anomaly_mode_stops_at_the_same_node_as_backward() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt() * 0.0  # d sqrt/dx = inf at 0, times 0 upstream: nan
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match="backward of sqrt"):
            list(backward_steps(y))


moves = st.lists(
    st.one_of(st.just(("next",)), st.just(("back",)), st.tuples(st.just("goto"), st.integers(0, 40))),
    max_size=25,
)


@settings(max_examples=80)
@given(expressions(), moves, st.lists(st.floats(-2, 2) | st.just(-0.0), min_size=1))
def test_random_moves_match_the_same_prefix_of_backward_steps(
    expr: Expression, plan: list[tuple], old_grads: list[float]
) -> None:
    out, order = build(expr)
    ref, ref_order = build(expr)
    for i, (v, w) in enumerate(zip(order, ref_order)):  # the same leftovers on both graphs
        v.grad = w.grad = old_grads[i % len(old_grads)]
    prefixes = [bits(ref_order)]  # prefixes[k]: the grads after k steps of backward_steps
    for _ in backward_steps(ref):
        prefixes.append(bits(ref_order))
    s = Stepper(out)
    for move in plan:
        if move[0] == "next":
            s.next()
        elif move[0] == "back":
            s.back()
        else:
            s.goto(min(move[1], len(s)))
        assert bits(order) == prefixes[s.position]
    s.goto(len(s))
    assert bits(order) == prefixes[-1]
    reference, reference_order = build(expr)  # and the end is backward()'s, from the same leftovers
    for i, v in enumerate(reference_order):
        v.grad = old_grads[i % len(old_grads)]
    reference.backward()
    assert bits(order) == bits(reference_order)


def test_what_a_prompt_shows() -> None:
    """A real interactive interpreter (``python -i``): each expression's value is shown by its repr."""
    import subprocess
    import sys

    session = "\n".join([
        "from autograd import Stepper, Value",
        "a = Value(2.0, label='a'); loss = (a * 3.0).tanh(); loss.label = 'loss'",
        "s = Stepper(loss)",
        "s.next()",
        "s.back()",
        "s.goto(2)",
        "s.next()",
        "print(s.next())",
        "s.run()",
    ]) + "\n"
    shown = subprocess.run(
        [sys.executable, "-i", "-q"], input=session, capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert shown[0].startswith("step 1/2  loss = tanh(n1)   dL/dloss = 1.000   dL/dn1 += (1 - loss^2) = ")
    assert shown[1] == "Stepper(L = loss = tanh(n1) = 1.000, 0/2 steps done)"
    assert shown[2] == "Stepper(L = loss = tanh(n1) = 1.000, all 2 steps done)"
    assert shown[3:6] == ["all 2 steps done: every grad now equals backward()"] * 3
    assert not any("None" in line or "<" in line for line in shown)
