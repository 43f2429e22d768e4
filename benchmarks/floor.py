"""The floor: the least work a pure-Python eager engine can do per node, for instruction counts.

Not an engine to use: no checks, no error messages, no scopes, no anomaly mode, nothing a
learner can inspect but the numbers. Each op is one Python-level method call that allocates one
slotted object holding its data, a zero grad and its edges ``(parent, local, ...)``, and
``backward`` is an iterative topological walk that pushes ``local * grad`` along every edge. Any
eager engine written in Python records a node at least this way, so its instruction count is a
lower bound for ours (``python3 dev.py instructions`` prints both).
"""

from __future__ import annotations


class Value:
    __slots__ = ("data", "grad", "edges")

    def __init__(self, data: float, edges: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self.edges = edges

    def __add__(self, other: object) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, 1.0, other, 1.0))

    __radd__ = __add__

    def __mul__(self, other: object) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other.data, other, self.data))

    __rmul__ = __mul__

    def __pow__(self, k: float) -> Value:
        return Value(self.data**k, (self, k * self.data ** (k - 1)))

    def relu(self) -> Value:
        return Value(self.data if self.data > 0 else 0.0, (self, 1.0 if self.data > 0 else 0.0))

    def __neg__(self) -> Value:
        return Value(-self.data, (self, -1.0))

    def __sub__(self, other: object) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, 1.0, other, -1.0))

    def __rsub__(self, other: object) -> Value:
        return Value(other) - self

    def __truediv__(self, other: object) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data / other.data, (self, 1.0 / other.data, other, -self.data / other.data**2))

    def __rtruediv__(self, other: object) -> Value:
        return Value(other) / self

    def backward(self) -> None:
        order, seen, stack = [], set(), [self]
        while stack:
            node = stack.pop()
            if node is None:
                order.append(stack.pop())
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append(node)
            stack.append(None)
            stack.extend(p for p in node.edges[::2] if p not in seen)
        self.grad = 1.0
        for node in reversed(order):
            e = node.edges
            for i in range(0, len(e), 2):
                e[i].grad += e[i + 1] * node.grad
