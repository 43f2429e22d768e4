"""nn: neurons, layers and MLPs built on the autograd engine, with losses, optimizers and training.

- :mod:`nn.module`: ``Module`` (parameters by name, ``zero_grad``, ``train`` / ``eval``).
- :mod:`nn.mlp`: ``Neuron``, ``Layer``, ``MLP``; :mod:`nn.init` (fan-in initialisation, seeds);
  :mod:`nn.dropout`.
- :mod:`nn.losses`, :mod:`nn.optim`: loss functions; SGD, Adam, AdamW, learning-rate schedules.
- :mod:`nn.training`: ``step`` (one training step), ``fit`` and its ``History``, ``predict``;
  :mod:`nn.datasets`: toy data.
- :mod:`nn.serialize`: JSON ``save`` / ``load``; :mod:`nn.torch_export`: ``to_torch``;
  :mod:`nn.plot` (:mod:`nn.viz.plot`): figures (needs matplotlib, so it is imported only when first
  used, as ``nn.plot.loss_curve(...)``); :mod:`nn.viz.draw`: the network diagram, ``nn.draw``.
- :mod:`nn.explore`: the training explorer in the browser, ``nn.explore()`` (extra ``explore``;
  loaded on first use).

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], rng=1)
>>> len(model.parameters())
337
"""

from __future__ import annotations

from . import datasets, losses, optim
from .viz.draw import draw
from .dropout import Dropout
from .mlp import MLP, Layer, Neuron
from .module import Module
from .serialize import LoadError, load
from .torch_export import to_torch
from .training import History, StepResult, fit, predict

__all__ = [
    "MLP",
    "Dropout",
    "History",
    "Layer",
    "LoadError",
    "Module",
    "Neuron",
    "StepResult",
    "datasets",
    "draw",
    "explore",
    "fit",
    "load",
    "losses",
    "optim",
    "predict",
    "plot",
    "to_torch",
]


def __getattr__(name: str) -> object:
    """``nn.plot`` and ``nn.explore`` are imported on first use (no matplotlib or Starlette at ``import nn``)."""
    if name == "plot":
        from .viz import plot

        return plot
    if name == "explore":
        import importlib

        return importlib.import_module(".explore", __name__)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
