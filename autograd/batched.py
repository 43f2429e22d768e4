"""Batched replay: trace a function on one example, replay it over a whole batch with numpy.

``autograd.compile(fn, batched=True)`` is :func:`autograd.compile` for data that comes in
batches. The function is written for ONE example (``lambda x, t: hinge([model(x)], [t])``);
it is traced once, on the first example, and the straight-line code of that trace is replayed
with every per-example number replaced by a numpy array holding that number for every example
of the batch. The model's weights (``Value``s the function uses without taking them) stay single
numbers; their gradients are the per-example gradients summed, as a mean or summed loss needs.

>>> import numpy as np
>>> from autograd import Value, compile
>>> w = Value(0.5, label="w"); b = Value(-1.0, label="b")
>>> f = compile(lambda x: (w * x + b) ** 2, batched=True)
>>> f([1.0, 2.0, 3.0])                     # one output per example
array([0.25, 0.  , 0.25])
>>> f.backward([1.0, 2.0, 3.0])            # the mean of the outputs; grads of the mean added
0.16666666666666666
>>> round(w.grad, 12), round(b.grad, 12)  # d/dw mean((w x + b)^2) = mean(2 (w x + b) x)
(0.666666666667, 0.0)

How the replay is written (read it with ``.source``):

- Each op of the trace becomes one line of numpy on whole columns, from the op's own rule in
  :mod:`autograd.ops`; a rule that branches (relu, abs) becomes ``where(...)``, so it stays right
  for every example.
- The neurons of a layer are ``dot`` nodes over the same inputs with weights that are captured
  ``Value``s: they are replayed as ONE matrix product, ``W @ X + b``, and their weight gradients
  as ``G @ X.T`` (the per-example gradients, summed over the batch by the product itself).
- Every example must have the same structure (the same shapes), and the trace is one straight
  line: Python ``if``s on values are frozen at the first example, as with :func:`autograd.compile`.
  Constants the function computes from its inputs' numbers are frozen too (the shift in
  :func:`nn.losses.cross_entropy`'s log-sum-exp is exact for any shift, so it stays right).
- Any floating-point problem in a replay (a domain error, an overflow, a division by zero)
  reruns the batch eagerly, one example at a time, so the engine's own rules and messages apply.

numpy is the optional ``batched`` extra (``pip install "blamegrad[batched]"``).
"""

from __future__ import annotations

import ast
import builtins
import math
from collections.abc import Callable
from typing import Any

from . import ops
from .compile import Traced, _call, _fill, _literal, _name, _template, _times
from .graph import topological_order
from .modes import enable_grad, state
from .value import Value, to_float

__all__ = ["Batched"]

_REDUCE = ("mean", "sum")


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise ModuleNotFoundError(
            'compile(batched=True): batched replay needs numpy: pip install "blamegrad[batched]"'
        ) from None
    return numpy


