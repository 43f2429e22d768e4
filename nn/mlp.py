"""``Neuron``, ``Layer`` and ``MLP``: a weighted sum and an activation, stacked.

A neuron computes ``act(w . x + b)``: ONE ``autograd.dot`` node for the weighted sum (not a chain
of additions), then one activation node (none for ``linear``). A layer is ``nout`` neurons reading
the same inputs and always returns a list. An MLP chains layers; like micrograd's it returns a
single ``Value`` when the last layer has one output.

Every node a neuron makes (its weights at construction, its dot and activation nodes when
called) carries the scope ``layers.{i}.neurons.{j}`` when built and called through an MLP, the
same path as the parameter names, so a drawing can group a neuron's nodes in one box.

>>> model = MLP(2, [16, 16, 1], rng=0)
>>> model.num_parameters()
337
>>> out = model([0.5, -1.0])
>>> out.op, out.scope, out.parents[0].scope
('dot', 'layers.2.neurons.0', 'layers.2.neurons.0')
>>> [name for name, _ in model.named_parameters()][:3]
['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
"""

from __future__ import annotations

import numbers
import random
from builtins import sum as builtins_sum
from collections.abc import Sequence

import autograd
from autograd import Value
from autograd.names import name_parameters
from autograd.value import to_float

from .dropout import Dropout
from .init import Rng, check_activation, check_init, first_weights, make_rng
from .module import Module

MAX_PARAMETERS = 10_000_000
"""The most parameters a model may have (each is a Value of about 100 bytes: 1 GB). Sizes are
checked against it before anything is allocated, so ``nn.Layer(2, 10**400)`` fails at once."""


