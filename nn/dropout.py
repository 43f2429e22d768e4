"""``Dropout(p)``: in training, zero each input with probability ``p`` and scale the rest by 1/(1-p).

Scaling the kept inputs ("inverted dropout") keeps every output's expected value unchanged, so
in evaluation mode dropout simply passes its inputs through untouched.

>>> from autograd import Value
>>> drop = Dropout(0.5, rng=0)
>>> xs = [Value(1.0) for _ in range(6)]
>>> sorted({v.data for v in drop(xs)})
[0.0, 2.0]
>>> drop.eval()(xs) == xs
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value

from .init import Rng, make_rng
from .module import Module


class Dropout(Module):
    """Zero each input with probability ``p`` while training; the identity in eval mode."""

    def __init__(self, p: float = 0.5, rng: Rng = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not (0.0 <= p < 1.0) or math.isnan(p):
            raise ValueError(f"nn.Dropout: p must be a number in [0, 1), got {p!r}")
        self.p = float(p)
        self.rng = make_rng(rng, "nn.Dropout")

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        xs = list(x)
        if not self.training or self.p == 0.0:
            return xs
        keep = 1.0 / (1.0 - self.p)
        return [v * (0.0 if self.rng.random() < self.p else keep) for v in xs]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
