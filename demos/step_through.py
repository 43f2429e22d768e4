"""Step through backward on the classic tanh neuron, one node at a time, and play it in a browser.

    python demos/step_through.py --out out

The neuron is o = tanh(x1*w1 + x2*w2 + b) with x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432
(so that o = 1/sqrt(2)). The script prints every step of backward as the chain rule with
numbers, then explains where w1's gradient came from, and writes to the output folder:

- ``step_through.html``: a self-contained page playing backward frame by frame: frame 0 (forward
  done, no blame yet), then one frame per step, with each step's sentence under the picture
  (play/pause and speed, previous/next, slider, arrow keys and space; zoom and pan);
- ``step_through_frames/step_000.svg`` ...: the frames themselves (one layout, restyled).

In a notebook, ``autograd.animate(o)`` (no path) shows the same player inline.

Drawing needs Graphviz's ``dot`` (``python3 dev.py`` installs it) or graphviz-pure. The
numbers are fixed, so there is no random seed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import autograd
from autograd import Stepper, Value


def neuron() -> tuple[Value, dict[str, Value]]:
    """The lecture's neuron: returns the output ``o`` and its leaves by name."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the HTML player and frames")
    args = parser.parse_args(argv)

    o, leaves = neuron()
    stepper = Stepper(o)
    print(f"{stepper!r}\n")
    for step in stepper:
        print(step, end="\n\n")
    print(autograd.explain(leaves["w1"], o), end="\n\n")
    print("grads: " + "  ".join(f"{name} {v.grad:+.4f}" for name, v in leaves.items()))

    fresh, _ = neuron()  # animate runs its own pass; a fresh graph keeps the leaf grads single
    args.out.mkdir(parents=True, exist_ok=True)
    page = autograd.animate(fresh, args.out / "step_through.html")
    print(f"\nwrote {page} (open it in a browser) and {stepper.total + 1} frames in {page.stem}_frames/")


if __name__ == "__main__":
    main()
