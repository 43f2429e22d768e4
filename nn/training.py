"""``step`` and ``fit``: one training step (forward, loss, zero_grad, backward, update), and the loop.

:func:`step` is one step on one batch; it returns a :class:`StepResult` (the batch loss as a
``Value`` with its graph and grads, and the predictions made before the update). :func:`fit`
is a loop over it with the usual extras; the training explorer (:mod:`nn.explore`) calls the same
step.

One epoch is one pass over the training set in shuffled mini-batches (one full batch by
default, as in micrograd's demo). After each epoch the :class:`History` records the training
loss and accuracy (from the predictions made during the epoch, before each step) and, with
``validation=(X_val, y_val)``, the validation loss and accuracy (evaluation mode, no graph).
``early_stopping=k`` stops after ``k`` epochs without a better validation loss and puts back the
best weights seen. ``compile=True`` runs each step through :func:`autograd.compile` (traced once,
replayed as straight-line Python: many times faster, same gradients). It pays off in full-batch
training (the default) or when batches repeat: the targets are constants of a trace, so a new
batch of targets is traced anew. The training accuracy is then measured after each epoch's
steps, since the replay builds no predictions. Dropout cannot be compiled (random masks).

Every argument is checked, and the model is run once on all the data without recording a graph
(so a bad label or a wrong input size is found), before any weight changes.

>>> import nn
>>> X, y = nn.datasets.line(20, seed=0)
>>> model = nn.MLP(1, [1], rng=0)
>>> history = nn.fit(model, X, y, loss="mse", optimizer=nn.optim.SGD(model.parameters(), lr=0.3), epochs=50)
>>> history.train_loss[-1] < history.train_loss[0]
True
"""

from __future__ import annotations

import math
import numbers
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import autograd
from autograd import Value, no_grad
from autograd.value import is_finite

from . import losses
from .batched import BatchedLoss
from .dropout import Dropout
from .module import Module
from .optim import SGD, Optimizer

LossFn = Callable[[list, list], Value]
AccuracyFn = Callable[[list, list], float]


@dataclass
class History:
    """What happened in each epoch of :func:`fit` (lists indexed by epoch)."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    stopped_early: bool = False
    """True when early stopping ended training before ``epochs``."""
    best_epoch: int | None = None
    """The epoch (0-based) with the lowest validation loss, when there is validation."""

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.train_loss)


def _value(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def sign_accuracy(predictions: list, targets: list) -> float:
    """Fraction of scores on the right side of 0 (targets: -1/+1, or 0/1 read as t >= 0.5)."""
    positive = [t > 0 for t in targets] if any(t < 0 for t in targets) else [t >= 0.5 for t in targets]
    return sum((_value(p) > 0) == t for p, t in zip(predictions, positive)) / len(targets)


def probability_accuracy(predictions: list, targets: list) -> float:
    """Fraction of probabilities on the right side of 0.5."""
    return sum((_value(p) > 0.5) == (t >= 0.5) for p, t in zip(predictions, targets)) / len(targets)


def argmax_accuracy(predictions: list, targets: list) -> float:
    """Fraction of rows whose largest score is at the target class."""
    hits = 0
    for row, t in zip(predictions, targets):
        scores = [_value(z) for z in row]
        hits += scores.index(max(scores)) == int(t)
    return hits / len(targets)


ACCURACY: dict[LossFn, AccuracyFn] = {
    losses.hinge: sign_accuracy,
    losses.binary_cross_entropy_with_logits: sign_accuracy,
    losses.binary_cross_entropy: probability_accuracy,
    losses.cross_entropy: argmax_accuracy,
}
"""How :func:`fit` measures accuracy for each built-in classification loss (mse has none)."""


def predict(model: Callable, X: Sequence) -> list:
    """The model's outputs on every row of ``X`` as floats (or lists of floats), without a graph."""
    was_training = getattr(model, "training", False)
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            outs = [model(x) for x in _rows(X, "nn.predict")]
    finally:
        if isinstance(model, Module):
            model.train(was_training)
    return [[_value(v) for v in o] if isinstance(o, list) else _value(o) for o in outs]


