"""One name per node, the same in every view: stepper, explain, draw, animate, sketch, compile.

A node's name is, in this order:

1. its ``label``, when it has one;
2. for a parameter of an ``nn`` module, its parameter name in short form: ``named_parameters()``'s
   ``layers.0.neurons.3.w.1`` is shown as ``L0N3.w1`` (layer 0, neuron 3, weight 1; ``L1N0.b`` is
   a bias), the same ``L<i>N<j>`` that ``nn.draw`` uses for a neuron;
3. for a constant the engine made from a plain number (the ``2`` in ``2 * a``), the number: ``2``;
4. else ``n1``, ``n2``, ... in topological order, with no gaps (names a label already took are
   skipped).

Names of kind 4 depend on the graph they are counted in, so every view of one graph counts them
over the same order, :func:`autograd.topological_order` of its root.

>>> from autograd import Value
>>> from autograd.graph import topological_order
>>> x = Value(0.5, label="x"); w = Value(-1.5)
>>> y = (x * w + 2).tanh()
>>> names = node_names(topological_order(y))
>>> [names[id(v)] for v in topological_order(y)]
['x', 'n1', 'n2', '2', 'n3', 'n4']
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Iterable, Sequence

from .value import Constant, Value

__all__ = ["constant_text", "name_parameters", "node_names", "parameter_name", "short_parameter_name"]

_parameter_names: weakref.WeakKeyDictionary[Value, str] = weakref.WeakKeyDictionary()


def name_parameters(named: Iterable[tuple[str, Value]]) -> None:
    """Remember the parameter name of each ``(name, value)`` pair (``nn`` modules call this).

    The name is stored in the short form of :func:`short_parameter_name`. A value named again
    (a neuron that becomes part of a layer, then of an MLP) takes the latest, outermost name.
    Nothing is kept alive by this: the values are held weakly.
    """
    for name, value in named:
        if not isinstance(name, str) or not isinstance(value, Value):
            raise TypeError(
                f"name_parameters: expected (str, Value) pairs, got ({type(name).__name__}, {type(value).__name__})"
            )
        _parameter_names[value] = short_parameter_name(name)


def parameter_name(value: Value) -> str | None:
    """The short parameter name ``value`` was given by :func:`name_parameters`, or ``None``."""
    return _parameter_names.get(value)


_PART = re.compile(r"(layers|neurons|w)\.(\d+)")


def short_parameter_name(dotted: str) -> str:
    """``layers.0.neurons.3.w.1`` -> ``L0N3.w1``; ``neurons.2.b`` -> ``N2.b``; ``w.0`` -> ``w0``.

    >>> short_parameter_name("layers.1.neurons.0.b")
    'L1N0.b'
    >>> short_parameter_name("w.0")
    'w0'
    """
    short = _PART.sub(lambda m: {"layers": "L", "neurons": "N", "w": "w"}[m.group(1)] + m.group(2), dotted)
    return re.sub(r"(?<=[LN]\d)\.(?=[LN])|(?<=\d)\.(?=N)", "", short)


def constant_text(x: float) -> str:
    """A constant's number as its name: ``2`` for 2.0, ``-0.5``, ``1e-06`` (exact, shortest)."""
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def node_names(order: Sequence[Value]) -> dict[int, str]:
    """``id(node) -> name`` for every node of a topological order, by the rules in the module doc."""
    taken = {v.label for v in order if v.label}
    # WeakKeyDictionary's own dict, weakref -> name (looked up by weakref: one dict lookup a leaf)
    params = _parameter_names.data if _parameter_names else None  # type: ignore[attr-defined]
    names: dict[int, str] = {}
    numbers: dict[float, str] = {}  # one string per constant value, however many nodes hold it
    count = 0
    for v in order:
        label = v.label
        if label:
            names[id(v)] = label
            continue
        if not v._edges:  # only leaves can be parameters or constants
            if params is not None:
                given = params.get(weakref.ref(v))
                if given is not None:
                    names[id(v)] = given
                    continue
            if type(v) is Constant:
                text = numbers.get(v.data)
                if text is None:
                    text = numbers[v.data] = constant_text(v.data)
                names[id(v)] = text
                continue
        count += 1
        name = f"n{count}"
        if taken:
            while name in taken:
                count += 1
                name = f"n{count}"
        names[id(v)] = name
    return names
