"""``compile``: trace a function once, then replay it as straight-line Python on plain floats.

The eager engine builds a node per op on every call. A training step builds the *same* graph
every time, only with new numbers, so :func:`compile` runs the function once on ``Value``s,
walks the graph it built, and writes one line of Python per node for the forward pass and one
line per edge for the backward pass: the chain rule written out as code. The replay creates no
nodes, so it runs close to hand-written float code. Read what it wrote with ``.source``:

>>> from autograd import Value, compile
>>> w = Value(-1.5, label="w")
>>> f = compile(lambda x: (x * w).tanh())
>>> round(f(0.5), 6)                      # forward only: tanh(0.5 * -1.5)
-0.635149
>>> x = Value(0.5)
>>> round(f.backward(x), 6), round(x.grad, 6), round(w.grad, 6)  # forward, backward: grads added
(-0.635149, -0.894879, 0.298293)
>>> print(f.source, end="")
# autograd.compile of <lambda>: 4 nodes (1 argument, 1 captured Value, 0 constants).
# forward: one line per node, inputs first; each line is the op's rule from autograd.ops
def forward_backward(args, seed):
    [x0] = args
    # x0 is 'n1'
    p0 = leaf0.data  # 'w' (captured Value: read at every call)
    v2 = x0 * p0  # mul 'n2'
    v3 = tanh(v2)  # tanh 'n3'
    # backward: g_v = d(output)/d(v), from the output down, one line per edge
    g_v3 = seed
    # v3 = tanh(v2): d/dx = 1 - out^2
    g_v2 = (1.0 - v3 * v3) * g_v3
    # v2 = mul(x0, p0): d/dx = y, d/dy = x
    g_x0 = p0 * g_v2
    g_p0 = x0 * g_v2
    if nonfinite((g_x0, g_p0,)): return None  # rerun eagerly
    leaf0.grad += g_p0
    return v3, (g_x0,)

What a trace records, and what it does not:

- The comments name each node as every other view does (:mod:`autograd.names`), from the trace:
  ``v2 = x0 * p0  # mul 'n2'`` is the node the stepper and ``draw`` call ``n2``; ``.names`` maps
  the code's variables to those names.
- Arguments may be ``Value``s, numbers, or (nested) lists and tuples of them. Each call reads
  their current numbers; ``backward`` adds the gradient into the ``.grad`` of ``Value`` arguments.
- ``Value``s the function uses but does not take as arguments (a model's weights) are
  *captured*: every call reads their current ``.data`` and ``backward`` adds into their ``.grad``.
  Plain numbers the ops met (``x * 2``) are written into the code as constants.
- Branches inside the ops stay live: relu's, abs's and pow's rules are evaluated on the replayed
  numbers, not frozen at their traced values.
- Python control flow in *your* function is not recorded: a trace is one straight line. Calls
  with a different argument structure (another list length) are traced again, automatically.
  If your function branches on values (``if x.data > 0``), ``check(*args)`` compares a fresh
  eager trace with the compiled one and raises :class:`TraceMismatch` when the graph changed.
- A domain error during a replay (``log`` of a negative number...) reruns the call eagerly, so
  you get the engine's own error message; nothing is half-updated. A gradient that comes out
  nan or inf reruns the call eagerly too, so the engine's rules for them hold (a zero local
  derivative passes 0 even times an infinite grad; ``1/y`` for a subnormal ``y`` still gives a
  finite product): compiled and eager results are the same, bit for bit. Only what the output
  depends on is replayed: a failing op whose result the output never uses does not raise. So does any call inside
  :func:`autograd.detect_anomaly`.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable
from typing import Any

from . import ops
from .graph import topological_order
from .modes import enable_grad, state
from .names import name_parameters, node_names, parameter_name
from .value import LearnerOp, Value, to_float

__all__ = ["Compiled", "TraceMismatch", "compile"]


class TraceMismatch(RuntimeError):
    """Raised by :meth:`Compiled.check` when the function now builds a different graph."""


def compile(fn: Callable[..., Any], batched: bool = False) -> Any:  # noqa: A001 - the name users expect
    """Trace ``fn`` (on first call) and replay it as generated straight-line Python.

    ``batched=True``: ``fn`` is written for one example and replayed over whole batches as numpy
    (:class:`autograd.batched.Batched`); otherwise a :class:`Compiled` replays it on floats.
    """
    if not callable(fn):
        raise TypeError(f"compile: fn must be callable, got {type(fn).__name__} ({fn!r})")
    if not isinstance(batched, bool):
        raise TypeError(f"compile: batched must be a bool, got {type(batched).__name__} ({batched!r})")
    if batched:
        from .batched import Batched

        return Batched(fn)
    return Compiled(fn)


class Traced:
    """What every compiled function has: its traces, one per argument structure, and their source."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self._programs: dict[tuple, Any] = {}
        self._last: Any = None

    def __repr__(self) -> str:
        return f"<autograd.compile of {_name(self.fn)}: {len(self._programs)} trace(s)>"

    def _latest(self) -> Any:
        if self._last is None:
            raise RuntimeError(f"compile: {_name(self.fn)} has not been traced yet; call it once first")
        return self._last

    @property
    def source(self) -> str:
        """The generated code of the most recent trace (trace first by calling it)."""
        return str(self._latest().source)

    @property
    def traces(self) -> int:
        """How many argument structures have been traced so far."""
        return len(self._programs)


