"""The shell: ``blamegrad`` (also ``python -m autograd``) runs backward on an expression you type.

    blamegrad step    "tanh(x1*w1 + x2*w2 + b)" x1=2 w1=-3 x2=0 w2=1 b=6.8814   # every step
    blamegrad explain "tanh(x1*w1 + x2*w2 + b)" x1=2 w1=-3 x2=0 w2=1 b=6.8814 --wrt x1
    blamegrad sketch  "tanh(x1*w1 + x2*w2 + b)" x1=2 w1=-3 x2=0 w2=1 b=6.8814   # the text picture
    blamegrad draw    "tanh(x1*w1 + x2*w2 + b)" x1=2 ... -o graph.svg           # .svg, .png, .pdf
    blamegrad grad    "tanh(x1*w1 + x2*w2 + b)" x1=2 ...                        # the grads only

The expression is parsed with :mod:`ast` and built from the engine's ops, never ``eval``ed: it
may hold numbers, names bound on the command line (``x1=2``), ``+ - * / **``, unary minus, and
the engine's functions ``exp log sqrt tanh sigmoid relu abs``. Anything else is refused with a
one-line error naming the part. Each bound name becomes a labelled leaf; the output is ``L``.
Errors in the expression or the bindings (and domain errors such as ``log(0)``) print one line
on stderr and exit with status 2. Subcommands are the rows of :data:`COMMANDS`.

Colour follows the terminal (rich decides: none through a pipe, with ``NO_COLOR`` or
``TERM=dumb``); ``--color always|never`` overrides it. Output fits the terminal's width.
No maths here: the floors below do it.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import keyword
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import ops
from .functions import exp, log, relu, sigmoid, sqrt, tanh
from .graph import topological_order
from .names import node_names
from .value import Value

__all__ = ["COMMANDS", "Command", "ExpressionError", "build", "main", "parse_bindings"]

MAX_EXPRESSION = 10_000
"""Longest expression accepted, in characters (a bigger graph belongs in a Python script)."""

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "abs": abs,
}
"""The functions an expression may call: the engine's one-input ops (``abs`` is ``Value.__abs__``)."""

# Binary operators: the engine's op, for Values (Python's operator) and for two plain numbers
# (the op's own forward, so 1/0 and 0**-1 give the engine's errors).
_BINARY: dict[type, tuple[str, Callable[[Any, Any], Any], Callable[[float, float], float]]] = {
    ast.Add: ("+", lambda a, b: a + b, ops.ADD.forward),
    ast.Sub: ("-", lambda a, b: a - b, ops.SUB.forward),
    ast.Mult: ("*", lambda a, b: a * b, ops.MUL.forward),
    ast.Div: ("/", lambda a, b: a / b, ops.DIV.forward),
    ast.Pow: ("**", lambda a, b: a**b, ops.POW.forward),
}

_REFUSED_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.UAdd: "unary +",
    ast.Not: "not",
    ast.Invert: "~",
}

