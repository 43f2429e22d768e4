"""Reverse-mode differentiation: ``backward``, ``grad`` and ``zero_grad``.

Both passes walk :func:`~autograd.graph.topological_order` from the output back to the inputs
and apply the chain rule edge by edge: ``parent.grad += local * node.grad``. The locals were
stored on each node when it was made, so backward does no maths of its own.

``backward`` writes ``.grad`` (leaves accumulate, interior nodes are reset first).
``grad`` returns gradients without touching ``.grad``; with ``create_graph=True`` it recomputes
the locals as ``Value``s, so the gradients are themselves differentiable.

>>> from autograd import Value, grad
>>> x = Value(2.0)
>>> y = x ** 3
>>> dy = grad(y, [x], create_graph=True)[0]
>>> dy.data, grad(dy, [x])[0]
(12.0, 12.0)
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence

from . import anomaly
from .functions import _terms
from .functions import sum as vsum
from .graph import interior_order, topological_order
from .modes import enable_grad, state
from .ops import chain
from .value import LearnerOp, Value, to_float

_last_root: weakref.ref[Value] | None = None


def remember_root(root: Value) -> None:
    """Note the root of the latest backward pass (weakly), so ``explain(v)`` can find it."""
    global _last_root
    _last_root = weakref.ref(root)


def last_root() -> Value | None:
    """The root of the latest backward pass, if it is still alive."""
    return _last_root() if _last_root is not None else None


def backward(root: Value, seed: float = 1.0) -> None:
    """Set ``.grad`` on every node below ``root`` to d(root)/d(node) (times ``seed``).

    Interior grads are reset to 0 first; leaf grads accumulate across calls.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward: expected a Value, got {type(root).__name__} ({root!r})")
    seed = to_float(seed, "backward: seed")
    remember_root(root)
    order = interior_order(root)  # the nodes that pass gradient on; leaves only receive it
    for node in order:
        node.grad = 0.0
    root.grad += seed
    check = state.anomaly
    if check:
        anomaly.check_seed(root, seed)
    for node in reversed(order):
        edges = node._edges
        g = node.grad
        # edges = (parent_0, local_0, parent_1, local_1, ...): one chain-rule step per edge.
        # Two- and one-input nodes (most of them) are unpacked directly; that is just speed.
        # For a finite g, local * g is ops.chain's answer; an inf or nan g (g - g is then nan)
        # takes ops.chain itself, where a zero local passes 0 instead of 0 * inf = nan.
        n = len(edges)
        try:  # free until it raises (Python 3.11+): the closure check costs nothing per node
            if g - g:  # 0.0 (false) for a finite g, nan (true) for inf or nan
                it = iter(edges)
                for parent, local in zip(it, it):
                    parent.grad += chain(local, g)
            elif n == 4:
                x, local_x, y, local_y = edges
                x.grad += local_x * g
                y.grad += local_y * g
            elif n == 2:
                x, local_x = edges
                x.grad += local_x * g
            else:
                it = iter(edges)
                for parent, local in zip(it, it):
                    parent.grad += local * g
        except TypeError:  # a local of None (every local of the node) fails before any grad changes
            if type(node._fn) is not LearnerOp:
                raise
            run_closure(node, check)
            continue
        if check:
            anomaly.check_backward(node)


def run_closure(node: Value, check: bool = False) -> None:
    """Run a learner's ``_backward`` closure for ``node``; under detect_anomaly, check its parents' grads."""
    closure = node._fn.backward  # type: ignore[union-attr]
    if closure is None:  # micrograd's default lambda: None: the node passes nothing on
        return
    closure()
    if check:
        for index, parent in enumerate(node._edges[0::2]):
            if not math.isfinite(parent.grad):
                raise FloatingPointError(
                    f"backward: the _backward closure of {node.op!r} ({node!r}) left input {index} "
                    f"with grad {parent.grad!r}; the closure computes its own local derivatives, check them"
                )


def closure_contributions(node: Value, g: float) -> dict[int, float]:
    """What ``node``'s closure adds to each parent's grad when the node's grad is ``g``: ``{id: amount}``.

    The closure writes ``.grad`` directly, so it is run with the node's grad set to ``g`` and its
    parents' grads at 0, and every grad is put back afterwards. (A closure that writes to a node
    other than its children is not seen.)
    """
    closure = node._fn.backward  # type: ignore[union-attr]
    parents = list({id(p): p for p in node._edges[0::2]}.values())
    if closure is None:
        return {id(p): 0.0 for p in parents}
    saved = [(p, p.grad) for p in parents] + [(node, node.grad)]
    try:
        for p in parents:
            p.grad = 0.0
        node.grad = g
        closure()
        return {id(p): p.grad for p in parents}
    finally:
        for v, before in saved:
            v.grad = before


