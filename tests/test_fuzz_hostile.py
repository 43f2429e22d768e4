"""Hostile values for every argument of the public API: each must be refused with a message that
names the function ("errors name the function and the value", house style 7).

The table lists, per public callable, a call with one argument replaced by a hole, what kind of
argument the hole is, and the prefix the message must start with. Every hostile value of that
kind goes into the hole; the call must raise TypeError or ValueError (OverflowError for a number
too large for a float, as Python's own ``float``) with the message starting with the prefix.
Nothing else counts: not numpy's truth-value error, not ``'bool' object is not iterable``.
"""

from __future__ import annotations

import re

import pytest

import autograd
import nn
from autograd import Value

np = pytest.importorskip("numpy")


class Opaque:
    """An object that is no number, no sequence and no path."""

    def __repr__(self) -> str:
        return "Opaque()"


NUMBER = [True, None, "1", b"1", 1j, [1.0], (1.0,), np.array([1.0, 2.0]), Opaque(), 10**400, np.bool_(True),
          np.complex128(1j)]
ITERABLE = [True, None, 5, 1.5, "12", b"12", bytearray(b"12"), Opaque()]
PATH = [0, 1, True, None, b"model.json", 1.5, np.int64(0), Opaque()]
VALUE = [1.0, None, "x", True, [Value(1.0)], Opaque()]
CALLABLE = [None, 1, "f", True, Opaque()]
COUNT = [True, 1.5, "3", None, 10**400, -1, 0, np.array([3]), Opaque()]
OPTION = [np.array(["LR"]), 5, None, b"LR", True, Opaque()]
FLAG = [np.array([True]), "yes", None, 1.5, Opaque()]
LABEL = [5, None, b"x", True, ["x"], Opaque()]


def _is(x: object, n: int) -> bool:
    """``x`` is the int ``n`` (a valid count or seed, however large, is left out of a list)."""
    return type(x) is int and x == n


def _model() -> nn.MLP:
    return nn.MLP(2, [3, 1], rng=0)


def _fit(**kwargs):  # noqa: ANN202 - a call of nn.fit with one argument replaced
    args = dict(model=_model(), X=[[0.0, 1.0], [1.0, 0.0]], y=[1.0, -1.0], loss="hinge", epochs=1, progress=False)
    args.update(kwargs)
    return nn.fit(**args)


def _loss_fn(name: str):  # noqa: ANN202
    return getattr(nn.losses, name)


def _params() -> list[Value]:
    return [Value(1.0), Value(2.0)]


