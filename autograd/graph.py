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
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        edges = node._edges
        # Push parents last-first so the first parent is visited first.
        for i in range(len(edges) - 2, -1, -2):
            parent = edges[i]
            if id(parent) not in seen:
                stack.append((parent, False))
    return order
