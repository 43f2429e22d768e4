"""autograd.draw: one shape per value and op, blame on edges and fills, clusters, collapse, guard.

Drawings are rendered with the real ``dot`` and read back with xml.etree (tests/svg_helpers.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from examples import lecture_neuron
from hypothesis import given, settings
from hypothesis import strategies as st
from svg_helpers import lightness, parse

import autograd
import nn
from autograd import Value, draw, draw_dot, scope
from autograd.testing import expressions
from autograd.viz.render import to_bytes

GOLDEN = Path(__file__).resolve().parent / "golden"


def neuron() -> Value:
    """The lecture neuron after backward."""
    return lecture_neuron(backward=True)


def svg(g: object) -> dict:
    return parse(to_bytes(g, "svg", backend="dot"))  # type: ignore[arg-type]


@pytest.mark.needs_dot
def test_one_shape_per_value_and_per_op() -> None:
    o = neuron()
    order = autograd.topological_order(o)
    nodes = svg(draw(o))["node"]
    values = {f"n{i}" for i in range(len(order))}
    ops = {f"n{i}op" for i, v in enumerate(order) if not v.is_leaf}
    assert set(nodes) == values | ops | {"legend"}
    assert len(ops) == 5 and len(values) == 10
    for i, v in enumerate(order):
        texts = " ".join(nodes[f"n{i}"].texts)
        assert f"grad {autograd.viz.dotlabels.num(v.grad)}" in texts
        if v.label:
            assert v.label in nodes[f"n{i}"].texts
        if not v.is_leaf:
            assert nodes[f"n{i}op"].texts == [v.fn.label]


@pytest.mark.needs_dot
def test_fill_darker_for_bigger_grad_and_hue_by_sign() -> None:
    a, b, c, d = (Value(1.0, label=k) for k in "abcd")
    out = autograd.sum([a * 1.0, b * -2.0, c * 3.0, d * 0.5])  # grads 1, -2, 3, 0.5
    out.backward()
    nodes = svg(draw(out))["node"]
    order = autograd.topological_order(out)
    leaves = [(v.grad, nodes[f"n{i}"].fill) for i, v in enumerate(order) if v.label in ("a", "b", "c", "d")]
    by_size = sorted(leaves, key=lambda gf: abs(gf[0]))
    shades = [lightness(fill) for _, fill in by_size]
    assert shades == sorted(shades, reverse=True) and len(set(shades)) == 4  # bigger |grad|: darker
    for g, fill in leaves:
        r, bl = int(fill[1:3], 16), int(fill[5:7], 16)
        assert (r > bl) == (g > 0)  # red for positive blame, blue for negative
    assert nodes["legend"].texts[0].startswith("blame")
    assert "3" in nodes["legend"].texts and "-3" in nodes["legend"].texts  # the scale's ends


@pytest.mark.needs_dot
def test_before_backward_nothing_is_coloured() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b).tanh()
    drawn = svg(draw(out))
    assert "legend" not in drawn["node"]
    assert all(item.fill is None for item in drawn["node"].values())
    assert all(not item.texts and item.stroke_width == 1.0 for item in drawn["edge"].values())


@pytest.mark.needs_dot
def test_edge_width_and_label_follow_the_blame_each_edge_carries() -> None:
    o = neuron()
    order = autograd.topological_order(o)
    index = {id(v): i for i, v in enumerate(order)}
    blame = {}
    for i, v in enumerate(order):
        for p, local in zip(v.parents, v.local_grads):
            blame[f"n{index[id(p)]}->n{i}op"] = local * v.grad
    edges = svg(draw(o))["edge"]
    inputs = {t: e for t, e in edges.items() if t.endswith("op")}
    assert set(inputs) == set(blame)
    ranked = sorted(blame, key=lambda t: abs(blame[t]))
    widths = [inputs[t].stroke_width for t in ranked]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    for t, c in blame.items():
        assert inputs[t].texts == [autograd.viz.dotlabels.num(c)]
    assert inputs["n0->n2op"].texts == ["-1.5"]  # x1: local w1=-3 times upstream 0.5


@pytest.mark.needs_dot
def test_a_reused_node_has_one_edge_per_use() -> None:
    a = Value(3.0, label="a")
    out = a * a
    out.backward()
    edges = svg(draw(out))["edge"]
    assert sorted(edges) == ["n0->n1op", "n0->n1op#2", "n1op->n1"]
    assert edges["n0->n1op"].texts == edges["n0->n1op#2"].texts == ["3"]  # each use carries a*1


def scoped_graph() -> Value:
    x = Value(1.0, label="x")
    with scope("layers.0"):
        with scope("neurons.0"):
            h0 = (x * Value(2.0, label="w")).tanh()
        with scope("neurons.1"):
            h1 = (x * Value(-1.0, label="w")).tanh()
    with scope("layers.1"), scope("neurons.0"):
        out = h0 * Value(0.5, label="v0") + h1 * Value(1.5, label="v1")
    out.backward()
    return out


@pytest.mark.needs_dot
def test_scopes_become_nested_labelled_clusters() -> None:
    out = scoped_graph()
    drawn = svg(draw(out))
    clusters = {c.tooltip: c for c in drawn["cluster"].values()}
    assert set(clusters) == {"scope layers.0", "scope layers.0.neurons.0", "scope layers.0.neurons.1",
                             "scope layers.1", "scope layers.1.neurons.0"}
    assert clusters["scope layers.0.neurons.1"].texts == ["neurons.1"]  # labelled relative to the layer
    order = autograd.topological_order(out)

    def inside(inner: tuple, outer: tuple) -> bool:
        return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]

    for i, v in enumerate(order):
        box = drawn["node"][f"n{i}"].bbox()
        for path, c in clusters.items():
            scope_path = path.removeprefix("scope ")
            member = v.scope is not None and (v.scope + ".").startswith(scope_path + ".")
            assert inside(box, c.bbox()) == member, (v, path)


def test_collapse_draws_each_scope_as_one_box_with_its_blame() -> None:
    out = scoped_graph()
    order = autograd.topological_order(out)
    tanhs = [v for v in order if v.op == "tanh"]
    src = draw(out, collapse="neuron").source
    assert sorted(re.findall(r"^\t+(g\d+) \[", src, flags=re.MULTILINE)) == ["g0", "g1", "g2"]
    assert f"blame {autograd.viz.dotlabels.num(tanhs[0].grad)}" in src  # neuron 0's output grad
    assert "blame 1<" in src  # the last neuron holds the root: its blame is the seed
    layer = draw(out, collapse="layer").source
    assert layer == draw(out, collapse=1).source
    assert re.findall(r"^\t+(g\d+) \[", layer, flags=re.MULTILINE) == ["g0", "g1"]
    assert "layers.0.neurons" not in layer
    assert "n0 -> g0 [" in layer  # x feeds layer 0 twice: one merged edge
    assert "(x2)" in layer
    with pytest.raises(ValueError, match="collapse must be None, 'neuron', 'layer' or a scope depth"):
        draw(out, collapse="block")
    with pytest.raises(ValueError, match="collapse"):
        draw(out, collapse=0)


@pytest.mark.needs_dot
def test_collapsed_drawing_renders() -> None:
    drawn = svg(draw(scoped_graph(), collapse="neuron"))
    assert {"g0", "g1", "g2", "n0", "legend"} <= set(drawn["node"])
    assert {c.tooltip for c in drawn["cluster"].values()} == {"scope layers.0", "scope layers.1"}


def test_size_guard_says_how_to_collapse_or_raise_the_limit() -> None:
    x = Value(0.1)
    for _ in range(200_000):
        x = x * 1.0001
    with pytest.raises(ValueError) as err:
        draw(x)
    message = str(err.value)
    assert "max_nodes=400" in message and "collapse='neuron'" in message and "max_nodes=..." in message
    with pytest.raises(ValueError, match="max_nodes=10"):
        draw(neuron(), max_nodes=10)
    assert draw(neuron(), max_nodes=15) is not None  # 10 values + 5 ops
    with pytest.raises(ValueError, match="positive int"):
        draw(neuron(), max_nodes=0)


def test_guard_also_applies_after_collapsing() -> None:
    with pytest.raises(ValueError, match="even collapsed"):
        draw(scoped_graph(), collapse="layer", max_nodes=2)


def test_deep_graph_draws_without_recursion() -> None:
    x = Value(0.5, label="x")
    for _ in range(30_000):
        x = x + 1.0
    x.backward()
    g = draw(x, max_nodes=100_000)
    assert g.source.count("->") == 30_000 * 3


def golden_source() -> str:
    return draw(neuron()).source


def test_golden_dot_source() -> None:
    """Byte-identical DOT for micrograd's neuron. After a reviewed change to the drawing, regenerate:
    BLAMEGRAD_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_draw.py -k golden
    then look at the rendered result (dot -Tpng tests/golden/neuron.gv -o /tmp/neuron.png).
    """
    path = GOLDEN / "neuron.gv"
    source = golden_source()
    if os.environ.get("BLAMEGRAD_REGEN_GOLDEN") == "1":
        path.write_text(source)
    assert source == golden_source()  # deterministic within a run
    assert source == path.read_text()


NASTY = 'q"uote {brace} |bar| <lt> >gt &amp; \\back\\slash \\N \\l \\G [x] ;'


@pytest.mark.needs_dot
@pytest.mark.parametrize("backend", ["dot", "pure"])
def test_label_text_is_escaped_everywhere(backend: str) -> None:
    a = Value(1.0, label=NASTY + "\nsecond line")
    with scope('sc"ope <b>{|}\\'):
        out = a * 2.0
    out.label = "<TABLE>"
    out.backward()
    drawn = parse(to_bytes(draw(out), "svg", backend=backend))
    texts = drawn["node"]["n0"].texts
    assert NASTY in texts and "second line" in texts
    assert drawn["node"]["n0"].tooltip.startswith(NASTY + "\nsecond line: data = 1, grad = 2")
    assert "<TABLE>" in drawn["node"]["n2"].texts
    assert [c.texts for c in drawn["cluster"].values()] == [['sc"ope <b>{|}\\']]


def test_node_attrs_hook_adds_attributes_per_value() -> None:
    out = neuron()
    src = draw(out, node_attrs=lambda v: {"color": "green", "penwidth": "3"} if v.label == "o" else {}).source
    line = next(line for line in src.splitlines() if "<B>o</B>" in line)
    assert "color=green penwidth=3" in line
    assert src.count("color=green") == 1
    with pytest.raises(TypeError, match="node_attrs must return a dict of str to str"):
        draw(out, node_attrs=lambda v: {"penwidth": 3})
    with pytest.raises(TypeError, match="node_attrs must be a function"):
        draw(out, node_attrs="red")  # type: ignore[arg-type]


def test_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="draw: root must be a Value, got float"):
        draw(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of"):
        draw(neuron(), rankdir="up")
    assert draw_dot is draw
    assert "rankdir=TB" in draw(neuron(), rankdir="TB").source


def test_blame_false_draws_plain_micrograd_style() -> None:
    src = draw(neuron(), blame=False).source
    assert "fillcolor" not in src and "penwidth" not in src and "legend" not in src
    assert "grad 0.5" in src  # the numbers are still shown


@settings(max_examples=30)
@given(expressions(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12))
def test_any_graph_and_label_gives_valid_dot_with_one_edge_per_use(expr, label: str) -> None:
    xs = [Value(x, label=label) for x in expr.inputs]
    out = expr(*xs)
    out.backward()
    order = autograd.topological_order(out)
    g = draw(out, max_nodes=10_000)
    assert g.source == draw(out, max_nodes=10_000).source
    uses = sum(len(v.parents) for v in order)
    assert g.source.count(" -> ") == uses + sum(1 for v in order if not v.is_leaf)
    drawn = parse(to_bytes(g, "svg", backend="pure"))  # parses: every label was escaped
    assert len(drawn["node"]) == len(order) + sum(1 for v in order if not v.is_leaf) + ("legend" in drawn["node"])
    assert len(drawn["edge"]) == g.source.count(" -> ")
    if label.strip():
        assert label.strip() in " ".join(drawn["node"]["n0"].texts)


# -- partial drawings add up: stubs for the uses not drawn ---------------------------------------

BLAME = re.compile(r"^blame passed back: (\S+) = ")
STUB = re.compile(r"^blame from uses not drawn [^:]*: (\S+); ")
GRAD = re.compile(r"(?:, grad|blame \(what its outputs receive from their uses\)) = (\S+?)(?:,|$)")


def blame_balance(drawn: dict) -> dict[str, tuple[float, float, float]]:
    """Per box (value or collapsed scope) in rendered SVG: (its grad, blame on its outgoing edges, scale).

    Reads the 12-digit numbers of the tooltips; an edge's blame belongs to its tail (the arrows
    point forward, the blame goes back along them), a stub's to the box it leaves.
    """
    out: dict[str, list[float]] = {}
    for title, node in drawn["node"].items():
        match = GRAD.search(node.tooltip or "")
        if match and re.fullmatch(r"[ng]\d+", title):
            out[title] = [float(match.group(1)), 0.0, abs(float(match.group(1)))]
    for title, edge in drawn["edge"].items():
        tail = title.split("#")[0].split("->")[0]
        match = BLAME.match(edge.tooltip or "") or STUB.match(edge.tooltip or "")
        if match and tail in out:
            out[tail][1] += float(match.group(1))
            out[tail][2] += abs(float(match.group(1)))
    return {k: (g, b, s) for k, (g, b, s) in out.items()}


def assert_adds_up(drawn: dict, except_for: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    for box, (grad, blame, scale) in blame_balance(drawn).items():
        if box not in except_for:
            assert abs(grad - blame) <= 1e-9 * scale + 1e-12, (box, grad, blame)


def interior_loss() -> tuple[Value, Value]:
    """The lecture neuron's ``n`` used again outside it: L = o + n * 0.25 (n has two users)."""
    o = lecture_neuron()
    n = o.parents[0]
    loss = o + n * 0.25
    loss.label = "L"
    loss.backward()
    return n, loss