class Batched(Traced):
    """A per-example function traced once and replayed over batches as numpy (see the module doc).

    ``source`` is the numpy code of the latest trace; ``traces`` counts the example shapes traced.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        if not callable(fn):
            raise TypeError(f"compile: fn must be callable, got {type(fn).__name__} ({fn!r})")
        _numpy()
        super().__init__(fn)

    def __repr__(self) -> str:
        return f"<autograd.compile(batched=True) of {_name(self.fn)}: {len(self._programs)} trace(s)>"

    def __call__(self, *batches: Any) -> Any:
        """``fn`` of every example, as a numpy array: shape ``(B,)``, or ``(B, k)`` for k outputs."""
        key, size, columns = _columns(batches)
        program = self._program(key, columns)
        np = _numpy()
        if not state.anomaly:
            try:
                with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                    return program.forward(columns, program.scalars(), size)
            except (ArithmeticError, ValueError):
                pass
        outs = []
        for i in range(size):
            out = _call_any(self.fn, _example(program.shapes, columns, i))
            outs.append([v.data for v in out] if isinstance(out, list) else out.data)
        return np.array(outs, dtype=float)

    def backward(self, *batches: Any, reduce: str = "mean", seed: float = 1.0) -> float:
        """Add the gradient of ``seed * reduce(fn(example) for each example)`` into the captured Values.

        ``reduce`` is ``"mean"`` (the default) or ``"sum"``; returns ``reduce(...)`` of the outputs.
        """
        if reduce not in _REDUCE:
            raise ValueError(f"compile: backward reduce must be 'mean' or 'sum', got {reduce!r}")
        seed = to_float(seed, "compile: backward seed")
        key, size, columns = _columns(batches)
        program = self._program(key, columns)
        if program.outputs != 1:
            raise TypeError(f"compile: {_name(self.fn)} returns a list; backward needs one Value per example")
        scale = seed / size if reduce == "mean" else seed
        np = _numpy()
        if not state.anomaly:
            try:
                with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                    total, grads = program.forward_backward(columns, program.scalars(), scale, size)
            except (ArithmeticError, ValueError):
                pass
            else:
                for leaf, g in zip(program.captured, grads.tolist()):
                    leaf.grad += g
                total = float(total)
                return total / size if reduce == "mean" else total
        total = 0.0
        for i in range(size):  # eagerly, one example at a time: the engine's own rules and errors
            out = _call(self.fn, _example(program.shapes, columns, i))
            out.backward(scale)
            total += out.data
        return total / size if reduce == "mean" else total

    def _program(self, key: tuple, columns: list) -> _Program:
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = _Program(self.fn, key, columns)
        self._last = program
        return program


# ---------------------------------------------------------------------------------------------
# Batches in, columns out: argument i is an array of shape (B, *shape_i); its numbers become
# columns, one 1-D array of B numbers per number of one example.


def _columns(batches: tuple) -> tuple[tuple, int, list]:
    np = _numpy()
    if not batches:
        raise TypeError("compile: a batched function needs at least one batch argument")
    shapes = []
    arrays = []
    size = None
    for i, batch in enumerate(batches):
        if isinstance(batch, (str, bytes)) or isinstance(batch, Value):
            raise TypeError(
                f"compile: batch argument {i} must be a list or array of examples, got {type(batch).__name__}"
            )
        try:
            array = np.asarray(batch)
        except ValueError as error:
            raise ValueError(f"compile: batch argument {i} is ragged: every example needs the same shape ({error})") from None
        if array.dtype == object or array.dtype.kind not in "iuf":
            raise TypeError(
                f"compile: batch argument {i} must hold real numbers, got dtype {array.dtype} "
                "(batched replay takes numbers, not Values: the gradients go to the captured Values)"
            )
        if array.ndim == 0 or len(array) == 0:
            raise ValueError(f"compile: batch argument {i} must hold at least one example, got shape {array.shape}")
        if size is not None and len(array) != size:
            raise ValueError(f"compile: batch arguments differ in length: {size} and {len(array)} (argument {i})")
        size = len(array)
        shapes.append(array.shape[1:])
        arrays.append(np.ascontiguousarray(array.reshape(size, -1).T, dtype=float))
    columns = [row for a in arrays for row in a]
    return tuple(shapes), size, columns  # type: ignore[return-value]


def _example(shapes: tuple, columns: list, i: int) -> list:
    """Example ``i`` as the function takes it: numbers in nested lists of the traced shapes."""
    out = []
    k = 0
    for shape in shapes:
        n = math.prod(shape)
        flat = [Value(float(c[i])) for c in columns[k : k + n]]
        k += n
        out.append(_nest(flat, shape))
    return out


def _nest(flat: list, shape: tuple) -> Any:
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return flat
    step = len(flat) // shape[0]
    return [_nest(flat[j * step : (j + 1) * step], shape[1:]) for j in range(shape[0])]


def _call_any(fn: Callable, args: list) -> Value | list[Value]:
    out = fn(*args)
    if isinstance(out, (list, tuple)) and out and all(isinstance(v, Value) for v in out):
        return list(out)
    if not isinstance(out, Value):
        raise TypeError(f"compile: {_name(fn)} must return a Value or a list of Values, got {type(out).__name__}")
    return out


# ---------------------------------------------------------------------------------------------
# One trace turned into numpy source.


def _where(template: str) -> str:
    """A float rule with ``a if c else b`` as numpy's ``where(c, a, b)``, so it holds per example."""

    class Branches(ast.NodeTransformer):
        def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
            self.generic_visit(node)
            return ast.Call(ast.Name("where", ast.Load()), [node.test, node.body, node.orelse], [])

    return ast.unparse(Branches().visit(ast.parse(template, mode="eval")))


