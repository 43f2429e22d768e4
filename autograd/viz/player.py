"""A self-contained HTML page that plays SVG frames of one layout, with a caption under each.

:func:`autograd.animate` uses it to play backward step by step. The frames are restylings of one
Graphviz SVG (same size, same elements, same ids): the page holds frame 0's SVG once, and for
every other frame only which version of each node and edge to show, each version stored once.
So the picture never moves or resizes, and the page grows with the changes, not with
frames x graph.

Controls: first/previous/play-pause/next/last, a speed menu, a slider, and the keys (left and
right arrows, space to play or pause, Home/End, + and - to zoom, 0 to fit the width). The picture
fits the width of the window (never below a readable size: then it scrolls, and keeps each
frame's focus, such as the node the step processes and its inputs, in view), zooms with the
buttons, the keys or ctrl+wheel, and pans by dragging, the wheel or the scrollbars. The
stepper's outlines are explained under the picture.

Everything is inline: the SVG, the frames' data (JSON in which ``<``, ``>`` and ``&`` are
written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no label can end the script) and the script. A
Content-Security-Policy forbids every network request, so the page works offline and from a
file:// URL. :class:`Player` shows the same page inline in Jupyter, in an ``<iframe srcdoc>`` that
carries the page's own policy and keeps its ids, styles and keys apart from the notebook's.

>>> page = player_html([("<svg><g id='a'>1</g><g/></svg>", "first"),
...                     ("<svg><g id='a'>2</g><g/></svg>", "second")])
>>> page.count('<g id="a">'), page.count('"second"')   # the SVG once; frame 1 as data
(1, 1)
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Frame", "Player", "Reel", "embedded_json", "parse_svg", "player_html", "reel_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
SVG_NS = "http://www.w3.org/2000/svg"
_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}

_STYLE = """
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; padding: .6em .8em; gap: .45em;
       font: 14px/1.35 system-ui, sans-serif; color: #222; background: #fff; }
h1 { font-size: 15px; margin: 0; font-weight: 600; }
#controls { display: flex; flex-wrap: wrap; align-items: center; gap: .35em .5em; }
#controls button { font: inherit; padding: .15em .55em; min-width: 2.2em; }
#controls select { font: inherit; }
#play { min-width: 5.5em; }
#slider { flex: 1 1 12em; min-width: 8em; }
#counter { font-variant-numeric: tabular-nums; min-width: 6.5em; }
.group { display: flex; align-items: center; gap: .25em; }
#stage { flex: 0 1 auto; min-height: 120px; overflow: auto;
         border: 1px solid #ddd; border-radius: 4px; cursor: grab; background: #fff; }
#stage.dragging { cursor: grabbing; user-select: none; }
#stage svg { display: block; }
#sentence { flex: none; margin: 0; max-height: 7.2em; overflow: auto; background: #f6f6f6;
            padding: .45em .7em; border-radius: 4px; font: 13px/1.35 ui-monospace, monospace; }
#legend { flex: none; display: flex; flex-wrap: wrap; gap: .2em 1.2em; font-size: 13px; color: #444;
          margin: 0; padding: 0; list-style: none; }