def _rows(X: Any, where: str, nin: int | None = None) -> list[list[float]]:
    if isinstance(X, (str, bytes, bytearray, Value)) or not hasattr(X, "__len__"):
        raise TypeError(f"{where}: X must be a list of input rows, got {type(X).__name__}")
    rows = []
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise TypeError(f"{where}: X[{i}] must be a list of numbers, got {type(row).__name__} ({row!r})")
        out = []
        for j, x in enumerate(row):
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                raise TypeError(f"{where}: X[{i}][{j}] must be a number, got {type(x).__name__} ({x!r})")
            if not is_finite(x):
                raise ValueError(f"{where}: X[{i}][{j}] must be finite, got {x!r:.40}")
            out.append(float(x))
        if nin is not None and len(out) != nin:
            raise ValueError(f"{where}: X[{i}] has {len(out)} values but the model takes {nin} inputs")
        rows.append(out)
    return rows


def _data(X: Any, y: Any, where: str, nin: int | None) -> tuple[list[list[float]], list[float]]:
    rows = _rows(X, where, nin)
    if not rows:
        raise ValueError(f"{where}: X is empty")
    if isinstance(y, (str, bytes, bytearray)) or not hasattr(y, "__len__"):
        raise TypeError(f"{where}: y must be a list of targets, got {type(y).__name__}")
    targets = []
    for i, t in enumerate(y):
        if isinstance(t, bool) or not isinstance(t, numbers.Real):
            raise TypeError(f"{where}: y[{i}] must be a number, got {type(t).__name__} ({t!r})")
        if not is_finite(t):
            raise ValueError(f"{where}: y[{i}] must be finite, got {t!r:.40}")
        targets.append(float(t))
    if len(targets) != len(rows):
        raise ValueError(f"{where}: X has {len(rows)} rows but y has {len(targets)} targets")
    return rows, targets


@dataclass
class StepResult:
    """What one :func:`step` did: the batch loss (its graph and grads kept) and the predictions."""

    loss: Value
    """The data loss over the batch (without the l2 term), after backward: ``loss.grad == 1``."""
    predictions: list
    """The model's outputs on the batch, made before the update (Values in the loss graph)."""
    targets: list[float]
    """The batch's targets."""

    @property
    def value(self) -> float:
        """The batch loss as a float."""
        return self.loss.data


def loss_function(loss: Union[str, LossFn], where: str) -> LossFn:
    """``loss`` as a function: a name from :data:`nn.losses.LOSSES`, or a function as it is."""
    if isinstance(loss, str):
        if loss not in losses.LOSSES:
            raise ValueError(f"{where}: unknown loss {loss!r}; choose one of {', '.join(losses.LOSSES)} or pass a function")
        return losses.LOSSES[loss]
    if callable(loss):
        return loss
    raise TypeError(f"{where}: loss must be a name or a function, got {type(loss).__name__} ({loss!r})")


def step(
    model: Callable,
    loss: Union[str, LossFn],
    optimizer: Optimizer,
    rows: Sequence,
    targets: Sequence,
    l2: float = 0.0,
    params: Sequence[Value] | None = None,
) -> StepResult:
    """One training step on one batch: forward, loss, zero_grad, backward, update.

    ``l2=alpha`` adds ``alpha * sum(p^2)`` over ``params`` (default: the optimizer's) to what
    backward runs on; the returned loss leaves it out.

    >>> import nn
    >>> model = nn.MLP(1, [1], rng=0)
    >>> opt = nn.optim.SGD(model.parameters(), lr=0.1)
    >>> first = nn.training.step(model, "mse", opt, [[1.0], [2.0]], [1.0, 2.0])
    >>> second = nn.training.step(model, "mse", opt, [[1.0], [2.0]], [1.0, 2.0])
    >>> second.value < first.value, first.loss.grad
    (True, 1.0)
    """
    loss_fn = loss_function(loss, "nn.training.step")
    preds = [model(x) for x in rows]
    data_loss = loss_fn(preds, targets)  # type: ignore[arg-type]
    if not isinstance(data_loss, Value):
        raise TypeError(f"nn.training.step: the loss must return a Value, got {type(data_loss).__name__} ({data_loss!r})")
    objective = data_loss + losses.l2(list(params) if params is not None else optimizer.params, l2) if l2 else data_loss
    optimizer.zero_grad()
    objective.backward()
    optimizer.step()
    return StepResult(data_loss, preds, [float(t) for t in targets])


def _optional_count(x: object, where: str) -> int | None:
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or int(x) < 1:
        raise ValueError(f"{where} must be a positive int or None, got {x!r}")
    return int(x)


