"""Backward as pictures: the graph drawn mid-way (``Stepper.show()``) and ``animate(loss)``.

Each picture is :func:`autograd.draw` of the whole graph with the stepper's progress on top:

- the node the current step processes: a thick orange outline;
- nodes done with (interior nodes already processed, leaves whose every user is processed):
  a green outline;
- interior nodes whose grad is final but whose own step is still to come: drawn as usual;
- nodes still waiting for blame from above: grey and dashed, no fill;
- input edges of nodes not processed yet: grey, dashed, unlabelled (that blame is not sent yet).

Fills are the drawing's usual blame colours, so you watch the blame arrive. Every box shows the
node's name (:mod:`autograd.names`), the same name the captions' sentences use.

:func:`animate` runs the whole backward pass (the grads end as ``backward()`` leaves them) and
makes frame 0 (forward done, no blame yet) and one frame per step. The graph is laid out by
``dot`` once, with every box as wide as its widest grad text in any frame, and that one SVG is
restyled per frame (outlines, fills, grad texts, tooltips, which edges carry blame), so nodes never
move and the frame size never changes. Every frame colours grads on one scale, the largest |grad|
after the whole pass, so a node whose grad is final keeps its colour and the legend is the same in
every frame. The frames play in a self-contained page (:mod:`autograd.viz.player`) with each
step's sentence underneath: written to a file, or shown inline in Jupyter. Drawing needs the
``graphviz`` package and Graphviz's ``dot`` (or graphviz-pure).
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ..stepper import Step, Stepper, describe, number
from ..value import Value
from .colors import blame_color, text_color
from .dotlabels import num

if TYPE_CHECKING:
    from .player import Player, Reel
    from .render import Drawing

__all__ = [
    "CURRENT", "DONE", "PENDING", "READY", "animate", "caption", "draw_progress", "frames", "progress_attrs",
]

CURRENT = {"color": "#ef6c00", "penwidth": "4", "class": "step-current", "id": "current"}
"""DOT attributes of the node the current step processes."""
DONE = {"color": "#2e7d32", "penwidth": "2.5", "class": "step-done"}
"""DOT attributes of a node whose grad is final."""
READY = {"class": "step-ready"}
"""DOT attributes of an interior node whose grad is final but whose own step is still to come."""
PENDING = {"style": "dashed", "color": "#bdbdbd", "fontcolor": "#9e9e9e", "class": "step-pending"}
"""DOT attributes of a node still waiting for its grad (its blame fill is dropped)."""

PENDING_EDGE = '[color="#d0d0d0" style=dashed tooltip="blame not sent yet"]'
"""DOT attributes of an input edge whose user has not been processed yet."""
PENDING_EDGE_COLOR = "#d0d0d0"

LEGEND = (
    "Fill: blame so far (red: raising the value raises L; blue: lowers it), on one scale in every "
    "frame: the grads once backward is done. "
    "Edge label: the blame it sends, local derivative x upstream grad."
)
"""The note under the player's outline legend."""

STATES = {"step-current": CURRENT, "step-done": DONE, "step-ready": READY, "step-pending": PENDING}
"""Each progress class and its DOT attributes; :func:`animate` turns the same ones into SVG styles."""

RANKSEP = "0.3"
"""Space between ranks in the player's layout (dot's default is 0.5 inch): the demo neuron then
fits 1280 px with its box text at 11 px or more."""


def progress_attrs(stepper: Stepper) -> Callable[[Value], dict[str, str]]:
    """A ``node_attrs`` function for :func:`autograd.draw` that marks where ``stepper`` is."""
    stepped = {id(node) for node in stepper.processed()}
    users: dict[int, set[int]] = {}
    for node in stepper.order:
        for parent in node._edges[0::2]:
            users.setdefault(id(parent), set()).add(id(node))
    current = stepper.current
    current_id = id(current.node) if current is not None else None
    root_done = stepper.done  # a leaf root has no step: its grad is final once the pass ran

    def final(v: Value) -> bool:  # has all the blame from above arrived?
        mine = users.get(id(v))
        return mine <= stepped if mine else root_done  # no users: the root

    def attrs(v: Value) -> dict[str, str]:
        key = id(v)
        if key == current_id:
            out = dict(CURRENT)
        elif key in stepped or (not v._edges and final(v)):
            out = dict(DONE)
        elif final(v):
            out = dict(READY)
        else:
            out = dict(PENDING)
        return out

    return attrs