#legend li { display: flex; align-items: center; gap: .35em; }
#legend svg { flex: none; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("player-data").textContent);
  var n = data.captions.length;
  var $ = function (id) { return document.getElementById(id); };
  var stage = $("stage"), sentence = $("sentence"), slider = $("slider"), counter = $("counter");
  var playButton = $("play"), speed = $("speed");
  var svg = stage.querySelector("svg");
  var units = data.units.map(function (id) { return svg.getElementById(id); });
  var shown = data.frames[0].slice();
  var scratch = document.createElementNS("http://www.w3.org/2000/svg", "g");
  var current = 0, timer = null;

  // -- frames: swap in the version of each node and edge this frame shows --
  function show(k) {
    current = Math.max(0, Math.min(n - 1, k));
    var want = data.frames[current];
    for (var u = 0; u < units.length; u++) {
      if (shown[u] === want[u]) { continue; }
      scratch.innerHTML = data.versions[want[u]];
      var fresh = scratch.firstElementChild;
      units[u].replaceWith(fresh);
      units[u] = fresh;
      shown[u] = want[u];
    }
    sentence.textContent = data.captions[current];
    slider.value = String(current);
    counter.textContent = data.counter + " " + current + " / " + (n - 1);
    $("first").disabled = $("prev").disabled = current === 0;
    $("next").disabled = $("last").disabled = current === n - 1;
    follow();
  }

  // -- play / pause --
  function interval() { return 1600 / parseFloat(speed.value); }
  function pause() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "\u25B6 play";
    playButton.setAttribute("aria-pressed", "false");
  }
  function play() {
    pause();
    if (current === n - 1) { show(0); }
    playButton.textContent = "\u275A\u275A pause";
    playButton.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (current >= n - 1) { pause(); return; }
      show(current + 1);
      if (current >= n - 1) { pause(); }
    }, interval());
  }
  function toggle() { if (timer === null) { play(); } else { pause(); } }

  // -- zoom and pan --
  var box = svg.viewBox.baseVal;
  var naturalWidth = parseFloat(svg.getAttribute("width")) * 4 / 3;   // dot writes pt
  var naturalHeight = parseFloat(svg.getAttribute("height")) * 4 / 3;
  var textSize = data.fontSize * naturalWidth / box.width;   // box text in px at zoom 1
  var zoom = 1, fitting = true;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  function setZoom(z, atX, atY) {
    z = Math.max(0.05, Math.min(8, z));
    var rect = stage.getBoundingClientRect();
    var ax = atX === undefined ? stage.clientWidth / 2 : atX - rect.left;
    var ay = atY === undefined ? stage.clientHeight / 2 : atY - rect.top;
    var px = (stage.scrollLeft + ax) / zoom, py = (stage.scrollTop + ay) / zoom;
    zoom = z;
    svg.style.width = (naturalWidth * z) + "px";
    svg.style.height = (naturalHeight * z) + "px";
    stage.scrollLeft = px * z - ax;
    stage.scrollTop = py * z - ay;
  }
  function fitWidth() { return (stage.clientWidth - 2) / naturalWidth; }
  function fit(readable) {
    fitting = true;
    var z = fitWidth();
    if (readable) { z = Math.max(z, Math.min(1, data.readable / textSize)); }
    var rect = stage.getBoundingClientRect();
    setZoom(z, rect.left, rect.top);   // the top left stays where it is
    follow();
  }
  function zoomBy(f, x, y) { fitting = false; setZoom(zoom * f, x, y); }
  // Keep the frame's focus in view (for the stepper: the node it processes and its inputs),
  // scrolling as little as possible; if it is bigger than the view, its first element.
  function into(lo, hi, first, viewLo, viewHi) {
    var pad = 16;
    if (hi - lo > viewHi - viewLo - 2 * pad) { lo = first[0]; hi = first[1]; }
    if (lo < viewLo + pad) { return lo - viewLo - pad; }
    if (hi > viewHi - pad) { return Math.min(hi - viewHi + pad, lo - viewLo - pad); }
    return 0;
  }
  function follow() {
    var rects = data.focus[current].map(function (id) { return svg.getElementById(id); })
      .filter(function (el) { return el !== null; })
      .map(function (el) { return el.getBoundingClientRect(); });
    if (rects.length === 0) { return; }
    var s = stage.getBoundingClientRect(), r0 = rects[0];
    var left = Math.min.apply(null, rects.map(function (r) { return r.left; }));
    var right = Math.max.apply(null, rects.map(function (r) { return r.right; }));
    var top = Math.min.apply(null, rects.map(function (r) { return r.top; }));
    var bottom = Math.max.apply(null, rects.map(function (r) { return r.bottom; }));
    stage.scrollLeft += into(left, right, [r0.left, r0.right], s.left, s.left + stage.clientWidth);
    stage.scrollTop += into(top, bottom, [r0.top, r0.bottom], s.top, s.top + stage.clientHeight);
  }
  stage.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.metaKey) { return; }   // plain wheel scrolls (pans)
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY / 300), event.clientX, event.clientY);
  }, { passive: false });
  var drag = null;
  stage.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    drag = { x: event.clientX, y: event.clientY, left: stage.scrollLeft, top: stage.scrollTop };
    stage.classList.add("dragging");
  });
  window.addEventListener("pointermove", function (event) {
    if (drag === null) { return; }
    stage.scrollLeft = drag.left - (event.clientX - drag.x);
    stage.scrollTop = drag.top - (event.clientY - drag.y);
  });
  window.addEventListener("pointerup", function () { drag = null; stage.classList.remove("dragging"); });
  window.addEventListener("resize", function () { if (fitting) { fit(true); } });

  // -- buttons, slider, keys --
  function on(id, action) {
    $(id).addEventListener("click", function (event) { action(); event.currentTarget.blur(); });
  }
  on("first", function () { pause(); show(0); });
  on("prev", function () { pause(); show(current - 1); });
  on("play", toggle);
  on("next", function () { pause(); show(current + 1); });
  on("last", function () { pause(); show(n - 1); });
  on("zoom-in", function () { zoomBy(1.25); });
  on("zoom-out", function () { zoomBy(0.8); });
  on("fit", function () { fit(false); });
  on("actual", function () { fitting = false; setZoom(1); follow(); });
  slider.addEventListener("input", function () { pause(); show(slider.valueAsNumber); });
  speed.addEventListener("change", function () { if (timer !== null) { play(); } speed.blur(); });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target === slider && event.key.indexOf("Arrow") === 0) { return; }  // moves itself
    if (event.target === speed) { return; }
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: n - 1 };
    if (event.key in moves) { pause(); show(moves[event.key]); }
    else if (event.key === " ") { toggle(); }
    else if (event.key === "+" || event.key === "=") { zoomBy(1.25); }
    else if (event.key === "-") { zoomBy(0.8); }
    else if (event.key === "0") { fit(false); }
    else { return; }
    event.preventDefault();
  });
  show(0);
  fit(true);
})();
"""

_LEGEND_ITEMS = (
    ('stroke="#ef6c00" stroke-width="4"', "current: this step pushes its grad into its inputs"),
    ('stroke="#2e7d32" stroke-width="2.5"', "done: grad final and passed on"),
    ('stroke="black" stroke-width="1"', "grad final, its step is to come"),
    ('stroke="#bdbdbd" stroke-width="1" stroke-dasharray="5,2"', "waiting for blame from above"),
)


def _legend_html(note: str) -> str:
    items = [
        f'<li><svg width="30" height="18" aria-hidden="true"><rect x="2.5" y="2.5" width="25" height="13" '
        f'fill="white" {stroke}/></svg>{html.escape(text)}</li>'
        for stroke, text in _LEGEND_ITEMS
    ]
    items.append(
        '<li><svg width="30" height="18" aria-hidden="true"><path d="M1 9 H29" stroke="#d0d0d0" '
        'stroke-dasharray="5,2"/></svg>edge: blame not sent yet</li>'
    )
    if note:
        items.append(f"<li>{html.escape(note)}</li>")
    return '<ul id="legend">' + "".join(items) + "</ul>"


def embedded_json(value: object) -> str:
    """``value`` as JSON that is safe inside ``<script>``: ``<``, ``>``, ``&`` written as ``\\u003c`` etc.

    >>> embedded_json(["</script><!--<script>", "a & b"])
    '["\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u003cscript\\\\u003e", "a \\\\u0026 b"]'
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", flags=re.S)


