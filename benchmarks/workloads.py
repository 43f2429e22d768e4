"""The benchmark workloads, one function per (workload, engine); each returns seconds or bytes.

Engines: ``ours`` (blamegrad's ``autograd``, eager), ``compiled`` (the same code through
``autograd.compile``), ``micrograd`` (installed from PyPI, the anchor) and ``floats``
(hand-written, :mod:`handwritten`). Each function builds what it needs untimed,
then times only the part the workload is about with ``time.perf_counter``.
"""

from __future__ import annotations

import gc
import math
import random
import time
import tracemalloc
from collections.abc import Callable

import handwritten

import autograd

DEMO_SIZES = (2, [16, 16, 1])
DEMO_POINTS = 100
ALPHA = 1e-4
LR = 0.05


# ---------------------------------------------------------------------------------------------
# Data and initial weights shared by all engines, so they compute the same numbers.


def moons(n: int, noise: float = 0.1, seed: int = 1337) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (as sklearn's make_moons), labels -1 and +1."""
    rng = random.Random(seed)
    half = n // 2
    X, Y = [], []
    for i in range(n):
        upper = i < half
        m = half if upper else n - half
        t = math.pi * (i if upper else i - half) / max(m - 1, 1)
        x, y = (math.cos(t), math.sin(t)) if upper else (1.0 - math.cos(t), 0.5 - math.sin(t))
        X.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        Y.append(-1.0 if upper else 1.0)
    return X, Y


def initial_weights(seed: int = 1337) -> tuple[list, list]:
    """``W[l][j]``: weights of neuron j in layer l, uniform in [-1, 1]; biases ``B`` are 0."""
    rng = random.Random(seed)
    nin, nouts = DEMO_SIZES
    sizes = [nin, *nouts]
    W = [[[rng.uniform(-1.0, 1.0) for _ in range(sizes[l])] for _ in range(sizes[l + 1])] for l in range(len(nouts))]
    B = [[0.0] * sizes[l + 1] for l in range(len(nouts))]
    return W, B


def clock(fn: Callable[[], object]) -> float:
    """Seconds ``fn()`` takes (garbage from earlier runs collected first, not timed)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def clock_or_nan(fn: Callable[[], object]) -> float:
    """Like :func:`clock`, but nan when ``fn`` hits the recursion limit (micrograd's backward)."""
    try:
        return clock(fn)
    except RecursionError:
        return math.nan


# ---------------------------------------------------------------------------------------------
# The demo training step: forward, zero_grad, backward, SGD.


class OursMLP:
    """The demo MLP on our engine: each neuron is one ``autograd.dot`` node then ``relu``."""

    def __init__(self, W: list, B: list) -> None:
        V = autograd.Value
        self.W = [[[V(w) for w in ws] for ws in Wl] for Wl in W]
        self.B = [[V(b) for b in Bl] for Bl in B]
        self.params = [p for Wl, Bl in zip(self.W, self.B) for ws, b in zip(Wl, Bl) for p in (*ws, b)]

    def __call__(self, x: list) -> autograd.Value:
        last = len(self.W) - 1
        V = autograd.Value
        x = [v if isinstance(v, V) else V(v) for v in x]  # the row as leaves once, as micrograd's demo does
        for l, (Wl, Bl) in enumerate(zip(self.W, self.B)):
            x = [autograd.dot(ws, x, b) for ws, b in zip(Wl, Bl)]
            if l != last:
                x = [z.relu() for z in x]
        return x[0]


def ours_loss(model: OursMLP, X: list, Y: list) -> autograd.Value:
    """micrograd's demo loss: mean hinge loss plus 1e-4 times the sum of squared parameters."""
    scores = [model(x) for x in X]
    losses = [(1 + -y * s).relu() for y, s in zip(Y, scores)]
    data_loss = autograd.sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * autograd.sum(p * p for p in model.params)
    return data_loss + reg_loss


def ours_step(model: OursMLP, X: list, Y: list) -> float:
    loss = ours_loss(model, X, Y)
    for p in model.params:
        p.grad = 0.0
    loss.backward()
    for p in model.params:
        p.data -= LR * p.grad
    return loss.data


def micrograd_step(model: object, X: list, Y: list) -> float:
    from micrograd.engine import Value

    # micrograd's demo notebook, verbatim but for the fixed learning rate
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(Y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= LR * p.grad
    return total_loss.data


def set_weights(model: object, W: list, B: list) -> object:
    """Copy the shared weights into a micrograd- or nn-style MLP (layers -> neurons -> w, b)."""
    for layer, Wl, Bl in zip(model.layers, W, B):
        for neuron, ws, b in zip(layer.neurons, Wl, Bl):
            for p, w in zip(neuron.w, ws):
                p.data = w
            neuron.b.data = b
    return model


def micrograd_mlp(W: list, B: list) -> object:
    from micrograd.nn import MLP

    model = MLP(DEMO_SIZES[0], list(DEMO_SIZES[1]))
    return set_weights(model, W, B)


def demo_stepper(engine: str) -> tuple[Callable[[], None], list[float]]:
    """One training step of ``engine`` as a function, and the list it appends each step's loss to.

    The runner times the engines' steps in turn (ours, compiled, micrograd, floats, ours, ...),
    so a slow spell on a shared machine falls on all of them alike.
    """
    X, Y = moons(DEMO_POINTS)
    W, B = initial_weights()
    losses: list[float] = []
    if engine == "ours":
        model = OursMLP(W, B)
        return (lambda: losses.append(ours_step(model, X, Y))), losses
    if engine == "compiled":
        model = OursMLP(W, B)
        compiled = autograd.compile(lambda X, Y: ours_loss(model, X, Y))

        def compiled_step() -> None:
            for p in model.params:
                p.grad = 0.0
            losses.append(compiled.backward(X, Y))  # X, Y as plain numbers: no gradient for them
            for p in model.params:
                p.data -= LR * p.grad

        return compiled_step, losses
    if engine == "batched":
        return batched_stepper(W, B, X, Y, losses), losses
    if engine == "mygrad":
        return mygrad_stepper(W, B, X, Y, losses), losses
    if engine == "micrograd":
        mg = micrograd_mlp(W, B)
        return (lambda: losses.append(micrograd_step(mg, X, Y))), losses
    if engine == "floats":
        return (lambda: losses.append(handwritten.mlp_step(W, B, X, Y, LR))), losses
    raise ValueError(engine)


def batched_stepper(W: list, B: list, X: list, Y: list, losses: list) -> Callable[[], None]:
    """The demo step through ``autograd.compile(..., batched=True)``: the loss of ONE example,
    replayed over the batch as numpy; the L2 term (no examples in it) through ``autograd.compile``."""
    import numpy as np

    model = OursMLP(W, B)
    hinge = autograd.compile(lambda x, y: (1 + -y * model(x)).relu(), batched=True)
    reg = autograd.compile(lambda: ALPHA * autograd.sum(p * p for p in model.params))
    Xa, Ya = np.array(X), np.array(Y)

    def step() -> None:
        for p in model.params:
            p.grad = 0.0
        losses.append(hinge.backward(Xa, Ya) + reg.backward())  # mean over the batch, + L2
        for p in model.params:
            p.data -= LR * p.grad

    return step


def mygrad_stepper(W: list, B: list, X: list, Y: list, losses: list) -> Callable[[], None]:
    """The demo step in mygrad (PyPI), batched as matrices: the reference for batched replay."""
    import mygrad as mg
    import numpy as np

    Ws = [mg.tensor(np.array(Wl)) for Wl in W]
    Bs = [mg.tensor(np.array(Bl)) for Bl in B]
    Xa, Ya = np.array(X), np.array(Y)

    def step() -> None:
        h = Xa
        for l, (w, b) in enumerate(zip(Ws, Bs)):
            h = mg.matmul(h, w.T) + b
            if l != len(Ws) - 1:
                h = mg.maximum(h, 0.0)
        data_loss = mg.mean(mg.maximum(1.0 - Ya * h[:, 0], 0.0))
        reg_loss = ALPHA * sum(mg.sum(t * t) for t in (*Ws, *Bs))
        loss = data_loss + reg_loss
        loss.backward()
        for t in (*Ws, *Bs):
            t.data -= LR * t.grad  # mygrad keeps .grad until the next backward: no zero_grad needed
        losses.append(float(loss.item()))

    return step


def nn_model(W: list, B: list) -> object:
    """The demo MLP from the ``nn`` package, with the shared initial weights."""
    import nn

    model = nn.MLP(DEMO_SIZES[0], list(DEMO_SIZES[1]), rng=0)
    return set_weights(model, W, B)


def demo_stepper_nn(engine: str) -> tuple[Callable[[], None], list[float]]:
    """The demo step written with the nn package (nn.MLP, nn.losses.hinge and l2), eager or compiled."""
    import nn

    X, Y = moons(DEMO_POINTS)
    W, B = initial_weights()
    model = nn_model(W, B)
    params = model.parameters()  # type: ignore[attr-defined]

    def loss(X: list, Y: list) -> autograd.Value:
        return nn.losses.hinge([model(x) for x in X], Y) + nn.losses.l2(params, ALPHA)  # type: ignore[operator]

    # The targets are constants of the graph (nn.losses reads them as numbers): closed over.
    compiled = autograd.compile(lambda X: loss(X, Y))
    losses: list[float] = []

    def step() -> None:
        for p in params:
            p.grad = 0.0
        if engine == "compiled":
            losses.append(compiled.backward(X))
        else:
            out = loss(X, Y)
            out.backward()
            losses.append(out.data)
        for p in params:
            p.data -= LR * p.grad

    return step, losses


# ---------------------------------------------------------------------------------------------
# micrograd's README expression, forward and backward.

README_REPEAT = 100  # one expression is ~30 microseconds: time 100 in a row


def expression(a, b):  # type: ignore[no-untyped-def]
    """micrograd's README example, on any engine's Values."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def readme(engine: str) -> float:
    """Seconds for one forward+backward of the README expression (mean of a batch of 100)."""
    if engine == "floats":
        return clock(lambda: [handwritten.readme_expression(-4.0, 2.0) for _ in range(README_REPEAT)]) / README_REPEAT
    Value = _engine_value(engine)
    if engine == "compiled":
        compiled = autograd.compile(expression)
        a, b = Value(-4.0), Value(2.0)
        compiled.backward(a, b)  # the trace, once, untimed
        return clock(lambda: [compiled.backward(a, b) for _ in range(README_REPEAT)]) / README_REPEAT

    def once() -> None:
        expression(Value(-4.0), Value(2.0)).backward()

    return clock(lambda: [once() for _ in range(README_REPEAT)]) / README_REPEAT


# ---------------------------------------------------------------------------------------------
# Big graphs: a chain of n additions, and a sum of n products. Build and backward timed apart.


def _engine_value(engine: str) -> type:
    """The Value class of ``engine``: ours (also for compiled), the floor (:mod:`floor`) or micrograd's."""
    if engine in ("ours", "compiled"):
        return autograd.Value
    if engine == "floor":
        import floor

        return floor.Value
    from micrograd.engine import Value

    return Value


def chain(engine: str, n: int) -> tuple[float, float]:
    """(build seconds, backward seconds) for y = x + 1 + 1 + ... (n additions)."""
    if engine == "floats":
        def forward() -> float:
            y = 1.0
            for _ in range(n):
                y = y + 1.0
            return y

        def backward() -> float:
            g = 1.0
            for _ in range(n):
                g = g * 1.0  # d(y + 1)/dy = 1, once per link
            return g

        return clock(forward), clock(backward)
    Value = _engine_value(engine)
    box: list = []

    def build() -> None:
        x = Value(1.0)
        y = x
        for _ in range(n):
            y = y + 1.0
        box.append(y)

    built = clock(build)
    back = clock_or_nan(box[0].backward)
    box.clear()
    return built, back


def sum_of_products(engine: str, n: int) -> tuple[float, float]:
    """(build seconds, backward seconds) for sum(x_i * x_i) over n inputs."""
    data = [float(i % 7) for i in range(n)]
    if engine == "floats":
        grads = [0.0] * n
        forward = lambda: sum(x * x for x in data)  # noqa: E731

        def backward() -> None:
            for i, x in enumerate(data):
                grads[i] += 2.0 * x

        return clock(forward), clock(backward)
    Value = _engine_value(engine)
    xs = [Value(x) for x in data]
    box: list = []
    if engine == "ours":
        build = lambda: box.append(autograd.sum(x * x for x in xs))  # noqa: E731
    else:
        build = lambda: box.append(sum((x * x for x in xs), Value(0.0)))  # noqa: E731
    built = clock(build)
    back = clock_or_nan(box[0].backward)
    box.clear()
    return built, back


def bytes_per_node(engine: str, n: int = 100_000) -> float:
    """Bytes allocated per node of a chain ``y = y * x`` (tracemalloc; graph alive)."""
    if engine == "floats":
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        values = [float(i) + 0.5 for i in range(n)]  # one float per intermediate result
        size = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        del values
        return size / n
    Value = _engine_value(engine)
    x = Value(1.0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = x
    for _ in range(n):
        y = y * x
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del y
    return size / n


# ---------------------------------------------------------------------------------------------
# A real dataset: scikit-learn's 8x8 digits, as demos/digits.py trains them.


def digits_run(epochs: int, engine: str, limit: int | None = None) -> dict[str, float]:
    """Seconds and test accuracy of ``epochs`` of demos/digits.py's training (eager or batched)."""
    import nn

    X, y = nn.datasets.digits()
    if limit is not None:
        X, y = X[:limit], y[:limit]
    (X_train, y_train), (X_test, y_test) = nn.datasets.split(X, y, fraction=0.2, seed=0)
    model = nn.MLP(64, [32, 10], rng=0)
    adam = nn.optim.Adam(model.parameters(), lr=0.01)
    start = time.perf_counter()
    history = nn.fit(model, X_train, y_train, loss="cross_entropy", optimizer=adam, epochs=epochs, batch_size=128,
                     validation=(X_test, y_test), seed=0, progress=False, compile="batched" if engine == "batched" else False)
    return {"seconds": time.perf_counter() - start, "accuracy": history.val_accuracy[-1]}