def check_count(n: object, where: str, what: str) -> int:
    """``n`` if it is a positive int (not a bool) up to MAX_PARAMETERS, else an error naming ``where``."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{where}: {what} must be a positive int, got {type(n).__name__} ({n!r})")
    if n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n!r}")
    if n > MAX_PARAMETERS:
        raise ValueError(f"{where}: {what} is {_size(n)}, more than the limit of {MAX_PARAMETERS:,} (nn.mlp.MAX_PARAMETERS)")
    return int(n)


def check_parameters(sizes: Sequence[int], where: str) -> None:
    """Refuse layer sizes whose weights and biases would pass MAX_PARAMETERS (before allocating)."""
    count = builtins_sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{where}: these sizes make {_size(count)} parameters, more than the limit of {MAX_PARAMETERS:,} "
            "(nn.mlp.MAX_PARAMETERS)"
        )


def _size(n: int) -> str:
    text = str(n)
    return f"{text[:6]}... ({len(text)} digits)" if len(text) > 20 else f"{n:,}"


def as_inputs(x: object, nin: int, where: str) -> list[Value]:
    """``x`` (a list, tuple, numpy array or other sequence) as a list of ``nin`` Values.

    Numbers become constant leaves once here, so every neuron of a layer shares the same inputs.
    """
    if isinstance(x, (Value, str, bytes, bytearray)) or not hasattr(x, "__len__"):
        raise TypeError(f"{where}: expected a sequence of {nin} inputs, got {type(x).__name__} ({x!r})")
    xs = x if isinstance(x, list) else list(x)  # type: ignore[call-overload]
    if len(xs) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(xs)}")
    if all(type(v) is Value for v in xs):
        return xs
    return [v if isinstance(v, Value) else Value(to_float(v, f"{where}: x[{i}]")) for i, v in enumerate(xs)]


_ACT = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid}


class Neuron(Module):
    """``activation(w . x + b)``: ``nin`` weights, one bias, one dot node then the activation."""

    def __init__(self, nin: int, activation: str = "relu", rng: Rng = None, init: str = "fan_in") -> None:
        super().__init__()
        self.nin = check_count(nin, "nn.Neuron", "nin")
        check_parameters([self.nin, 1], "nn.Neuron")
        self.activation = check_activation(activation, "nn.Neuron")
        r = make_rng(rng, "nn.Neuron")
        w, b = first_weights(r, check_init(init, "nn.Neuron"), self.activation, self.nin)
        self.w = [Value(x) for x in w]
        self.b = Value(b)
        name_parameters(self.named_parameters())  # views call w[0] "w0" (autograd.names)

    def __call__(self, x: Sequence) -> Value:
        return self._forward(as_inputs(x, self.nin, "nn.Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        """The neuron on inputs already checked by :func:`as_inputs`."""
        act = autograd.dot(self.w, xs, self.b)
        f = _ACT.get(self.activation)
        return act if f is None else f(act)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons on the same ``nin`` inputs; calling it returns a list of ``nout`` Values."""

    def __init__(
        self, nin: int, nout: int, activation: str = "relu", rng: Rng = None, init: str = "fan_in"
    ) -> None:
        super().__init__()
        self.nin = check_count(nin, "nn.Layer", "nin")
        self.nout = check_count(nout, "nn.Layer", "nout")
        check_parameters([self.nin, self.nout], "nn.Layer")
        self.activation = check_activation(activation, "nn.Layer")
        init = check_init(init, "nn.Layer")
        r = make_rng(rng, "nn.Layer")
        self.neurons = []
        self._scopes = [autograd.scope(f"neurons.{j}") for j in range(self.nout)]  # made once, entered per call
        for j in range(self.nout):
            with self._scopes[j]:
                self.neurons.append(Neuron(self.nin, self.activation, r, init))
        name_parameters(self.named_parameters())  # "N3.w1"

    def __call__(self, x: Sequence) -> list[Value]:
        xs = as_inputs(x, self.nin, "nn.Layer")
        out = []
        for n, neuron_scope in zip(self.neurons, self._scopes):
            with neuron_scope:
                out.append(n._forward(xs))
        return out

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """Layers of sizes ``nouts`` on ``nin`` inputs; hidden layers use ``activation``.

    Returns a single ``Value`` when the last layer has one output, else a list. With
    ``dropout=p`` > 0, each hidden layer's outputs pass through :class:`~nn.Dropout` (training only).
    ``init="micrograd"`` starts the weights as micrograd's ``nn.py`` does (see :mod:`nn.init`).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        dropout: float = 0.0,
        rng: Rng = None,
        init: str = "fan_in",
    ) -> None:
        super().__init__()
        self.nin = check_count(nin, "nn.MLP", "nin")
        self.init = check_init(init, "nn.MLP")
        if isinstance(nouts, (str, bytes, bytearray)) or not isinstance(nouts, Sequence) and not hasattr(nouts, "tolist"):
            raise TypeError(f"nn.MLP: nouts must be a non-empty list of positive ints, got {type(nouts).__name__} ({nouts!r})")
        sizes = list(nouts.tolist() if hasattr(nouts, "tolist") else nouts)
        if not sizes:
            raise ValueError(f"nn.MLP: nouts must be a non-empty list, got {nouts!r}")
        for k, n in enumerate(sizes):
            sizes[k] = check_count(n, "nn.MLP", f"nouts[{k}]")
        check_parameters([self.nin, *sizes], "nn.MLP")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"nn.MLP: dropout must be a number in [0, 1), got {type(dropout).__name__} ({dropout!r:.80})")
        self.nouts: list[int] = sizes
        self.activation: str = check_activation(activation, "nn.MLP")
        self.output_activation: str = check_activation(output_activation, "nn.MLP")
        r = make_rng(rng, "nn.MLP")
        self.dropout: Dropout | None = Dropout(dropout, rng=random.Random(r.random())) if dropout else None
        self.layers: list[Layer] = []
        fan_in = [self.nin, *sizes]
        for i, nout in enumerate(sizes):
            act = self.output_activation if i == len(sizes) - 1 else self.activation
            with autograd.scope(f"layers.{i}"):
                self.layers.append(Layer(fan_in[i], nout, act, r, self.init))
        name_parameters(self.named_parameters())  # "L0N3.w1"

    def __call__(self, x: Sequence) -> Value | list[Value]:
        out = as_inputs(x, self.nin, "nn.MLP")
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            with autograd.scope(f"layers.{i}"):
                out = layer(out)
            if self.dropout is not None and i < last:
                out = self.dropout(out)
        return out[0] if len(out) == 1 else out

    @property
    def nout(self) -> int:
        """Number of outputs (size of the last layer)."""
        return self.nouts[-1]

    def __repr__(self) -> str:
        extra = f", dropout={self.dropout.p}" if self.dropout is not None else ""
        extra += f", init={self.init!r}" if self.init != "fan_in" else ""
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}{extra})"
        )
