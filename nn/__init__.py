"""nn: neurons, layers and MLPs built on the autograd engine, with losses, optimizers and training.

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], rng=1)
>>> len(model.parameters())
337
"""

from __future__ import annotations

from . import datasets, losses, optim
from .dropout import Dropout
from .fit import History, fit, predict
from .mlp import MLP, Layer, Neuron
from .module import Module
from .serialize import LoadError, load

__all__ = ["MLP", "Dropout", "History", "Layer", "LoadError", "Module", "Neuron", "datasets", "fit", "load", "losses", "optim", "predict"]