def zero_grad(root: Value) -> None:
    """Set the grad of ``root`` and of every node below it to 0.0."""
    for node in topological_order(root):
        node.grad = 0.0


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    seed: float = 1.0,
    allow_unused: bool = False,
) -> list:
    """d(output)/d(input) for each input, as a list, leaving every ``.grad`` untouched.

    An input that is not in the output's graph is an error (usually a slip: a copy of the value,
    or a value read through ``.data``); with ``allow_unused=True`` it gets 0 instead, as in
    PyTorch. With ``create_graph=True`` the gradients are ``Value``s in a new graph
    (differentiate them again for second derivatives); otherwise floats.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__} ({output!r})")
    inputs = [inputs] if isinstance(inputs, Value) else _terms(inputs, "grad", "inputs", of="Values")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__} ({x!r})")
    seed = to_float(seed, "grad: seed")
    if not allow_unused:
        in_graph = {id(v) for v in topological_order(output)}
        for i, x in enumerate(inputs):
            if id(x) not in in_graph:
                raise ValueError(
                    f"grad: inputs[{i}] ({x!r}) is not in the graph of the output ({output!r}): the output "
                    f"does not depend on it; pass allow_unused=True to get 0 for it"
                )
    if create_graph:
        with enable_grad():
            return _grad_graph(output, inputs, seed)
    return _grad_floats(output, inputs, seed)


def _grad_floats(output: Value, inputs: list[Value], seed: float) -> list[float]:
    acc: dict[int, float] = {id(output): seed}
    check = state.anomaly
    for node in reversed(topological_order(output)):
        g = acc.get(id(node), 0.0)
        edges = node._edges
        if edges and edges[1] is None:  # a learner's closure: run it in isolation to see what it adds
            for key, contribution in closure_contributions(node, g).items():
                acc[key] = acc.get(key, 0.0) + contribution
            continue
        for i in range(0, len(edges), 2):
            parent, local = edges[i], edges[i + 1]
            contribution = chain(local, g)
            key = id(parent)
            acc[key] = total = acc.get(key, 0.0) + contribution
            if check:
                anomaly.check_contribution(node, i // 2, local, g, contribution)
                anomaly.check_accumulated(node, i // 2, contribution, total)
    return [acc.get(id(x), 0.0) for x in inputs]


def _grad_graph(output: Value, inputs: list[Value], seed: float) -> list[Value]:
    # Contributions to each node are collected and summed by one n-ary node when the node is
    # reached; every consumer of a node comes before it in reverse topological order.
    pending: dict[int, list] = {id(output): [Value(seed)]}
    done: dict[int, Value] = {}
    for node in reversed(topological_order(output)):
        parts = pending.pop(id(node), None)
        if parts is None:
            continue
        g = parts[0] if len(parts) == 1 else vsum(parts)
        done[id(node)] = g
        fn = node._fn
        if fn is None:
            continue
        if isinstance(fn, LearnerOp):
            raise ValueError(
                f"grad: create_graph=True cannot go through {node!r}, made by a learner's _backward closure "
                f"(op {fn.symbol!r}): the closure computes its grads on floats, so there is no formula to build a "
                f"graph from. Use the engine's own op (for example v.tanh()) or create_graph=False."
            )
        parents = node._edges[0::2]
        try:
            locals_ = fn.local(node, *parents, *fn.params)
        except (ArithmeticError, ValueError):
            # The rule cannot run on Values here because a derivative is infinite (x ** 0.5 at
            # 0): the float locals stored on the node (inf) are used as constants, as backward does.
            locals_ = node._edges[1::2]
        finite = math.isfinite(g.data)
        for parent, local in zip(parents, locals_):
            if float(local) == 0.0 and (not finite or isinstance(local, float)):
                continue  # ops.chain's rule: a zero local passes nothing, even times inf or nan
            contribution = g if (isinstance(local, float) and local == 1.0) else local * g
            pending.setdefault(id(parent), []).append(contribution)
    return [done[id(x)] if id(x) in done else Value(0.0) for x in inputs]
