"""The op table: every differentiable operation, its maths in one stanza.

Each op is an :class:`Op` record: its name, its arity, ``forward`` on plain floats, ``local``
giving the local derivatives d(out)/d(input_i) from the output and the inputs, and the domain
where it is smooth (used by the property tests and by :mod:`autograd.testing`).

``local(out, *inputs, *params)`` is written with ordinary arithmetic, so the same rule runs on
floats (an ordinary backward pass stores the results on the node) and on ``Value``s
(``grad(..., create_graph=True)`` builds a differentiable graph of the derivative). A local that
is piecewise constant (relu, abs) is returned as a plain float either way.

The engine, not the op, applies the chain rule: ``input.grad += local * out.grad``, through
:func:`chain`, the one place that says what one edge contributes (a zero local passes nothing,
even times an infinite or nan grad). A local too large for a float (``1/y`` for a subnormal ``y``)
is kept as a :class:`Quotient`, so its product with the upstream grad is still right.

Adding an op is one stanza here plus a one-line ``Value`` method; the tests pick it up from
:data:`OPS`.
"""

from __future__ import annotations

import math
import operator
from functools import lru_cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence

Interval = tuple[float, float]
"""An open interval ``(lo, hi)`` of smooth inputs."""

INF = math.inf


_FIELDS = ("name", "symbol", "arity", "forward", "local", "derivative", "domain", "params", "param_cases", "code")


class Op:
    """One differentiable operation: forward on floats and its local derivatives, side by side.

    A plain record (not a dataclass: importing :mod:`dataclasses` would double the engine's import
    time). Ops compare by identity, and are never changed once made: ``bind`` makes a new one.
    """

    __slots__ = _FIELDS

    name: str
    """Short name used in errors, drawings and the stepper (``"mul"``)."""
    symbol: str
    """How a drawing shows the op (``"*"``, ``"tanh"``)."""
    arity: int | None
    """Number of inputs; ``None`` for n-ary ops (sum, dot)."""
    forward: Callable[..., float]
    """``forward(*inputs, *params) -> float``; raises the op's domain errors."""
    local: Callable[..., tuple[Any, ...]]
    """``local(out, *inputs, *params) -> (d out/d input_0, ...)``, over floats or Values."""
    derivative: tuple[str, ...]
    """The local derivatives as formulas (``x``, ``y``: inputs; ``out``: the result; ``k``: param)."""
    domain: tuple[tuple[Interval, ...], ...]
    """Per input, the intervals where the op is smooth (tests draw inputs from these)."""
    params: tuple[float, ...]
    """Constants bound into the op (the exponent of ``x ** k``)."""
    param_cases: tuple[float, ...]
    """Parameters the tests try, for ops that take one."""
    code: tuple[str, ...]
    """The same maths as Python source on floats, for :func:`autograd.compile`: the forward
    expression then one local per input, in ``x``, ``y``, ``out``, ``k``. Empty: the compiled code
    calls ``forward`` and ``local`` instead (``sum`` and ``dot`` are written out by the compiler)."""

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int | None,
        forward: Callable[..., float],
        local: Callable[..., tuple[Any, ...]],
        derivative: tuple[str, ...],
        domain: tuple[tuple[Interval, ...], ...],
        params: tuple[float, ...] = (),
        param_cases: tuple[float, ...] = (),
        code: tuple[str, ...] = (),
    ) -> None:
        for key, value in zip(_FIELDS, (name, symbol, arity, forward, local, derivative, domain, params, param_cases, code)):
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"Op: {self.name} is fixed once made; use bind() for bound constants")

    def replace(self, **changes: Any) -> Op:
        """A copy of this op with some fields changed (``op.replace(symbol="+")``)."""
        fields = {key: getattr(self, key) for key in type(self).__slots__ if key != "__weakref__"}
        for cls in type(self).__mro__[1:]:
            fields.update({key: getattr(self, key) for key in getattr(cls, "__slots__", ()) if key not in fields})
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"Op.replace: no field {sorted(unknown)[0]!r}")
        return type(self)(**{**fields, **changes})

    def bind(self, *params: float) -> Op:
        """This op with its constants filled in (``POW.bind(3.0)`` is ``x ** 3``)."""
        return _bind(self, params)

    @property
    def label(self) -> str:
        """The symbol with bound constants, as drawn: ``**3`` or ``tanh``."""
        if not self.params:
            return self.symbol
        return self.symbol + ",".join(_short(p) for p in self.params)

    def __repr__(self) -> str:
        return f"Op({self.label})"


