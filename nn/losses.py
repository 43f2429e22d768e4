"""Loss functions: how wrong a batch of predictions is, as ONE shallow graph over the batch.

Each loss makes a few nodes per example, then combines the batch in a single n-ary
``autograd.dot`` node (weights are the constants 1/n, -t/n, ...), so a loss over 10,000 examples
is a handful of levels deep and its backward is one loop. Predictions are ``Value``s (or numbers),
targets are numbers; lists, tuples and numpy arrays are all accepted.

- :func:`mse`: mean of (p - t)^2.
- :func:`binary_cross_entropy`: -mean(t log p + (1-t) log(1-p)) on probabilities p in (0, 1).
- :func:`binary_cross_entropy_with_logits`: the same on raw scores z (p = sigmoid(z)), computed
  stably as mean(softplus(z) - t z) with softplus never overflowing.
- :func:`hinge`: micrograd's max-margin loss mean(relu(1 - t s)) with t in {-1, +1}.
- :func:`cross_entropy`: mean over rows of logsumexp(z) - z[t], for class indices t; the max
  logit is subtracted first (a constant, so gradients are unchanged) so exp never overflows.
- :func:`l2`: alpha * sum(p^2), the weight penalty that fights overfitting.

>>> from autograd import Value
>>> p = [Value(0.5), Value(2.0)]
>>> mse(p, [1.0, 1.0]).data
0.625
>>> round(hinge([Value(0.5), Value(-2.0)], [1, -1]).data, 4)
0.25
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import autograd
from autograd import Value
from autograd.value import is_finite, to_float


def _values(xs: Any, where: str, what: str) -> list:
    if isinstance(xs, (Value, int, float)) or not hasattr(xs, "__len__") or isinstance(xs, (str, bytes, bytearray)):
        raise TypeError(f"{where}: {what} must be a sequence, got {type(xs).__name__} ({xs!r})")
    out = xs if isinstance(xs, list) else list(xs)
    if not out:
        raise ValueError(f"{where}: {what} is empty")
    return out


def _targets(ts: Any, n: int, where: str, unit: bool = False) -> list[float]:
    """The targets as finite floats, one per prediction; with ``unit``, each in [0, 1]."""
    ts = _values(ts, where, "targets")
    if len(ts) != n:
        raise ValueError(f"{where}: got {n} predictions but {len(ts)} targets")
    out = []
    for i, t in enumerate(ts):
        # Real numbers only, as the engine takes them: no bool (numpy's either), no complex.
        if not isinstance(t, Value) and (
            isinstance(t, bool) or not isinstance(t, numbers.Real) or type(t).__name__ == "bool_"
        ):
            raise TypeError(f"{where}: targets[{i}] must be a real number, got {type(t).__name__} ({t!r:.80})")
        f = t.data if isinstance(t, Value) else to_float(t, f"{where}: targets[{i}]")
        if not math.isfinite(f):
            raise ValueError(f"{where}: targets[{i}] must be finite, got {f!r}")
        if unit and not 0.0 <= f <= 1.0:
            raise ValueError(f"{where}: targets[{i}] must be in [0, 1], got {t!r}")
        out.append(f)
    return out


def _data(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def mse(predictions: Sequence, targets: Sequence) -> Value:
    """Mean squared error: mean((p_i - t_i)^2), one dot node over the differences."""
    ps = _values(predictions, "nn.losses.mse", "predictions")
    ts = _targets(targets, len(ps), "nn.losses.mse")
    diffs = [p - t for p, t in zip(ps, ts)]
    return autograd.dot(diffs, diffs) * (1.0 / len(ps))


def binary_cross_entropy(probabilities: Sequence, targets: Sequence) -> Value:
    """-mean(t log p + (1 - t) log(1 - p)) for probabilities p in (0, 1) and targets t in [0, 1]."""
    where = "nn.losses.binary_cross_entropy"
    ps = _values(probabilities, where, "probabilities")
    ts = _targets(targets, len(ps), where, unit=True)
    n = len(ps)
    logs: list = []
    coefs: list[float] = []
    for i, (p, t) in enumerate(zip(ps, ts)):
        pd = _data(p)
        if not 0.0 <= pd <= 1.0:
            raise ValueError(f"{where}: probabilities[{i}] must be in [0, 1], got {pd!r} (use binary_cross_entropy_with_logits for raw scores)")
        # Only terms with a non-zero weight are built, so p = 1 with t = 1 is fine.
        for value, weight, edge in ((p, t, 0.0), (1 - p, 1.0 - t, 1.0)):
            if weight == 0.0:
                continue
            if pd == edge:
                raise ValueError(
                    f"{where}: probabilities[{i}] is {pd!r} with target {t!r}: the loss is infinite "
                    "(use binary_cross_entropy_with_logits, which never saturates)"
                )
            logs.append(autograd.log(value))
            coefs.append(-weight / n)
    return autograd.dot(coefs, logs)


def softplus(z: Any) -> Value:
    """log(1 + e^z) without overflow: for z > 0 it is written z + log(1 + e^-z) (same function)."""
    if _data(z) > 0.0:
        return z + autograd.log(1.0 + autograd.exp(-z))
    return autograd.log(1.0 + autograd.exp(z))


def binary_cross_entropy_with_logits(logits: Sequence, targets: Sequence) -> Value:
    """Binary cross-entropy of sigmoid(z), computed stably as mean(softplus(z) - t z)."""
    where = "nn.losses.binary_cross_entropy_with_logits"
    zs = _values(logits, where, "logits")
    ts = _targets(targets, len(zs), where, unit=True)
    n = len(zs)
    terms: list = []
    coefs: list[float] = []
    for z, t in zip(zs, ts):
        # -[t log s(z) + (1-t) log(1 - s(z))] = softplus(z) - t z
        terms += [softplus(z), z]
        coefs += [1.0 / n, -t / n]
    return autograd.dot(coefs, terms)


def hinge(scores: Sequence, targets: Sequence) -> Value:
    """micrograd's max-margin loss: mean(relu(1 - t_i s_i)) with targets t_i in {-1, +1}."""
    where = "nn.losses.hinge"
    ss = _values(scores, where, "scores")
    ts = _targets(targets, len(ss), where)
    margins = []
    for i, (s, t) in enumerate(zip(ss, ts)):
        if t not in (-1.0, 1.0):
            raise ValueError(f"{where}: targets[{i}] must be -1 or +1, got {t!r}")
        margins.append(autograd.relu(1.0 - t * s))
    return autograd.sum(margins) * (1.0 / len(ss))