TABLE = [
    # (message prefix, call with the hole h, hostile values)
    ("Value", lambda h: Value(h), NUMBER),
    ("Value", lambda h: Value(1.0, label=h), LABEL),
    ("Value", lambda h: setattr(Value(1.0), "label", h), LABEL),
    ("add", lambda h: Value(1.0) + h, NUMBER[:-6] + [10**400]),
    ("mul", lambda h: h * Value(1.0), NUMBER[:-6] + [10**400]),
    ("pow", lambda h: Value(2.0) ** h, NUMBER),
    ("backward", lambda h: Value(1.0).backward(h), NUMBER),
    ("sum", lambda h: autograd.sum(h), ITERABLE),
    ("sum", lambda h: autograd.sum([Value(1.0), h]), NUMBER),
    ("mean", lambda h: autograd.mean(h), ITERABLE),
    ("dot", lambda h: autograd.dot(h, [1.0]), ITERABLE),
    ("dot", lambda h: autograd.dot([1.0], h), ITERABLE),
    ("dot", lambda h: autograd.dot([Value(1.0)], [h]), NUMBER),
    ("dot", lambda h: autograd.dot([1.0], [1.0], h), [x for x in NUMBER if x is not None]),
    ("exp", lambda h: autograd.exp(h), NUMBER),
    ("log", lambda h: autograd.log(h), NUMBER),
    ("sqrt", lambda h: autograd.sqrt(h), NUMBER),
    ("tanh", lambda h: autograd.tanh(h), NUMBER),
    ("sigmoid", lambda h: autograd.sigmoid(h), NUMBER),
    ("relu", lambda h: autograd.relu(h), NUMBER),
    ("grad", lambda h: autograd.grad(h, [Value(1.0)]), VALUE),
    ("grad", lambda h: autograd.grad(Value(1.0), h), [x for x in VALUE + ITERABLE if not isinstance(x, list)]),
    ("grad", lambda h: autograd.grad(Value(1.0), [Value(1.0)], seed=h), NUMBER),
    ("gradcheck", lambda h: autograd.gradcheck(h, [1.0]), CALLABLE),
    ("gradcheck", lambda h: autograd.gradcheck(lambda x: x, h), ITERABLE),
    ("gradcheck", lambda h: autograd.gradcheck(lambda x: x, [h]), NUMBER),
    ("gradcheck", lambda h: autograd.gradcheck(lambda x: x, [1.0], eps=h), NUMBER),
    ("compile", lambda h: autograd.compile(h), CALLABLE),
    ("compile", lambda h: autograd.compile(lambda x: x * 2.0)(h), [x for x in NUMBER if not isinstance(x, (list, tuple))]),
    ("draw", lambda h: autograd.draw(h), VALUE),
    ("draw", lambda h: autograd.draw(Value(1.0), rankdir=h), OPTION),
    ("draw", lambda h: autograd.draw(Value(1.0), blame=h), FLAG),
    ("draw", lambda h: autograd.draw(Value(1.0), max_nodes=h), [x for x in COUNT if not _is(x, 10**400)]),  # huge: no limit
    ("draw", lambda h: autograd.draw(Value(1.0), collapse=h), [x for x in OPTION if x is not None and not _is(x, 5)]),
    ("draw", lambda h: autograd.draw(Value(1.0), node_attrs=h), [x for x in CALLABLE if x is not None]),
    ("Stepper", lambda h: autograd.Stepper(h), VALUE),
    ("Stepper", lambda h: autograd.Stepper(Value(1.0), h), NUMBER),
    ("backward_steps", lambda h: autograd.backward_steps(h), VALUE),
    ("animate", lambda h: autograd.animate(h, "x.html"), VALUE),
    ("animate", lambda h: autograd.animate(Value(1.0) * 2.0, h), [p for p in PATH if p is not None]),  # None: inline
    ("sketch", lambda h: autograd.sketch(h), VALUE),
    # a huge width or limit is harmless (nothing is allocated by it); None is each one's default
    ("sketch", lambda h: autograd.sketch(Value(1.0) * 2.0, width=h), [x for x in COUNT if x is not None and not _is(x, 10**400)]),
    ("sketch", lambda h: autograd.sketch(Value(1.0) * 2.0, max_nodes=h), [x for x in COUNT if not _is(x, 10**400)]),
    ("sketch", lambda h: autograd.sketch(Value(1.0) * 2.0, color=h), [x for x in FLAG if x is not None]),
    ("sketch", lambda h: autograd.sketch(Value(1.0) * 2.0, collapse=h), [x for x in OPTION if x is not None and not _is(x, 5)]),
    ("nn.MLP", lambda h: nn.MLP(h, [1]), COUNT),
    ("nn.MLP", lambda h: nn.MLP(2, h), ITERABLE),
    ("nn.MLP", lambda h: nn.MLP(2, [h]), COUNT),
    ("nn.MLP", lambda h: nn.MLP(2, [1], activation=h), OPTION),
    ("nn.MLP", lambda h: nn.MLP(2, [1], output_activation=h), OPTION),
    ("nn.MLP", lambda h: nn.MLP(2, [1], dropout=h), [x for x in NUMBER if x is not None]),
    ("nn.MLP", lambda h: nn.MLP(2, [1], rng=h), [x for x in NUMBER if x is not None and x is not True and not _is(x, 10**400)]),
    ("nn.Layer", lambda h: nn.Layer(h, 1), COUNT),
    ("nn.Layer", lambda h: nn.Layer(1, h), COUNT),
    ("nn.Neuron", lambda h: nn.Neuron(h), COUNT),
    ("nn.Neuron", lambda h: nn.Neuron(2, h), OPTION),
    ("nn.Neuron", lambda h: nn.Neuron(2)(h), ITERABLE),
    ("nn.MLP", lambda h: _model()(h), ITERABLE),
    ("nn.MLP", lambda h: _model()([h, 1.0]), NUMBER),
    ("nn.optim.SGD", lambda h: nn.optim.SGD(h), ITERABLE),
    ("nn.optim.SGD", lambda h: nn.optim.SGD(_params(), lr=h), [x for x in NUMBER if x is not None]),
    ("nn.optim.SGD", lambda h: nn.optim.SGD(_params(), momentum=h), NUMBER),
    ("nn.optim.SGD", lambda h: nn.optim.SGD(_params(), weight_decay=h), NUMBER),
    ("nn.optim.Adam", lambda h: nn.optim.Adam(h), ITERABLE),
    ("nn.optim.Adam", lambda h: nn.optim.Adam(_params(), eps=h), NUMBER + [0.0]),
    ("nn.optim.Adam", lambda h: nn.optim.Adam(_params(), betas=h), NUMBER),
    ("nn.optim.Adam", lambda h: nn.optim.Adam(_params(), betas=(h, 0.9)), NUMBER),
    ("nn.optim.linear_decay", lambda h: nn.optim.linear_decay(h, 0.1, 10), NUMBER),
    ("nn.optim.linear_decay", lambda h: nn.optim.linear_decay(1.0, 0.1, h), [x for x in COUNT if not _is(x, 10**400)]),
    ("nn.losses.mse", lambda h: nn.losses.mse(h, [1.0]), ITERABLE),
    ("nn.losses.mse", lambda h: nn.losses.mse([Value(1.0)], h), ITERABLE),
    ("nn.losses.mse", lambda h: nn.losses.mse([Value(1.0)], [h]), NUMBER),
    ("nn.losses.hinge", lambda h: nn.losses.hinge([Value(1.0)], [h]), NUMBER),
    ("nn.losses.binary_cross_entropy", lambda h: nn.losses.binary_cross_entropy([Value(0.5)], [h]), NUMBER),
    ("nn.losses.binary_cross_entropy_with_logits",
     lambda h: nn.losses.binary_cross_entropy_with_logits([Value(0.5)], [h]), NUMBER),
    ("nn.losses.cross_entropy", lambda h: nn.losses.cross_entropy([[Value(0.5), Value(1.0)]], [h]), NUMBER),
    ("nn.losses.l2", lambda h: nn.losses.l2(h), ITERABLE),
    ("nn.losses.l2", lambda h: nn.losses.l2([Value(1.0)], h), NUMBER),
    ("nn.fit", lambda h: _fit(model=h), VALUE),
    ("nn.fit", lambda h: _fit(X=h), ITERABLE),
    ("nn.fit", lambda h: _fit(y=h), ITERABLE),
    ("nn.fit", lambda h: _fit(X=[[h, 1.0], [1.0, 0.0]]), NUMBER),
    ("nn.fit", lambda h: _fit(y=[h, 1.0]), NUMBER),
    ("nn.fit", lambda h: _fit(loss=h), [x for x in CALLABLE if x is not None]),
    ("nn.fit", lambda h: _fit(optimizer=h), [x for x in VALUE if x is not None]),
    ("nn.fit", lambda h: _fit(epochs=h), [x for x in COUNT if not _is(x, 10**400)]),  # a huge count is valid, only long
    ("nn.fit", lambda h: _fit(batch_size=h), [x for x in COUNT if x is not None and not _is(x, 10**400)]),
    ("nn.fit", lambda h: _fit(validation=h), [x for x in ITERABLE if x is not None]),
    ("nn.fit", lambda h: _fit(early_stopping=h), [x for x in COUNT if x is not None]),
    ("nn.fit", lambda h: _fit(progress=h), FLAG),
    ("nn.fit", lambda h: _fit(seed=h), [x for x in NUMBER if not isinstance(x, int) or isinstance(x, bool)]),
    ("nn.fit", lambda h: _fit(l2=h), NUMBER),
    ("nn.fit", lambda h: _fit(accuracy=h), [x for x in CALLABLE if x is not None]),
    ("nn.fit", lambda h: _fit(compile=h), FLAG),
    ("nn.predict", lambda h: nn.predict(_model(), h), ITERABLE),
    ("nn.load", lambda h: nn.load(h), PATH),
    ("MLP.load", lambda h: _model().load(h), PATH),
    ("nn.save", lambda h: _model().save(h), PATH),
    ("nn.datasets.split", lambda h: nn.datasets.split(h, [1, 2]), ITERABLE),
    ("nn.datasets.split", lambda h: nn.datasets.split([[1.0], [2.0]], [1, 2], fraction=h), NUMBER),
]

CASES = [
    pytest.param(prefix, call, value, id=f"{prefix}-{k}-{type(value).__name__}")
    for k, (prefix, call, values) in enumerate(TABLE)
    for value in values
]


@pytest.mark.parametrize("prefix, call, value", CASES)
def test_hostile_argument_is_refused_by_name(prefix: str, call, value: object) -> None:
    with pytest.raises((TypeError, ValueError, OverflowError)) as info:
        call(value)
    message = str(info.value)
    assert re.match(rf"{re.escape(prefix)}[:.]", message), f"{type(info.value).__name__}: {message}"


def test_the_table_covers_every_public_callable() -> None:
    names = {prefix.split(".")[-1].split(":")[0] for prefix, _, _ in TABLE}
    public = {n for n in autograd.__all__ if callable(getattr(autograd, n)) and not isinstance(getattr(autograd, n), type)}
    public |= {"Value", "Stepper"}
    public -= {"no_grad", "enable_grad", "scope", "current_scope", "is_grad_enabled", "detect_anomaly", "explain",
               "topological_order", "draw_dot"}  # context managers, and views whose only argument is a Value
    assert public <= names | {"Value"}, public - names