@lru_cache(maxsize=1024)
def _bind(op: Op, params: tuple[float, ...]) -> Op:
    return op.replace(params=params)


def _short(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


# ---------------------------------------------------------------------------------------------
# Helpers that work on floats and on Values alike (a Value defines __float__ and the methods).


def _log(x: Any) -> Any:
    return math.log(x) if isinstance(x, float) else x.log()


def _pow(x: Any, k: Any) -> Any:
    """``x ** k`` that gives +-inf where a float power overflows or divides by zero."""
    if not isinstance(x, float) or not isinstance(k, float):
        return x**k
    try:
        return x**k
    except (OverflowError, ZeroDivisionError):
        odd = k.is_integer() and int(k) % 2 == 1
        return -INF if (x < 0 and odd) else INF


def chain(local: Any, grad: Any) -> Any:
    """What one edge adds to its input's grad: ``local * grad``, but 0 when ``local`` is 0.

    In floats ``0 * inf`` is nan, so one infinite grad (``sqrt`` at 0) would poison every input
    below it, even inputs the output does not depend on there (relu below 0, ``x ** 0``, a factor
    times 0). A zero local passes no blame: the input gets 0, as PyTorch gives for relu and pow.
    Every backward path (``backward``, the stepper, ``grad``) uses this rule; ``backward`` inlines
    it for finite grads, where ``local * grad`` is already the answer.

    >>> chain(0.0, math.inf), chain(2.0, math.inf), chain(0.0, 3.0)
    (0.0, inf, 0.0)
    """
    product = local * grad
    if product != product and local == 0.0:  # nan from 0 * inf or 0 * nan
        return 0.0
    return product


class Quotient(float):
    """A local derivative ``num / den`` that overflows a float (``1/y`` for a subnormal ``y``).

    It reads as the overflowed quotient (``inf``, as the float rule gives), but the chain rule
    multiplies it by dividing: ``Quotient(1.0, 1e-310) * 1e-300`` is ``1e-300 / 1e-310 = 1e10``,
    the true product, where ``inf * 1e-300`` would be ``inf``. Only ``div`` and ``log`` make one,
    and only when the quotient overflows; every other local is a plain float.

    >>> q = Quotient(1.0, 1e-310)
    >>> q, float(q), q * 1e-300 == 1e-300 / 1e-310
    (Quotient(1.0, 1e-310), inf, True)
    """

    __slots__ = ("num", "den")
    num: float
    den: float

    def __new__(cls, num: float, den: float) -> Quotient:
        with_sign = math.copysign(INF, num) * math.copysign(1.0, den)
        self = super().__new__(cls, with_sign)
        self.num, self.den = num, den
        return self

    def __mul__(self, grad: Any) -> Any:  # local * grad, computed as num * (grad / den)
        if isinstance(grad, float):
            return self.num * (grad / self.den)
        return float(self) * grad

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Quotient({self.num!r}, {self.den!r})"


def _over(num: Any, den: Any) -> Any:
    """``num / den`` for a local derivative; a :class:`Quotient` where finite inputs overflow."""
    q = num / den
    if type(q) is float and q - q != 0.0 and math.isinf(q) and math.isfinite(num) and den != 0.0:
        return Quotient(num, den)
    return q


def _sign(x: Any) -> float:
    x = float(x)
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _fmt(x: float) -> str:
    return repr(float(x))


# Smooth input intervals shared by several ops.
ANY: tuple[Interval, ...] = ((-4.0, 4.0),)
NONZERO: tuple[Interval, ...] = ((-4.0, -0.25), (0.25, 4.0))
POSITIVE: tuple[Interval, ...] = ((0.25, 4.0),)

# ---------------------------------------------------------------------------------------------
# Arithmetic

# out = x + y;  d/dx = 1, d/dy = 1
ADD = Op(
    "add", "+", 2, lambda x, y: x + y, lambda out, x, y: (1.0, 1.0), ("1", "1"), (ANY, ANY),
    code=("x + y", "1.0", "1.0"),
)

# out = x - y;  d/dx = 1, d/dy = -1
SUB = Op(
    "sub", "-", 2, lambda x, y: x - y, lambda out, x, y: (1.0, -1.0), ("1", "-1"), (ANY, ANY),
    code=("x - y", "1.0", "-1.0"),
)

# out = x * y;  d/dx = y, d/dy = x
MUL = Op("mul", "*", 2, lambda x, y: x * y, lambda out, x, y: (y, x), ("y", "x"), (ANY, ANY), code=("x * y", "y", "x"))

# out = -x;  d/dx = -1
NEG = Op("neg", "-", 1, lambda x: -x, lambda out, x: (-1.0,), ("-1",), (ANY,), code=("-x", "-1.0"))


# out = x / y;  d/dx = 1/y, d/dy = -x/y^2 = -out/y.  y == 0 raises ZeroDivisionError.
# (For a subnormal y, 1/y overflows: the local is then a Quotient, so local * grad = grad / y.)
def _div(x: float, y: float) -> float:
    if y == 0.0:
        raise ZeroDivisionError(f"div: division by zero ({_fmt(x)} / {_fmt(y)})")
    return x / y


DIV = Op(
    "div", "/", 2, _div, lambda out, x, y: (_over(1.0, y), _over(-out, y)), ("1/y", "-out/y"), (ANY, NONZERO),
    code=("x / y", "1.0 / y", "-out / y"),
)


def _check_pow(name: str, x: float, k: float) -> None:
    if x == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"{name}: 0.0 cannot be raised to a negative power, got 0.0 ** {_fmt(k)}")
    if x < 0.0 and math.isfinite(k) and not k.is_integer():
        raise ValueError(
            f"{name}: negative base {_fmt(x)} with fractional exponent {_fmt(k)} has no real value"
        )


