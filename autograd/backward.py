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
from .value import Value, to_float

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
        if check:
            anomaly.check_backward(node)


def zero_grad(root: Value) -> None:
    """Set the grad of ``root`` and of every node below it to 0.0."""
    for node in topological_order(root):
        node.grad = 0.0


def grad(
    output: Value, inputs: Value | Sequence[Value], create_graph: bool = False, seed: float = 1.0
) -> list:
    """d(output)/d(input) for each input, as a list, leaving every ``.grad`` untouched.

    Inputs the output does not depend on get 0.0. With ``create_graph=True`` the gradients are
    ``Value``s in a new graph (differentiate them again for second derivatives); otherwise floats.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__} ({output!r})")
    inputs = [inputs] if isinstance(inputs, Value) else _terms(inputs, "grad", "inputs", of="Values")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__} ({x!r})")
    seed = to_float(seed, "grad: seed")
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