class Compiled(Traced):
    """A function traced once and replayed on floats; one program per argument structure."""

    @property
    def names(self) -> dict[str, str]:
        """Variables of :attr:`source` -> the nodes' names in every other view (:mod:`autograd.names`)."""
        return dict(self._latest().names)

    def __call__(self, *args: Any) -> float:
        """``fn(*args).data``, replayed on floats (no graph, no gradients)."""
        key, flat, _ = _flatten(args)
        program = self._program(key, args)
        if state.anomaly:
            return self._eager(args, None)
        try:
            return program.forward(flat)
        except (ArithmeticError, ValueError):
            return self._eager(args, None)

    def backward(self, *args: Any, seed: float = 1.0) -> float:
        """Forward and backward: add d(fn)/d(leaf) into every leaf's ``.grad``; return fn's data.

        Leaves are the ``Value`` arguments and the captured ``Value``s (as with
        ``fn(*args).backward(seed)``, their grads accumulate across calls).
        """
        seed = to_float(seed, "compile: backward seed")
        key, flat, values = _flatten(args)
        program = self._program(key, args)
        if state.anomaly:
            return self._eager(args, seed)
        try:
            result = program.forward_backward(flat, seed)
        except (ArithmeticError, ValueError):
            return self._eager(args, seed)
        if result is None:  # a nan or inf gradient: eager's rules decide it (see the module docs)
            return self._eager(args, seed)
        out, grads = result
        for value, g in zip(values, grads):
            if value is not None:
                value.grad += g
        return out

    def check(self, *args: Any) -> bool:
        """Trace ``fn`` eagerly on ``args`` and compare with the compiled graph; TraceMismatch if different."""
        key, flat, _ = _flatten(args)
        compiled = self._program(key, args)
        fresh = _Program(self.fn, args)
        if fresh.signature != compiled.signature:
            step = next(
                (i for i, (a, b) in enumerate(zip(fresh.signature, compiled.signature)) if a != b),
                min(len(fresh.signature), len(compiled.signature)),
            )
            raise TraceMismatch(
                f"compile: {_name(self.fn)} built a different graph for these inputs than when it was "
                f"traced (first difference at node {step}: traced {_describe(compiled.signature, step)}, "
                f"now {_describe(fresh.signature, step)}). It branches on values, which a trace cannot "
                "follow: call it eagerly instead."
            )
        return True

    def _program(self, key: tuple, args: tuple) -> _Program:
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = _Program(self.fn, args)
        self._last = program
        return program

    def _eager(self, args: tuple, seed: float | None) -> float:
        out = _call(self.fn, [_as_values(a) for a in args])
        if seed is not None:
            out.backward(seed)
        return out.data


# ---------------------------------------------------------------------------------------------
# Arguments: a key for their structure, their numbers in order, and which of them are Values.


def _flatten(args: tuple) -> tuple[tuple, list[float], list[Value | None]]:
    flat: list[float] = []
    values: list[Value | None] = []
    key = tuple(_walk(a, flat, values, f"argument {i}") for i, a in enumerate(args))
    return key, flat, values


