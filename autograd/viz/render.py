"""Turning a drawing into SVG, PNG or PDF: with Graphviz's ``dot``, or with pip alone.

Two programs can lay out a drawing:

- ``dot`` from Graphviz (apt, brew, winget, conda): every format, including PDF. Used first.
- ``graphviz-pure`` (``pip install blamegrad[viz-pure]``): a pure-Rust port of Graphviz 16.1
  shipped as one static binary in a wheel, so it needs no system library and no download at run
  time. It writes SVG and PNG (not PDF). Used when ``dot`` is missing.

When neither is installed, :class:`GraphvizNotFound` says how to install one.

:class:`Drawing` is a ``graphviz.Digraph`` that renders through the same choice, so it shows as
SVG in Jupyter even without ``dot``, and has :meth:`Drawing.save` for files. In Jupyter it shows
as inline SVG (:func:`inline_html`): scaled to the column's width, hover text kept, a click to
see it at full size; a drawing from ``Stepper.show()`` opens on the part around the current node.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import graphviz

INSTALL_HINT = """\
Install Graphviz's `dot` program with one of:
  Debian/Ubuntu:  sudo apt-get install graphviz
  Fedora:         sudo dnf install graphviz
  macOS:          brew install graphviz
  Windows:        winget install graphviz   (or: choco install graphviz)
  conda:          conda install -c conda-forge graphviz
or, for SVG and PNG with pip alone:  pip install "blamegrad[viz-pure]"   (graphviz-pure)"""

PURE_FORMATS = frozenset({"svg", "png", "jpg", "jpeg", "dot", "xdot", "json", "plain"})
"""Formats graphviz-pure writes (no PDF or PostScript yet)."""

BACKENDS = ("auto", "dot", "pure")


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """No program that can render this format is installed; the message says how to get one."""

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)


def dot_executable() -> str | None:
    """Path of Graphviz's ``dot`` on PATH, or ``None``."""
    return shutil.which("dot")


def pure_executable() -> str | None:
    """Path of the ``graphviz-pure`` program installed with its wheel, or ``None``."""
    try:
        files = distribution("graphviz-pure").files or ()
    except PackageNotFoundError:
        return None
    for f in files:
        if f.name in ("graphviz-pure", "graphviz-pure.exe"):
            path = Path(str(f.locate())).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    return None


def _choose(fmt: str, backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"render: backend must be one of {BACKENDS}, got {backend!r}")
    if backend in ("auto", "dot"):
        exe = dot_executable()
        if exe is not None:
            return exe
        if backend == "dot":
            raise GraphvizNotFound(f"render: Graphviz's `dot` program is not on PATH.\n{INSTALL_HINT}")
    exe = pure_executable()
    if exe is None:
        raise GraphvizNotFound(
            f"render: cannot render {fmt.upper()}: Graphviz's `dot` program is not installed.\n{INSTALL_HINT}"
        )
    if fmt not in PURE_FORMATS:
        raise GraphvizNotFound(
            f"render: graphviz-pure cannot write {fmt.upper()} (only {', '.join(sorted(PURE_FORMATS))}); "
            f"{fmt.upper()} needs Graphviz's `dot`.\n{INSTALL_HINT}"
        )
    return exe


