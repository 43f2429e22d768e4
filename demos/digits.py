"""Handwritten digits: a real dataset, trained in seconds by batched replay.

    python demos/digits.py --out out          # needs scikit-learn and numpy: pip install "blamegrad[digits]"
    python demos/digits.py --out out --eager  # the same run on the eager engine (minutes)

The 8x8 digits that scikit-learn ships (1,797 images, read from the installed package) are split
80/20 into training and test sets. ``MLP(64, [32, 10])`` (ReLU, 2,410 parameters) learns them
with ``cross_entropy`` and Adam in mini-batches of 128. ``nn.fit(..., compile="batched")``
traces the loss of one example per digit and replays it over each batch with numpy; the
gradients are the eager engine's (to rounding), only faster. Test accuracy ends above 95%.

Writes to the output folder:
- ``digits_loss.png``: training and test loss and accuracy per epoch.
- ``digits_predictions.png``: 24 test images with the predicted digit, mistakes in red.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training set")
    parser.add_argument("--seed", type=int, default=0, help="seed for the split, the weights and the batches")
    parser.add_argument("--eager", action="store_true", help="train on the eager engine instead (slow)")
    parser.add_argument("--tiny", action="store_true", help="one epoch on 200 images (for tests)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = nn.datasets.digits()
    if args.tiny:
        X, y, args.epochs = X[:200], y[:200], 1
    (X_train, y_train), (X_test, y_test) = nn.datasets.split(X, y, fraction=0.2, seed=args.seed)
    model = nn.MLP(64, [32, 10], rng=args.seed)
    adam = nn.optim.Adam(model.parameters(), lr=0.01)
    started = time.perf_counter()
    history = nn.fit(
        model, X_train, y_train, loss="cross_entropy", optimizer=adam, epochs=args.epochs, batch_size=128,
        validation=(X_test, y_test), seed=args.seed, progress=False, compile=False if args.eager else "batched",
    )
    seconds = time.perf_counter() - started
    engine = "eager" if args.eager else "batched replay"
    print(
        f"digits: {len(X_train)} training and {len(X_test)} test images, {model.num_parameters()} parameters, "
        f"{args.epochs} epochs in {seconds:.1f} s ({engine})"
    )
    print(f"test accuracy {history.val_accuracy[-1] * 100:.1f}%, training accuracy {history.train_accuracy[-1] * 100:.1f}%")

    nn.plot.loss_curve(history, args.out / "digits_loss.png", title="8x8 digits: MLP(64, [32, 10])")
    print(f"wrote {args.out / 'digits_loss.png'}")
    predictions = nn.predict(model, X_test[:24])
    path = _predictions_figure(X_test[:24], y_test[:24], predictions, args.out / "digits_predictions.png")
    print(f"wrote {path}")


def _predictions_figure(images: list, labels: list, scores: list, path: Path) -> Path:
    """A grid of test images, each titled with the predicted digit (red where it is wrong)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    for k, (pixels, label, score) in enumerate(zip(images, labels, scores)):
        ax = fig.add_subplot(3, 8, k + 1)
        ax.imshow([pixels[r * 8 : r * 8 + 8] for r in range(8)], cmap="gray_r", vmin=0.0, vmax=1.0)
        guess = max(range(len(score)), key=lambda j: score[j])
        ax.set_title(f"{guess}" if guess == label else f"{guess} (is {label})", fontsize=10,
                     color="black" if guess == label else "#c0392b")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("test images and the predicted digit", fontsize=11)
    fig.tight_layout()
    fig.savefig(path)
    return path


if __name__ == "__main__":
    main()
