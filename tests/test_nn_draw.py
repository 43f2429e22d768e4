"""nn.draw on the rendered SVG: neurons filled by blame, lines coloured and sized by dL/dw (or by
the weights), the top-k lines of wide layers with the hidden count, one number format, readable
text, and the legend right under the picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from svg_helpers import lightness, parse

import autograd
import nn
from autograd import Value
from autograd.viz.colors import NEGATIVE, POSITIVE
from autograd.viz.render import to_bytes
from nn import losses
from nn.viz.draw import number

SVG = "{http://www.w3.org/2000/svg}"
def one_format(t: str) -> bool:
    """3 significant digits; fixed from 0.001 to 999, else ``d.dde-N`` (no zero-padded exponent)."""
    if t == "0":
        return True
    mantissa, _, exponent = t.lstrip("-").partition("e")
    digits = mantissa.replace(".", "").lstrip("0")
    small_or_big = not 1e-3 <= abs(float(t)) < 1e3
    return len(digits) == 3 and bool(exponent) == small_or_big and re.fullmatch(r"(-?[1-9]\d*)?", exponent) is not None


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


def render(g: object) -> bytes:
    return to_bytes(g, "svg", backend="dot")  # type: ignore[arg-type]


def svg(g: object) -> dict:
    return parse(render(g))


def weights_by_edge(model: nn.MLP) -> dict[str, Value]:
    out = {}
    for i, layer in enumerate(model.layers):
        for j, n in enumerate(layer.neurons):
            for k, w in enumerate(n.w):
                out[f"{'x' if i == 0 else f'L{i - 1}N'}{k}->L{i}N{j}"] = w
    return out


def hue(hex_color: str) -> str:
    r, b = int(hex_color[1:3], 16), int(hex_color[5:7], 16)
    return "red" if r > b else "blue" if b > r else "grey"


def centre(item) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    x0, y0, x1, y1 = item.bbox()
    return (x0 + x1) / 2, (y0 + y1) / 2


def caption_box(data: bytes) -> tuple[float, float, float, float]:
    """The legend's outer border: the graph label's framed table (top-level, not in a node)."""
    graph = ET.fromstring(data).find(f"{SVG}g")
    boxes = []
    for el in graph:  # type: ignore[union-attr]
        if el.tag == f"{SVG}polygon" and el.get("stroke") == "#888888":
            nums = [float(v) for v in re.findall(r"-?[0-9.]+", el.get("points", ""))]
            boxes.append((min(nums[0::2]), min(nums[1::2]), max(nums[0::2]), max(nums[1::2])))
    assert len(boxes) == 1, boxes
    return boxes[0]


@pytest.mark.needs_dot
def test_one_circle_per_input_and_neuron_in_labelled_columns_in_order() -> None:
    model = nn.MLP(3, [4, 2, 1], rng=0)
    drawn = svg(nn.draw(model, batch_loss(model)))
    neurons = {f"L{i}N{j}" for i, n in enumerate([4, 2, 1]) for j in range(n)}
    titles = {f"title{k}" for k in range(4)}
    assert set(drawn["node"]) == neurons | {"x0", "x1", "x2"} | titles
    for title in neurons | {"x0"}:
        assert drawn["node"][title].shapes[0].tag.endswith("ellipse")
    labels = [drawn["node"][t].texts for t in sorted(titles)]
    assert labels == [["inputs"], ["hidden 1 (relu)"], ["hidden 2 (relu)"], ["output (linear)"]]
    for k, column in enumerate([["x0"], ["L0N0"], ["L1N0"], ["L2N0"]]):  # each title heads its column, in a frame
        title, top = drawn["node"][f"title{k}"].bbox(), drawn["node"][column[0]].bbox()
        assert title[3] <= top[1] and title[0] <= (top[0] + top[2]) / 2 <= title[2]
        frame = drawn["cluster"][f"cluster_{k}"].bbox()
        assert frame[0] <= title[0] and title[2] <= frame[2] and frame[1] <= title[1]
        assert drawn["node"][f"title{k}"].fill == "white"  # drawn over the lines
    assert len(drawn["edge"]) == 3 * 4 + 4 * 2 + 2 * 1  # every line: no layer is wide
    for column in (["x0", "x1", "x2"], [f"L0N{j}" for j in range(4)]):  # index order, top down
        ys = [centre(drawn["node"][t])[1] for t in column]
        assert ys == sorted(ys)
        xs = {round(centre(drawn["node"][t])[0]) for t in column}
        assert len(xs) == 1
    tb = svg(nn.draw(model, rankdir="TB"))["node"]
    xs = [centre(tb[f"L0N{j}"])[0] for j in range(4)]
    assert xs == sorted(xs)  # left to right when drawn top to bottom


@pytest.mark.needs_dot
def test_each_neuron_is_filled_by_its_blame_summed_over_the_batch() -> None:
    model = nn.MLP(2, [5, 3, 1], rng=3)
    loss = batch_loss(model)
    drawn = svg(nn.draw(model, loss))
    blame = {f"L{i}N{j}": scope_blame(loss, f"layers.{i}.neurons.{j}")
             for i, n in enumerate([5, 3, 1]) for j in range(n)}
    for title, b in blame.items():
        node = drawn["node"][title]
        assert f"blame dL/d(output) = {number(b)}, summed over 6 uses" in node.tooltip
        assert node.texts == [number(b)]
    ranked = sorted(blame, key=lambda t: abs(blame[t]))
    shades = [lightness(drawn["node"][t].fill) for t in ranked]
    assert shades == sorted(shades, reverse=True)


def test_output_blame_is_the_loss_gradient_wrt_the_output() -> None:
    model = nn.MLP(2, [3, 1], rng=1)
    out = model([0.5, -0.25])
    loss = (out - 2.0) ** 2
    loss.backward()
    src = nn.draw(model, loss).source
    assert f"blame dL/d(output) = {number(2 * (out.data - 2.0))}, summed over 1 use\\n" in src


@pytest.mark.needs_dot
def test_lines_are_coloured_and_sized_by_dL_dw() -> None:
    model = nn.MLP(2, [4, 3, 1], rng=5)
    loss = batch_loss(model)  # one backward from zero: w.grad is dL/dw, the oracle
    weights = weights_by_edge(model)
    grad = {t: w.grad for t, w in weights.items()}
    bias = {f"L{i}N{j}": n.b.grad for i, layer in enumerate(model.layers) for j, n in enumerate(layer.neurons)}
    model.zero_grad()  # the drawing reads the blame from the loss graph, not from w.grad
    drawn = svg(nn.draw(model, loss))
    edges = drawn["edge"]
    assert set(edges) == set(weights)
    ranked = sorted(weights, key=lambda t: abs(grad[t]))
    widths = [edges[t].stroke_width for t in ranked]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    shades = [lightness(edges[t].shapes[0].get("stroke")) for t in ranked]
    assert shades == sorted(shades, reverse=True)  # more blame, darker
    top = ranked[-1]
    assert edges[top].shapes[0].get("stroke") == (POSITIVE if grad[top] > 0 else NEGATIVE)
    for t, w in weights.items():
        assert hue(edges[t].shapes[0].get("stroke")) == ("red" if grad[t] > 0 else "blue" if grad[t] < 0 else "grey")
        assert edges[t].tooltip.endswith(f": w = {number(w.data)}, dL/dw = {number(grad[t])}")
    for title, g in bias.items():
        assert f"dL/db = {number(g)}" in drawn["node"][title].tooltip
    assert any(g == 0.0 for g in grad.values()) and any(g > 0 for g in grad.values()) and any(g < 0 for g in grad.values())


@pytest.mark.needs_dot
def test_weights_as_an_option_width_by_size_colour_by_sign() -> None:
    model = nn.MLP(2, [3, 1], rng=5)
    loss = batch_loss(model)
    edges = svg(nn.draw(model, loss, lines="weights"))["edge"]
    weights = weights_by_edge(model)
    ranked = sorted(weights, key=lambda t: abs(weights[t].data))
    widths = [edges[t].stroke_width for t in ranked]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    for t, w in weights.items():
        stroke = edges[t].shapes[0].get("stroke")
        red, green = int(stroke[1:3], 16), int(stroke[3:5], 16)
        assert (green > red) == (w.data > 0)  # green positive, purple negative
    assert nn.draw(model).source.count('"#1b7837') + nn.draw(model).source.count("#762a83") > 0  # weights without a loss


@pytest.mark.needs_dot
def test_wide_layers_draw_each_neurons_top_k_lines_and_count_the_rest() -> None:
    model = nn.MLP(2, [12, 10, 1], rng=2)
    loss = batch_loss(model, n=8)
    drawn = svg(nn.draw(model, loss, top_k=3))
    into = {}
    for title in drawn["edge"]:
        src, dst = title.split("->")
        into.setdefault(dst, []).append(src)
    assert all(len(into[f"L0N{j}"]) == 2 for j in range(12))  # 24 lines: not wide, all drawn
    assert len(into["L2N0"]) == 10  # 10 lines: all drawn
    hidden = 0
    for j, n in enumerate(model.layers[1].neurons):
        blamed = sorted(range(12), key=lambda k: -abs(n.w[k].grad))
        nonzero = [k for k in blamed if n.w[k].grad != 0.0]
        drawn_in = sorted(int(s.removeprefix("L0N")) for s in into.get(f"L1N{j}", []))
        assert drawn_in == sorted(nonzero[:3])  # the 3 with the largest |dL/dw|, never a 0
        hidden += 12 - len(drawn_in)
        tip = drawn["node"][f"L1N{j}"].tooltip
        rest = [n.w[k].grad for k in range(12) if k not in drawn_in]
        assert f"{12 - len(drawn_in)} of 12 lines in not drawn: their dL/dw sum to {number(sum(rest))}" in tip
    assert 0 < hidden <= 12 * 10 - 3 * 10 + 30
    assert drawn["node"]["title2"].texts == ["hidden 2 (relu)", "top 3 of 12 lines in each", f"({hidden} of 120 not drawn)"]
    every = svg(nn.draw(model, loss, top_k=None))["edge"]
    assert len(every) == 2 * 12 + 12 * 10 + 10
    with pytest.raises(ValueError, match="nn.draw: top_k must be a positive int or None"):
        nn.draw(model, loss, top_k=0)


@pytest.mark.needs_dot
def test_the_main_demos_16x16_layer_is_thinned_to_4_lines_per_neuron() -> None:
    model = nn.MLP(2, [16, 16, 1], rng=0)
    loss = batch_loss(model, n=10)
    drawn = svg(nn.draw(model, loss))
    into_hidden2 = [t for t in drawn["edge"] if "->L1N" in t]
    assert len(into_hidden2) <= 64 and len([t for t in drawn["edge"] if t.startswith("x")]) == 32
    assert drawn["node"]["title2"].texts[1] == "top 4 of 16 lines in each"


@pytest.mark.needs_dot
def test_one_number_format_and_readable_text_everywhere() -> None:
    model = nn.MLP(2, [16, 16, 1], rng=0)
    X = [[0.01 * k, -0.02 * k] for k in range(12)]
    loss = losses.mse([model(x) for x in X], [0.001 * k for k in range(12)])
    loss.backward()
    data = render(nn.draw(model, loss))
    root = ET.fromstring(data)
    texts = [(el.text or "", el.get("font-size")) for el in root.iter(f"{SVG}text")]
    assert all(float(size) >= 10.0 for _, size in texts)  # points at natural size
    numbers = [t for t, _ in texts if re.fullmatch(r"-?[\d.e-]+", t)]
    assert len(numbers) > 30
    assert all(one_format(t) for t in numbers), [t for t in numbers if not one_format(t)]
    tips = [el.get("{http://www.w3.org/1999/xlink}title") or "" for el in root.iter(f"{SVG}a")]
    found = [m for tip in tips for m in re.findall(r"(?:=|to|\|) (-?[\d.]+(?:e-?\d+)?)", tip)]
    assert len(found) > 100 and all(one_format(t) for t in found), [t for t in found if not one_format(t)][:5]
    assert [number(v) for v in (-6.9e-05, 2e-05, 0.0097, 0.00028)] == ["-6.90e-5", "2.00e-5", "0.00970", "2.80e-4"]
    assert [number(v) for v in (123.4, 1234.0, -0.0, 9.996, 0.0009996)] == ["123", "1.23e3", "0", "10.0", "0.00100"]


@pytest.mark.needs_dot
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_legend_is_a_caption_right_under_the_picture(rankdir: str) -> None:
    model = nn.MLP(2, [16, 16, 1], rng=0)
    data = render(nn.draw(model, batch_loss(model), rankdir=rankdir))
    drawn = parse(data)
    along = 1 if rankdir == "LR" else 0
    for column in ("L0N", "L1N"):  # 16 circles in index order even with the lines thinned
        ps = [centre(drawn["node"][f"{column}{j}"])[along] for j in range(16)]
        assert ps == sorted(ps)
    x0, y0, x1, y1 = caption_box(data)
    boxes = [item.bbox() for kind in ("node", "cluster") for item in drawn[kind].values() if item.shapes]
    lowest = max(b[3] for b in boxes)  # SVG y grows downward
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    assert 0.0 <= y0 - lowest <= 20.0  # under the picture, within 20 pt
    assert left <= x0 and x1 <= right  # and no wider than it
    legend = [(el.text or "").strip() for el in ET.fromstring(data).find(f"{SVG}g") if el.tag == f"{SVG}text"]  # type: ignore[union-attr]
    assert legend[0] == "neuron: dL/d(output), summed over the examples"
    assert "line: dL/dw of its weight (width |dL/dw|)" in legend
    assert any("4 lines in with the largest |dL/dw|" in t for t in legend)


@pytest.mark.needs_dot
def test_a_relu_that_never_fired_is_dashed_and_has_no_blamed_lines() -> None:
    model = nn.MLP(2, [3, 1], rng=0)
    dead = model.layers[0].neurons[1]
    dead.b.data = -100.0  # off for every input below
    loss = batch_loss(model)
    drawn = svg(nn.draw(model, loss))
    assert drawn["node"]["L0N1"].shapes[0].get("stroke-dasharray")
    assert not drawn["node"]["L0N0"].shapes[0].get("stroke-dasharray")
    assert "relu was 0 on all 6 uses: no blame reaches its weights" in drawn["node"]["L0N1"].tooltip
    assert {hue(drawn["edge"][f"x{k}->L0N1"].shapes[0].get("stroke")) for k in (0, 1)} == {"grey"}


@pytest.mark.needs_dot
def test_one_example_loss_and_no_loss() -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    drawn = svg(nn.draw(model))
    assert all(drawn["node"][f"L{i}N{j}"].fill == "#ffffff" for i, j in [(0, 0), (0, 1), (1, 0)])
    one = losses.mse([model([0.5, -1.0])], [3.0])  # the loss of one example
    one.backward()
    drawn = svg(nn.draw(model, one))
    assert "summed over 1 use\n" in drawn["node"]["L0N0"].tooltip
    assert drawn["node"]["x0"].texts == ["x0", "= 0.500"] and drawn["node"]["x1"].texts == ["x1", "= -1.00"]
    assert svg(nn.draw(model, batch_loss(model)))["node"]["x0"].texts == ["x0"]  # a batch: no values
    assert drawn["node"]["L1N0"].texts == [number(2 * (model([0.5, -1.0]).data - 3.0) / 1)]
    tips = svg(nn.draw(model, lines="blame"))["edge"]  # no loss: the lines show w.grad
    w = model.layers[0].neurons[1].w[0]
    assert w.grad != 0.0 and tips["x0->L0N1"].tooltip.endswith(f"dL/dw = {number(w.grad)}")
    before = losses.mse([model([1.0, 1.0])], [0.0])  # no backward on it yet: the caption says so
    assert "backward() has not run on it" in nn.draw(model, before).source


def test_layers_neurons_names_and_errors() -> None:
    layer = nn.Layer(2, 3, rng=0)
    assert re.findall(r"^\t+(L\d+N\d+) \[", nn.draw(layer).source, flags=re.MULTILINE) == ["L0N0", "L0N1", "L0N2"]
    neuron = nn.Neuron(3, activation="tanh", rng=0)
    out = neuron([1.0, 2.0, 3.0])
    out.backward()
    src = nn.draw(neuron, out, input_names=["a", "b", "c"]).source
    assert "output (tanh)" in src and "input 2: c" in src
    assert "= 1.00, summed over 1 use" in src  # d(out)/d(out) = 1
    with pytest.raises(TypeError, match="nn.draw: model must be an nn.MLP, nn.Layer or nn.Neuron, got list"):
        nn.draw([neuron])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="input_names must be 3 strings"):
        nn.draw(neuron, input_names=["a"])
    with pytest.raises(TypeError, match="loss must be a Value"):
        nn.draw(neuron, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lines must be one of \\('blame', 'weights'\\), got 'grads'"):
        nn.draw(neuron, out, lines="grads")
    with pytest.raises(ValueError, match="has 288 weights, over max_weights=100"):
        nn.draw(nn.MLP(2, [16, 16]), max_weights=100)
