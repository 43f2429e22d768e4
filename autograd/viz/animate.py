"""Backward as pictures: the graph drawn mid-way (``Stepper.show()``) and ``animate(loss, path)``.

Each picture is :func:`autograd.draw` of the whole graph with the stepper's progress on top:

- the node the current step processes: a thick orange outline;
- nodes done with (interior nodes already processed, leaves whose every user is processed):
  a green outline;
- interior nodes whose grad is final but whose own step is still to come: drawn as usual;
- nodes still waiting for blame from above: grey and dashed, no fill;
- input edges of nodes not processed yet: grey, dashed, unlabelled (that blame is not sent yet).

Fills are the drawing's usual blame colours, so you watch the blame arrive. Unlabelled nodes get
their sentence name (``n3``) written beside the box, so the captions can be followed.

:func:`animate` runs the whole backward pass (the grads end as ``backward()`` leaves them), saves
one SVG per step and one self-contained HTML page (:mod:`autograd.viz.player`) that plays them with
each step's sentence underneath. Drawing needs the ``graphviz`` package and Graphviz's ``dot``
(or graphviz-pure).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..stepper import Stepper, describe, number
from ..value import Value

if TYPE_CHECKING:
    from .render import Drawing

__all__ = ["CURRENT", "DONE", "PENDING", "READY", "animate", "draw_progress", "progress_attrs"]

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

LEGEND = (
    "Orange outline: the node this step processes (its grad is pushed into its inputs). "
    "Green outline: done (grad final and passed on). Plain outline: grad final, its step is to come. "
    "Grey dashed: still waiting for blame from above. "
    "Fill: blame so far (red: raising the value raises L; blue: lowers it)."
)


def progress_attrs(stepper: Stepper) -> Callable[[Value], dict[str, str]]:
    """A ``node_attrs`` function for :func:`autograd.draw` that marks where ``stepper`` is."""
    stepped = {id(step.node) for step in stepper.history}
    users: dict[int, set[int]] = {}
    for node in stepper.order:
        for parent in node._edges[0::2]:
            users.setdefault(id(parent), set()).add(id(node))
    current = stepper.current
    current_id = id(current.node) if current is not None else None
    root_done = stepper.done  # a leaf root has no step: its grad is final once the pass ran
    names = stepper.names

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
        if not v.label:
            out["xlabel"] = names[key]
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
    stepped = {id(step.node) for step in stepper.history}
    order = stepper.order
    for k, line in enumerate(g.body):
        match = _INPUT_EDGE.match(line)
        if match and id(order[int(match.group(2))]) not in stepped:
            g.body[k] = f"\t{match.group(1)} -> n{match.group(2)}op {PENDING_EDGE}\n"
    return g


def animate(loss: Value, path: str | os.PathLike[str], *, seed: float = 1.0, **draw_options: Any) -> Path:
    """Run backward from ``loss`` step by step; write one SVG per step and an HTML player at ``path``.

    The SVGs go in ``<path stem>_frames/step_001.svg``...; the page (``path``, e.g.
    ``out/backward.html``) is self-contained. Returns the page's path. ``draw_options`` go to
    :func:`autograd.draw` (``rankdir``, ``max_nodes``, ...).
    """
    from .player import player_html
    from .render import to_bytes

    if not isinstance(loss, Value):
        raise TypeError(f"animate: expected a Value, got {type(loss).__name__} ({loss!r})")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"animate: path must be a str or os.PathLike ending in .html, got {type(path).__name__} ({path!r:.80})")
    page = Path(path)
    if page.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"animate: path must end in .html, got {str(path)!r}")
    stepper = Stepper(loss, seed)
    if stepper.total == 0:
        raise ValueError(f"animate: {loss!r} is a leaf; backward has no steps to show")
    draw_progress(stepper, **draw_options)  # check the options and the size before any stepping
    frames_dir = page.with_name(page.stem + "_frames")
    frames_dir.mkdir(parents=True, exist_ok=True)
    frames = []
    for step in stepper:
        svg = to_bytes(draw_progress(stepper, **draw_options), "svg").decode("utf-8")
        (frames_dir / f"step_{step.index:03d}.svg").write_text(svg, encoding="utf-8")
        frames.append((svg, str(step)))
    root = describe(loss, stepper.names) if not loss.is_leaf else stepper.names[id(loss)]
    title = f"Backward, step by step: L = {root} = {number(loss.data)}"
    page.write_text(player_html(frames, title=title, legend=LEGEND), encoding="utf-8")
    return page