_INPUT_EDGE = re.compile(r"^\t(\S+) -> n(\d+)op(?: \[.*\])?\n$")


def draw_progress(stepper: Stepper, **draw_options: Any) -> Drawing:
    """:func:`autograd.draw` of the stepper's graph with its progress marked (see the module doc)."""
    from .draw import draw

    if "node_attrs" in draw_options:
        raise TypeError("show: node_attrs is set by the stepper (it marks the progress); leave it out")
    g = draw(stepper.root, node_attrs=progress_attrs(stepper), **draw_options)
    # draw labels every input edge with local x (the user's grad). A user not yet processed has
    # not sent that blame: its input edges are drawn grey and unlabelled. Edge statements read
    # "n<i> -> n<j>op [...]", ids by topological position (documented by draw).
    stepped = {id(node) for node in stepper.processed()}
    order = stepper.order
    for k, line in enumerate(g.body):
        match = _INPUT_EDGE.match(line)
        if match and id(order[int(match.group(2))]) not in stepped:
            g.body[k] = f"\t{match.group(1)} -> n{match.group(2)}op {PENDING_EDGE}\n"
    return g


# -- captions ------------------------------------------------------------------------------------


def caption(stepper: Stepper, step: Step | None) -> str:
    """The sentence under a frame: frame 0 (``step`` None) says forward is done; then ``str(step)``.

    Every caption of :func:`animate` comes from here.
    """
    if step is not None:
        return str(step)
    root = stepper.root
    what = _what(stepper)
    return (
        f"step 0/{stepper.total}  forward done: L = {what} = {number(root.data)}. No blame yet.\n"
        f"Backward starts at L with dL/dL = {number(stepper.seed)} and pushes the blame into the "
        f"inputs, one node per step ({stepper.total} steps)."
    )


def title(stepper: Stepper) -> str:
    """The player's heading: what L is."""
    return f"Backward, step by step: L = {_what(stepper)} = {number(stepper.root.data)}"


def _what(stepper: Stepper) -> str:
    root = stepper.root
    return describe(root, stepper.names) if not root.is_leaf else stepper.names[id(root)]


# -- frames: one layout, restyled ----------------------------------------------------------------

XLINK_TITLE = "xlink:title"  # a tooltip, as parse_svg names it

# Advance widths of Helvetica (per 1000 units of font size), the font the drawings ask for:
# enough to tell which of a node's grad texts is the widest.
_WIDTHS = {".": 278, "-": 333, "+": 584, "e": 556, "i": 222, "n": 556, "f": 278, "a": 556}


def _text_width(s: str) -> int:
    return sum(_WIDTHS.get(c, 556) for c in s)


def _precise(x: float) -> str:
    return f"{x:.12g}"  # as draw writes numbers in tooltips


class _Run:
    """The whole pass, recorded: per frame every node's grad and progress class, and what ran."""

    def __init__(self, stepper: Stepper) -> None:
        order = stepper.order
        self.stepper = stepper
        # Frame 0: forward done. The pass will zero interior grads; leaves keep what they hold.
        self.grads = [[0.0 if v._edges else v.grad for v in order]]
        attrs = progress_attrs(stepper)
        self.states = [[attrs(v)["class"] for v in order]]
        self.stepped = [0]  # how many steps ran before each frame
        self.captions = [caption(stepper, None)]
        self.position: dict[int, int] = {}  # id(node) -> the frame whose step processed it
        for step in stepper:
            self.position[id(step.node)] = step.index
            self.grads.append([v.grad for v in order])
            attrs = progress_attrs(stepper)
            self.states.append([attrs(v)["class"] for v in order])
            self.stepped.append(step.index)
            self.captions.append(caption(stepper, step))


