"""micrograd's demo: a 2-16-16-1 ReLU network learns to separate two moons.

    python3 dev.py demo            # or: python demos/moons.py --out out

The training loop is written out as in micrograd's demo notebook: forward every point, hinge
loss plus 1e-4 L2, zero the grads, backward, and 100 full-batch SGD steps with the learning
rate decaying linearly from 1.0 to 0.1. It reaches 100% training accuracy.

Writes to the output folder:
- ``moons_loss.png``: loss (top) and accuracy (bottom) after each step; the loss falls fast,
  then slowly as the margin widens.
- ``moons_boundary.png``: the plane coloured by the predicted class, with the training points:
  the network's boundary bends around both moons, made of pieces of the first layer's 16 lines
  w.x + b = 0 (dashed), where its ReLUs switch on.
- ``moons_model.json``: the trained weights (``nn.load`` reads them back).
- ``moons_network.svg`` / ``.png``: the trained network, neurons filled by their blame for the
  final loss (summed over the 100 points), each line coloured and sized by its weight's blame
  dL/dw; the 16 x 16 layer shows each neuron's 4 most blamed lines (hover in the SVG for values).
- ``moons_network_point.svg`` / ``.png``: the same network for the loss of one point (the one
  closest to the wrong side): which neurons and weights that one example blames.
- ``moons_neuron.svg`` / ``.png``: the computation graph of one first-layer neuron on the point
  with the smallest margin, with the blame from that point's loss on every edge. The loss and
  the other 15 neurons are not drawn: dashed stubs carry the blame from those uses (``x0`` feeds
  all 16 neurons), so every box's grad is the sum of the numbers on its outgoing lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import autograd
import nn
from autograd import Value
from nn import losses, optim


def train(n: int, steps: int, seed: int, quiet: bool = False) -> tuple[nn.MLP, list, list, nn.History]:
    """micrograd's loop: returns the model, the data and the per-step history."""
    X, y = nn.datasets.moons(n, noise=0.1, seed=seed, signed=True)  # labels -1 / +1
    model = nn.MLP(2, [16, 16, 1], rng=seed)  # 2 inputs, two hidden ReLU layers of 16, one score
    print(f"{model}: {model.num_parameters()} parameters")
    sgd = optim.SGD(model.parameters(), lr=optim.linear_decay(1.0, 0.1, 100))
    history = nn.History()
    for k in range(steps):
        scores = [model(x) for x in X]  # forward
        data_loss = losses.hinge(scores, y)  # mean(relu(1 - y * score))
        total_loss = data_loss + losses.l2(model.parameters(), alpha=1e-4)
        accuracy = sum((s.data > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
        sgd.zero_grad()
        total_loss.backward()  # every weight's .grad: how much it is to blame
        sgd.step()  # p -= lr * p.grad, lr = 1.0 - 0.9 * k / 100
        history.train_loss.append(total_loss.data)
        history.train_accuracy.append(accuracy)
        if not quiet and (k % 10 == 0 or k == steps - 1):
            print(f"step {k:3d} loss {total_loss.data:.4f}, accuracy {accuracy * 100:.0f}%")
    return model, X, y, history


def draw_blame(model: nn.MLP, X: list, y: list, out: Path) -> list[str]:
    """The network diagram and one neuron's computation graph, blame from the trained model's loss."""
    from autograd.viz.render import GraphvizNotFound

    scores = [model(x) for x in X]
    loss = losses.hinge(scores, y)
    model.zero_grad()
    loss.backward()
    network = nn.draw(model, loss)
    # One point, its inputs and the neuron's parameters labelled, the rest of the model as is.
    k = min(range(len(X)), key=lambda i: y[i] * scores[i].data)  # the point closest to the wrong side
    x = [Value(X[k][0], label="x0"), Value(X[k][1], label="x1")]
    point_loss = losses.hinge([model(x)], [y[k]])
    model.zero_grad()
    point_loss.backward()
    outputs = [v for v in autograd.topological_order(point_loss) if v.op == "relu" and v.scope and
               v.scope.startswith("layers.0.")]
    neuron_out = max(outputs, key=lambda v: abs(v.grad))  # the first-layer neuron most to blame
    for name, p in model.named_parameters():
        if name.startswith(neuron_out.scope + "."):
            p.label = name.removeprefix(neuron_out.scope + ".")
    neuron_out.label = f"{neuron_out.scope} out"
    neuron = autograd.draw(neuron_out, loss=point_loss)  # stubs: the blame from uses not drawn
    written = []
    try:
        for drawing, stem in ((network, "moons_network"), (neuron, "moons_neuron")):
            written += [str(drawing.save(out / f"{stem}.svg")), str(drawing.save(out / f"{stem}.png"))]
    except GraphvizNotFound as error:  # the other outputs are still worth having
        print(error)
    return written


def draw_point_network(model: nn.MLP, X: list, y: list, out: Path) -> list[str]:
    """The network diagram for the loss of one example: the point closest to the wrong side."""
    from autograd.viz.render import GraphvizNotFound

    k = min(range(len(X)), key=lambda i: y[i] * model(X[i]).data)
    loss = losses.hinge([model(X[k])], [y[k]])  # one example's loss: relu(1 - y * score)
    model.zero_grad()
    loss.backward()
    drawing = nn.draw(model, loss)
    try:
        return [str(drawing.save(out / f"moons_network_point.{fmt}")) for fmt in ("svg", "png")]
    except GraphvizNotFound as error:
        print(error)
        return []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the output files")
    parser.add_argument("--steps", type=int, default=100, help="SGD steps (full batch)")
    parser.add_argument("--n", type=int, default=100, help="number of points")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--tiny", action="store_true", help="a few steps on a few points (for tests)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.steps, args.n = 3, 16
    args.out.mkdir(parents=True, exist_ok=True)

    from nn import plot

    model, X, y, history = train(args.n, args.steps, args.seed)
    print(f"final training accuracy: {history.train_accuracy[-1] * 100:.0f}% after {args.steps} steps")
    written = [
        plot.loss_curve(history, args.out / "moons_loss.png", title="hinge loss + L2, SGD with lr 1.0 -> 0.1",
                        xlabel="SGD step (full batch)"),
        plot.decision_boundary(model, X, y, args.out / "moons_boundary.png", resolution=20 if args.tiny else 200,
                               title=f"MLP(2, [16, 16, 1]) after {args.steps} steps", neuron_lines=True),
    ]
    model.save(args.out / "moons_model.json")
    written.append(str(args.out / "moons_model.json"))
    written += draw_blame(model, X, y, args.out)
    written += draw_point_network(model, X, y, args.out)
    print("wrote " + ", ".join(written))


if __name__ == "__main__":
    main()
