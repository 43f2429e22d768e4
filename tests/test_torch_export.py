"""nn.to_torch: same outputs and same gradients as the blamegrad model (skipped without torch)."""

from __future__ import annotations

import pytest

import nn


def test_missing_torch_or_bad_model_gives_a_clear_error() -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install torch"):
            nn.to_torch(nn.MLP(2, [1], rng=0))
    else:
        with pytest.raises(TypeError, match="nn.to_torch: can convert an MLP, Layer or Neuron, got Dropout"):
            nn.to_torch(nn.Dropout(0.5))


@pytest.mark.parametrize(
    "model",
    [nn.MLP(3, [5, 4, 2], activation="tanh", rng=0), nn.MLP(2, [16, 16, 1], rng=1), nn.Layer(2, 3, activation="sigmoid", rng=2), nn.Neuron(3, rng=3)],
    ids=repr,
)
def test_outputs_and_gradients_match(model: nn.Module) -> None:
    torch = pytest.importorskip("torch")
    for p in model.parameters():
        p.data += 0.1  # non-zero biases
    seq = nn.to_torch(model)
    xs = [[0.5, -1.0, 2.0][: model.nin], [-0.3, 0.8, 0.1][: model.nin]]
    out_ours = [model(x) for x in xs]
    flat = [v for o in out_ours for v in (o if isinstance(o, list) else [o])]
    total = nn.losses.mse(flat, [0.0] * len(flat))
    model.zero_grad()
    total.backward()
    theirs = seq(torch.tensor(xs, dtype=torch.float64))
    assert theirs.flatten().tolist() == pytest.approx([v.data for v in flat], rel=1e-12, abs=1e-12)
    (theirs.flatten() ** 2).mean().backward()
    grads = []
    for module in seq:
        if isinstance(module, torch.nn.Linear):
            for row, b in zip(module.weight.grad.tolist(), module.bias.grad.tolist()):
                grads += row + [b]
    assert grads == pytest.approx([p.grad for p in model.parameters()], rel=1e-9, abs=1e-12)