def to_bytes(graph: graphviz.Digraph | str, format: str = "svg", backend: str = "auto") -> bytes:
    """Lay out ``graph`` (a Digraph or DOT source) and return it as ``format`` bytes."""
    fmt = format.lower()
    source = graph if isinstance(graph, str) else graph.source
    exe = _choose(fmt, backend)
    try:
        done = subprocess.run(
            [exe, "-Kdot", f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=120, check=False
        )
    except FileNotFoundError:
        raise GraphvizNotFound(f"render: could not run {exe!r}.\n{INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"render: {Path(exe).name} took over 120 s; draw with collapse=... or a smaller graph") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"render: {Path(exe).name} -T{fmt} failed (exit {done.returncode}): {message}")
    return done.stdout


def save(graph: graphviz.Digraph | str, path: str | os.PathLike[str], format: str | None = None,
         backend: str = "auto") -> Path:
    """Write ``graph`` to ``path``; the format comes from the suffix (``.svg``, ``.png``, ``.pdf``)."""
    path = Path(path)
    fmt = format or path.suffix.lstrip(".")
    if not fmt:
        raise ValueError(f"save: give a format or a path with a suffix (.svg, .png, .pdf), got {str(path)!r}")
    data = to_bytes(graph, fmt, backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with ``dot`` or, failing that, graphviz-pure."""

    def save(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write this drawing to ``path`` (SVG, PNG or PDF by suffix); returns the path."""
        return save(self, path, format)

    def svg(self) -> str:
        """This drawing as SVG text."""
        return to_bytes(self, "svg").decode("utf-8")

    def _repr_image_svg_xml(self) -> str:
        return self.svg()

    def _repr_html_(self) -> str:
        """Inline SVG at the column's width (see :func:`inline_html`)."""
        return inline_html(self.svg())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        # What Jupyter shows: text/html (inline SVG, fitted to the column, hover text kept) comes
        # first in every front end's order; image/svg+xml stays for viewers that drop HTML.
        # Rendered once, and without `dot` too (graphviz-pure).
        svg = self.svg()
        bundle = {"text/html": inline_html(svg), "image/svg+xml": svg}
        wanted = set(bundle) if include is None else set(include)
        wanted -= set(exclude or ())
        return {k: v for k, v in bundle.items() if k in wanted}


FOCUS_WINDOW = (780.0, 560.0)
"""Width and height (pt) of the window a drawing with a current node opens on, when it is larger."""

_SVG_START = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_VIEWBOX = re.compile(r'viewBox="([^"]*)"')
_SIZE = re.compile(r'\s(width|height)="([0-9.]+)(pt|px)?"')
_CURRENT = re.compile(r'<g id="[^"]*" class="node [^"]*\bstep(?:-|&#45;)current\b[^"]*">(.*?)</g>', re.DOTALL)
_TRANSFORM = re.compile(r'class="graph" transform="scale\(([-0-9.e]+) ([-0-9.e]+)\) rotate\([-0-9.e]+\) '
                        r'translate\(([-0-9.e]+) ([-0-9.e]+)\)"')
_POINTS = re.compile(r'\s(?:points|d)="([^"]*)"|<(?:ellipse|text)[^>]*?(?:cx|\sx)="([-0-9.e]+)" (?:cy|y)="([-0-9.e]+)"')


def inline_html(svg: str) -> str:
    """``svg`` (from Graphviz) as an HTML fragment for a notebook: scaled to the column's width.

    The SVG is inline (not an ``<img>``), so every box's and edge's hover text stays, and it is
    vector, so the browser's zoom keeps it sharp. ``max-width:100%`` and ``height:auto`` fit
    it to the column; a click shows it at full size with a scroll bar (and back). When the
    drawing marks a current node (class ``step-current``, as ``Stepper.show()`` does) and is
    larger than :data:`FOCUS_WINDOW`, it opens on a window around that node, at full size, and a
    click shows the whole graph.

    >>> html = inline_html('<?xml version="1.0"?><svg width="2000pt" height="100pt" viewBox="0.00 0.00 2000.00 100.00"></svg>')
    >>> "max-width:100%" in html and "height:auto" in html and "<img" not in html
    True
    """
    start = _SVG_START.search(svg)
    if start is None:
        raise ValueError("inline_html: not SVG text (no <svg> element)")
    body = svg[start.start():]
    tag = start.group(0)
    sizes = {m.group(1): float(m.group(2)) for m in _SIZE.finditer(tag)}
    box = _VIEWBOX.search(tag)
    view = [float(x) for x in box.group(1).split()] if box else [0.0, 0.0, sizes.get("width", 0.0), sizes.get("height", 0.0)]
    width = sizes.get("width", view[2])
    units = width / view[2] if view[2] else 1.0  # pt per viewBox unit (1 unless the graph is scaled)
    window = _focus_window(body, view, units)
    new_tag = _SIZE.sub("", tag)
    caption = ""
    if window is None:
        style = "max-width:100%;height:auto;cursor:zoom-in"
        click = ("var s=this.style;var f=s.maxWidth!=='none';s.maxWidth=f?'none':'100%';"
                 "s.cursor=f?'zoom-out':'zoom-in'")
        attrs = f' width="{width:g}pt" style="{style}" onclick="{click}"'
    else:
        x, y, w, h = window
        style = "max-width:100%;height:auto;cursor:zoom-out"
        click = ("var d=this.dataset,v=this.getAttribute('viewBox'),w=this.getAttribute('width');"
                 "this.setAttribute('viewBox',d.viewbox);this.setAttribute('width',d.width);d.viewbox=v;d.width=w;"
                 "this.style.cursor=this.style.cursor==='zoom-in'?'zoom-out':'zoom-in'")
        attrs = (f' width="{w * units:g}pt" style="{style}" onclick="{click}" data-viewbox="{" ".join(f"{v:g}" for v in view)}"'
                 f' data-width="{width:g}pt"')
        new_tag = _VIEWBOX.sub(f'viewBox="{x:g} {y:g} {w:g} {h:g}"', new_tag)
        caption = ('<div style="font-size:85%;color:#666">Opens on the part of the graph around the current '
                   'step (orange outline): click the picture for the whole graph, again to come back.</div>')
    new_tag = new_tag[:-1].rstrip("/ ") + attrs + (">" if not tag.endswith("/>") else "/>")
    return (f'<div class="blamegrad-drawing" style="max-width:100%;overflow-x:auto">{caption}'
            f"{new_tag}{body[len(tag):]}</div>")


def _focus_window(svg: str, view: list[float], units: float) -> tuple[float, float, float, float] | None:
    """A viewBox window (x, y, w, h) centred on the ``step-current`` node, or ``None``.

    Horizontally (and vertically, for a tall drawing) the window is :data:`FOCUS_WINDOW` around
    the node's centre, kept inside the drawing; then its height shrinks to what the shapes that
    reach into the window span, so a wide, short window has no empty band above or below.
    """
    wide, tall = FOCUS_WINDOW[0] / units, FOCUS_WINDOW[1] / units
    if view[2] <= wide and view[3] <= tall:
        return None
    current = _CURRENT.search(svg)
    transform = _TRANSFORM.search(svg)
    if current is None or transform is None:
        return None
    sx, sy, tx, ty = (float(t) for t in transform.groups())

    def extent(text: str) -> tuple[float, float, float, float] | None:  # in viewBox units
        xs: list[float] = []
        ys: list[float] = []
        for m in _POINTS.finditer(text):
            if m.group(1) is not None:
                numbers = [float(t) for t in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", m.group(1))]
                xs += numbers[0::2]
                ys += numbers[1::2]
            else:
                xs.append(float(m.group(2)))
                ys.append(float(m.group(3)))
        if not xs:
            return None
        return sx * (min(xs) + tx), sy * (min(ys) + ty), sx * (max(xs) + tx), sy * (max(ys) + ty)

    here = extent(current.group(1))
    if here is None:
        return None

    def place(centre: float, size: float, start: float, total: float) -> tuple[float, float]:
        if total <= size:
            return start, total
        return min(max(centre - size / 2, start), start + total - size), size

    x, w = place((here[0] + here[2]) / 2, wide, view[0], view[2])
    y, h = place((here[1] + here[3]) / 2, tall, view[1], view[3])
    boxes = [(shape.group(1), extent(shape.group(2))) for shape in _SHAPE.finditer(svg)
             if "<title>legend</title>" not in shape.group(2)]
    left, right = x, x + w  # widen to whole boxes (small ones): no box cut in half at either edge
    for kind, box in boxes:
        if kind == "node" and box is not None and box[1] <= y + h and box[3] >= y and box[2] - box[0] < w / 3:
            if box[0] < left < box[2]:
                left = box[0]
            if box[0] < right < box[2]:
                right = box[2]
    margin = 8.0 / units
    left, right = max(view[0], left - margin), min(view[0] + view[2], right + margin)
    top, bottom = here[1], here[3]
    for _kind, box in boxes:
        if box is not None and box[2] >= left and box[0] <= right and box[3] >= y and box[1] <= y + h:
            top, bottom = min(top, box[1]), max(bottom, box[3])
    top, bottom = max(y, top - margin), min(y + h, bottom + margin)
    return left, top, right - left, bottom - top


_SHAPE = re.compile(r'<g id="[^"]*" class="(node|edge)\b[^"]*">(.*?)(?=<g id="[^"]*" class="|</svg>)', re.DOTALL)
"""A node's or edge's whole group (up to the next one): its shapes, texts and outside label."""
