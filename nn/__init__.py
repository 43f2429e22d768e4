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


def _check_engine() -> None:
    """``autograd`` must be blamegrad's engine, not HIPS autograd (same import name): see autograd.name_clash."""
    import importlib.util
    import os
    import sys

    ours = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "autograd")
    module = sys.modules.get("autograd")
    if module is not None and getattr(module, "__blamegrad__", False):
        return
    try:
        spec = importlib.util.find_spec("autograd")
    except (ImportError, ValueError):
        spec = None
    origin = spec.origin if spec is not None else None
    if origin is not None:
        try:
            with open(origin, encoding="utf-8", errors="replace") as f:
                if "__blamegrad__ = True" in f.read():
                    return
        except OSError:
            pass
    where = os.path.join(ours, "name_clash.py")  # loaded by path: `import autograd.x` runs the other __init__
    loader = importlib.util.spec_from_file_location("_blamegrad_name_clash", where)
    if loader is None or loader.loader is None or not os.path.exists(where):
        raise ImportError(f"nn: `import autograd` finds {origin}, which is not blamegrad's engine; use a separate virtual environment")
    clash = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(clash)
    raise clash.foreign_autograd_error(origin, ours)


_check_engine()

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True

from autograd import lazy  # noqa: E402

from .dropout import Dropout  # noqa: E402
from .mlp import MLP, Layer, Neuron  # noqa: E402
from .module import Module  # noqa: E402

# Imported on first use, so `import nn` stays quick (no matplotlib, Starlette or JSON machinery).
lazy.install(__name__, {
    "History": ".training", "StepResult": ".training", "fit": ".training", "predict": ".training",
    "LoadError": ".serialize", "load": ".serialize", "to_torch": ".torch_export",
    "draw": ".viz.draw", "plot": ".viz.plot", "explore": ".explore",
    "datasets": ".datasets", "losses": ".losses", "optim": ".optim",
}, modules=("plot", "explore", "datasets", "losses", "optim"))
if TYPE_CHECKING:
    from . import datasets, explore, losses, optim
    from .serialize import LoadError, load
    from .torch_export import to_torch
    from .training import History, StepResult, fit, predict
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

