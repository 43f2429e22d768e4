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


def test_a_binary_op_node_takes_at_most_200_bytes() -> None:
    # Each node of the chain is one mul: the Value, its data float and its edges tuple
    # (x, local, y, local); the locals are the inputs' own data floats, shared, not copies.
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
    assert per_node <= 200, f"{per_node:.1f} bytes per mul node"