def parse_svg(text: str | bytes) -> ET.Element:
    """SVG text as an element tree with plain names: tags ``g``, ``text``; attributes ``xlink:title``.

    Serialized with ``ET.tostring`` it reads as the browser reads inline SVG (no ``ns0:`` prefixes);
    the root keeps its ``xmlns`` declarations as plain attributes.
    """
    root = ET.fromstring(text)
    svg = root.tag == f"{{{SVG_NS}}}svg"
    for el in root.iter():
        el.tag = el.tag.rpartition("}")[2]
        for key in [k for k in el.attrib if k.startswith("{")]:
            uri, _, local = key[1:].partition("}")
            value = el.attrib.pop(key)
            el.set(f"{_PREFIXES[uri]}:{local}" if uri in _PREFIXES else local, value)
    if svg:
        root.set("xmlns", SVG_NS)
        root.set("xmlns:xlink", "http://www.w3.org/1999/xlink")
    return root


def _parse(svg: str, i: int) -> ET.Element:
    if "<svg" not in svg:
        raise ValueError(f"player_html: frame {i} is not SVG text (no <svg> element): {svg[:60]!r}")
    try:
        return parse_svg(_XML_PROLOGUE.sub("", svg, count=1))
    except ET.ParseError as error:
        raise ValueError(f"player_html: frame {i} is not well-formed SVG ({error})") from None


