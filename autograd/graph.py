"""Graph walks. All iterative (an explicit stack), so a million-node chain is fine.

:func:`topological_order` is the one order everything shares: backward, ``grad``, the stepper
and the renderer. It is deterministic: a depth-first post-order that visits parents in the order
the op received them.

>>> from autograd import Value
>>> a = Value(1.0, label="a"); b = Value(2.0, label="b")
>>> c = a * b; c.label = "c"
>>> [v.label for v in topological_order(c)]
['a', 'b', 'c']
"""

from __future__ import annotations

from .value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, inputs before the nodes that use them.

    ``root`` is last. Walk the list backwards to go from the output to the inputs.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__} ({root!r})")
    # Depth-first: a node is written out once all its parents are. On first visit a node with
    # parents goes back on the stack under a ``None`` marker, its parents on top; popping the
    # marker means everything above it is done, so the node below it is written out next.
    # (Nodes are dict/set keys by identity: Value does not override __eq__ or __hash__.)
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the node under it has all its parents written out
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in seen:
            continue
        seen.add(node)
        edges = node._edges
        if not edges:  # a leaf: nothing to wait for
            order.append(node)
            continue
        stack.append(node)
        stack.append(None)
        # Parents last-first (edges[-2::-2] is parent_{n-1}, ..., parent_0): the first is visited first.
        for parent in edges[-2::-2]:
            if parent not in seen:
                stack.append(parent)
    return order


def interior_order(root: Value) -> list[Value]:
    """The nodes of :func:`topological_order` that have parents, in the same order; no leaves.

    This is all backward needs: a leaf only receives gradient, it passes none on. Leaving the
    leaves out (a network's weights are most of a graph's edges) makes the walk cheaper.

    >>> from autograd import Value
    >>> a = Value(1.0, label="a"); b = Value(2.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> d = c + a; d.label = "d"
    >>> [v.label for v in interior_order(d)]
    ['c', 'd']
    """
    if not isinstance(root, Value):
        raise TypeError(f"interior_order: expected a Value, got {type(root).__name__} ({root!r})")
    if not root._edges:
        return []
    # The walk of topological_order, with a leaf never put on the stack.
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append(node)
        stack.append(None)
        for parent in node._edges[-2::-2]:
            if parent._edges and parent not in seen:
                stack.append(parent)
    return order
