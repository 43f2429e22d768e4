"""Three classes: an MLP learns the yin-yang symbol (yin, yang and the two dots).

    python demos/yin_yang.py --out out

``nn.datasets.yin_yang`` puts points in the unit disc with three labels; no straight line
separates any class from the other two. ``MLP(2, [16, 16, 3])`` gives one score per class and
trains with ``cross_entropy`` (softmax over the three scores) and Adam; the predicted class is
the largest score. It reaches about 99% training accuracy.

Writes to the output folder:
- ``yin_yang_boundary.png``: the plane coloured by the predicted class (argmax, one colour per
  class), the data on top, and the first layer's 16 lines w.x + b = 0 where its ReLUs switch
  on: the boundary is made of pieces of these lines.
- ``yin_yang_data.png``: the untrained and the trained model side by side.
- ``yin_yang_loss.png``: cross-entropy and accuracy per epoch.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nn

CLASSES = ["yin", "yang", "dots"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--n", type=int, default=150, help="number of points (a third per class)")
    parser.add_argument("--epochs", type=int, default=150, help="full-batch Adam steps")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--tiny", action="store_true", help="a few steps on a few points (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.epochs = 18, 3
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = nn.datasets.yin_yang(args.n, seed=args.seed)
    untrained = nn.MLP(2, [16, 16, 3], rng=args.seed)
    model = nn.MLP(2, [16, 16, 3], rng=args.seed)  # the same start, trained below
    print(f"{model}: {model.num_parameters()} parameters, 3 classes: {', '.join(CLASSES)}")
    history = nn.fit(model, X, y, loss="cross_entropy", epochs=args.epochs,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.02), progress=False)
    accuracy = history.train_accuracy[-1]
    print(f"cross-entropy {history.train_loss[0]:.3f} -> {history.train_loss[-1]:.3f}, "
          f"training accuracy {accuracy * 100:.0f}% after {args.epochs} epochs")

    from nn import plot

    written = [
        plot.decision_boundary(model, X, y, args.out / "yin_yang_boundary.png", neuron_lines=True,
                               class_names=CLASSES, title=f"MLP(2, [16, 16, 3]): {accuracy * 100:.0f}% after {args.epochs} epochs"),
        plot.boundaries({"untrained": (untrained, 0.0), f"after {args.epochs} epochs": (model, 0.0)}, X, y,
                        args.out / "yin_yang_data.png", class_names=CLASSES),
        plot.loss_curve(history, args.out / "yin_yang_loss.png", title="cross-entropy, Adam lr 0.02"),
    ]
    print("wrote " + ", ".join(written))


if __name__ == "__main__":
    main()