def _serialize(el: ET.Element) -> str:
    return ET.tostring(el, encoding="unicode")


def _units(root: ET.Element) -> ET.Element:
    """The element whose children are the parts that may change: Graphviz's one top ``<g>``, else the root."""
    kids = list(root)
    return kids[0] if len(kids) == 1 and kids[0].tag == "g" else root


@dataclass(frozen=True)
class Reel:
    """Frames of one layout, split the way the page plays them."""

    svg: str
    """Frame 0: the whole SVG."""
    units: list[str]
    """Ids of the elements that change between frames (direct children of the SVG's top group)."""
    versions: list[str]
    """Every look of those elements, each once, as SVG text."""
    table: list[list[int]]
    """Per frame, per unit: which version it shows."""
    captions: list[str]
    """Per frame: the sentence under the picture."""
    focus: list[list[str]]
    """Per frame: ids of the elements to keep in view (may be empty)."""
    font_size: float = 14.0
    """Size of the boxes' text in SVG units: what ``readable`` is measured on."""


def _split(frames: Sequence[Frame]) -> Reel:
    """Frame 0's SVG, the ids of its changing parts, every version of them, each frame's versions."""
    roots = [_parse(f[0], i) for i, f in enumerate(frames)]
    first = roots[0]
    for i, root in enumerate(roots[1:], start=1):
        if root.attrib != first.attrib:
            raise ValueError(
                f"player_html: frame {i} has another size or view box than frame 0; frames must be "
                f"restylings of one layout ({root.attrib} != {first.attrib})"
            )
    parents = [_units(root) for root in roots]
    children = [list(p) for p in parents]
    ids = [el.get("id") for el in children[0]]
    for i, (parent, kids) in enumerate(zip(parents[1:], children[1:]), start=1):
        same = (parent.attrib, parent.text) == (parents[0].attrib, parents[0].text)
        if not same or [el.get("id") for el in kids] != ids:
            raise ValueError(
                f"player_html: frame {i} has other elements than frame 0; frames must share one layout"
            )
    texts = [[_serialize(el) for el in kids] for kids in children]
    changing = [j for j in range(len(ids)) if any(t[j] != texts[0][j] for t in texts)]
    for j in changing:
        if not ids[j]:
            raise ValueError(
                f"player_html: an element that changes between frames has no id: {texts[0][j][:80]!r}"
            )
    versions: list[str] = []
    index: dict[str, int] = {}
    table = []
    for t in texts:
        row = []
        for j in changing:
            row.append(index.setdefault(t[j], len(index)))
            if row[-1] == len(versions):
                versions.append(t[j])
        table.append(row)
    # The size of the boxes' text (of the first node's, else of any text): what "readable" is about.
    nodes = [g for g in first.iter() if g.tag == "g" and "node" in g.get("class", "").split()]
    sizes = [el.get("font-size") for where in (*nodes, first) for el in where.iter()
             if el.tag == "text" and el.get("font-size")]
    return Reel(
        svg=ET.tostring(first, encoding="unicode"), units=[str(ids[j]) for j in changing], versions=versions,
        table=table, captions=[str(f[1]) for f in frames],
        focus=[[str(i) for i in f[2]] if len(f) > 2 else [] for f in frames],  # type: ignore[misc]
        font_size=float(sizes[0]) if sizes else 14.0,  # type: ignore[arg-type]
    )