def _path(where: Any) -> str:
    """``("argument 0", 1)`` as ``argument 0[1]`` (built only for an error message)."""
    indices = []
    while isinstance(where, tuple):
        where, j = where
        indices.append(f"[{j}]")
    return where + "".join(reversed(indices))


def _walk(a: Any, flat: list[float], values: list[Value | None], where: Any) -> Any:
    if type(a) is float:  # the common case first: a number, data only, no gradient
        flat.append(a)
        values.append(None)
        return "n"
    if isinstance(a, Value):
        flat.append(a.data)
        values.append(a)
        return "v"  # a Value: its gradient is wanted
    if isinstance(a, (list, tuple)):  # nesting is shallow (a batch of rows): recursion is fine
        return (type(a).__name__, tuple([_walk(b, flat, values, (where, j)) for j, b in enumerate(a)]))
    flat.append(to_float(a, f"compile: {_path(where)}"))
    values.append(None)
    return "n"  # a plain number: data only, no gradient


def _as_values(a: Any) -> Any:
    """``a`` with every number replaced by a Value leaf (Values are kept as they are)."""
    if isinstance(a, Value):
        return a
    if isinstance(a, (list, tuple)):
        return type(a)(_as_values(b) for b in a)
    return Value(a)


def _fresh(a: Any, leaves: list[Value]) -> Any:
    """``a`` with every scalar replaced by a new leaf holding its number (collected in ``leaves``)."""
    if isinstance(a, (list, tuple)) and not isinstance(a, Value):
        return type(a)(_fresh(b, leaves) for b in a)
    leaf = Value(a.data if isinstance(a, Value) else a)
    if isinstance(a, Value):  # named as the argument is, so the comments use every view's names
        leaf.label = a.label
        given = parameter_name(a)
        if given is not None:
            name_parameters([(given, leaf)])
    leaves.append(leaf)
    return leaf


def _call(fn: Callable[..., Value], args: list) -> Value:
    out = fn(*args)
    if not isinstance(out, Value):
        raise TypeError(f"compile: {_name(fn)} must return a Value, got {type(out).__name__} ({out!r})")
    return out


def _name(fn: object) -> str:
    name = getattr(fn, "__name__", None) or f"a {type(fn).__name__} object"
    return " ".join(str(name).split())  # one line: it goes into a comment


def _describe(signature: tuple, i: int) -> str:
    if i >= len(signature):
        return "nothing (the graph ended)"
    op, parents = signature[i]
    return f"{op}({', '.join(f'node {p}' for p in parents)})" if parents else op


# ---------------------------------------------------------------------------------------------
# A program: one trace turned into Python source and compiled.

_ARG_LOCALS = 256
"""Up to this many arguments, each is a local of the generated code (``x0``); more stay in ``x``."""
_NAMES = re.compile(r"\b(x|y|out|k)\b")
_ATOM = re.compile(r"^(\(-[\w.]+\)|[\w.]+)$")  # a name or a literal
_GLOBALS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sigmoid": ops._sigmoid, "inf": math.inf, "sum": builtins.sum, "nonfinite": lambda gs: not math.isfinite(builtins.sum(gs)),
}


def _literal(x: float) -> str | None:
    """``x`` as Python source, or None when it has no plain literal (inf, nan)."""
    if not math.isfinite(x):
        return None
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _times(local: str, g: str) -> str:
    """Source for ``local * g``, simplified where local is +-1."""
    if local == "1.0":
        return g
    if local in ("-1.0", "(-1.0)"):
        return f"-{g}"
    return f"{local if _ATOM.match(local) or _wrapped(local) else f'({local})'} * {g}"


def _wrapped(text: str) -> bool:
    """True when ``text`` is one parenthesised expression, ``(...)``."""
    if not text.startswith("("):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += c == "("
        depth -= c == ")"
        if depth == 0:
            return i == len(text) - 1
    return False


