"""Over-fitting, and three cures: L2, dropout, early stopping. Train vs validation in one figure.

    python demos/overfitting.py --out out

A ``MLP(1, [16, 16, 1], activation="tanh")`` (305 weights) learns 10 noisy points of a sine. Left alone it
bends to pass through the noise: the training loss keeps falling while the validation loss (30
fresh points) turns back up. Then the same model and data with:

- ``l2=1e-3``: a penalty on large weights keeps the curve smooth;
- ``dropout=0.1``: random hidden units are switched off in training, so no unit can memorise;
- ``early_stopping=20``: stop when validation has not improved for 20 epochs, keep the best weights.

Writes to the output folder:
- ``overfitting.png``: one panel per run, training (blue) and validation (red) loss per epoch;
  the gap between the curves is the over-fitting.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--epochs", type=int, default=300, help="full-batch Adam steps per run")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--tiny", action="store_true", help="a few steps (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.epochs = 3
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = nn.datasets.sine(10, noise=0.2, seed=args.seed)
    validation = nn.datasets.sine(30, noise=0.2, seed=args.seed + 1)
    runs = {
        "no regularisation": ({}, {}),
        "L2 penalty 1e-3": ({}, {"l2": 1e-3}),
        "dropout 0.1": ({"dropout": 0.1}, {}),
        "early stopping (patience 20)": ({}, {"early_stopping": 20 if not args.tiny else 1}),
    }
    histories = {}
    for name, (model_args, fit_args) in runs.items():
        model = nn.MLP(1, [16, 16, 1], activation="tanh", rng=args.seed, **model_args)
        history = nn.fit(model, X, y, loss="mse", optimizer=nn.optim.Adam(model.parameters(), lr=0.05),
                         epochs=args.epochs, validation=validation, progress=False, **fit_args)
        best = min(history.val_loss)
        print(f"{name:30s} train {history.train_loss[-1]:.3f}  validation {history.val_loss[-1]:.3f} "
              f"(best {best:.3f}){'  stopped at epoch %d' % history.epochs if history.stopped_early else ''}")
        histories[name] = history

    from nn import plot

    path = plot.compare_curves(histories, args.out / "overfitting.png",
                               title="10 training points, a 1-16-16-1 network: training vs validation loss (MSE)")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