Frame = tuple[str, str] | tuple[str, str, Sequence[str]]
"""``(svg_text, caption)``, or ``(svg_text, caption, ids)``: the ids of elements to keep in view."""


def player_html(frames: Sequence[Frame], title: str = "", legend: str = "", counter: str = "step",
                readable: float = 11.0) -> str:
    """One HTML page playing ``frames`` (see :data:`Frame`); needs at least one.

    The frames must be restylings of one layout (the same size and the same elements; the ones
    that change need an ``id``). ``counter`` names a frame beside the slider (``step 3 / 5``);
    ``readable`` is the smallest size (px) the picture's text is fitted to before it scrolls.
    """
    if len(frames) == 0:
        raise ValueError("player_html: need at least one frame, got none")
    return reel_html(_split(frames), title, legend, counter, readable)


def reel_html(reel: Reel, title: str = "", legend: str = "", counter: str = "step",
              readable: float = 11.0) -> str:
    """:func:`player_html` for frames already split (what :func:`autograd.animate` makes)."""
    n = len(reel.captions)
    if n == 0:
        raise ValueError("player_html: need at least one frame, got none")
    data = {
        "captions": reel.captions, "units": reel.units, "versions": reel.versions, "frames": reel.table,
        "focus": reel.focus, "counter": counter, "fontSize": reel.font_size, "readable": readable,
    }
    svg = reel.svg
    speeds = "".join(f'<option value="{s}"{" selected" if s == "1" else ""}>{s}x</option>'
                     for s in ("0.25", "0.5", "1", "2", "4"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title or "frames")}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div id="controls">
<span class="group">
<button id="first" type="button" title="first frame (Home)" aria-label="first frame">|&#9664;</button>
<button id="prev" type="button" title="previous (left arrow)" aria-label="previous">&#9664;</button>
<button id="play" type="button" title="play / pause (space)" aria-pressed="false">&#9654; play</button>
<button id="next" type="button" title="next (right arrow)" aria-label="next">&#9654;</button>
<button id="last" type="button" title="last frame (End)" aria-label="last frame">&#9654;|</button>
</span>
<label class="group" title="play speed">speed <select id="speed">{speeds}</select></label>
<input id="slider" type="range" min="0" max="{n - 1}" value="0" aria-label="frame">
<span id="counter"></span>
<span class="group" aria-label="zoom">
<button id="zoom-out" type="button" title="zoom out (-)" aria-label="zoom out">&minus;</button>
<button id="zoom-in" type="button" title="zoom in (+)" aria-label="zoom in">+</button>
<button id="fit" type="button" title="fit the width (0)">fit</button>
<button id="actual" type="button" title="actual size">1:1</button>
</span>
</div>
<div id="stage">{svg}</div>
<pre id="sentence"></pre>
{_legend_html(legend)}
<script id="player-data" type="application/json">{embedded_json(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


class Player:
    """The player page; shows inline in Jupyter (``_repr_html_``) and saves with :meth:`save`."""

    def __init__(self, page: str, height: int = 600, frames: int = 0) -> None:
        self.html = page
        """The self-contained page (what :meth:`save` writes)."""
        self.height = height
        """Height in px of the inline view (its width is the notebook column's)."""
        self.frames = frames
        """How many frames the page plays."""

    def _repr_html_(self) -> str:
        # An iframe whose document is the page: its own Content-Security-Policy, ids, styles and
        # keys, whatever the notebook's page does. sandbox: scripts run, nothing else is allowed.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'title="backward player" style="width: 100%; height: {self.height}px; border: 1px solid #ddd; '
            f'border-radius: 4px;"></iframe>'
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (``.html``); returns the path."""
        page = Path(path)
        if page.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"Player.save: path must end in .html, got {str(path)!r}")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(self.html, encoding="utf-8")
        return page

    def __repr__(self) -> str:
        return f"<Player of {self.frames} frames: shows inline in Jupyter; .save(path) writes the page>"