class _Program:
    """The generated forward and forward+backward functions for one trace of ``fn``."""

    def __init__(self, fn: Callable[..., Value], args: tuple) -> None:
        arg_leaves: list[Value] = []
        fresh_args = [_fresh(a, arg_leaves) for a in args]
        # Arguments passed as plain numbers need no gradient: no backward lines flow into them.
        wants_grad = [v is not None for v in _flatten(args)[2]]
        saved, state.constants = state.constants, []
        try:
            with enable_grad():
                out = _call(fn, fresh_args)
            constants = state.constants
        finally:
            state.constants = saved
        order = topological_order(out)
        for node in order:
            if isinstance(node._fn, LearnerOp) and node._edges:
                raise TypeError(
                    f"compile: {_name(fn)} builds {node!r} with a learner's _backward closure (op "
                    f"{node._fn.symbol!r}); compile writes code from the op table and cannot see inside a "
                    f"closure. Use the engine's ops (v.tanh(), v ** 2, ...) in the compiled function."
                )
        self.signature = tuple(_signature(order))
        self.n_args = len(arg_leaves)
        self._n_flat = len(arg_leaves)
        self._write(fn, out, order, arg_leaves, wants_grad, constants)
        del out, order, constants, fresh_args  # the trace's graph is freed before compiling its code
        self.forward_backward: Callable[[list[float], float], tuple[float, tuple]] = _build(
            self.source, self._scope, "forward_backward", fn
        )
        self._forward: Callable[[list[float]], float] | None = None

    def _write(
        self, fn: Callable, out: Value, order: list[Value], arg_leaves: list[Value], wants_grad: list[bool],
        constants: list,
    ) -> None:
        is_arg = {leaf: i for i, leaf in enumerate(arg_leaves)}
        # Past a few hundred arguments, a local per argument makes CPython's compiler slow (it is
        # superlinear in the number of locals): the arguments stay in their list, x[i], and their
        # gradients go to a list g_x; a sum over arguments only is then a loop, not a line per term.
        many = len(arg_leaves) > _ARG_LOCALS
        is_constant = set(constants)
        shown = node_names(order)  # each node's name in every view (autograd.names), for the comments
        self.names: dict[str, str] = {}
        """Variable of the generated code -> the node's name in every view (``{'x0': 'x', 'v2': 'n1'}``)."""
        names: dict[Value, str] = {}
        needs_grad: dict[Value, bool] = {}
        scope: dict[str, Any] = dict(_GLOBALS)
        self._op_names: dict[ops.Op, str] = {}
        captured: dict[str, Value] = {}
        forward: list[str] = []
        for k, node in enumerate(order):
            if node in is_arg:
                names[node] = f"x[{is_arg[node]}]" if many else f"x{is_arg[node]}"
                needs_grad[node] = wants_grad[is_arg[node]]
            elif node.is_leaf and node in is_constant and _literal(node.data) is not None:
                names[node] = _literal(node.data)  # type: ignore[assignment]
                needs_grad[node] = False
            elif node.is_leaf:
                j = len(captured)
                names[node] = f"p{j}"
                captured[f"p{j}"] = node
                scope[f"leaf{j}"] = node
                forward.append(f"p{j} = leaf{j}.data  # {shown[id(node)]!r} (captured Value: read at every call)")
                needs_grad[node] = True
            else:
                names[node] = name = f"v{k}"
                needs_grad[node] = any(needs_grad[p] for p in node.parents)
                expression = self._forward_expression(node, names, scope)
                kind = f"{node.op} {node.fn.label}" if node.fn.params else node.op  # type: ignore[union-attr]
                forward.append(f"{name} = {expression}  # {kind} {shown[id(node)]!r}")

        backward = ["# backward: g_v = d(output)/d(v), from the output down, one line per edge"]
        has_grad: set[Value] = set()
        if needs_grad[out]:
            backward.append(f"g_{names[out]} = seed")
            has_grad.add(out)
        for node in reversed(order):
            if node.is_leaf or not needs_grad[node] or node not in has_grad:
                continue
            fn_ = node._fn
            parents = node.parents
            args = ", ".join(names[p] for p in parents)
            if fn_.arity is None:  # type: ignore[union-attr]
                formula = f"d/dx_i = {fn_.derivative[0]}"  # type: ignore[union-attr]
            else:
                formula = ", ".join(f"d/d{'xy'[i]} = {d}" for i, d in enumerate(fn_.derivative))  # type: ignore[union-attr]
            backward.append(f"# {names[node]} = {fn_.name}({args}): {formula}")  # type: ignore[union-attr]
            g = f"g_{names[node]}"
            if many and fn_ is ops.SUM and all(p in is_arg for p in parents):
                key = f"idx_{names[node]}"  # the terms' argument positions, in order
                backward.append(f"for i in {key}: g_x[i] += {g}")
                has_grad.update(parents)
                continue
            locals_ = self._local_expressions(node, names, scope, backward)
            for parent, local in zip(parents, locals_):
                if not needs_grad[parent] or local == "0.0":  # a zero local passes nothing (ops.chain)
                    continue
                target = f"g_{names[parent]}"
                op = "+=" if parent in has_grad else "="
                has_grad.add(parent)
                backward.append(f"{target} {op} {_times(local, g)}")
        # A nan or inf gradient may differ from eager's (ops.chain: a zero local passes 0, not
        # 0 * inf; a Quotient local divides): the call is then rerun eagerly, before any .grad changes.
        reached = [] if many else [f"g_{names[a]}" for a in arg_leaves if a in has_grad]
        reached += [f"g_{name}" for name, leaf in captured.items() if leaf in has_grad]
        if reached or many:
            listed = f"({', '.join(reached)},)" if reached else "()"
            backward.append(f"if nonfinite({listed}){' or nonfinite(g_x)' if many else ''}: return None  # rerun eagerly")
        for name, leaf in captured.items():
            if leaf in has_grad:
                backward.append(f"leaf{name[1:]}.grad += g_{name}")
        arg_grads = [f"g_{names[a]}" if a in has_grad else "0.0" for a in arg_leaves]
        returned = f"({', '.join(arg_grads)},)" if arg_grads else "()"
        if many:
            returned = "tuple(g_x)"

        n_const = sum(1 for n in order if n.is_leaf and n in is_constant)
        header = (
            f"# autograd.compile of {_name(fn)}: {len(order)} nodes ({len(arg_leaves)} argument"
            f"{'' if len(arg_leaves) == 1 else 's'}, {len(captured)} captured Value"
            f"{'' if len(captured) == 1 else 's'}, {n_const} constant{'' if n_const == 1 else 's'}).\n"
            "# forward: one line per node, inputs first; each line is the op's rule from autograd.ops\n"
        )
        for node, name in names.items():
            if not (node.is_leaf and node in is_constant):
                self.names[name] = shown[id(node)]
        unpack = [f"[{', '.join(f'x{i}' for i in range(len(arg_leaves)))}] = args"] if arg_leaves else []
        if many:
            unpack = ["x = args"]
            backward.insert(1, f"g_x = [0.0] * {len(arg_leaves)}")
        else:
            for i in range(0, len(arg_leaves), 8):  # what each argument is called in the other views
                unpack.append("# " + ", ".join(
                    f"x{j} is {shown[id(arg_leaves[j])]!r}" if id(arg_leaves[j]) in shown else f"x{j} is unused"
                    for j in range(i, min(i + 8, len(arg_leaves)))
                ))
        body = unpack + forward
        self.source = (
            header
            + "def forward_backward(args, seed):\n"
            + "".join(f"    {line}\n" for line in body + backward)
            + f"    return {names[out]}, {returned}\n"
        )
        self._forward_source = (
            "def forward(args):\n" + "".join(f"    {line}\n" for line in body) + f"    return {names[out]}\n"
        )
        self._scope = scope

    def forward(self, flat: list[float]) -> float:
        """The output's data (the forward-only function is compiled on first use)."""
        if self._forward is None:
            self._forward = _build(self._forward_source, self._scope, "forward", None)
        return self._forward(flat)

    def _op_name(self, op: ops.Op, scope: dict[str, Any]) -> str:
        """A global name for an op the code calls (one without source templates)."""
        if op not in self._op_names:
            self._op_names[op] = name = f"op{len(self._op_names)}_{op.name}"
            scope[name] = op
        return self._op_names[op]

    def _forward_expression(self, node: Value, names: dict[Value, str], scope: dict[str, Any]) -> str:
        op = node._fn
        assert op is not None
        inputs = [names[p] for p in node.parents]
        # sum and dot call the builtin sum on a flat tuple, as ops.SUM and ops.dot_forward do: the
        # same additions in the same order (bit for bit), and no `x0 + x1 + ...` chain, which
        # CPython's compiler cannot nest past a few thousand terms.
        if op is ops.SUM:
            if inputs and all(name.startswith("x[") for name in inputs):  # arguments only: a loop
                key = f"idx_{names[node]}"
                scope[key] = indices = tuple(int(name[2:-1]) for name in inputs)
                if indices == tuple(range(len(indices))) and len(indices) == self._n_flat:
                    return "sum(x, 0.0)"
                return f"sum([x[i] for i in {key}], 0.0)"
            return f"sum(({', '.join(inputs)},), 0.0)"
        if op is ops.DOT:
            n = len(inputs) - len(inputs) % 2
            terms = [f"{inputs[i]} * {inputs[i + 1]}" for i in range(0, n, 2)]
            bias = inputs[-1] if n < len(inputs) else "0.0"  # the start of the sum, as ops._dot
            return f"sum(({''.join(t + ', ' for t in terms)}), {bias})"
        template = _template(op)
        if template is None:
            params = [_literal(p) or f"float({str(p)!r})" for p in op.params]
            return f"{self._op_name(op, scope)}.forward({', '.join(inputs + params)})"
        return _fill(template[0], op, inputs, None)

    def _local_expressions(
        self, node: Value, names: dict[Value, str], scope: dict[str, Any], lines: list[str]
    ) -> list[str]:
        op = node._fn
        assert op is not None
        inputs = [names[p] for p in node.parents]
        if op is ops.SUM:
            return ["1.0"] * len(inputs)
        if op is ops.DOT:
            n = len(inputs) - len(inputs) % 2
            partners = [inputs[i ^ 1] for i in range(n)]
            return partners + ["1.0"] * (len(inputs) - n)
        if op is ops.POW and op.params[0] == 0.0:
            return ["0.0"]  # x ** 0 is constant: its local is 0 even at nan or 0 (ops._pow_local)
        template = _template(op)
        if template is None:
            name = f"l_{names[node]}"
            params = [_literal(p) or f"float({str(p)!r})" for p in op.params]
            lines.append(f"{name} = {self._op_name(op, scope)}.local({', '.join([names[node], *inputs, *params])})")
            return [f"{name}[{i}]" for i in range(len(inputs))]
        return [_fill(t, op, inputs, names[node]) for t in template[1:]]