def _globals() -> dict[str, Any]:
    np = _numpy()

    def sigmoid(x: Any) -> Any:  # as ops._sigmoid: no exp of a large positive number
        e = np.exp(-np.abs(x))
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    return {
        "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "tanh": np.tanh, "sigmoid": sigmoid,
        "abs": np.abs, "where": np.where, "inf": math.inf, "stack": np.stack, "add_at": np.add.at,
        "zeros": np.zeros, "full": np.full, "asum": np.sum, "array": np.array, "concatenate": np.concatenate,
    }


_CHUNK = 64  # terms per line of a long sum: the generated lines stay short, the order stays eager's


class _Program:
    """The generated forward and forward+backward functions for one trace of a per-example ``fn``."""

    def __init__(self, fn: Callable[..., Any], shapes: tuple, columns: list) -> None:
        self.shapes = shapes
        leaves = [Value(float(c[0])) for c in columns]
        example = []
        k = 0
        for shape in shapes:
            n = math.prod(shape)
            example.append(_nest(leaves[k : k + n], shape))
            k += n
        saved, state.constants = state.constants, []
        try:
            with enable_grad():
                out = _call_any(fn, example)
            constants = set(state.constants)
        finally:
            state.constants = saved
        outs = out if isinstance(out, list) else [out]
        self.outputs = len(outs) if isinstance(out, list) else 1
        root = outs[0] if len(outs) == 1 else _Outputs(outs)
        order = [v for v in topological_order(root) if v is not root] if isinstance(root, _Outputs) else topological_order(root)
        self._write(fn, outs, order, leaves, constants)

    def scalars(self) -> Any:
        """The captured Values' numbers now, then the constants that grouped products use."""
        np = _numpy()
        return np.array([leaf.data for leaf in self.captured] + self._constants, dtype=float)

    def _write(self, fn: Callable, outs: list[Value], order: list[Value], leaves: list[Value], constants: set) -> None:
        is_arg = {leaf: j for j, leaf in enumerate(leaves)}
        names: dict[Value, str] = {}
        needs_grad: dict[Value, bool] = {}
        scope: dict[str, Any] = _globals()
        self.captured: list[Value] = []
        self._constants: list[float] = []
        slot: dict[Value, int] = {}  # a captured Value or constant -> its index in the scalars vector S
        forward: list[str] = ["# forward: one line per node (a layer of neurons is one matrix product)"]
        groups = _layer_groups(order, is_arg, constants)
        # Leaves used by a node outside the layers' matrix products get a name of their own.
        used_alone = {p for node in order if node._fn is not None and node not in groups for p in node.parents}
        written: set[int] = set()

        def scalar_slot(v: Value) -> int:
            if v not in slot:
                if v in constants:
                    slot[v] = -1 - len(self._constants)  # fixed up once the captured count is known
                    self._constants.append(v.data)
                else:
                    slot[v] = len(self.captured)
                    self.captured.append(v)
            return slot[v]

        for k, node in enumerate(order):
            if node in is_arg:
                names[node] = f"x{is_arg[node]}"
                needs_grad[node] = False
            elif node.is_leaf and node in constants and _literal(node.data) is not None:
                names[node] = _literal(node.data)  # type: ignore[assignment]
                needs_grad[node] = False
            elif node.is_leaf:
                j = scalar_slot(node)
                needs_grad[node] = j >= 0
                if node not in used_alone:  # only in layers' matrix products: read there, as S[IW...]
                    continue
                names[node] = f"p{j}" if j >= 0 else f"c{-1 - j}"
                label = f"  # {node.label!r}" if node.label else ""
                forward.append(f"{names[node]} = S[{j}]{label}" if j >= 0 else f"{names[node]} = S[C + {-1 - j}]")
            elif node in groups:
                g = groups[node]
                if g.index in written:
                    continue
                written.add(g.index)
                for m, member in enumerate(g.members):
                    names[member] = f"v{g.positions[m]}"
                    needs_grad[member] = True
                w_slots = [[scalar_slot(member.parents[2 * i]) for i in range(g.n_inputs)] for member in g.members]
                b_slots = [scalar_slot(member.parents[-1]) for member in g.members] if g.bias else []
                g.w_slots, g.b_slots = w_slots, b_slots
                xs = ", ".join(names[x] for x in g.inputs)
                outs_ = ", ".join(names[m] for m in g.members)
                forward.append(
                    f"# layer {g.index}: {len(g.members)} dot node(s) over the same {g.n_inputs} input(s): "
                    f"H = W @ X{' + b' if g.bias else ''}"
                )
                forward.append(f"X{g.index} = stack(({xs},))")
                forward.append(f"W{g.index} = S[IW{g.index}]  # weights, shape ({len(g.members)}, {g.n_inputs})")
                bias = f" + S[IB{g.index}][:, None]" if g.bias else ""
                forward.append(f"H{g.index} = W{g.index} @ X{g.index}{bias}")
                forward.append(f"{outs_}{',' if len(g.members) == 1 else ''} = H{g.index}")
            else:
                names[node] = name = f"v{k}"
                needs_grad[node] = True
                forward.extend(self._forward_lines(node, name, names, scope))

        n_captured = len(self.captured)
        for g in set(groups.values()):
            fix = lambda j: j if j >= 0 else n_captured + (-1 - j)  # noqa: E731
            scope[f"IW{g.index}"] = _numpy().array([[fix(j) for j in row] for row in g.w_slots], dtype=int)
            if g.bias:
                scope[f"IB{g.index}"] = _numpy().array([fix(j) for j in g.b_slots], dtype=int)
        scope["C"] = n_captured

        out_names = [names[o] for o in outs]
        backward = ["# backward: g_v = d(seed * sum of outputs)/d(v), from the output down"]
        has_grad: set[Value] = set()
        out = outs[0]
        backward.append(f"g_{names[out]} = seed * ones_B")
        has_grad.add(out)
        backward.append("GS = zeros(len(S))  # the captured Values' gradients, summed over the batch")
        for node in reversed(order):
            if node in groups:
                # A layer's backward goes where its first neuron is: from the output down, every
                # member's grad is complete there, and nothing below has been pushed yet.
                g = groups[node]
                if node is not g.members[0] or not any(m in has_grad for m in g.members):
                    continue
                gs = ", ".join(f"g_{names[m]}" if m in has_grad else "zeros_B" for m in g.members)
                backward.append(f"# layer {g.index}: dL/dX = W.T @ G, dL/dW = G @ X.T (summed over the batch)")
                backward.append(f"G{g.index} = stack(({gs},))")
                backward.append(f"add_at(GS, IW{g.index}, G{g.index} @ X{g.index}.T)")
                if g.bias:
                    backward.append(f"add_at(GS, IB{g.index}, G{g.index}.sum(axis=1))")
                if any(needs_grad.get(x, False) for x in g.inputs):
                    backward.append(f"GX{g.index} = W{g.index}.T @ G{g.index}")
                    for i, x in enumerate(g.inputs):
                        if needs_grad.get(x, False):
                            backward.append(_accumulate(f"g_{names[x]}", f"GX{g.index}[{i}]", x in has_grad))
                            has_grad.add(x)
                continue
            if node.is_leaf or node not in has_grad:
                continue
            locals_ = self._local_expressions(node, names, scope, backward)
            gname = f"g_{names[node]}"
            for parent, local in zip(node.parents, locals_):
                if not needs_grad[parent]:
                    continue
                backward.append(_accumulate(f"g_{names[parent]}", _times(local, gname), parent in has_grad))
                has_grad.add(parent)
        for leaf in self.captured:
            if leaf in has_grad:
                backward.append(f"GS[{slot[leaf]}] += asum(g_{names[leaf]})")
        total = f"asum({names[out]} * ones_B)"
        n_const = len(self._constants)
        header = (
            f"# autograd.compile(batched=True) of {_name(fn)}: {len(order)} nodes per example "
            f"({len(leaves)} number{'' if len(leaves) == 1 else 's'} per example, {n_captured} captured "
            f"Value{'' if n_captured == 1 else 's'}, {n_const} constant{'' if n_const == 1 else 's'} in S).\n"
            "# x_j: column j of the batch (one number per example); S: the captured Values' numbers, read at\n"
            "# every call, then constants; each line is the op's rule from autograd.ops, on whole columns.\n"
        )
        unpack = [f"{', '.join(f'x{j}' for j in range(len(leaves)))}, = columns", "ones_B = full(B, 1.0)"]
        if groups:
            unpack.append("zeros_B = full(B, 0.0)")
        body = unpack + forward
        self.source = (
            header
            + "def forward_backward(columns, S, seed, B):\n"
            + "".join(f"    {line}\n" for line in body + backward)
            + f"    return {total}, GS[:C]\n"
        )
        if len(outs) == 1:
            result = f"{out_names[0]} * ones_B"
        else:
            result = f"stack(({', '.join(f'{n} * ones_B' for n in out_names)},), axis=1)"
        forward_source = "def forward(columns, S, B):\n" + "".join(f"    {line}\n" for line in body) + f"    return {result}\n"
        name = _name(fn)
        namespace: dict[str, Any] = {}
        exec(builtins.compile(self.source, f"<autograd.compile(batched=True) of {name}>", "exec"), scope, namespace)
        exec(builtins.compile(forward_source, f"<autograd.compile(batched=True) of {name}>", "exec"), scope, namespace)
        self.forward_backward = namespace["forward_backward"]
        self.forward = namespace["forward"]

    def _forward_lines(self, node: Value, name: str, names: dict[Value, str], scope: dict[str, Any]) -> list[str]:
        op = node._fn
        assert op is not None
        inputs = [names[p] for p in node.parents]
        kind = f"{op.name} {op.label}" if op.params else op.name
        label = f" {node.label!r}" if node.label else ""
        if op is ops.SUM or op is ops.DOT:
            if op is ops.SUM:
                terms = inputs
                first = "0.0"
            else:
                n = len(inputs) - len(inputs) % 2
                terms = [f"{inputs[i]} * {inputs[i + 1]}" for i in range(0, n, 2)]
                first = inputs[-1] if n < len(inputs) else "0.0"
            # Added left to right from `first`, as the engine adds them: the same sum, bit for bit.
            lines = []
            acc = first
            for i in range(0, max(len(terms), 1), _CHUNK):
                chunk = terms[i : i + _CHUNK]
                lines.append(f"{name} = {' + '.join([acc, *chunk])}")
                acc = name
            lines[-1] += f"  # {kind}{label}"
            return lines
        template = _template(op)
        if template is None:
            scope[f"op_{op.name}_{id(op)}"] = op
            scope["vectorize"] = _numpy().vectorize
            params = ", ".join(repr(float(p)) for p in op.params)
            call = f"vectorize(op_{op.name}_{id(op)}.forward, otypes=[float])({', '.join(inputs)}{', ' + params if params else ''})"
            return [f"{name} = {call}  # {kind}{label}"]
        return [f"{name} = {_fill(_where(template[0]), op, inputs, None)}  # {kind}{label}"]

    def _local_expressions(self, node: Value, names: dict[Value, str], scope: dict[str, Any], lines: list[str]) -> list[str]:
        op = node._fn
        assert op is not None
        inputs = [names[p] for p in node.parents]
        formula = ", ".join(op.derivative)
        lines.append(f"# {names[node]} = {op.name}({', '.join(inputs[:6])}{', ...' if len(inputs) > 6 else ''}): {formula}")
        if op is ops.SUM:
            return ["1.0"] * len(inputs)
        if op is ops.DOT:
            n = len(inputs) - len(inputs) % 2
            return [inputs[i ^ 1] for i in range(n)] + ["1.0"] * (len(inputs) - n)
        template = _template(op)
        if template is None:
            key = f"op_{op.name}_{id(op)}"
            scope[key] = op
            params = "".join(f", {float(p)!r}" for p in op.params)
            local = f"l_{names[node]}"
            args = ", ".join([names[node], *inputs])
            out = []
            for i in range(len(inputs)):
                fname = f"{key}_local{i}"
                scope[fname] = _numpy().vectorize(
                    lambda *a, _op=op, _i=i: float(_op.local(*a)[_i]), otypes=[float]
                )
                out.append(f"{local}_{i}")
                lines.append(f"{local}_{i} = {fname}({args}{params})")
            return out
        return [_fill(_where(t), op, inputs, names[node]) for t in template[1:]]


