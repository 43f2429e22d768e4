"""nn: neurons, layers and MLPs built on the autograd engine, with losses, optimizers and training.

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], rng=1)
>>> len(model.parameters())
337
"""

from __future__ import annotations

from .dropout import Dropout
from .mlp import MLP, Layer, Neuron
from .module import Module

__all__ = ["MLP", "Dropout", "Layer", "Module", "Neuron"]