@pytest.mark.needs_dot
def test_drawing_an_interior_node_shows_the_uses_not_drawn() -> None:
    n, loss = interior_loss()
    drawn = svg(draw(n))  # L: the latest backward root
    order = autograd.topological_order(n)
    root = f"n{len(order) - 1}"
    stub = drawn["edge"][f"{root}->{root}_out"]
    assert stub.texts == ["2 uses not drawn: 0.75"]  # o = tanh(n): 0.5, and n * 0.25: 0.25
    assert drawn["node"][f"{root}_out"].texts == ["grad 0.75 = dL/d(this);", "L is not drawn"]
    legend = " ".join(drawn["node"]["legend"].texts)
    assert "L (what backward() ran on) is not drawn" in legend and "L: the root" not in legend
    assert "dashed stub: blame from uses not drawn" in legend
    assert_adds_up(drawn)
    assert draw(n).source == draw(n, loss=loss).source
    whole = svg(draw(loss))
    assert not [t for t in whole["edge"] if t.endswith("_out")]  # L drawn: every use has its edge
    assert "L: the root, what backward() ran on" in " ".join(whole["node"]["legend"].texts)
    assert_adds_up(whole, except_for={f"n{len(autograd.topological_order(loss)) - 1}"})  # L: the seed


def test_loss_is_checked() -> None:
    n, loss = interior_loss()
    with pytest.raises(TypeError, match="draw: loss must be the Value backward\\(\\) ran on, or None; got float"):
        draw(n, loss=1.0)  # type: ignore[arg-type]
    other = Value(2.0) * 3.0
    with pytest.raises(ValueError, match="draw: root .* is not in the graph of loss .*; pass the loss that root feeds into"):
        draw(n, loss=other)
    other.backward()  # the latest backward ran on another graph: L is unknown for n's drawing
    src = draw(n).source
    assert "label=<uses not drawn: 0.75>" in src and "L is not drawn" in src  # the grads that do not add up, still shown


