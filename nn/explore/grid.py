"""The model's outputs on many points, fast: a compiled forward, and half the points in a second process.

The decision regions need the model on every cell of a 50x50 grid after every step. Each cell is
one replay of :func:`autograd.compile` of the model's forward (no graph built). With
``workers=True`` a helper process (started once, with ``spawn``) holds a copy of the model, gets
the current weights with each request and replays the second half of the points while this
process does the first, so a machine with two cores draws the regions in about half the time.
The numbers are the same either way (the same compiled code on the same weights). If the helper
cannot start or dies, everything is computed here.

>>> import nn
>>> model = nn.MLP(2, [3, 1], rng=0)
>>> g = Outputs(workers=False)
>>> g.of(model, [[0.0, 1.0], [0.5, -0.5]]) == [model(x).data for x in [[0.0, 1.0], [0.5, -0.5]]]
True
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import autograd

from ..mlp import MLP

Architecture = tuple[tuple[int, ...], str, str]


def forwards(model: MLP) -> list[Callable[..., float]]:
    """One compiled forward per output of ``model`` (``compile`` replays a single Value)."""
    if model.nout == 1:
        return [autograd.compile(lambda x: model(x))]
    return [autograd.compile(lambda x, k=k: model(x)[k]) for k in range(model.nout)]  # type: ignore[index]


def evaluate(fns: list[Callable[..., float]], rows: list[list[float]]) -> list:
    """The outputs on every row: floats for one output, lists of floats otherwise."""
    if len(fns) == 1:
        f = fns[0]
        return [f(x) for x in rows]
    return [[f(x) for f in fns] for x in rows]


def architecture(model: MLP) -> Architecture:
    return tuple(model.nouts), model.activation, model.output_activation


_copies: dict[Architecture, tuple[list, list]] = {}


def _remote(arch: Architecture, weights: list[float], rows: list[list[float]]) -> list:
    """In the helper process: the outputs of a model of ``arch`` with ``weights`` on ``rows``."""
    entry = _copies.get(arch)
    if entry is None:
        _copies.clear()
        model = MLP(2, list(arch[0]), activation=arch[1], output_activation=arch[2], rng=0)
        entry = _copies[arch] = (model.parameters(), forwards(model))
    params, fns = entry
    for p, w in zip(params, weights):
        p.data = w
    return evaluate(fns, rows)


def _ignore_ctrl_c() -> None:
    """In the helper: Ctrl-C is for the server, which stops the helper itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Outputs:
    """Outputs of a model on many rows, half of them in a helper process when ``workers``."""

    def __init__(self, workers: bool = False) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._fns: tuple[MLP, list] | None = None
        if workers:
            try:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_ignore_ctrl_c)
                self._pool.submit(int).result(timeout=60)  # started and ready
            except Exception:  # no helper: compute everything here
                self.close()

    def _local(self, model: MLP) -> list:
        if self._fns is None or self._fns[0] is not model:
            self._fns = (model, forwards(model))
        return self._fns[1]

    def of(self, model: MLP, rows: list[list[float]]) -> list:
        """``model``'s outputs on ``rows`` at its current weights."""
        fns = self._local(model)
        if self._pool is None or len(rows) < 200:
            return evaluate(fns, rows)
        half = len(rows) // 2
        try:
            far: Future[Any] = self._pool.submit(_remote, architecture(model), [p.data for p in model.parameters()],
                                                 rows[half:])
        except Exception:
            self.close()
            return evaluate(fns, rows)
        near = evaluate(fns, rows[:half])
        try:
            return near + far.result(timeout=60)
        except Exception:
            self.close()
            return near + evaluate(fns, rows[half:])

    def close(self) -> None:
        """Stop the helper process (computing goes on here)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
