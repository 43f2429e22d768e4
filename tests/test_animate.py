"""Pictures of backward mid-way (``Stepper.show``) and the frames ``animate`` makes, through real ``dot``."""

from __future__ import annotations

import html as htmllib
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from examples import lecture_neuron
from hypothesis import given, settings

import autograd
from autograd import Stepper, Value, animate
from autograd.testing import expressions
from autograd.viz.animate import caption, draw_progress, frames, progress_attrs
from autograd.viz.colors import blame_color
from autograd.viz.dotlabels import num
from autograd.viz.player import Player

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


def neuron() -> Value:
    return lecture_neuron()


def node_lines(source: str) -> dict[str, str]:
    """DOT node id -> its statement, for value boxes (n<i> [...])."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\t(n\d+) \[.*$", source, flags=re.M)}


def test_progress_marks_current_done_and_pending() -> None:
    o = neuron()
    s = Stepper(o)
    before = node_lines(s.show().source)
    assert all("step-pending" in line for line in before.values())  # nothing ran yet
    s.next()
    s.next()  # o = tanh(n), then n = n3 + b: b and n3 have all their blame, b is a leaf: done
    attrs = progress_attrs(s)
    order = {v.label or s.names[id(v)]: v for v in s.order}
    assert attrs(order["n"])["class"] == "step-current"
    assert attrs(order["o"])["class"] == "step-done"
    assert attrs(order["b"])["class"] == "step-done"
    assert attrs(order["n3"])["class"] == "step-ready"
    assert attrs(order["n1"])["class"] == "step-pending" and attrs(order["x1"])["class"] == "step-pending"
    assert "<B>n3</B>" in node_lines(s.show().source)["n6"]  # the box shows the sentences' name
    s.run()
    attrs = progress_attrs(s)
    assert sum(attrs(v)["class"] == "step-done" for v in s.order) == len(s.order) - 1  # all but current


def test_unsent_blame_is_drawn_grey() -> None:
    s = Stepper(neuron())
    s.next()
    source = s.show().source
    edges = re.findall(r"^\t(n\d+) -> (n\d+op)(.*)$", source, flags=re.M)
    sent = [e for e in edges if "blame not sent yet" not in e[2]]
    assert len(sent) == 1 and sent[0][1] == "n9op"  # only tanh's input edge carries blame yet
    assert "label=" in sent[0][2]


def test_show_refuses_its_own_option() -> None:
    with pytest.raises(TypeError, match="show: node_attrs is set by the stepper"):
        draw_progress(Stepper(neuron()), node_attrs=lambda v: {})


# -- frames, read back from the SVG ------------------------------------------------------------


class Box:
    """A value box of one frame: its class, fill, grad text, tooltip, and where everything is."""

    def __init__(self, group: ET.Element) -> None:
        self.cls = group.get("class", "")
        shapes = [el for el in group.iter() if el.tag in (SVG + "polygon",)]
        self.fill = shapes[0].get("fill")
        self.stroke = shapes[0].get("stroke")
        self.points = shapes[0].get("points")
        texts = [el for el in group.iter(SVG + "text")]
        self.texts = [(el.text or "") for el in texts]
        self.places = [(el.get("x"), el.get("y")) for el in texts]
        self.grad = next(t for t in reversed(self.texts) if t.startswith("grad "))
        self.tooltip = next(el.get(XLINK_TITLE) for el in group.iter(SVG + "a"))


def read(svg: str) -> tuple[dict[str, str], dict[str, Box], dict[str, list[ET.Element]], list[str]]:
    """(root attributes, value boxes by title, edge groups by title, the legend's texts)."""
    root = ET.fromstring(svg)
    boxes, edges = {}, {}
    for g in root.iter(SVG + "g"):
        name = g.findtext(SVG + "title") or ""
        if g.get("class", "").startswith("node") and re.fullmatch(r"n\d+", name):
            boxes[name] = Box(g)
        elif g.get("class", "").startswith("edge"):
            edges.setdefault(name, []).append(g)
    graph = root.find(SVG + "g")
    legend = [el.text or "" for el in graph.findall(SVG + "text")]  # type: ignore[union-attr]
    return dict(root.attrib), boxes, edges, legend


def partial_grads(make) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """Each node's grad at frame 0 (no blame yet) and after every step, from a separate stepper."""
    s = Stepper(make())
    out = [[0.0 if v._edges else v.grad for v in s.order]]
    for _ in s:
        out.append([v.grad for v in s.order])
    return out


@pytest.mark.needs_dot
def test_frames_share_one_layout_and_one_colour_scale() -> None:
    shots, title = frames(neuron())
    assert title == "Backward, step by step: L = o = tanh(n) = 0.707"
    read_back = [read(svg) for svg, _, _ in shots]
    grads = partial_grads(neuron)
    assert len(shots) == 6 == len(grads)  # frame 0, then the 5 steps
    size, boxes0, edges0, legend0 = read_back[0]
    assert legend0[:6] == ["blame = value.grad = dL/d(value)", "-1.5", "-0.75", "0", "0.75", "1.5"]
    last_boxes = read_back[-1][1]
    for k, (attrs, boxes, edges, legend) in enumerate(read_back):
        assert attrs == size and legend == legend0  # one size, one legend: the final grads' scale
        assert boxes.keys() == boxes0.keys() and edges.keys() == edges0.keys()
        for name, box in boxes.items():
            assert box.points == boxes0[name].points and box.places == boxes0[name].places  # nothing moves
            i = int(name[1:])
            assert box.grad == f"grad {num(grads[k][i])}"  # the grad so far, as the stepper has it
            assert f"grad = {grads[k][i]:.12g}" in box.tooltip
            if "step-pending" in box.cls:
                assert box.fill == "none" and box.stroke == "#bdbdbd"
            else:  # grad final: the colour it ends with, on the one scale
                assert box.fill == last_boxes[name].fill == blame_color(grads[k][i], 1.5)
        for name, groups in edges.items():
            for g, first in zip(groups, edges0[name]):
                path = g.find(f".//{SVG}path")
                assert path.get("d") == first.find(f".//{SVG}path").get("d")  # type: ignore[union-attr]
    # frame 0: forward done, no blame anywhere yet; frame 1: the root is processed
    assert all("step-pending" in b.cls and b.grad == "grad 0" for b in boxes0.values())
    inputs = [name for name in edges0 if re.fullmatch(r"n\d+->n\d+op", name)]
    assert len(inputs) == 9
    assert all(g.get("class") == "edge blame-pending" for name in inputs for g in edges0[name])
    assert all(g.get("class") == "edge" for name in inputs for g in read_back[-1][2][name])
    assert "step-current" in read_back[1][1]["n9"].cls and read_back[1][1]["n9"].grad == "grad 1"
    assert shots[0][1].startswith("step 0/5  forward done: L = o = tanh(n) = 0.707. No blame yet.")
    assert shots[1][1] == str(next(iter(Stepper(neuron()))))


@pytest.mark.needs_dot
def test_each_frame_focuses_the_current_node_and_its_inputs() -> None:
    shots, _ = frames(neuron())
    titles = []
    for svg, _, focus in shots:
        root = ET.fromstring(svg)
        by_id = {g.get("id"): g.findtext(SVG + "title") for g in root.iter(SVG + "g")}
        titles.append([by_id[i] for i in focus])
    assert titles[0] == []  # forward done: nothing processed yet
    assert titles[1] == ["n9", "n8"]  # o = tanh(n)
    assert titles[5] == ["n2", "n0", "n1"]  # n2 = x1 * w1


@pytest.mark.needs_dot
def test_a_node_whose_grad_is_final_never_changes_colour() -> None:
    # a is used by three nodes, so its grad grows over three steps; once final, no colour change
    a = Value(0.5, label="a")
    b = Value(-2.0, label="b")
    loss = (a * b + a.tanh() * a + a * 3.0).relu()
    shots, _ = frames(loss)
    seen: dict[str, str] = {}
    for svg, _, _ in shots:
        for name, box in read(svg)[1].items():
            if "step-pending" not in box.cls:
                assert seen.setdefault(name, box.fill) == box.fill, name  # type: ignore[arg-type]
    assert len(seen) == len(read(shots[-1][0])[1])


@pytest.mark.needs_dot
@settings(max_examples=12, deadline=None)
@given(expressions(max_steps=6))
def test_any_graph_gives_frames_of_one_layout(expr) -> None:  # type: ignore[no-untyped-def]
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    if out.is_leaf:
        return
    shots, _ = frames(out, max_nodes=10_000)
    total = Stepper(expr(*[Value(x) for x in expr.inputs])).total
    assert len(shots) == total + 1
    first = read(shots[0][0])
    for svg, _, _ in shots[1:]:
        size, boxes, _, legend = read(svg)
        assert size == first[0] and legend == first[3]
        assert {n: b.points for n, b in boxes.items()} == {n: b.points for n, b in first[1].items()}
    final = read(shots[-1][0])[1]
    order = autograd.topological_order(out)
    largest = max((abs(v.grad) for v in order if math.isfinite(v.grad)), default=0.0)
    for i, v in enumerate(order):
        assert final[f"n{i}"].fill == (blame_color(v.grad, largest) or "none")  # grads as backward leaves them


@pytest.mark.needs_dot
def test_animate_writes_frame_0_one_frame_per_step_and_one_page(tmp_path: Path) -> None:
    o = neuron()
    page = animate(o, tmp_path / "player.html")
    files = sorted((tmp_path / "player_frames").glob("step_*.svg"))
    assert page == tmp_path / "player.html"
    assert [f.name for f in files] == [f"step_{k:03d}.svg" for k in range(6)]
    html = page.read_text()
    assert len(re.findall(r'<svg width="[0-9.]+pt"', html)) == 1  # one layout; the frames only restyle it
    assert 'class="node step-current"' in files[1].read_text()
    data = json.loads(re.search(r'<script id="player-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["captions"][5].startswith("step 5/5  n1 = x1 * w1") and len(data["frames"]) == 6
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from outside
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert o.grad == 1.0 and abs(o.parents[0].grad - 0.5) < 1e-12  # the pass ran to the end


@pytest.mark.needs_dot
def test_animate_without_a_path_shows_inline(tmp_path: Path) -> None:
    player = animate(neuron(), height=500)
    assert isinstance(player, Player) and player.frames == 6
    shown = player._repr_html_()
    match = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*height: 500px;[^>]*></iframe>', shown)
    assert match is not None, shown[:300]
    assert htmllib.unescape(match[1]) == player.html  # the whole page, with its own CSP
    assert "Content-Security-Policy" in player.html and "<script" in player.html
    assert repr(player) == "<Player of 6 frames: shows inline in Jupyter; .save(path) writes the page>"
    assert player.save(tmp_path / "p.html").read_text() == player.html
    with pytest.raises(ValueError, match=r"Player.save: path must end in .html, got '.*p.svg'"):
        player.save(tmp_path / "p.svg")


@pytest.mark.needs_dot
def test_hostile_labels_are_text_everywhere() -> None:
    x = Value(2.0, label='<!--<script>')
    y = Value(-1.0, label='</script><b>"q" \'s\' & </b>')
    loss = x * y
    loss.label = "</script><script>alert(1)</script>"
    page = animate(loss).html
    data = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', page, re.S)[1]
    assert "<" not in data and ">" not in data and "&" not in data  # written \u003c, \u003e, \u0026
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<!--" not in page
    captions = json.loads(data)["captions"]
    assert "<!--<script>" in captions[1] and captions[1].startswith("step 1/1  </script><script>alert(1)</script>")


def test_caption_is_the_sentence_or_frame_0() -> None:
    s = Stepper(neuron())
    assert caption(s, None).startswith("step 0/5  forward done: L = o = tanh(n) = 0.707")
    step = s.next()
    assert step is not None and caption(s, step) == str(step)


@pytest.mark.needs_dot
def test_grads_are_put_back_when_drawing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import autograd.viz.render as render

    o = neuron()
    o.backward()
    for v in autograd.topological_order(o):
        v.grad += 0.25  # not what backward gives: must come back exactly
    before = [v.grad for v in autograd.topological_order(o)]

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("render: dot -Tsvg failed (exit 1): out of memory")

    monkeypatch.setattr(render, "to_bytes", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        animate(o)
    assert [v.grad for v in autograd.topological_order(o)] == before


def test_animate_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"animate: path must end in .html, got '.*out.svg'"):
        animate(neuron(), tmp_path / "out.svg")
    with pytest.raises(ValueError, match="animate: Value.* is a leaf; backward has no steps"):
        animate(Value(1.0), tmp_path / "a.html")
    with pytest.raises(TypeError, match="animate: expected a Value, got int"):
        animate(3, tmp_path / "a.html")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="animate: path must be a str or os.PathLike"):
        animate(neuron(), 3)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="animate: height must be an int of at least 200"):
        animate(neuron(), height=50)
    with pytest.raises(TypeError, match="animate: node_attrs is set by the player"):
        animate(neuron(), node_attrs=lambda v: {})
    o = neuron()
    with pytest.raises(ValueError, match="animate: collapse='neuron' is not supported"):
        animate(o, collapse="neuron")
    assert o.grad == 0.0  # refused before any step


@pytest.mark.needs_dot
def test_without_blame_nothing_is_filled() -> None:
    shots, _ = frames(neuron(), blame=False)
    assert all(box.fill == "none" for svg, _, _ in shots for box in read(svg)[1].values())