_KINDS: dict[type, str] = {
    ast.Attribute: "attributes",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignments (:=)",
    ast.IfExp: "conditional expressions (x if c else y)",
    ast.Compare: "comparisons",
    ast.BoolOp: "boolean operators (and, or)",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "starred arguments",
    ast.Await: "await expressions",
    ast.Yield: "yield expressions",
    ast.YieldFrom: "yield expressions",
    ast.Slice: "slices",
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BINDING = re.compile(r"([^=\s]+)=(.*)", re.S)


class ExpressionError(ValueError):
    """An expression or binding the command line cannot use; the message is one line."""


def _part(text: str, node: ast.AST) -> str:
    """The source of ``node`` for an error message, cut to 40 characters."""
    segment = ast.get_source_segment(text, node) or type(node).__name__
    segment = " ".join(segment.split())
    return segment if len(segment) <= 40 else segment[:37] + "..."


def parse_bindings(items: Sequence[str]) -> dict[str, float]:
    """``["x1=2", "w1=-3"]`` -> ``{"x1": 2.0, "w1": -3.0}``; a malformed or repeated one is an error."""
    bound: dict[str, float] = {}
    for item in items:
        match = _BINDING.fullmatch(item)
        if match is None:
            raise ExpressionError(f"expected name=number, got {item!r}")
        name, text = match.group(1), match.group(2).strip()
        if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
            raise ExpressionError(
                f"{name!r} is not a name (letters, digits and _, not starting with a digit)"
            )
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function of expressions; bind another name")
        if name in bound:
            raise ExpressionError(f"{name} is bound twice ({name}={_short(bound[name])} and {item})")
        if not _NUMBER.fullmatch(text):
            raise ExpressionError(f"{name}={text!r}: not a number (write it like 2, -3.5 or 1e-3)")
        value = float(text)
        if not math.isfinite(value):
            raise ExpressionError(f"{name}={text}: too large for a float")
        bound[name] = value
    return bound


def _short(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e16 else repr(x)


def _tree(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(
            f"the expression has {len(text)} characters, over {MAX_EXPRESSION}; "
            "build a graph that big in Python"
        )
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if "\x00" in text:
        raise ExpressionError("the expression contains a NUL character")
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        where = f" (column {error.offset})" if error.offset else ""
        raise ExpressionError(f"not an expression: {error.msg}{where}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply to parse") from None
    except ValueError as error:
        raise ExpressionError(f"not an expression: {error}") from None


def _check(text: str, tree: ast.Expression, bound: dict[str, float]) -> set[str]:
    """Refuse anything but numbers, bound names, + - * / **, unary minus and FUNCTIONS; the names used."""
    text = text.strip()
    used: set[str] = set()
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.BinOp:
            op = type(node.op)  # type: ignore[attr-defined]
            if op not in _BINARY:
                raise ExpressionError(
                    f"the operator {_REFUSED_OPERATORS.get(op, op.__name__)} is not allowed "
                    f"(only + - * / **): {_part(text, node)}"
                )
            stack += [node.right, node.left]  # type: ignore[attr-defined]
        elif kind is ast.UnaryOp:
            op = type(node.op)  # type: ignore[attr-defined]
            if op is not ast.USub:
                raise ExpressionError(
                    f"{_REFUSED_OPERATORS.get(op, op.__name__)} is not allowed "
                    f"(only unary minus): {_part(text, node)}"
                )
            stack.append(node.operand)  # type: ignore[attr-defined]
        elif kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, bool) or value is None or value is Ellipsis:
                raise ExpressionError(f"{value!r} is not a number: {_part(text, node)}")
            if isinstance(value, (str, bytes)):
                raise ExpressionError(f"strings are not allowed: {_part(text, node)}")
            if isinstance(value, complex):
                raise ExpressionError(f"complex numbers are not allowed: {_part(text, node)}")
            if not isinstance(value, (int, float)):
                raise ExpressionError(
                    f"{type(value).__name__} constants are not allowed: {_part(text, node)}"
                )
            try:
                if not math.isfinite(float(value)):
                    raise OverflowError
            except OverflowError:
                raise ExpressionError(f"the number {_part(text, node)} is too large for a float") from None
        elif kind is ast.Name:
            name = node.id  # type: ignore[attr-defined]
            if name in FUNCTIONS:
                raise ExpressionError(f"{name} is a function: call it as {name}(...)")
            if name not in bound:
                raise ExpressionError(f"the name {name} is not bound: add {name}=<number> to the command")
            used.add(name)
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            called = func.id if isinstance(func, ast.Name) else _part(text, func)
            if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
                raise ExpressionError(
                    f"calls to {called} are not allowed (only {', '.join(FUNCTIONS)}): {_part(text, node)}"
                )
            if node.keywords:  # type: ignore[attr-defined]
                raise ExpressionError(f"keyword arguments are not allowed: {_part(text, node)}")
            args = node.args  # type: ignore[attr-defined]
            if any(isinstance(a, ast.Starred) for a in args):
                raise ExpressionError(f"starred arguments are not allowed: {_part(text, node)}")
            if len(args) != 1:
                raise ExpressionError(f"{called} takes one input, got {len(args)}: {_part(text, node)}")
            stack.append(args[0])
        else:
            what = _KINDS.get(kind, f"{kind.__name__} expressions")
            raise ExpressionError(f"{what} are not allowed: {_part(text, node)}")
    unused = [name for name in bound if name not in used]
    if unused:
        raise ExpressionError(
            f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} bound but not used in the expression"
        )
    return used


def build(text: str, bound: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """The graph of ``text`` with ``bound`` names as labelled leaves: ``(output, {name: leaf})``.

    >>> out, leaves = build("tanh(x*w) + 2", {"x": 0.5, "w": -1.0})
    >>> round(out.data, 4), leaves["x"].label
    (1.5379, 'x')
    """
    tree = _tree(text)
    _check(text, tree, bound)
    leaves = {name: Value(value, label=name) for name, value in bound.items()}
    # Post-order over the tree with an explicit stack: a node is evaluated once its inputs are.
    results: dict[int, Any] = {}
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    try:
        while stack:
            node, ready = stack.pop()
            if isinstance(node, ast.Constant):
                results[id(node)] = float(node.value)  # type: ignore[arg-type]
                continue
            if isinstance(node, ast.Name):
                results[id(node)] = leaves[node.id]
                continue
            inputs = (
                [node.left, node.right]
                if isinstance(node, ast.BinOp)  # type: ignore[attr-defined]
                else [node.operand]
                if isinstance(node, ast.UnaryOp)  # type: ignore[attr-defined]
                else [node.args[0]]  # type: ignore[attr-defined]
            )  # type: ignore[attr-defined]
            if not ready:
                stack.append((node, True))
                stack += [(child, False) for child in reversed(inputs)]
                continue
            args = [results.pop(id(child)) for child in inputs]
            if isinstance(node, ast.BinOp):
                _, on_values, on_numbers = _BINARY[type(node.op)]
                both_numbers = all(isinstance(a, float) for a in args)
                results[id(node)] = on_numbers(*args) if both_numbers else on_values(*args)
            elif isinstance(node, ast.UnaryOp):
                results[id(node)] = -args[0]
            else:
                results[id(node)] = FUNCTIONS[node.func.id](args[0])  # type: ignore[attr-defined]
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ExpressionError(f"cannot compute it: {error}") from None
    out = results[id(tree.body)]
    if not isinstance(out, Value):
        out = Value(out)  # a constant expression: one leaf
    return out, leaves


# ---------------------------------------------------------------------------------------------
# Output: width and colour as the terminal allows


class Output:
    """Where a command writes: stdout's width, and colour where rich and the terminal allow it."""

    def __init__(self, color: str, width: int | None, file: TextIO | None = None) -> None:
        from .viz.sketch import _console, terminal_width

        self.file = file if file is not None else sys.stdout
        self.color = {"auto": None, "always": True, "never": False}[color]
        self.console = _console(self.file, self.color, width)
        self.width = width or (self.console.width if self.console is not None else terminal_width(self.file))
        self.colored = (
            self.console is not None and self.console.color_system is not None and not self.console.no_color
        )

    def line(self, text: str = "", style: str | None = None) -> None:
        """Print ``text`` wrapped to the width; continuation lines keep its indent, plus four."""
        for raw in text.split("\n"):
            for piece in wrap(raw, self.width):
                self._write(piece, style)

    def spans(self, spans: Sequence[tuple[str, str | None]]) -> None:
        """One line of (text, rich style) pieces; cut to the width."""
        if not self.colored or self.console is None:
            self.file.write("".join(t for t, _ in spans)[: self.width] + "\n")
            return
        from rich.text import Text

        text = Text(no_wrap=True, overflow="crop")
        for t, s in spans:
            text.append(t, s)
        self.console.print(text, soft_wrap=False, crop=True)

    def _write(self, text: str, style: str | None) -> None:
        if self.colored and style and self.console is not None:
            from rich.text import Text

            self.console.print(Text(text, style=style, no_wrap=True, overflow="crop"), soft_wrap=False)
        else:
            self.file.write(text + "\n")

    def sketch(self, picture: Any) -> None:
        picture.color = self.color
        picture.width = self.width
        picture.print(self.file)


def wrap(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width``: cut first where it has a gap of 3 spaces, then at a space.

    Continuation pieces are indented 4 more than the line (at most half the width).
    """
    if len(line) <= width:
        return [line]
    indent = min(len(line) - len(line.lstrip(" ")), width // 2)
    rest = " " * indent + line.lstrip(" ")
    pad = " " * min(indent + 4, width // 2)
    start = indent
    pieces: list[str] = []
    while len(rest) > width:
        cut = rest.rfind("   ", start + 1, width + 1)
        if cut == -1:
            cut = rest.rfind(" ", start + 1, width + 1)
        if cut == -1:
            cut = width  # one word longer than the line: cut it
        pieces.append(rest[:cut].rstrip())
        rest = pad + rest[cut:].lstrip(" ")
        start = len(pad)
    if rest.strip():
        pieces.append(rest)
    return pieces


def _blame_style(g: float, largest: float) -> str | None:
    from .viz.colors import blame_color, text_color

    fill = blame_color(g, largest)
    return None if fill is None else f"{text_color(fill)} on {fill}"


# ---------------------------------------------------------------------------------------------
# The subcommands


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, a line of help, how it adds its arguments, and what it runs."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Output], int]
    example: str = ""


EXAMPLE = '"tanh(x1*w1 + x2*w2 + b)" x1=2 w1=-3 x2=0 w2=1 b=6.8814'


def _expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        help='e.g. "tanh(x1*w1 + x2*w2 + b)": numbers, bound names, '
        "+ - * / **, unary minus, " + ", ".join(FUNCTIONS) + " (start it with -- if it begins with -)",
    )
    parser.add_argument("bindings", nargs="*", metavar="name=number", help="a number for every name in it")


def _graph(args: argparse.Namespace) -> tuple[Value, dict[str, Value], dict[int, str]]:
    bound = parse_bindings(args.bindings)
    out, leaves = build(args.expression, bound)
    if out._edges and "L" not in leaves:
        out.label = "L"
    return out, leaves, node_names(topological_order(out))


def _run_step(args: argparse.Namespace, output: Output) -> int:
    out, leaves, names = _graph(args)
    steps = [dataclasses.replace(step, names=names) for step in out.backward_steps()]
    for step in steps:
        output.line(_fit_step(str(step), output.width))
    if not steps:
        output.line(f"{names[id(out)]} is a single number: backward has no steps (dL/dL = 1)")
    else:
        output.line(f"all {len(steps)} steps done: every grad now equals backward()", style="bold")
    _print_grads(out, leaves, output)
    return 0


_STEP_HEAD = re.compile(r"^(step .*?   dL/d\S+ = \S+)   (dL/d.*)$")


def _fit_step(sentence: str, width: int) -> str:
    """A step's sentence; when a line is too wide, the head on a line and each input indented below."""
    lines = sentence.split("\n")
    head = _STEP_HEAD.match(lines[0])
    if max(len(line) for line in lines) <= width or head is None:
        return sentence
    return "\n".join([head.group(1), "    " + head.group(2)] + ["    " + line.strip() for line in lines[1:]])


def _run_explain(args: argparse.Namespace, output: Output) -> int:
    from .explain import explain

    out, leaves, names = _graph(args)
    wrt = args.wrt or list(leaves)
    for name in wrt:
        if name not in leaves:
            raise ExpressionError(f"--wrt {name}: not a bound name (bound: {', '.join(leaves) or 'none'})")
    out.backward()
    for k, name in enumerate(wrt):
        if k:
            output.line()
        output.line(str(dataclasses.replace(explain(leaves[name], out), names=names)))
    return 0


def _run_sketch(args: argparse.Namespace, output: Output) -> int:
    from .viz.sketch import sketch

    out, _, _ = _graph(args)
    if not args.before:
        out.backward()
    output.sketch(sketch(out, collapse=args.collapse, max_nodes=args.max_nodes))
    return 0


def _run_draw(args: argparse.Namespace, output: Output) -> int:
    from .viz.draw import draw

    out, _, _ = _graph(args)
    if Path(args.output).suffix.lower() not in (".svg", ".png", ".pdf"):
        raise ExpressionError(f"-o {args.output}: the file must end in .svg, .png or .pdf")
    if not args.before:
        out.backward()
    path = draw(out, rankdir=args.rankdir).save(args.output)
    output.line(f"wrote {path}")
    return 0


def _run_grad(args: argparse.Namespace, output: Output) -> int:
    out, leaves, _ = _graph(args)
    out.backward()
    _print_grads(out, leaves, output)
    return 0


def _print_grads(out: Value, leaves: dict[str, Value], output: Output) -> None:
    largest = max((abs(v.grad) for v in leaves.values() if math.isfinite(v.grad)), default=0.0)
    output.spans([("L = ", None), (f"{out.data:.10g}", "bold")])
    width = max((len(n) for n in leaves), default=1)
    for name, leaf in leaves.items():
        output.spans(
            [(f"dL/d{name.ljust(width)} = ", None), (f"{leaf.grad:.10g}", _blame_style(leaf.grad, largest))]
        )


def _add_step(parser: argparse.ArgumentParser) -> None:
    _expression_arguments(parser)


def _add_explain(parser: argparse.ArgumentParser) -> None:
    _expression_arguments(parser)
    parser.add_argument(
        "--wrt",
        action="append",
        metavar="NAME",
        help="the bound name to explain dL/dNAME for (repeat it; default: every bound name)",
    )


def _collapse(text: str) -> int | str:
    if text in ("neuron", "layer"):
        return text
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected neuron, layer or a depth >= 1, got {text!r}")


def _add_sketch(parser: argparse.ArgumentParser) -> None:
    _expression_arguments(parser)
    parser.add_argument(
        "--collapse", type=_collapse, help="neuron, layer or a depth: show each such scope as one line"
    )
    parser.add_argument(
        "--max-nodes", type=int, default=400, help="refuse pictures of more lines (default 400)"
    )
    parser.add_argument("--before", action="store_true", help="show the graph before backward (every grad 0)")


def _add_draw(parser: argparse.ArgumentParser) -> None:
    _expression_arguments(parser)
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="graph.svg, graph.png or graph.pdf"
    )
    parser.add_argument(
        "--rankdir", default="LR", choices=("LR", "RL", "TB", "BT"), help="direction (default LR)"
    )
    parser.add_argument("--before", action="store_true", help="draw the graph before backward (no blame)")


def _add_explore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port; default 8765)")
    parser.add_argument("--no-browser", action="store_true", help="only print the address; do not open a browser")
    parser.add_argument("--dataset", default="moons", help="the data to start with (default moons)")


def _run_explore(args: argparse.Namespace, output: Output) -> int:
    # The training explorer lives in nn (the learning floor); the shell only hands it the options.
    from nn.explore import main as explore_main

    argv = ["--port", str(args.port), "--dataset", args.dataset] + (["--no-browser"] if args.no_browser else [])
    return explore_main(argv)


COMMANDS: list[Command] = [
    Command(
        "step",
        "run backward one node at a time and print every step as the chain rule with numbers",
        _add_step,
        _run_step,
        f"blamegrad step {EXAMPLE}",
    ),
    Command(
        "explain",
        "show where dL/dx came from: one term per use of x",
        _add_explain,
        _run_explain,
        f"blamegrad explain {EXAMPLE} --wrt x1",
    ),
    Command(
        "sketch",
        "print the graph as text with data, grads and the blame on each edge",
        _add_sketch,
        _run_sketch,
        f"blamegrad sketch {EXAMPLE}",
    ),
    Command(
        "draw",
        "draw the graph with its blame to an SVG, PNG or PDF file (needs graphviz)",
        _add_draw,
        _run_draw,
        f"blamegrad draw {EXAMPLE} -o graph.svg",
    ),
    Command(
        "grad",
        "print the output and dL/dname for every bound name",
        _add_step,
        _run_grad,
        f"blamegrad grad {EXAMPLE}",
    ),
    Command(
        "explore",
        "train a small network live in the browser: the training explorer (needs blamegrad[explore])",
        _add_explore,
        _run_explore,
        "blamegrad explore --port 8765 --no-browser",
    ),
]
"""The subcommands, in the order ``--help`` lists them. A new one is one more row."""


def parser() -> argparse.ArgumentParser:
    """The command line of ``blamegrad``: one subparser per row of :data:`COMMANDS`."""
    top = argparse.ArgumentParser(
        prog="blamegrad",
        description="See backprop from the shell: build an expression's graph, run backward, show the blame.",
        epilog="example: " + (COMMANDS[0].example if COMMANDS else ""),
    )
    top.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour: auto (a terminal without NO_COLOR or TERM=dumb), always or never",
    )
    top.add_argument("--width", type=int, help="columns to fit (default: the terminal's, or 80)")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            epilog=f"example: {command.example}" if command.example else None,
        )
        p.add_argument(
            "--color",
            choices=("auto", "always", "never"),
            default=argparse.SUPPRESS,
            help="as for blamegrad (may come after the command)",
        )
        p.add_argument("--width", type=int, default=argparse.SUPPRESS, help="as for blamegrad")
        command.arguments(p)
        p.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``blamegrad`` with ``argv`` (default: the command line); returns the exit status."""
    args = parser().parse_args(argv)
    prog = f"blamegrad {args.command}"
    if args.width is not None and args.width < 1:
        print(f"{prog}: error: --width must be at least 1, got {args.width}", file=sys.stderr)
        return 2
    try:
        output = Output(args.color, args.width)
        return int(args.run(args, output))
    except ExpressionError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        print(f"{prog}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # blamegrad ... | head
        return 0
    except (ModuleNotFoundError, RuntimeError, OSError) as error:  # graphviz missing, dot failed, a file
        first, _, rest = str(error).partition("\n")
        print(f"{prog}: error: {first}" + (f" ({' '.join(rest.split())})" if rest else ""), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
