"""XOR: why a hidden layer is needed. One neuron fails; a 2-layer MLP succeeds.

    python demos/xor.py --out out

Four clusters at (+-1, +-1); opposite corners share a label, so no straight line separates the
classes. A single neuron (logistic regression) can only draw a straight line and stays near 50%
(at best 75%) accuracy; ``MLP(2, [4, 1], activation="tanh")`` bends its boundary with a hidden
layer and reaches 100%. Both train on the same data with the same loss
(``binary_cross_entropy_with_logits``) and optimizer.

Writes to the output folder:
- ``xor_boundaries.png``: the two decision boundaries side by side: one straight line that cannot
  work, and the hidden layer's curved regions that do.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--n", type=int, default=80, help="number of points")
    parser.add_argument("--epochs", type=int, default=100, help="full-batch Adam steps")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--tiny", action="store_true", help="a few steps on a few points (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.epochs = 12, 3
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = nn.datasets.xor(args.n, noise=0.2, seed=args.seed)
    models = {
        "one neuron (a straight line)": nn.Neuron(2, activation="linear", rng=args.seed),
        "MLP(2, [4, 1]): one hidden layer": nn.MLP(2, [4, 1], activation="tanh", rng=args.seed),
    }
    panels = {}
    for name, model in models.items():
        history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", epochs=args.epochs,
                         optimizer=nn.optim.Adam(model.parameters(), lr=0.1), progress=False)
        accuracy = history.train_accuracy[-1]
        print(f"{name}: accuracy {accuracy * 100:.0f}%, loss {history.train_loss[-1]:.3f}")
        panels[f"{name}: {accuracy * 100:.0f}%"] = (model, 0.0)

    from nn import plot

    path = plot.boundaries(panels, X, y, args.out / "xor_boundaries.png", resolution=20 if args.tiny else 200)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