def cross_entropy(logits: Sequence, targets: Sequence) -> Value:
    """mean over rows of -log softmax(z)[t] = logsumexp(z) - z[t], for class indices t."""
    where = "nn.losses.cross_entropy"
    rows = _values(logits, where, "logits")
    ts = _targets(targets, len(rows), where)
    n = len(rows)
    terms: list = []
    coefs: list[float] = []
    shift = 0.0
    for i, (row, t) in enumerate(zip(rows, ts)):
        zs = _values(row, where, f"logits[{i}]")
        if len(zs) < 2:
            raise ValueError(f"{where}: logits[{i}] needs one score per class (at least 2), got {len(zs)}")
        if not t.is_integer() or not 0 <= t < len(zs):
            raise ValueError(f"{where}: targets[{i}] must be a class index in 0..{len(zs) - 1}, got {t!r}")
        # logsumexp(z) = m + log(sum(exp(z_k - m))), m = max(z): a constant shift, so no exp overflows.
        m = max(_data(z) for z in zs)
        lse = autograd.log(autograd.sum([autograd.exp(z - m) for z in zs]))
        terms += [lse, zs[int(t)]]
        coefs += [1.0 / n, -1.0 / n]
        shift += m / n
    return autograd.dot(coefs, terms, bias=shift)


def l2(parameters: Sequence, alpha: float = 1.0) -> Value:
    """alpha * sum(p^2): one dot node of the parameters with themselves, times alpha."""
    ps = _values(parameters, "nn.losses.l2", "parameters")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not is_finite(alpha) or alpha < 0:
        raise ValueError(f"nn.losses.l2: alpha must be a finite number >= 0, got {alpha!r}")
    return autograd.dot(ps, ps) * float(alpha)


LOSSES = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "hinge": hinge,
    "cross_entropy": cross_entropy,
}
"""Losses by name (``nn.fit(..., loss="hinge")``)."""
