"""Optimizers: walk the parameters downhill using the gradients ``backward()`` left in ``.grad``.

- :class:`SGD`: ``v = momentum * v + (g + weight_decay * p)``; ``p -= lr * v``
  (plain gradient descent when momentum and weight_decay are 0, as in micrograd).
- :class:`Adam`: per-parameter step sizes from running means of g and g^2, bias-corrected.
- :class:`AdamW`: Adam with decoupled weight decay (Loshchilov & Hutter 2019):
  ``p -= lr * weight_decay * p`` apart from the gradient, so the decay is not scaled by Adam.

``lr`` is a number or a schedule: a callable of the step number (0, 1, 2, ...) returning the
learning rate for that step. :func:`linear_decay` gives micrograd's demo schedule,
``1.0 - 0.9 * k / 100``.

>>> from autograd import Value
>>> w = Value(1.0)
>>> opt = SGD([w], lr=linear_decay(1.0, 0.1, 100))
>>> (w * w).backward()          # dL/dw = 2
>>> opt.step(); w.data          # 1 - 1.0 * 2
-1.0
>>> opt.lr                      # the rate the next step will use
0.991
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Union

from autograd import Value
from autograd.value import is_finite

Schedule = Callable[[int], float]
LearningRate = Union[float, Schedule]


def linear_decay(start: float, end: float, steps: int) -> Schedule:
    """A schedule going linearly from ``start`` at step 0 towards ``end`` at step ``steps``."""
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not is_finite(v) or v <= 0:
            raise ValueError(f"nn.optim.linear_decay: {name} must be a finite number > 0, got {v!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"nn.optim.linear_decay: steps must be a positive int, got {steps!r}")

    def lr(k: int) -> float:
        return start - (start - end) * min(k, steps) / steps

    return lr


class Optimizer:
    """Base class: holds the parameters, the step count and the learning rate (or schedule)."""

    def __init__(self, params: Iterable[Value], lr: LearningRate) -> None:
        name = f"nn.optim.{type(self).__name__}"
        if isinstance(params, Value):
            raise TypeError(f"{name}: params must be a list of Values (model.parameters()), got a single Value")
        if callable(getattr(params, "parameters", None)):  # SGD(model): the lecture passes the list
            raise TypeError(f"{name}: got the model {type(params).__name__} itself; pass model.parameters()")
        if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
            raise TypeError(f"{name}: params must be a list of Values (model.parameters()), got {type(params).__name__} ({params!r:.80})")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name}: params is empty")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: params[{i}] must be a Value, got {type(p).__name__} ({p!r})")
        self._name = name
        self.schedule: Schedule | None = lr if callable(lr) else None
        self._base_lr = 0.0 if self.schedule is not None else self._check_lr(lr)
        self.steps = 0
        self.lr  # noqa: B018 - a schedule's first rate is checked now, before any step

    def _check_lr(self, lr: object) -> float:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not is_finite(lr) or lr <= 0:
            raise ValueError(f"{self._name}: lr must be a finite number > 0, got {lr!r}")
        return float(lr)

    @property
    def lr(self) -> float:
        """The learning rate the next :meth:`step` uses."""
        if self.schedule is not None:
            return self._check_lr(self.schedule(self.steps))
        return self._base_lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._base_lr = self._check_lr(value)
        self.schedule = None

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its ``.grad``; the schedule advances by one step.

        The rate and every grad and weight are checked first: on an error nothing has changed
        (no parameter, no running average, not ``steps``).
        """
        lr = self.lr  # checked before any parameter changes
        for i, p in enumerate(self.params):
            if type(p.grad) is not float or type(p.data) is not float:
                self._check_number(p, i)
        self._update(lr)
        self.steps += 1

    def _check_number(self, p: Value, i: int) -> None:
        """Turn an int grad or weight into a float; anything else is an error naming the parameter."""
        for attr in ("grad", "data"):
            x = getattr(p, attr)
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                raise TypeError(
                    f"{self._name}.step: params[{i}].{attr} must be a number, got {type(x).__name__} ({x!r:.80}); "
                    "nothing was updated"
                )

    def _update(self, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay (L2 on the gradient)."""

    def __init__(self, params: Iterable[Value], lr: LearningRate = 0.1, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _check_fraction(momentum, "nn.optim.SGD: momentum")
        self.weight_decay = _check_nonneg(weight_decay, "nn.optim.SGD: weight_decay")
        self.velocity = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        mu, wd, vel = self.momentum, self.weight_decay, self.velocity
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data
            if mu:
                g = vel[i] = mu * vel[i] + g
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): m, v running means of g and g^2; p -= lr * m_hat / (sqrt(v_hat) + eps)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"nn.optim.Adam: betas must be a pair of numbers in [0, 1), got {betas!r}")
        self.betas = (_check_fraction(betas[0], "nn.optim.Adam: betas[0]"), _check_fraction(betas[1], "nn.optim.Adam: betas[1]"))
        self.eps = _check_nonneg(eps, "nn.optim.Adam: eps")
        if self.eps == 0.0:  # sqrt(v) is 0 for a parameter whose grads have all been 0
            raise ValueError(f"nn.optim.Adam: eps must be > 0 (it keeps the step finite where v is 0), got {eps!r}")
        self.weight_decay = _check_nonneg(weight_decay, "nn.optim.Adam: weight_decay")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    decoupled = False
    """AdamW: the weight decay shrinks the weight directly and never enters m and v."""

    def _update(self, lr: float) -> None:
        b1, b2 = self.betas
        t = self.steps + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        decoupled, wd = self.decoupled, self.weight_decay
        decay = lr * wd  # AdamW: the weight shrinks by lr * wd * p; Adam: wd * p joins the grad
        for i, p in enumerate(self.params):
            g = p.grad if decoupled else p.grad + wd * p.data
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            step = lr * (self.m[i] / c1) / (math.sqrt(self.v[i] / c2) + self.eps)
            p.data -= decay * p.data + step if decoupled else step


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p -= lr * (weight_decay * p + m_hat / (sqrt(v_hat) + eps))``.

    The decay never enters m and v (unlike ``Adam(weight_decay=...)``, which adds it to the grad).

    >>> from autograd import Value
    >>> w = Value(2.0)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = 4.0                      # m_hat = 4, sqrt(v_hat) = 4: the Adam part moves w by lr
    >>> opt.step(); round(w.data, 6)      # 2 - 0.1 * 0.5 * 2 - 0.1 * 1
    1.8
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, 0.0)
        self.weight_decay = _check_nonneg(weight_decay, "nn.optim.AdamW: weight_decay")

    decoupled = True


def _check_nonneg(x: object, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not is_finite(x) or x < 0:
        raise ValueError(f"{where} must be a finite number >= 0, got {x!r}")
    return float(x)


def _check_fraction(x: object, where: str) -> float:
    value = _check_nonneg(x, where)
    if value >= 1.0:
        raise ValueError(f"{where} must be in [0, 1), got {x!r}")
    return value
