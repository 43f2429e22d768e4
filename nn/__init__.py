"""nn: neurons, layers and MLPs built on the autograd engine, with losses, optimizers and training.

- :mod:`nn.module`: ``Module`` (parameters by name, ``zero_grad``, ``train`` / ``eval``).
- :mod:`nn.mlp`: ``Neuron``, ``Layer``, ``MLP``; :mod:`nn.init` (fan-in initialisation, seeds);
  :mod:`nn.dropout`.
- :mod:`nn.losses`, :mod:`nn.optim`: loss functions; SGD, Adam, learning-rate schedules.
- :mod:`nn.training`: ``fit`` and its ``History``, ``predict``; :mod:`nn.datasets`: toy data.
- :mod:`nn.serialize`: JSON ``save`` / ``load``; :mod:`nn.torch_export`: ``to_torch``;
  :mod:`nn.plot` (:mod:`nn.viz.plot`): figures (needs matplotlib, so it is imported only when first
  used, as ``nn.plot.loss_curve(...)``); :mod:`nn.viz.draw`: the network diagram, ``nn.draw``.

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], rng=1)
>>> len(model.parameters())
337
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd import lazy

from . import datasets, losses, optim
from .dropout import Dropout
from .mlp import MLP, Layer, Neuron
from .module import Module

# Imported on first use, so `import nn` stays quick (and never imports matplotlib).
lazy.install(__name__, {
    "History": ".training", "fit": ".training", "predict": ".training",
    "LoadError": ".serialize", "load": ".serialize", "to_torch": ".torch_export",
    "draw": ".viz.draw", "plot": ".viz.plot",
}, modules=("plot",))
if TYPE_CHECKING:
    from .serialize import LoadError, load
    from .torch_export import to_torch
    from .training import History, fit, predict
    from .viz import plot
    from .viz.draw import draw

__all__ = [
    "MLP",
    "Dropout",
    "History",
    "Layer",
    "LoadError",
    "Module",
    "Neuron",
    "datasets",
    "draw",
    "fit",
    "load",
    "losses",
    "optim",
    "predict",
    "plot",
    "to_torch",
]

