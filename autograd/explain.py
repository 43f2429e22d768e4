"""``explain(v)`` / ``explain(v, loss)``: where a gradient came from, as a small table with numbers.

After a backward pass, ``v.grad`` is dL/dv, and the chain rule says it is a sum with one term per
*use* of ``v``: for every node that took ``v`` as an input, d(node)/dv x dL/d(node). This module
finds those uses by walking the graph of ``loss`` (nodes know their inputs, not their users, so
the loss is needed to find the users), and lists each term. The terms are added in backward's own
order, so their total is ``v.grad`` exactly (unless a leaf accumulated over several passes, which
the table then points out). Nodes are named as in every view (:mod:`autograd.names`).

>>> from autograd import Value
>>> a = Value(3.0, label="a"); b = Value(2.0, label="b")
>>> loss = a * a + a * b; loss.label = "loss"
>>> loss.backward()
>>> explain(a, loss)
dL/da = sum over the 3 uses of a of  d(node)/da x dL/d(node):
  node         d(node)/da   dL/d(node)   contribution
  n2 = a * b   b = 2.000    1.000        2.000
  n1 = a * a   a = 3.000    1.000        3.000
  n1 = a * a   a = 3.000    1.000        3.000
  total                                  8.000   = a.grad
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .backward import closure_contributions, last_root
from .graph import topological_order
from .names import node_names
from .stepper import describe, formula, number
from .value import Value

__all__ = ["Explanation", "Use", "explain"]


@dataclass(frozen=True)
class Use:
    """One use of the explained value: a node that took it as an input, and the blame it sent back."""

    node: Value
    """The node that used the value."""
    position: int
    """Which input of ``node`` the value was (a node like ``a * a`` uses it twice)."""
    local: float
    """d(node)/d(value), stored on the node when it was made."""
    node_grad: float
    """dL/d(node), as the node's ``.grad`` holds it now."""
    contribution: float
    """``local * node_grad``: this use's share of dL/d(value)."""


@dataclass(frozen=True)
class Explanation:
    """dL/dv as a sum over the uses of ``v``; prints as a table."""

    value: Value
    root: Value
    uses: tuple[Use, ...]
    """Every use of ``value``, in the order backward adds them."""
    total: float
    """The sum of the contributions (for the root itself: its grad, the seed)."""
    names: dict[int, str] = field(repr=False, compare=False)

    def __str__(self) -> str:
        name = self.names[id(self.value)]
        if self.value is self.root:
            return (
                f"dL/d{name}: {name} is the root L itself; its grad {number(self.value.grad)} is the seed "
                "backward started from (1.0 unless you passed one)"
            )
        n = len(self.uses)
        uses = f"{n} use{'s' if n != 1 else ''}"
        head = f"dL/d{name} = sum over the {uses} of {name} of  d(node)/d{name} x dL/d(node):"
        rows = [("node", f"d(node)/d{name}", "dL/d(node)", "contribution")]
        for use in self.uses:
            text = formula(use.node, use.position, self.names)
            local = number(use.local)
            rows.append((
                describe(use.node, self.names),
                text if math.isnan(use.local) else local if text == local or text in ("1", "-1") else f"{text} = {local}",
                number(use.node_grad),
                number(use.contribution),
            ))
        widths = [max(len(r[i]) for r in rows) + 3 for i in range(3)]
        lines = [head] + ["  " + "".join(c.ljust(w) for c, w in zip(r, widths)) + r[3] for r in rows]
        check = f"= {name}.grad"
        if repr(self.total) != repr(self.value.grad):
            check = (
                f"but {name}.grad is {number(self.value.grad)}: "
                + ("leaf grads accumulate over backward() calls (zero_grad() first)"
                   if self.value.is_leaf else "run backward() on this root first")
            )
        lines.append("  " + "total".ljust(sum(widths)) + f"{number(self.total)}   {check}")
        if any(math.isnan(use.local) for use in self.uses):
            lines.append(f"  (in a closure): what a _backward closure added to {name}; locals not stored")
        if not self.uses:
            lines.append(f"  ({name} does not reach L, so dL/d{name} = 0)")
        return "\n".join(lines)

    __repr__ = __str__


def explain(v: Value, root: Value | None = None) -> Explanation:
    """dL/dv (``L = root``) as the sum over the nodes that used ``v`` of local derivative x their grad.

    ``root`` defaults to the output of the latest ``backward()`` (or stepper) run.
    """
    if not isinstance(v, Value):
        raise TypeError(f"explain: expected a Value to explain, got {type(v).__name__} ({v!r})")
    if root is None:
        root = last_root()
        if root is None:
            raise ValueError("explain: no backward() has run yet (or its output is gone); pass it: explain(v, loss)")
    if not isinstance(root, Value):
        raise TypeError(
            f"explain: root must be the Value backward ran from, got {type(root).__name__} ({root!r})"
        )
    order = topological_order(root)
    names = node_names(order)
    if id(v) not in names:
        raise ValueError(f"explain: {v!r} is not in the graph of the root {root!r}")
    uses: list[Use] = []
    total = 0.0
    # Backward visits consumers in reverse topological order and inputs in order; so do we, so
    # the float sum below is the very sum backward computed.
    for node in reversed(order):
        edges = node._edges
        if edges and edges[1] is None:  # a learner's closure: what it adds to v, found by running it
            if any(p is v for p in edges[0::2]):
                contribution = closure_contributions(node, node.grad)[id(v)]
                total += contribution
                uses.append(Use(node, edges[0::2].index(v), math.nan, node.grad, contribution))
            continue
        for i in range(0, len(edges), 2):
            if edges[i] is v:
                contribution = edges[i + 1] * node.grad
                total += contribution
                uses.append(Use(node, i // 2, edges[i + 1], node.grad, contribution))
    if v is root:
        total = v.grad
    return Explanation(v, root, tuple(uses), total, names)
