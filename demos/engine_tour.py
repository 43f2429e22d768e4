"""A tour of the engine: one neuron's backward pass, told node by node, and derivatives plotted.

    python3 dev.py demo            # or: python demos/engine_tour.py --out out

Writes to the output folder:
- ``neuron_backward.txt``: the classic neuron o = tanh(x1*w1 + x2*w2 + b), every node in the
  order backward visits it, with the local derivative and the blame each input receives.
- ``derivatives.png``: tanh, sigmoid, relu and x*sin-like functions with the derivatives the
  engine computed (dots) on top of the exact ones (lines): backward is just the chain rule.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import autograd
from autograd import Value


def neuron_story() -> str:
    """Forward and backward through one tanh neuron, as a table a learner can follow."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()

    order = autograd.topological_order(o)
    names = {id(v): v.label or f"#{i}" for i, v in enumerate(order)}
    lines = ["o = tanh(x1*w1 + x2*w2 + b); backward visits nodes from the output back:", ""]
    for node in reversed(order):
        if node.is_leaf:
            continue
        lines.append(f"{names[id(node)]} = {node.op}(...) = {node.data:.4f}   do/d{names[id(node)]} = {node.grad:.4f}")
        formulas = node.fn.derivative
        for i, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            formula = _substitute(formulas[min(i, len(formulas) - 1)], node, names)
            lines.append(
                f"    d{names[id(node)]}/d{names[id(parent)]} = {local:+.4f}  ({formula})"
                f"   blame passed: {local:+.4f} x {node.grad:.4f} = {local * node.grad:+.4f}"
            )
    lines.append("")
    lines += [f"{v.label}.grad = {v.grad:+.4f}" for v in (x1, w1, x2, w2, b)]
    return "\n".join(lines) + "\n"


def _substitute(formula: str, node: Value, names: dict[int, str]) -> str:
    """Write an op's derivative formula with this node's names (``y`` -> ``w1``)."""
    words = {"out": names[id(node)]}
    words.update(zip(("x", "y"), (names[id(p)] for p in node.parents)))
    return re.sub(r"\b(out|x|y)\b", lambda m: words.get(m.group(1), m.group(1)), formula)


def plot_derivatives(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    functions = {
        "tanh": (Value.tanh, lambda x: 1 - math.tanh(x) ** 2),
        "sigmoid": (Value.sigmoid, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
        "relu": (Value.relu, lambda x: 1.0 if x > 0 else 0.0),
        "x^3 / 10": (lambda v: v**3 / 10, lambda x: 3 * x * x / 10),
    }
    xs = [i / 10 for i in range(-30, 31)]
    fig, axes = plt.subplots(1, len(functions), figsize=(4 * len(functions), 3.4))
    for ax, (name, (f, exact)) in zip(axes, functions.items()):
        grads = []
        values = []
        for x in xs:
            v = Value(x)
            out = f(v)
            out.backward()
            values.append(out.data)
            grads.append(v.grad)
        ax.plot(xs, values, label=name)
        ax.plot(xs, [exact(x) for x in xs], color="0.6", linestyle="--", label="exact derivative")
        ax.scatter(xs[::3], grads[::3], s=12, color="crimson", zorder=3, label="backward()")
        ax.set_title(name)
        ax.axhline(0, color="0.85", linewidth=0.8)
        ax.legend(fontsize=7)
    fig.suptitle("Each red dot is a .grad computed by backward(); the dashed line is the calculus")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    story = neuron_story()
    (args.out / "neuron_backward.txt").write_text(story)
    print(story)
    plot_derivatives(args.out / "derivatives.png")
    print(f"wrote {args.out / 'neuron_backward.txt'} and {args.out / 'derivatives.png'}")


if __name__ == "__main__":
    main()