@pytest.mark.needs_dot
def test_a_leaf_used_by_neurons_not_drawn_gets_a_stub_with_their_blame() -> None:
    x = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
    model = nn.MLP(2, [4, 1], rng=3)
    loss = (model(x) - 1.0) ** 2
    loss.backward()
    neuron_out = next(v for v in autograd.topological_order(loss) if v.scope == "layers.0.neurons.2" and v.op == "relu")
    drawn = svg(draw(neuron_out, loss=loss))
    order = autograd.topological_order(neuron_out)
    x0 = f"n{next(i for i, v in enumerate(order) if v is x[0])}"
    assert drawn["edge"][f"{x0}->{x0}_out"].texts[0].startswith("3 uses not drawn: ")  # 3 other neurons
    assert_adds_up(drawn)


@pytest.mark.needs_dot
def test_collapsed_scopes_with_uses_not_drawn_add_up() -> None:
    out = scoped_graph()
    loss = out * out + out.parents[0] * 2.0  # the last neuron's first product is used again
    loss.backward()
    for collapse in ("neuron", "layer", None):
        drawn = svg(draw(out, collapse=collapse))
        assert_adds_up(drawn)
        assert any(t.endswith("_out") for t in drawn["edge"])


@pytest.mark.needs_dot
@settings(max_examples=25)
@given(expressions(max_steps=10), st.data())
def test_any_interior_drawing_adds_up_through_dot(expr, data) -> None:
    """Hypothesis graphs drawn from an interior node: grad = drawn outgoing blame + stub, on every box."""
    import math

    xs = [Value(x, label=f"x{k}") for k, x in enumerate(expr.inputs)]
    out = expr(*xs)
    nodes = [v for v in autograd.topological_order(out) if not v.is_leaf]
    if not nodes:
        return
    v = data.draw(st.sampled_from(nodes))
    loss = out * 1.5 + v * data.draw(st.floats(-2.0, 2.0)) + xs[0]  # v and x0 get users not drawn
    loss.backward()
    if not all(math.isfinite(u.grad) for u in autograd.topological_order(loss)):
        return
    drawn = parse(to_bytes(draw(v, max_nodes=10_000), "svg", backend="dot"))
    assert_adds_up(drawn)
    root = f"n{len(autograd.topological_order(v)) - 1}"
    if v.grad != 0.0:
        assert "L is not drawn" in drawn["node"][f"{root}_out"].texts