def _checked_pow(name: str, x: float, k: float) -> float:
    _check_pow(name, x, k)
    try:
        return x**k
    except OverflowError:
        raise OverflowError(f"{name}: {_fmt(x)} ** {_fmt(k)} overflows a float") from None


# out = x ** k for a constant k;  d/dx = k * x^(k-1)  (inf where that is infinite, as at 0 ** 0.5).
def _pow_local(out: Any, x: Any, k: float) -> tuple[Any]:
    return (0.0 if k == 0.0 else k * _pow(x, k - 1.0),)


POW = Op(
    "pow", "**", 1, lambda x, k: _checked_pow("pow", x, k), _pow_local, ("k * x^(k-1)",), (POSITIVE,),
    param_cases=(2.0, 3.0, 0.5, -1.0, -2.5, 1.0, 0.0),
    # compile uses these for whole-number k only: a float power of a negative base is complex
    code=("x ** k", "k * x ** (k - 1.0)"),
)


# out = x ** y, both Values;  d/dx = y * x^(y-1), d/dy = out * ln(x)
# (d/dy is 0 at x == 0 and nan for x < 0, where x ** y exists only at integer y).
def _powv_local(out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    fx, fy = float(x), float(y)
    dx = 0.0 if fy == 0.0 else y * _pow(x, y - 1.0)
    dy = out * _log(x) if fx > 0.0 else (0.0 if fx == 0.0 else math.nan)
    return (dx, dy)


POWV = Op(
    "powv", "**", 2, lambda x, y: _checked_pow("pow", x, y), _powv_local, ("y * x^(y-1)", "out * ln(x)"),
    (POSITIVE, ((-3.0, 3.0),)),
)

# ---------------------------------------------------------------------------------------------
# Elementary functions


# out = |x|;  d/dx = sign(x), 0 at x == 0 (as PyTorch)
ABS = Op(
    "abs", "abs", 1, abs, lambda out, x: (_sign(x),), ("sign(x)",), (NONZERO,),
    code=("abs(x)", "(1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0)"),
)


# out = e^x;  d/dx = e^x = out.  Overflow (x > ~709.78) raises OverflowError.
def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: result overflows a float for input {_fmt(x)} (limit is about 709.78)") from None


EXP = Op("exp", "exp", 1, _exp, lambda out, x: (out,), ("out",), (ANY,), code=("exp(x)", "out"))


# out = ln x;  d/dx = 1/x (a Quotient where that overflows).  x <= 0 raises ValueError.
def _ln(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log: input must be > 0, got {_fmt(x)}")
    return math.log(x)


LOG = Op("log", "log", 1, _ln, lambda out, x: (_over(1.0, x),), ("1/x",), (POSITIVE,), code=("log(x)", "1.0 / x"))


# out = sqrt(x);  d/dx = 1/(2 sqrt x) = 0.5/out, inf at 0.  x < 0 raises ValueError.
def _sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"sqrt: input must be >= 0, got {_fmt(x)}")
    return math.sqrt(x)


SQRT = Op(
    "sqrt", "sqrt", 1, _sqrt, lambda out, x: (INF if float(out) == 0.0 else 0.5 / out,), ("0.5/out",),
    (POSITIVE,), code=("sqrt(x)", "(inf if out == 0.0 else 0.5 / out)"),
)

# out = tanh x;  d/dx = 1 - out^2.  Never overflows.
TANH = Op(
    "tanh", "tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), ("1 - out^2",), (ANY,),
    code=("tanh(x)", "1.0 - out * out"),
)


# out = 1 / (1 + e^-x);  d/dx = out (1 - out).  Computed without overflow for any finite x.
def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


SIGMOID = Op(
    "sigmoid", "sigmoid", 1, _sigmoid, lambda out, x: (out * (1.0 - out),), ("out * (1 - out)",), (ANY,),
    code=("sigmoid(x)", "out * (1.0 - out)"),
)

# out = max(0, x);  d/dx = 1 for x > 0, else 0 (relu'(0) = 0)
RELU = Op(
    "relu", "relu", 1, lambda x: 0.0 if x <= 0.0 else x, lambda out, x: (1.0 if float(x) > 0.0 else 0.0,),
    ("1 if x > 0 else 0",), (NONZERO,),
    code=("(0.0 if x <= 0.0 else x)", "(1.0 if x > 0.0 else 0.0)"),
)

# ---------------------------------------------------------------------------------------------
# n-ary ops: one node however many inputs, so a loss over 10,000 terms is one level deep.


# out = x_0 + x_1 + ... ;  d/dx_i = 1
def _sum_local(out: Any, *xs: Any) -> tuple[float, ...]:
    return (1.0,) * len(xs)


SUM = Op("sum", "sum", None, lambda *xs: sum(xs, 0.0), _sum_local, ("1",), (ANY,))


# out = w . x + b = w_0 x_0 + w_1 x_1 + ... + b;  d/dw_i = x_i, d/dx_i = w_i, d/db = 1.
# Written on the weight and input vectors, as autograd.dot records a neuron in one step. As an
# op its inputs are the pairs interleaved, (w_0, x_0, w_1, x_1, ..., [b]): _dot and _dot_local
# unpack them for the engine's generic paths (create_graph, the stepper's tables, the tests).
def dot_forward(ws: Sequence[float], xs: Sequence[float], b: float = 0.0) -> float:
    """``b + w_0 x_0 + w_1 x_1 + ...`` on plain floats, added in that order."""
    if len(ws) != len(xs):
        raise ValueError(f"dot: got {len(ws)} weights but {len(xs)} inputs")
    return sum(map(operator.mul, ws, xs), b)


def dot_locals(ws: Sequence[Any], xs: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any], float]:
    """(d/dw_i, d/dx_i, d/db): a weight's local is its input, an input's is its weight, the bias's 1."""
    return xs, ws, 1.0


def _dot(*wxb: float) -> float:
    n = len(wxb) - len(wxb) % 2  # the pairs; a trailing bias is left out of them
    return dot_forward(wxb[0:n:2], wxb[1:n:2], wxb[-1] if n < len(wxb) else 0.0)


def _dot_local(out: Any, *wxb: Any) -> tuple[Any, ...]:
    n = len(wxb) - len(wxb) % 2
    d_ws, d_xs, d_b = dot_locals(wxb[0:n:2], wxb[1:n:2])
    partners = list(wxb)
    partners[0:n:2] = d_ws
    partners[1:n:2] = d_xs
    if n < len(wxb):
        partners[-1] = d_b
    return tuple(partners)


DOT = Op("dot", "dot", None, _dot, _dot_local, ("partner (w_i <-> x_i); 1 for the bias",), (ANY,))

OPS: tuple[Op, ...] = (ADD, SUB, MUL, NEG, DIV, POW, POWV, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, SUM, DOT)
"""Every op the engine knows. Tests iterate over this table."""
