"""nn.draw: circles by layer, weights as lines (width |w|, colour by sign), neurons filled by blame."""

from __future__ import annotations

import re

import pytest
from svg_helpers import lightness, parse

import autograd
import nn
from autograd import Value
from autograd.viz.render import to_bytes
from nn import losses


def batch_loss(model: nn.MLP, n: int = 6) -> Value:
    X = [[0.3 * k - 0.8 + 0.1 * d - 0.2 * d * d * k for d in range(model.nin)] for k in range(n)]
    y = [1.0 if k % 2 else -1.0 for k in range(n)]
    loss = losses.mse([model(x) for x in X], y)
    loss.backward()
    return loss


def scope_blame(loss: Value, scope: str) -> float:
    """Oracle: grads of the nodes made in ``scope`` that are used outside it, summed."""
    order = autograd.topological_order(loss)
    used_outside = {id(p) for v in order for p in v.parents if p.scope == scope and v.scope != scope}
    return sum(v.grad for v in order if id(v) in used_outside or (v is loss and v.scope == scope))


def svg(g: object) -> dict:
    return parse(to_bytes(g, "svg", backend="dot"))  # type: ignore[arg-type]


@pytest.mark.needs_dot
def test_one_circle_per_input_and_neuron_in_labelled_columns() -> None:
    model = nn.MLP(3, [4, 2, 1], rng=0)
    drawn = svg(nn.draw(model, batch_loss(model)))
    neurons = {f"L{i}N{j}" for i, n in enumerate([4, 2, 1]) for j in range(n)}
    assert set(drawn["node"]) == neurons | {"x0", "x1", "x2", "legend"}
    for title in neurons | {"x0"}:
        assert drawn["node"][title].shapes[0].tag.endswith("ellipse")
    labels = sorted(c.texts[0] for c in drawn["cluster"].values())
    assert labels == ["hidden 1 (relu)", "hidden 2 (relu)", "inputs", "output (linear)"]
    weights = {t for t in drawn["edge"] if "legend" not in t}
    assert len(weights) == 3 * 4 + 4 * 2 + 2 * 1


@pytest.mark.needs_dot
def test_each_neuron_is_filled_by_its_blame_summed_over_the_batch() -> None:
    model = nn.MLP(2, [5, 3, 1], rng=3)
    loss = batch_loss(model)
    drawn = svg(nn.draw(model, loss))
    blame = {f"L{i}N{j}": scope_blame(loss, f"layers.{i}.neurons.{j}")
             for i, n in enumerate([5, 3, 1]) for j in range(n)}
    for title, b in blame.items():
        node = drawn["node"][title]
        assert f"blame d(loss)/d(output) = {b:.6g}, summed over 6 uses" in node.tooltip
        assert node.texts == [f"{b:.2g}"]
    ranked = sorted(blame, key=lambda t: abs(blame[t]))
    shades = [lightness(drawn["node"][t].fill) for t in ranked]
    assert shades == sorted(shades, reverse=True)
    assert "legend" in drawn["node"] and drawn["node"]["legend"].texts[0] == "blame of each neuron"


def test_output_blame_is_the_loss_gradient_wrt_the_output() -> None:
    model = nn.MLP(2, [3, 1], rng=1)
    out = model([0.5, -0.25])
    loss = (out - 2.0) ** 2
    loss.backward()
    src = nn.draw(model, loss).source
    expected = 2 * (out.data - 2.0)
    assert f"blame d(loss)/d(output) = {expected:.6g}, summed over 1 use\"" in src


@pytest.mark.needs_dot
def test_weight_lines_width_by_size_colour_by_sign_with_tooltips() -> None:
    model = nn.MLP(2, [3, 1], rng=5)
    loss = batch_loss(model)
    edges = svg(nn.draw(model, loss))["edge"]
    weights = {}
    for i, layer in enumerate(model.layers):
        for j, n in enumerate(layer.neurons):
            for k, w in enumerate(n.w):
                src = f"x{k}" if i == 0 else f"L{i - 1}N{k}"
                weights[f"{src}->L{i}N{j}"] = w
    ranked = sorted(weights, key=lambda t: abs(weights[t].data))
    widths = [edges[t].stroke_width for t in ranked]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    for t, w in weights.items():
        stroke = edges[t].shapes[0].get("stroke")
        red, green = int(stroke[1:3], 16), int(stroke[3:5], 16)
        assert (green > red) == (w.data > 0)  # green positive, purple negative
        assert f"= {w.data:.6g}, d(loss)/dw = {w.grad:.6g}" in edges[t].tooltip


@pytest.mark.needs_dot
def test_without_a_loss_nothing_is_filled() -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    drawn = svg(nn.draw(model))
    assert all(drawn["node"][f"L{i}N{j}"].fill == "#ffffff" for i, j in [(0, 0), (0, 1), (1, 0)])
    assert "legend" in drawn["node"] and "blame" not in " ".join(drawn["node"]["legend"].texts)
    loss = batch_loss(model)
    model.zero_grad()  # parameters only: interior grads stay, so the neurons still have blame
    assert svg(nn.draw(model, loss))["node"]["L0N0"].fill != "#ffffff"


def test_layers_neurons_names_and_errors() -> None:
    layer = nn.Layer(2, 3, rng=0)
    assert re.findall(r"^\t+(L\d+N\d+) \[", nn.draw(layer).source, flags=re.MULTILINE) == ["L0N0", "L0N1", "L0N2"]
    neuron = nn.Neuron(3, activation="tanh", rng=0)
    out = neuron([1.0, 2.0, 3.0])
    out.backward()
    src = nn.draw(neuron, out, input_names=["a", "b", "c"]).source
    assert "output (tanh)" in src and "input 2: c" in src
    assert f"= {1.0:.6g}, summed over 1 use" in src  # d(out)/d(out) = 1
    with pytest.raises(TypeError, match="nn.draw: model must be an nn.MLP, nn.Layer or nn.Neuron, got list"):
        nn.draw([neuron])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="input_names must be 3 strings"):
        nn.draw(neuron, input_names=["a"])
    with pytest.raises(TypeError, match="loss must be a Value"):
        nn.draw(neuron, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has 288 weights, over max_weights=100"):
        nn.draw(nn.MLP(2, [16, 16]), max_weights=100)