@pytest.mark.needs_dot
def test_moons_demo_neuron_adds_up(tmp_path: Path) -> None:
    """The demo's own drawing of one first-layer neuron (moons_neuron.svg), read back from the file."""
    import runpy

    demo = runpy.run_path(str(Path(__file__).resolve().parent.parent / "demos" / "moons.py"))
    model, X, y, _ = demo["train"](16, 3, 0, quiet=True)
    demo["draw_blame"](model, X, y, tmp_path)
    drawn = parse((tmp_path / "moons_neuron.svg").read_bytes())
    assert_adds_up(drawn)
    x0 = next(t for t, node in drawn["node"].items() if node.texts[:1] == ["x0"])
    assert drawn["edge"][f"{x0}->{x0}_out"].texts[0].startswith("15 uses not drawn: ")
    root = max((t for t in drawn["node"] if re.fullmatch(r"n\d+", t)), key=lambda t: int(t[1:]))
    assert drawn["node"][f"{root}_out"].texts[-1] == "L is not drawn"
    assert drawn["edge"][f"{root}->{root}_out"].texts[0].startswith("16 uses not drawn: ")


# -- the legend ----------------------------------------------------------------------------------


@pytest.mark.needs_dot
def test_legend_says_arrows_are_forward_and_explains_the_stepper_outlines() -> None:
    o = neuron()
    plain = " ".join(svg(draw(o))["node"]["legend"].texts)
    assert "arrows: forward, input -> op -> output" in plain
    assert "numbers on edges: blame flowing back" in plain and "outline" not in plain
    stepper = autograd.Stepper(lecture_neuron())
    stepper.next()
    drawn = svg(stepper.show())
    legend = drawn["node"]["legend"]
    text = " ".join(legend.texts)
    for words in ("orange outline: the node this step processes", "green outline: done",
                  "plain outline: grad final", "grey dashed: still waiting for blame from above"):
        assert words in text
    strokes = {s.get("stroke") for s in legend.shapes}
    assert {autograd.viz.animate.CURRENT["color"], autograd.viz.animate.DONE["color"]} <= strokes  # swatches
    stepper.run()
    assert svg(stepper.show())["node"]["legend"].texts[6:] == legend.texts[6:]  # same rows in every frame