def fit(
    model: Module,
    X: Sequence,
    y: Sequence,
    loss: Union[str, LossFn] = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    validation: tuple[Sequence, Sequence] | None = None,
    early_stopping: int | None = None,
    progress: bool = True,
    seed: int = 0,
    l2: float = 0.0,
    accuracy: AccuracyFn | None = None,
    compile: bool | str = False,  # noqa: A002 - the name users expect
) -> History:
    """Train ``model`` on ``(X, y)``; returns the per-epoch :class:`History`.

    ``loss`` is a name from :data:`nn.losses.LOSSES` or a function ``(predictions, targets) ->
    Value``. ``optimizer`` defaults to ``SGD(model.parameters(), lr=0.1)``. ``l2=alpha`` adds
    ``alpha * sum(p^2)`` over the parameters to the training loss (the recorded losses leave it out,
    so training and validation losses compare). ``seed`` fixes the mini-batch shuffling.
    ``compile=True`` replays each step as generated code (see :func:`autograd.compile`);
    ``compile="batched"`` replays one example's trace over the batch with numpy (:mod:`nn.batched`).
    """
    where = "nn.fit"
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(f"{where}: model must be a callable nn.Module, got {type(model).__name__}")
    loss_fn = loss_function(loss, where)
    if accuracy is not None and (isinstance(accuracy, bool) or not callable(accuracy)):
        raise TypeError(
            f"{where}: accuracy must be a function (predictions, targets) -> float or None, "
            f"got {type(accuracy).__name__} ({accuracy!r:.80})"
        )
    acc_fn = accuracy if accuracy is not None else ACCURACY.get(loss_fn)
    epochs_ = _optional_count(epochs, f"{where}: epochs")
    if epochs_ is None:
        raise ValueError(f"{where}: epochs must be a positive int, got None")
    batch = _optional_count(batch_size, f"{where}: batch_size")
    patience = _optional_count(early_stopping, f"{where}: early_stopping")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{where}: seed must be an int, got {type(seed).__name__} ({seed!r})")
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not is_finite(l2) or l2 < 0:
        raise ValueError(f"{where}: l2 must be a finite number >= 0, got {l2!r}")
    if not isinstance(progress, bool):
        raise TypeError(f"{where}: progress must be a bool, got {type(progress).__name__}")
    if not isinstance(compile, bool) and compile != "batched":
        raise TypeError(f"{where}: compile must be True, False or 'batched', got {compile!r}")
    if compile and any(isinstance(m, Dropout) and m.p > 0 for m in model.modules()):
        raise ValueError(f"{where}: compile=True cannot replay Dropout: its masks are random at every step")
    nin = getattr(model, "nin", None)
    Xs, ys = _data(X, y, where, nin)
    val = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError(f"{where}: validation must be a pair (X_val, y_val), got {type(validation).__name__}")
        val = _data(validation[0], validation[1], f"{where}: validation", nin)
    if patience is not None and val is None:
        raise ValueError(f"{where}: early_stopping needs validation=(X_val, y_val) to watch")
    params = model.parameters()
    opt = optimizer if optimizer is not None else SGD(params, lr=0.1)
    if not isinstance(opt, Optimizer):
        raise TypeError(f"{where}: optimizer must be an nn.optim optimizer, got {type(opt).__name__}")
    opt.lr  # noqa: B018 - a bad scheduled rate raises here, before training

    # A dry run: every prediction and target through the loss, no graph, no weight changes.
    for rows, targets in [(Xs, ys)] + ([val] if val else []):
        preds = _loss_value(model, loss_fn, rows, targets)[1]
        if acc_fn is not None:
            acc_fn(preds, targets)  # a broken accuracy function fails now, before any weight changes

    replay: bool | BatchedLoss = BatchedLoss(model, loss_fn, ys) if compile == "batched" else bool(compile)
    return _train(
        model, loss_fn, acc_fn, opt, Xs, ys, val, epochs_, batch or len(Xs), patience, progress, seed, float(l2), replay
    )


def _loss_value(model: Module, loss_fn: LossFn, rows: list, targets: list) -> tuple[float, list]:
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            preds = [model(x) for x in rows]
            out = loss_fn(preds, targets)
    finally:
        model.train(was_training)
    if not isinstance(out, Value):
        raise TypeError(f"nn.fit: the loss must return a Value, got {type(out).__name__} ({out!r})")
    return out.data, preds