def _accumulate(target: str, term: str, has: bool) -> str:
    """``g = g + term`` (never ``+=``: two names may hold one array, ``g_a = g_b``, and numpy's
    ``+=`` would change both), or ``g = term`` for the first contribution."""
    return f"{target} = {target} + {term}" if has else f"{target} = {term}"


class _Outputs(Value):
    """A stand-in root over several outputs, so one topological order covers them all."""

    __slots__ = ()

    def __init__(self, outs: list[Value]) -> None:
        super().__init__(0.0)
        self._edges = tuple(x for v in outs for x in (v, 1.0))


class _Group:
    """The dot nodes of one layer: the same inputs, weights (and biases) that are single numbers."""

    def __init__(self, index: int, inputs: tuple[Value, ...], bias: bool) -> None:
        self.index = index
        self.inputs = inputs
        self.n_inputs = len(inputs)
        self.bias = bias
        self.members: list[Value] = []
        self.positions: list[int] = []
        self.w_slots: list[list[int]] = []
        self.b_slots: list[int] = []


def _layer_groups(order: list[Value], is_arg: dict[Value, int], constants: set) -> dict[Value, _Group]:
    """dot nodes whose weights and bias are captured Values or constants, grouped by their inputs."""
    by_inputs: dict[tuple, _Group] = {}
    member_of: dict[Value, _Group] = {}
    batched: dict[Value, bool] = {}  # does the node's number differ between examples?
    for node in order:
        batched[node] = node in is_arg or any(batched[p] for p in node.parents)
    for k, node in enumerate(order):
        if node._fn is not ops.DOT:
            continue
        ps = node.parents
        n = len(ps) - len(ps) % 2
        ws, xs = ps[0:n:2], ps[1:n:2]
        if not xs or not all(w.is_leaf and w not in is_arg for w in ws) or not all(batched[x] for x in xs):
            continue
        has_bias = n < len(ps)
        if has_bias and not (ps[-1].is_leaf and ps[-1] not in is_arg):
            continue
        key = (tuple(id(x) for x in xs), has_bias)
        group = by_inputs.get(key)
        if group is None:
            group = by_inputs[key] = _Group(len(by_inputs), tuple(xs), has_bias)
        group.members.append(node)
        group.positions.append(k)
        member_of[node] = group
    return member_of
