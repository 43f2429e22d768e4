"""Turning a drawing into SVG, PNG or PDF: with Graphviz's ``dot``, or with pip alone.

Two programs can lay out a drawing:

- ``dot`` from Graphviz (apt, brew, winget, conda): every format, including PDF. Used first.
- ``graphviz-pure`` (``pip install blamegrad[viz-pure]``): a pure-Rust port of Graphviz 16.1
  shipped as one static binary in a wheel, so it needs no system library and no download at run
  time. It writes SVG and PNG (not PDF). Used when ``dot`` is missing.

When neither is installed, :class:`GraphvizNotFound` says how to install one.

:class:`Drawing` is a ``graphviz.Digraph`` that renders through the same choice, so it shows as
SVG in Jupyter even without ``dot``, and has :meth:`Drawing.save` for files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

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
        # What Jupyter shows (through graphviz's _repr_mimebundle_): works without `dot` too.
        return self.svg()