# -- scale: linear in the number of scopes (counted, not timed) ----------------------------------


def scoped_chain(n: int) -> Value:
    """n scopes, ten neurons to a layer: ``layers.k.neurons.j``, each one multiply."""
    x = Value(1.0, label="x")
    for i in range(n):
        with scope(f"layers.{i // 10}"), scope(f"neurons.{i % 10}"):
            x = x * 1.0
    x.backward()
    return x


def count_steps(work: Callable[[], object]) -> int:
    """Python lines run plus C functions called while ``work`` runs: a deterministic measure of work."""
    import sys

    count = 0

    def on_line(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        count += 1
        return on_line

    def on_call(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        if event == "c_call":
            count += 1

    old_trace, old_profile = sys.gettrace(), sys.getprofile()
    sys.settrace(on_line)
    sys.setprofile(on_call)
    try:
        work()
    finally:
        sys.settrace(old_trace)
        sys.setprofile(old_profile)
    return count


def test_draw_is_linear_in_the_number_of_scopes() -> None:
    """4x the scopes: about 4x the work (quadratic cluster nesting gave 16x). Timings: benchmarks/draw_scale.py."""
    small, big = scoped_chain(300), scoped_chain(1200)
    draw(small, max_nodes=100_000)  # imports and caches: not part of the count
    steps_small = count_steps(lambda: draw(small, max_nodes=100_000))
    steps_big = count_steps(lambda: draw(big, max_nodes=100_000))
    assert steps_big / steps_small < 4.6, (steps_small, steps_big)
    assert draw(big, max_nodes=100_000).source.count("subgraph cluster_") == 1200 + 120


@pytest.mark.needs_dot
def test_leaf_grads_accumulated_over_two_backward_calls_are_called_out() -> None:
    n, loss = interior_loss()
    loss.backward()  # again, without zero_grad(): leaf grads are now twice the one pass
    drawn = svg(draw(n))
    assert_adds_up(drawn)
    order = autograd.topological_order(n)
    b = f"n{next(i for i, v in enumerate(order) if v.label == 'b')}"
    assert drawn["edge"][f"{b}->{b}_out"].texts == ["0.75 from no use of L (grads accumulate over backward() calls)"]