def _template(op: ops.Op) -> tuple[str, ...] | None:
    """The op's source templates, or None where the compiled code must call the op instead."""
    if not op.code:
        return None
    if op.params and not all(_literal(k) is not None and float(k).is_integer() for k in op.params):
        return None  # pow with a fractional or infinite exponent: call the checked rule
    return op.code


def _fill(template: str, op: ops.Op, inputs: list[str], out: str | None) -> str:
    names = {"x": inputs[0], "y": inputs[1] if len(inputs) > 1 else "", "out": out or "", "k": ""}
    if op.params:
        names["k"] = _literal(op.params[0]) or ""
    return _NAMES.sub(lambda m: names[m.group(1)], template)


def _build(source: str, scope: dict[str, Any], name: str, fn: Callable | None) -> Callable:
    """Compile the generated function; a long one is compiled in pieces (see :func:`_pieces`)."""
    where = f"<autograd.compile of {_name(fn) if fn else 'forward'}>"
    namespace: dict[str, Any] = {}
    lines = source.splitlines()
    if len(lines) <= _WHOLE:
        exec(builtins.compile(source, where, "exec"), scope, namespace)
        return namespace[name]
    driver, pieces = _pieces(lines)
    scope.setdefault("_Rerun", _Rerun)
    for k, piece in enumerate(pieces):  # one at a time: the compiler holds one piece's tree at once
        exec(builtins.compile(piece, f"{where[:-1]}, piece {k}>", "exec"), scope, scope)
    exec(builtins.compile(driver, where, "exec"), scope, namespace)
    return namespace[name]