def _layout(run: _Run, draw_options: dict[str, Any]) -> ET.Element:
    """Lay the final graph out once with dot: boxes wide enough for every frame's grad text."""
    from .draw import draw
    from .player import parse_svg
    from .render import to_bytes

    stepper = run.stepper
    g = draw(stepper.root, **draw_options)  # every box already shows its name (autograd.names)
    g.graph_attr.setdefault("ranksep", RANKSEP)
    # The edge labels are the blame each step sends: as big as the boxes' text (draw's are smaller).
    g.edge_attr["fontsize"] = g.node_attr.get("fontsize", "11")
    for i, v in enumerate(stepper.order):
        final = f">grad {num(v.grad)}<"
        widest = max((f">grad {num(frame[i])}<" for frame in run.grads), key=_text_width)
        if widest != final:
            for k, line in enumerate(g.body):
                if line.startswith(f"\tn{i} [") and final in line:
                    head, _, tail = line.rpartition(final)
                    g.body[k] = head + widest + tail
                    break
    _legend_above(g)
    return parse_svg(to_bytes(g, "svg"))


def _legend_above(g: Drawing) -> None:
    """Move the legend node into the graph's label, above the picture at the left.

    As a node it shares the first rank with the leaves and widens that column by its own width.
    """
    for k, line in enumerate(g.body):
        if line.startswith("\tlegend ["):
            match = re.search(r"label=<(<TABLE.*</TABLE>)>", line)
            if match is not None:
                del g.body[k]
                g.graph_attr.update(label=f"<{match.group(1)}>", labelloc="t", labeljust="l")
            return


def _title(group: ET.Element) -> str:
    t = group.find("title")
    return (t.text or "") if t is not None else ""


