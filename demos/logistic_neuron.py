"""One sigmoid neuron IS logistic regression: fit it, read off its slope and bias.

    python demos/logistic_neuron.py --out out

The data: points x in [-3, 3], each labelled 1 with probability sigmoid(2x - 1) (so the true
slope is 2 and the true bias -1). A single ``Neuron(1, activation="sigmoid")`` trained with
binary cross-entropy learns p(y=1 | x) = sigmoid(w x + b); the printed w and b come out close
to 2 and -1 (as close as 500 noisy labels allow), and -b/w is where it is 50/50.

Writes to the output folder:
- ``logistic_fit.png``: the labels (dots at 0 and 1), the true probability curve and the
  neuron's learned one, nearly on top of each other.
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

import nn

TRUE_SLOPE, TRUE_BIAS = 2.0, -1.0


def make_data(n: int, seed: int) -> tuple[list[list[float]], list[int]]:
    """x uniform in [-3, 3]; y = 1 with probability sigmoid(2x - 1)."""
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n):
        x = rng.uniform(-3.0, 3.0)
        p = 1.0 / (1.0 + math.exp(-(TRUE_SLOPE * x + TRUE_BIAS)))
        X.append([x])
        y.append(1 if rng.random() < p else 0)
    return X, y


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--n", type=int, default=500, help="number of points")
    parser.add_argument("--epochs", type=int, default=100, help="full-batch Adam steps")
    parser.add_argument("--seed", type=int, default=1, help="seed for the data")
    parser.add_argument("--tiny", action="store_true", help="a few steps on a few points (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.epochs = 20, 5
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = make_data(args.n, args.seed)
    neuron = nn.Neuron(1, activation="sigmoid", rng=args.seed)
    history = nn.fit(neuron, X, y, loss="binary_cross_entropy", epochs=args.epochs,
                     optimizer=nn.optim.Adam(neuron.parameters(), lr=0.1), progress=False)
    w, b = neuron.w[0].data, neuron.b.data
    print(f"learned slope w = {w:.3f} (true {TRUE_SLOPE}), bias b = {b:.3f} (true {TRUE_BIAS})")
    print(f"50/50 point -b/w = {-b / w:.3f} (true {-TRUE_BIAS / TRUE_SLOPE})")
    print(f"loss {history.train_loss[0]:.4f} -> {history.train_loss[-1]:.4f}, accuracy {history.train_accuracy[-1] * 100:.0f}%")

    from nn import plot

    path = plot.fitted_curve(
        {
            "true p(y=1|x) = sigmoid(2x - 1)": lambda x: 1 / (1 + math.exp(-(TRUE_SLOPE * x + TRUE_BIAS))),
            f"neuron: sigmoid({w:.2f}x {b:+.2f})": lambda x: neuron([x]).data,
        },
        X, y, args.out / "logistic_fit.png", title="one sigmoid neuron = logistic regression", ylabel="p(y = 1)",
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
