"""``to_torch``: the same network as a ``torch.nn.Sequential``, for learners moving on to PyTorch.

Each ``Layer`` becomes a ``torch.nn.Linear`` whose weight row ``j`` is neuron ``j``'s ``w`` and
whose bias entry ``j`` is its ``b``, followed by the activation module (none for ``linear``);
an MLP's dropout becomes ``torch.nn.Dropout`` after each hidden layer. torch is optional and
imported here only; weights are copied in float64 by default, so outputs match to rounding.
"""

from __future__ import annotations

from typing import Any

from .mlp import MLP, Layer, Neuron
from .module import Module


def to_torch(model: Module, dtype: Any = None) -> Any:
    """A ``torch.nn.Sequential`` computing the same function as ``model`` (MLP, Layer or Neuron)."""
    try:
        import torch
    except ImportError:
        raise ImportError("nn.to_torch needs PyTorch: pip install torch (see https://pytorch.org)") from None
    dtype = torch.float64 if dtype is None else dtype
    if isinstance(model, MLP):
        layers, dropout = model.layers, (model.dropout.p if model.dropout else 0.0)
    elif isinstance(model, Layer):
        layers, dropout = [model], 0.0
    elif isinstance(model, Neuron):
        layers, dropout = [_single(model)], 0.0  # type: ignore[list-item]  # Layer-shaped
    else:
        raise TypeError(f"nn.to_torch: can convert an MLP, Layer or Neuron, got {type(model).__name__}")
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    parts: list[Any] = []
    for i, layer in enumerate(layers):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=dtype))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=dtype))
        parts.append(linear)
        if layer.activation in activations:
            parts.append(activations[layer.activation]())
        if dropout and i < len(layers) - 1:
            parts.append(torch.nn.Dropout(dropout))
    seq = torch.nn.Sequential(*parts)
    seq.train(model.training)
    return seq


class _single:
    """A one-neuron stand-in with the attributes of a Layer."""

    def __init__(self, neuron: Neuron) -> None:
        self.nin, self.nout, self.activation, self.neurons = neuron.nin, 1, neuron.activation, [neuron]