def _points_box(el: ET.Element) -> tuple[float, float, float, float]:
    numbers = [float(x) for x in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", el.get("points", ""))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


_MARKER = re.compile(r'<g id="@unit(\d+)" ?/>')


def _serialize(el: ET.Element) -> str:
    tail, el.tail = el.tail, None
    try:
        return ET.tostring(el, encoding="unicode")
    finally:
        el.tail = tail


class _Restyler:
    """Sets one frame's styles on the laid-out SVG, in place; every change is undone by the next."""

    def __init__(self, svg: ET.Element, run: _Run, blame: bool = True) -> None:
        self.svg = svg
        self.run = run
        order = run.stepper.order
        finals = run.grads[-1]
        # One colour scale for every frame: the largest finite |grad| once backward is done.
        self.largest = max((abs(x) for x in finals if math.isfinite(x)), default=0.0) if blame else 0.0
        self.nodes: dict[int, ET.Element] = {}
        self.edges: list[tuple[ET.Element, int]] = []  # input edge group, index of its user
        self.original: dict[int, tuple[dict[str, str], str | None]] = {}
        for group in svg.iter("g"):
            kind, name = group.get("class", ""), _title(group)
            node = re.fullmatch(r"n(\d+)", name)
            edge = re.fullmatch(r"n\d+->n(\d+)op", name)
            if kind == "node" and node and int(node.group(1)) < len(order):
                self.nodes[int(node.group(1))] = group
            elif kind == "edge" and edge and int(edge.group(1)) < len(order):
                self.edges.append((group, int(edge.group(1))))
            else:
                continue
            for el in group.iter():
                self.original[id(el)] = (dict(el.attrib), el.text)
        self.grad_text: dict[int, ET.Element] = {}
        self.xlabel: dict[int, ET.Element] = {}
        for i, group in self.nodes.items():
            outline = next((el for el in group.iter() if el.tag == "polygon"), None)
            box = _points_box(outline) if outline is not None else None
            for el in group.iter():
                if el.tag != "text":
                    continue
                x, y = float(el.get("x", "0")), float(el.get("y", "0"))
                if box is not None and not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
                    self.xlabel[i] = el  # dot writes xlabels beside the box
                elif (el.text or "").startswith("grad "):
                    self.grad_text[i] = el  # the last one: label and data cells come first

    def _restore(self, group: ET.Element) -> None:
        for el in group.iter():
            attrib, text = self.original[id(el)]
            el.attrib.clear()
            el.attrib.update(attrib)
            el.text = text

    def focus(self, k: int) -> list[str]:
        """Ids of the SVG groups to keep in view in frame ``k``: the current node, then its inputs."""
        order = self.run.stepper.order
        current = [i for i, state in enumerate(self.run.states[k]) if state == "step-current"]
        if not current or current[0] not in self.nodes:
            return []
        index = {id(v): i for i, v in enumerate(order)}
        inputs = dict.fromkeys(index[id(p)] for p in order[current[0]]._edges[0::2])
        return [self.nodes[i].get("id", "") for i in (current[0], *inputs) if i in self.nodes]

    def reel(self) -> Reel:
        """Every frame, split as the player plays them: frame 0's SVG, then each node's and edge's look.

        Each look (a node in one state with one grad, an edge sent or not) is serialized once.
        """
        from .player import Reel

        run, order = self.run, self.run.stepper.order
        units = [(g, i, True) for i, g in self.nodes.items()] + [(g, user, False) for g, user in self.edges]
        versions: list[str] = []
        index: dict[str, int] = {}
        table: list[list[int]] = [[] for _ in run.captions]
        for group, i, is_node in units:
            looks: dict[object, int] = {}
            for k in range(len(run.captions)):
                if is_node:
                    key: object = (run.states[k][i], repr(run.grads[k][i]))
                else:
                    key = run.position.get(id(order[i]), math.inf) <= run.stepped[k]  # blame sent?
                if key not in looks:
                    self._restore(group)
                    if is_node:
                        self._style_node(i, group, run.grads[k][i], run.states[k][i])
                    elif not key:
                        self._style_unsent(group)
                    text = _serialize(group)
                    looks[key] = index.setdefault(text, len(index))
                    if looks[key] == len(versions):
                        versions.append(text)
                table[k].append(looks[key])
        # The rest of the SVG never changes: one template with a marker where each node or edge goes.
        where = {id(g): j for j, (g, _, _) in enumerate(units)}
        for parent in list(self.svg.iter()):
            for position, child in enumerate(list(parent)):
                if id(child) in where:
                    marker = ET.Element("g", {"id": f"@unit{where[id(child)]}"})
                    marker.tail = child.tail
                    parent[position] = marker
        self.template = ET.tostring(self.svg, encoding="unicode")
        self.versions, self.table = versions, table
        first = next((el for g in self.nodes.values() for el in g.iter("text") if el.get("font-size")), None)
        return Reel(
            svg=self.svg_of(0), units=[g.get("id", "") for g, _, _ in units], versions=versions, table=table,
            captions=list(run.captions), focus=[self.focus(k) for k in range(len(run.captions))],
            font_size=float(first.get("font-size", "14")) if first is not None else 14.0,
        )

    def svg_of(self, k: int) -> str:
        """The whole SVG text of frame ``k`` (after :meth:`reel`)."""
        row = self.table[k]
        return _MARKER.sub(lambda m: self.versions[row[int(m.group(1))]], self.template)

    def _style_node(self, i: int, group: ET.Element, grad: float, state: str) -> None:
        style = STATES[state]
        group.set("class", f"node {state}")
        pending = "dashed" in style.get("style", "")
        fill = None if pending else blame_color(grad, self.largest)
        ink = style.get("fontcolor") or text_color(fill)
        shapes = [el for el in group.iter() if el.tag == "polygon"]
        if shapes:
            outline = shapes[0]
            outline.set("fill", fill or "none")
            outline.set("stroke", style.get("color", "black"))
            outline.set("stroke-width", style.get("penwidth", "1"))
            if pending:
                outline.set("stroke-dasharray", "5,2")
            for separator in shapes[1:]:  # the <VR/> rules between cells
                separator.set("fill", ink)
                separator.set("stroke", ink)
        for el in group.iter():
            if el.tag == "text":
                el.set("fill", ink)
            elif el.tag == "a" and el.get(XLINK_TITLE):
                final = f"grad = {_precise(self.run.grads[-1][i])}"
                el.set(XLINK_TITLE, el.get(XLINK_TITLE, "").replace(final, f"grad = {_precise(grad)}", 1))
        if i in self.grad_text:
            self.grad_text[i].text = f"grad {num(grad)}"
        if i in self.xlabel:  # beside the box, on the white page
            self.xlabel[i].set("fill", style.get("fontcolor", "black"))

    def _style_unsent(self, group: ET.Element) -> None:
        group.set("class", "edge blame-pending")
        for el in group.iter():
            tag = el.tag
            if tag == "path":
                el.set("stroke", PENDING_EDGE_COLOR)
                el.set("stroke-width", "1")
                el.set("stroke-dasharray", "5,2")
            elif tag == "polygon":  # the arrowhead
                el.set("fill", PENDING_EDGE_COLOR)
                el.set("stroke", PENDING_EDGE_COLOR)
                el.set("stroke-width", "1")
            elif tag == "text":
                el.set("visibility", "hidden")  # the blame it will carry, not sent yet
            elif tag == "a" and el.get(XLINK_TITLE):
                el.set(XLINK_TITLE, "blame not sent yet")


def frames(
    loss: Value, *, seed: float = 1.0, **draw_options: Any
) -> tuple[list[tuple[str, str, list[str]]], str]:
    """Run backward from ``loss`` step by step: ``([(svg, caption, focus), ...], title)``, frame 0 first.

    ``focus`` lists the ids of the SVG groups the player keeps in view (the node the step
    processes, then its inputs). The pass runs to the end (grads as ``backward()`` leaves them).
    If drawing fails, every grad is put back as it was.
    """
    restyler, heading = _restyled(loss, seed, draw_options)
    reel = restyler.reel()
    return [(restyler.svg_of(k), text, reel.focus[k]) for k, text in enumerate(reel.captions)], heading


def _restyled(loss: Value, seed: float, draw_options: dict[str, Any]) -> tuple[_Restyler, str]:
    from .draw import draw

    if not isinstance(loss, Value):
        raise TypeError(f"animate: expected a Value, got {type(loss).__name__} ({loss!r})")
    if "node_attrs" in draw_options:
        raise TypeError("animate: node_attrs is set by the player (it marks the progress); leave it out")
    if draw_options.get("collapse") is not None:
        raise ValueError(
            f"animate: collapse={draw_options['collapse']!r} is not supported: each frame is one step "
            f"of one node, which a collapsed box would hide; animate a smaller graph "
            f"(one example, one neuron)"
        )
    stepper = Stepper(loss, seed)
    if stepper.total == 0:
        raise ValueError(f"animate: {loss!r} is a leaf; backward has no steps to show")
    draw(loss, **draw_options)  # check the options and the size before any stepping
    before = [v.grad for v in stepper.order]
    try:
        run = _Run(stepper)
        restyler = _Restyler(_layout(run, draw_options), run, blame=draw_options.get("blame", True))
    except BaseException:
        for v, g in zip(stepper.order, before):
            v.grad = g
        raise
    return restyler, title(stepper)


@overload
def animate(loss: Value, path: None = None, *, seed: float = 1.0, height: int = 600,
            **draw_options: Any) -> Player: ...
@overload
def animate(loss: Value, path: str | os.PathLike[str], *, seed: float = 1.0, height: int = 600,
            **draw_options: Any) -> Path: ...


def animate(loss: Value, path: str | os.PathLike[str] | None = None, *, seed: float = 1.0, height: int = 600,
            **draw_options: Any) -> Path | Player:
    """Run backward from ``loss`` step by step and play it: frame 0 (forward done), then one per step.

    Without ``path``: a :class:`~autograd.viz.player.Player` that shows inline in Jupyter
    (``height`` px tall). With ``path`` (``out/backward.html``): writes that self-contained page and
    the frames as ``<path stem>_frames/step_000.svg``... and returns the page's path.
    ``draw_options`` go to :func:`autograd.draw` (``rankdir``, ``max_nodes``, ...).
    """
    from .player import Player, reel_html

    page = None
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"animate: path must be a str or os.PathLike ending in .html, got {type(path).__name__} ({path!r:.80})")
        page = Path(path)
        if page.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"animate: path must end in .html, got {str(path)!r}")
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"animate: height must be an int of at least 200 (pixels), got {height!r}")
    restyler, heading = _restyled(loss, seed, draw_options)
    reel = restyler.reel()
    text = reel_html(reel, title=heading, legend=LEGEND)
    if page is None:
        return Player(text, height=height, frames=len(reel.captions))
    frames_dir = page.with_name(page.stem + "_frames")
    frames_dir.mkdir(parents=True, exist_ok=True)
    for k in range(len(reel.captions)):
        svg = restyler.svg_of(k)
        (frames_dir / f"step_{k:03d}.svg").write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n",
                                                      encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    return page
