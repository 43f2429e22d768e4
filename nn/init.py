"""Random numbers for initialisation: seeds, and weight scales set by a neuron's fan-in.

Weights are drawn from U(-a, a) with variance ``gain / fan_in``, so a neuron's weighted sum keeps
roughly the variance of its inputs whatever its width:

- ``relu``: gain 2 (He et al. 2015): relu zeroes half its inputs, so the weights are wider;
- ``tanh``, ``sigmoid``, ``linear``: gain 1 (Xavier/Glorot, in its fan-in form).

Biases start at 0. A uniform on (-a, a) has variance a^2 / 3, so ``a = sqrt(3 * gain / fan_in)``.

``init="micrograd"`` starts as micrograd's ``nn.py`` does instead: every weight from U(-1, 1)
whatever the fan-in, biases 0, drawn in micrograd's order (layer by layer, neuron by neuron, the
weights of a neuron in turn) from the generator given, by default Python's global ``random``; so
``random.seed(1337)`` then ``MLP(2, [16, 16, 1], init="micrograd")`` holds micrograd's very
weights. ``init="lecture"`` is the lecture's variant (micrograd video): the bias is drawn from
U(-1, 1) too, right after the neuron's weights.

>>> round(init_bound("relu", 16), 4), round(init_bound("tanh", 16), 4)
(0.6124, 0.433)
"""

from __future__ import annotations

import math
import random

Rng = int | random.Random | None  # a seed, a generator, or None (a runtime union: no typing import)
"""What ``rng=`` accepts: an int seed, a ``random.Random``, or None (Python's global ``random``)."""

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
GAINS = {"relu": 2.0, "tanh": 1.0, "sigmoid": 1.0, "linear": 1.0}
INITS = ("fan_in", "micrograd", "lecture")
"""What ``init=`` accepts: scaled by fan-in (the default), or micrograd's / the lecture's U(-1, 1)."""


def make_rng(rng: Rng, where: str) -> random.Random:
    """A ``random.Random`` from a seed, a Random (used as is), or None (the global generator)."""
    if rng is None:
        return random._inst  # type: ignore[attr-defined]  # random.seed(...) then reproduces, as in micrograd
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"{where}: rng must be an int seed, a random.Random or None, got {type(rng).__name__} ({rng!r})")


def check_activation(activation: object, where: str) -> str:
    """``activation`` if it is one of :data:`ACTIVATIONS`, else a ``ValueError`` naming it."""
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"{where}: activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    return activation


def init_bound(activation: str, fan_in: int) -> float:
    """The half-width ``a`` of U(-a, a) giving variance ``gain / fan_in``."""
    return math.sqrt(3.0 * GAINS[activation] / fan_in)


def check_init(init: object, where: str) -> str:
    """``init`` if it is one of :data:`INITS`, else a ``ValueError`` naming it."""
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"{where}: init must be one of {', '.join(map(repr, INITS))}; got {init!r}")
    return init


def first_weights(r: random.Random, init: str, activation: str, nin: int) -> tuple[list[float], float]:
    """A neuron's starting weights and bias under ``init``, drawn from ``r`` in that order."""
    a = 1.0 if init != "fan_in" else init_bound(activation, nin)
    w = [r.uniform(-a, a) for _ in range(nin)]
    b = r.uniform(-1.0, 1.0) if init == "lecture" else 0.0
    return w, b
