"""Batched replay for training: what ``nn.fit(..., compile="batched")`` runs.

The loss of ONE example, ``loss_fn([model(x)], [t])``, is traced once and replayed over a whole
batch as numpy (:func:`autograd.compile` with ``batched=True``). The losses in :mod:`nn.losses`
read their targets as numbers (a hinge target picks a sign, a class index picks a logit), so a
target is part of the trace: there is one trace per distinct target, and a batch is replayed
as one group per target. That suits classification (2 or 10 targets); a regression, where every
target differs, is refused up front (use ``compile=True``, which replays whole batches).

Every loss in :mod:`nn.losses` is a mean over the batch, so the batch's loss is the sum of the
per-example losses divided by the batch size, and so are its gradients.

>>> import nn
>>> X, y = nn.datasets.moons(40, seed=0, signed=True)
>>> model = nn.MLP(2, [8, 1], rng=0)
>>> step = BatchedLoss(model, nn.losses.hinge, y)
>>> eager = nn.losses.hinge([model(x) for x in X], y).data
>>> abs(step.backward(X, y) - eager) < 1e-12       # the same loss, and its grads added
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import autograd

from .module import Module

MAX_TARGETS = 64
"""At most this many distinct targets: one trace each."""


def _key(t: Any) -> Any:
    return tuple(t) if isinstance(t, (list, tuple)) else float(t)


class BatchedLoss:
    """``loss_fn`` over batches, one example's trace per distinct target, replayed with numpy."""

    def __init__(self, model: Module, loss_fn: Callable[[list, list], Any], targets: Sequence) -> None:
        distinct = {_key(t) for t in targets}
        if len(distinct) > MAX_TARGETS:
            raise ValueError(
                f"nn.fit: compile='batched' traces one program per distinct target, and the data has "
                f"{len(distinct)} (more than {MAX_TARGETS}: a regression?); use compile=True instead"
            )
        self.model = model
        self.loss_fn = loss_fn
        self._programs: dict[Any, Any] = {}
        self._predict = autograd.compile(lambda x: model(x), batched=True)

    def _program(self, t: Any) -> Any:
        key = _key(t)
        program = self._programs.get(key)
        if program is None:
            model, loss_fn = self.model, self.loss_fn
            program = self._programs[key] = autograd.compile(lambda x, t=t: loss_fn([model(x)], [t]), batched=True)
        return program

    def _groups(self, targets: Sequence) -> dict[Any, tuple[Any, list[int]]]:
        groups: dict[Any, tuple[Any, list[int]]] = {}
        for i, t in enumerate(targets):
            groups.setdefault(_key(t), (t, []))[1].append(i)
        return groups

    def backward(self, rows: Sequence, targets: Sequence) -> float:
        """The mean loss over the batch; its gradients are added into the model's ``.grad``."""
        import numpy as np

        X = np.asarray(rows, dtype=float)
        n = len(X)
        total = 0.0
        for t, idx in self._groups(targets).values():
            total += self._program(t).backward(X[idx], reduce="sum", seed=1.0 / n)
        return total / n

    def loss(self, rows: Sequence, targets: Sequence) -> float:
        """The mean loss over the batch, forward only (no gradients)."""
        import numpy as np

        X = np.asarray(rows, dtype=float)
        return sum(float(self._program(t)(X[idx]).sum()) for t, idx in self._groups(targets).values()) / len(X)

    def predict(self, rows: Sequence) -> list:
        """The model's outputs on ``rows``: a float per row, or a list per row for several outputs."""
        import numpy as np

        return self._predict(np.asarray(rows, dtype=float)).tolist()
