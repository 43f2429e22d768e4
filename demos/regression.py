"""Regression: a small tanh MLP fits a noisy sine by minimising the mean squared error.

    python demos/regression.py --out out

An ``MLP(1, [16, 16, 1], activation="tanh")`` (linear output: any real number) trained with
``loss="mse"`` and Adam in mini-batches of 10. The printed loss falls towards the noise level
(variance 0.1^2 = 0.01): the network learns the curve, not the noise.

Writes to the output folder:
- ``regression_fit.png``: the noisy points, the true sine, and the network's curve over them.
- ``regression_loss.png``: training loss per epoch.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import nn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--n", type=int, default=60, help="number of points")
    parser.add_argument("--epochs", type=int, default=150, help="passes over the data")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data, the weights and the batches")
    parser.add_argument("--tiny", action="store_true", help="a few steps on a few points (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.epochs = 12, 3
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = nn.datasets.sine(args.n, noise=0.1, seed=args.seed)
    model = nn.MLP(1, [16, 16, 1], activation="tanh", rng=args.seed)
    history = nn.fit(model, X, y, loss="mse", optimizer=nn.optim.Adam(model.parameters(), lr=0.01),
                     epochs=args.epochs, batch_size=10, seed=args.seed)
    print(f"{model}: mse {history.train_loss[0]:.4f} -> {history.train_loss[-1]:.4f} after {args.epochs} epochs")

    from nn import plot

    written = [
        plot.fitted_curve({"true sin(x)": math.sin, "MLP": lambda x: model([x]).data}, X, y,
                          args.out / "regression_fit.png", title="a tanh MLP fitted to a noisy sine (MSE)"),
        plot.loss_curve(history, args.out / "regression_loss.png", title="mean squared error"),
    ]
    print("wrote " + ", ".join(written))


if __name__ == "__main__":
    main()
