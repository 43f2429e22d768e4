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
