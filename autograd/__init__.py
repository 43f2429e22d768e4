"""autograd: a see-through scalar autograd engine (the engine of blamegrad).

A :class:`Value` records every op into a graph; ``backward()`` walks it in reverse topological
order and fills each node's ``.grad``. Every op's maths is one stanza in :mod:`autograd.ops`.

>>> from autograd import Value
>>> a = Value(-4.0)
>>> b = Value(2.0)
>>> c = a * b + b ** 3
>>> c.backward()
>>> c.data, a.grad, b.grad
(0.0, 2.0, 8.0)
"""

from __future__ import annotations

import os as _os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True

from .name_clash import warn_if_mixed as _warn_if_mixed

__blamegrad__ = True  # how nn tells this package from another one named autograd (autograd.name_clash)
_warn_if_mixed(_os.path.dirname(_os.path.abspath(__file__)))

from . import lazy  # noqa: E402
from .anomaly import detect_anomaly
from .backward import grad
from .functions import dot, exp, log, mean, relu, sigmoid, sqrt, sum, tanh
from .graph import topological_order
from .modes import current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .ops import OPS, Op
from .value import Value

# Imported on first use (drawing, stepping, compiling are not needed to compute a gradient).
lazy.install(__name__, {
    "Compiled": ".compile", "TraceMismatch": ".compile", "compile": ".compile",
    "draw": ".viz.draw", "draw_dot": ".viz.draw", "animate": ".viz.animate",
    "Sketch": ".viz.sketch", "sketch": ".viz.sketch",
    "explain": ".explain", "GradcheckError": ".gradcheck", "gradcheck": ".gradcheck",
    "Stepper": ".stepper", "backward_steps": ".stepper",
})
if TYPE_CHECKING:
    from .compile import Compiled, TraceMismatch, compile
    from .explain import explain
    from .gradcheck import GradcheckError, gradcheck
    from .stepper import Stepper, backward_steps
    from .viz.animate import animate
    from .viz.draw import draw, draw_dot
    from .viz.sketch import Sketch, sketch

__all__ = [
    "Compiled",
    "GradcheckError",
    "OPS",
    "Op",
    "Sketch",
    "Stepper",
    "TraceMismatch",
    "Value",
    "animate",
    "backward_steps",
    "compile",
    "current_scope",
    "detect_anomaly",
    "dot",
    "draw",
    "draw_dot",
    "enable_grad",
    "exp",
    "explain",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "log",
    "mean",
    "no_grad",
    "relu",
    "scope",
    "sigmoid",
    "sketch",
    "sqrt",
    "sum",
    "tanh",
    "topological_order",
]

__version__ = "0.1.0"