def _train(
    model: Module, loss_fn: LossFn, acc_fn: AccuracyFn | None, opt: Optimizer, Xs: list, ys: list,
    val: tuple[list, list] | None, epochs: int, batch: int, patience: int | None, progress: bool, seed: int, l2: float,
    compiled: bool | BatchedLoss = False,
) -> History:
    history = History()
    rng = random.Random(seed)
    params = model.parameters()
    was_training = model.training
    best, best_weights, waited = math.inf, None, 0
    bar = _progress_bar(epochs) if progress else None
    # compile=True: the data loss and the l2 term are compiled apart, so the recorded loss is exact.
    # Losses turn targets into constants of the graph, so each batch of targets gets its own trace
    # (one in full-batch training); the rows are arguments, replayed as numbers.
    data_steps: dict[tuple, autograd.Compiled] = {}
    l2_step = autograd.compile(lambda: losses.l2(params, l2))
    predict_row = autograd.compile(lambda x: model(x))  # for the accuracy of one-output models
    model.train()
    try:
        for epoch in range(epochs):
            order = list(range(len(Xs)))
            if batch < len(Xs):
                rng.shuffle(order)
            total, preds_all, targets_all = 0.0, [], []
            for start in range(0, len(order), batch):
                idx = order[start : start + batch]
                targets = [ys[i] for i in idx]
                if isinstance(compiled, BatchedLoss):
                    opt.zero_grad()
                    total += compiled.backward([Xs[i] for i in idx], targets) * len(idx)
                    if l2:
                        l2_step.backward()
                    opt.step()
                    targets_all += targets
                    continue
                if compiled:
                    batch_loss = _compiled_step(data_steps, l2_step, model, loss_fn, opt, [Xs[i] for i in idx], targets, l2)
                else:
                    done = step(model, loss_fn, opt, [Xs[i] for i in idx], targets, l2, params)
                    batch_loss = done.value
                    preds_all += done.predictions
                total += batch_loss * len(idx)
                targets_all += targets
            history.train_loss.append(total / len(Xs))
            if isinstance(compiled, BatchedLoss) and acc_fn:
                preds_all = compiled.predict([Xs[i] for i in order])
            elif compiled and acc_fn:
                preds_all = _replayed_predictions(predict_row, model, loss_fn, [Xs[i] for i in order], targets_all)
            history.train_accuracy.append(acc_fn(preds_all, targets_all) if acc_fn else None)
            if val is not None:
                if isinstance(compiled, BatchedLoss):
                    val_loss, val_preds = compiled.loss(*val), compiled.predict(val[0])
                else:
                    val_loss, val_preds = _loss_value(model, loss_fn, *val)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(acc_fn(val_preds, val[1]) if acc_fn else None)
                if val_loss < best:
                    best, waited, history.best_epoch = val_loss, 0, epoch
                    best_weights = [p.data for p in params]
                else:
                    waited += 1
            if bar is not None:
                bar.set_postfix(loss=f"{history.train_loss[-1]:.4f}", refresh=False)
                bar.update(1)
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
        if patience is not None and best_weights is not None:
            for p, w in zip(params, best_weights):
                p.data = w
    finally:
        if bar is not None:
            bar.close()
        model.train(was_training)
    return history


def _compiled_step(
    data_steps: dict[tuple, autograd.Compiled], l2_step: autograd.Compiled, model: Module, loss_fn: LossFn,
    opt: Optimizer, rows: list, targets: list, l2: float,
) -> float:
    """:func:`step` replayed as generated code: the same gradients and update; returns the batch loss."""
    compiled = data_steps.get(tuple(targets))
    if compiled is None:
        if len(data_steps) >= 64:  # shuffled mini-batches rarely repeat: keep a few
            data_steps.clear()
        compiled = data_steps[tuple(targets)] = autograd.compile(
            lambda rows, t=targets: loss_fn([model(x) for x in rows], t)
        )
    opt.zero_grad()
    value = compiled.backward(rows)  # rows as numbers: no grads
    if l2:
        l2_step.backward()
    opt.step()
    return value


def _replayed_predictions(
    predict_row: autograd.Compiled, model: Module, loss_fn: LossFn, rows: list, targets: list
) -> list:
    """The model's outputs on ``rows`` by compiled replay (eagerly for models that output lists)."""
    try:
        return [predict_row(x) for x in rows]
    except TypeError:  # the model returns a list of outputs: compile replays one Value
        return _loss_value(model, loss_fn, rows, targets)[1]


def _progress_bar(epochs: int) -> Any:
    """A tqdm bar on a terminal; None when stderr is not a terminal or tqdm is not installed."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        print("nn.fit: pip install tqdm (or blamegrad[train]) for a progress bar", file=sys.stderr)
        return None
    return tqdm(total=epochs, desc="training", unit="epoch", leave=False)