_WHOLE = 100_000  # up to this many lines a function is compiled whole (the demo step: 80,000)
_PIECE = 20_000  # lines per piece of a longer one: each piece call passes its live variables
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _pieces(lines: list[str]) -> tuple[str, list[str]]:
    """A long straight-line function as pieces of at most ``_PIECE`` lines, and a driver calling them.

    CPython's compiler needs memory in proportion to the whole function it compiles (a 10^5-node
    graph's 2 * 10^5 lines took about 400 MB). So a body longer than ``_WHOLE`` lines is cut into
    consecutive pieces of ``_PIECE`` lines (fewer pieces: less passing between them), each a
    function of its own: it takes the local variables it reads that earlier pieces wrote, and
    returns those that later pieces (or the final ``return``) read. The numbers flow as before, in
    the same order, so the results are the same, bit for bit.
    """
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))  # after the header comments
    head, body, tail = lines[start], lines[start + 1 : -1], lines[-1]
    params = [p.strip() for p in head[head.index("(") + 1 : head.index(")")].split(",") if p.strip()]
    def code(i: int) -> str:  # line i without its comment
        line = body[i]
        return "" if line.lstrip().startswith("#") else line.split("  #", 1)[0]

    assigned = set(params)
    for line in map(code, range(len(body))):
        target = line.split("=", 1)[0] if "=" in line else ""
        if target.strip() and "." not in target:
            assigned.update(_IDENTIFIER.findall(target.rstrip("+-*/ ")))
    chunks = [range(i, min(i + _PIECE, len(body))) for i in range(0, len(body), _PIECE)]
    used: list[set[str]] = [set() for _ in chunks]  # the locals each piece reads (an augmented target is read too)
    wrote: list[set[str]] = [set() for _ in chunks]
    for c, rows in enumerate(chunks):
        for i in rows:
            line = code(i)
            if "=" not in line:
                used[c].update(n for n in _IDENTIFIER.findall(line) if n in assigned)
                continue
            target, value = line.split("=", 1)
            augmented = target.rstrip().endswith(("+", "-", "*", "/"))
            names = [n for n in _IDENTIFIER.findall(target.rstrip("+-*/ ")) if n in assigned]
            used[c].update(n for n in _IDENTIFIER.findall(value) if n in assigned)
            if augmented or "." in target:
                used[c].update(n for n in _IDENTIFIER.findall(target) if n in assigned)
            if "." not in target:
                wrote[c].update(names)
    needed_later = {n for n in _IDENTIFIER.findall(tail) if n in assigned}
    outs: list[list[str]] = [[] for _ in chunks]
    for c in range(len(chunks) - 1, -1, -1):
        outs[c] = sorted(wrote[c] & needed_later)
        needed_later |= used[c]
    known = set(params)
    pieces, calls = [], []
    for c, rows in enumerate(chunks):
        ins = sorted(used[c] & known)
        known |= wrote[c]
        # An early ``return None`` (a nan or inf gradient: rerun eagerly) must leave the whole
        # function, not just its piece: the piece raises, and the driver returns None.
        lines_ = [f"def _piece{c}({', '.join(ins)}):",
                  *(body[i].replace(": return None", ": raise _Rerun()") for i in rows)]
        lines_.append(f"    return ({', '.join(outs[c])}{',' if len(outs[c]) == 1 else ''})")
        pieces.append("\n".join(lines_) + "\n")
        targets = f"({', '.join(outs[c])}{',' if len(outs[c]) == 1 else ''})" if outs[c] else "_"
        calls.append(f"    {targets} = _piece{c}({', '.join(ins)})")
    driver = "\n".join([head, "    try:", *("    " + call for call in calls), "    except _Rerun:",
                        "        return None", tail]) + "\n"
    return driver, pieces


class _Rerun(Exception):
    """Raised inside a piece of a long compiled function to leave the whole function (see :func:`_pieces`)."""


def _signature(order: list[Value]) -> list[tuple]:
    """The graph's shape: per node, its op (with constants) and its parents' positions."""
    position = {node: i for i, node in enumerate(order)}
    return [
        (node.fn.label if node.fn else "leaf", tuple(position[p] for p in node.parents)) for node in order
    ]
