"""Memory behaviour of the engine: graphs are freed by reference counting, nodes are small.

These are correctness tests, not timings: no reference cycles means a dropped graph is freed at
once, without waiting for Python's cyclic garbage collector (micrograd's closures make a cycle
per node). Sizes come from tracemalloc, which counts the bytes each allocation asks for, so they
do not depend on the machine's load.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

import autograd
from autograd import Value


def _training_step(params: list[list[Value]], data: list[tuple[float, float, float]]) -> float:
    # A two-layer relu net, hinge loss plus L2, forward, zero_grad, backward, SGD.
    hidden, out = params[:4], params[4]
    scores = []
    for x0, x1, _ in data:
        h = [autograd.dot(w[:2], [x0, x1], w[2]).relu() for w in hidden]
        scores.append(autograd.dot(out[:4], h, out[4]))
    losses = [(1 - y * s).relu() for (_, _, y), s in zip(data, scores)]
    loss = autograd.mean(losses) + 1e-4 * autograd.sum(p * p for ws in params for p in ws)
    for ws in params:
        for p in ws:
            p.grad = 0.0
    loss.backward()
    for ws in params:
        for p in ws:
            p.data -= 0.1 * p.grad
    return loss.data


def test_a_training_step_leaves_no_reference_cycles() -> None:
    rng = random.Random(0)
    params = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)] + [[Value(rng.uniform(-1, 1)) for _ in range(5)]]
    data = [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.choice((-1.0, 1.0))) for _ in range(20)]
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            _training_step(params, data)
        assert gc.collect() == 0  # everything the steps made was freed by reference counting
    finally:
        if was_enabled:
            gc.enable()


def test_grad_with_create_graph_leaves_no_reference_cycles() -> None:
    x = Value(0.7)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        dy = autograd.grad((x * x).tanh() * x, [x], create_graph=True)[0]
        autograd.grad(dy, [x])
        dy.backward()
        del dy
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_a_binary_op_node_takes_at_most_240_bytes() -> None:
    # Each node of the chain is one mul: the Value, its data float and its edges tuple
    # (x, local, y, local); the locals are the inputs' own data floats, shared, not copies.
    # 184 bytes before Value had a __dict__ slot (for p.m = 0.0); 216 with it; 240 is the budget.
    x = Value(1.0000001)
    n = 10_000
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(n):
            y = y * x
        per_node = (tracemalloc.get_traced_memory()[0] - before) / n
    finally:
        tracemalloc.stop()
    assert y.op == "mul" and len(autograd.topological_order(y)) == n + 1
    assert per_node <= 240, f"{per_node:.1f} bytes per mul node"


def _twice(x: Value) -> Value:
    out = Value(x.data * 2, (x,), "*2")

    def _backward() -> None:
        x.grad += 2 * out.grad

    out._backward = _backward
    return out


def test_a_learners_closure_node_makes_a_cycle_the_engine_ops_do_not() -> None:
    # As in micrograd, out._backward refers to out, and out to its closure: freed by gc, not at once.
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        x = Value(0.3)
        y = (x * 2).tanh()
        y.backward()
        del y
        assert gc.collect() == 0
        x = Value(0.3)
        out = _twice(x)
        out.backward()
        assert x.grad == 2.0
        del out
        assert gc.collect() > 0
    finally:
        if was_enabled:
            gc.enable()
