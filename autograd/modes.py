"""Switches that change how ops record: ``no_grad``, ``enable_grad`` and ``scope``.

The engine reads one module-level :data:`state` object on every op, so each switch costs one
attribute lookup when it is off. The state is per process, not per thread (like micrograd, unlike
PyTorch): build graphs from one thread at a time.

>>> from autograd import Value, no_grad
>>> a = Value(2.0)
>>> with no_grad():
...     b = a * 3
>>> b.parents
()
"""

from __future__ import annotations

import contextlib


class _State:
    __slots__ = ("grad_enabled", "anomaly", "scope", "constants")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.scope: str | None = None
        # While autograd.compile traces: the leaves ops made from plain numbers (constants).
        self.constants: list | None = None


state = _State()
"""The switches in force. Read by :func:`autograd.value.apply` on every op."""


class _GradMode(contextlib.ContextDecorator):
    """Sets whether ops record their inputs, restoring the previous setting on exit."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(state.grad_enabled)
        state.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        state.grad_enabled = self._saved.pop()


def no_grad() -> _GradMode:
    """Context manager and decorator: ops inside record no parents (no graph, no gradients)."""
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Context manager and decorator: ops record their inputs again, even inside ``no_grad``."""
    return _GradMode(True)


def is_grad_enabled() -> bool:
    """Whether ops currently record their inputs."""
    return state.grad_enabled


class scope:  # noqa: N801 - used like a function
    """Mark every node created inside with a dotted scope path (``layers.1.neurons.4``).

    Scopes nest; the renderer draws nodes of one scope inside one cluster. ``as`` gives the full
    path. (A small class rather than a generator: nn enters one per neuron call.)

    >>> from autograd import Value, scope
    >>> with scope("layer0"):
    ...     with scope("neuron3"):
    ...         w = Value(0.5)
    >>> w.scope
    'layer0.neuron3'
    """

    __slots__ = ("name", "_outer")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"scope: name must be a non-empty str, got {type(name).__name__} ({name!r})")
        self.name = name
        self._outer: list[str | None] = []

    def __enter__(self) -> str:
        outer = state.scope
        self._outer.append(outer)
        state.scope = self.name if outer is None else f"{outer}.{self.name}"
        return state.scope

    def __exit__(self, *exc: object) -> None:
        state.scope = self._outer.pop()


def current_scope() -> str | None:
    """The dotted scope path new nodes get, or ``None`` outside any scope."""
    return state.scope
