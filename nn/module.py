"""``Module``: the base of every model part: its parameters by name, ``zero_grad``, train/eval.

A module's parameters are found by looking at its attributes in the order they were set: a
``Value`` is a parameter, a list of ``Value``s is a list of parameters, and a ``Module`` (or a
list of them) is a child whose parameters are listed under the attribute's name. So a
``Neuron`` that sets ``self.w`` then ``self.b`` has parameters named ``w.0, w.1, ..., b``, and an
``MLP`` names them ``layers.0.neurons.3.w.1`` (the same order micrograd's ``parameters()`` uses).

>>> from autograd import Value
>>> class Line(Module):
...     def __init__(self):
...         super().__init__()
...         self.w = [Value(2.0)]
...         self.b = Value(0.5)
>>> [name for name, _ in Line().named_parameters()]
['w.0', 'b']
"""

from __future__ import annotations

import os
from collections.abc import Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True
if TYPE_CHECKING:
    from typing import Any

from autograd import Value


class Module:
    """Base class: parameters found from attributes, ``zero_grad``, ``train()`` / ``eval()``."""

    training: bool

    if TYPE_CHECKING:  # subclasses that compute something define __call__; fit() checks at run time

        def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def __init__(self) -> None:
        self.training = True

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Every parameter with its dotted name (``layers.0.neurons.3.w.1``), in a fixed order."""
        # An explicit stack (no recursion): items are (name prefix, object), visited in order.
        stack: list[tuple[str, object]] = [("", self)]
        while stack:
            prefix, obj = stack.pop()
            if isinstance(obj, Value):
                yield prefix, obj
                continue
            children: list[tuple[str, object]] = []
            if isinstance(obj, Module):
                for attr, value in vars(obj).items():
                    if isinstance(value, (Value, Module, list)):
                        children.append((f"{prefix}{attr}", value))
            else:  # a list: only its Values and Modules count
                for i, value in enumerate(obj):  # type: ignore[arg-type]
                    if isinstance(value, (Value, Module)):
                        children.append((f"{prefix}{i}", value))
            for name, value in reversed(children):
                dot = "" if isinstance(value, Value) else "."
                stack.append((name + dot, value))

    def parameters(self) -> list[Value]:
        """Every parameter (weights and biases), in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it."""
        stack: list[object] = [self]
        while stack:
            obj = stack.pop()
            if isinstance(obj, Module):
                yield obj
                stack.extend(reversed([v for v in vars(obj).values() if isinstance(v, (Module, list))]))
            elif isinstance(obj, list):
                stack.extend(reversed([v for v in obj if isinstance(v, Module)]))

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (do it before each ``backward``)."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Switch this module and its children to training mode (dropout active); returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {type(mode).__name__} ({mode!r})")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (dropout off); returns self."""
        return self.train(False)

    def num_parameters(self) -> int:
        """How many scalar parameters this module has."""
        return len(self.parameters())

    def save(self, path: str | os.PathLike) -> None:
        """Write architecture and weights as JSON (see :mod:`nn.serialize`)."""
        from .serialize import save

        save(self, path)

    def load(self, path: str | os.PathLike) -> Module:
        """Load weights saved from a model of the same architecture; on any error, nothing changes."""
        from .serialize import load_into

        load_into(self, path)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
