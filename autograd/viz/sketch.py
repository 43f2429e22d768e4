"""The graph as text for a terminal: ``autograd.sketch(root)``, coloured with the blame scale.

The picture is a tree read from the output down to the inputs, the way blame flows in backward:
one line per *use* of a value, with its name (:mod:`autograd.names`), how it was made
(``n4 = n3 + b``), its data and grad, and, on each line below the root, the blame that edge
carries back: ``local derivative x upstream grad``, as :func:`autograd.draw` labels its edges. A
value used twice is drawn once in full and then named at each other use with the line where it
is drawn (``a  (see above, line 3)``), so shared inputs never multiply the picture.

On a terminal each name is filled with its grad's colour and each edge's blame with the edge's,
on the same red/blue scale as the drawings (:mod:`autograd.viz.colors`; rich turns the hex colours
into truecolor or 256 colours, whichever the terminal has). Colour is rich's decision: none when
the output is not a terminal, when ``NO_COLOR`` is set or ``TERM=dumb``. Without rich
(``pip install "blamegrad[term]"``) the same picture prints without colour.

The picture fits the width it is given or finds (the terminal's, ``COLUMNS``, else 80): it drops
the ``= local x upstream`` detail first, then shortens expressions and names, folds deep
indentation into a depth count (``12› └─``), and at last puts the numbers on a line of their own.
No line is ever wider. ``collapse="neuron"``, ``"layer"`` or a depth shows a whole scope as one
line, as :func:`autograd.draw` does, and graphs of more than ``max_nodes`` lines are refused
before they are walked. Every walk is iterative: a 100,000-deep chain is fine.

>>> from autograd import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b + a; c.label = "c"
>>> c.backward()
>>> print(sketch(c, width=70))
  value                     data  grad  blame = local x upstream
1 c = n1 + a                  -4     1
2 ├─ n1 = a * b               -6     1  1 = 1 x 1
3 │  ├─ a                      2    -2  -3 = -3 x 1
4 │  └─ b                     -3     2  2 = 2 x 1
5 └─ a (see above, line 3)     2    -2  1 = 1 x 1
"""

from __future__ import annotations

import html
import io
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..graph import topological_order
from ..names import node_names
from ..value import Value
from .colors import NEGATIVE, POSITIVE, ZERO, blame_color, mix, text_color
from .dotlabels import num
from .draw import Collapse, _check_collapse, _Plan

if TYPE_CHECKING:
    from ..stepper import Stepper

__all__ = [
    "DEFAULT_MAX_NODES",
    "Sketch",
    "at_terminal_prompt",
    "in_jupyter",
    "sketch",
    "sketch_progress",
    "terminal_width",
]

DEFAULT_MAX_NODES = 400
"""Most lines (one per use of a value) a sketch may have before :func:`sketch` refuses."""

INSTALL_HINT = 'for colour in the terminal: pip install "blamegrad[term]" (rich)'

_MAX_GUIDES = 40  # levels of tree guides kept per line; deeper lines show a depth count instead
_MIN_LABEL = 10  # characters kept for a name before the numbers go on a line of their own
_HTML_WIDTH = 100  # what a notebook's output area shows without scrolling

# Marks for a stepper's progress (Stepper.show() in a terminal), as autograd.viz.animate's classes.
_MARKS = {"step-current": "▶", "step-done": "✓", "step-ready": " ", "step-pending": "·"}
_CURRENT_COLOR = "#ef6c00"  # the drawings' orange outline for the current step
_DONE_COLOR = "#2e7d32"  # and their green for done

Style = tuple  # (foreground, background, bold, dim, italic): hex colours or None
Span = tuple[str, "Style | None"]

_BOX = {"tee": "├─ ", "end": "└─ ", "bar": "│  ", "gap": "   ", "deep": "›", "cut": "…"}
_ASCII_BOX = {"tee": "|- ", "end": "`- ", "bar": "|  ", "gap": "   ", "deep": ">", "cut": "~"}


@dataclass(slots=True)
class _Row:
    """One line of the picture: a use of a value (or of a collapsed scope)."""

    depth: int
    guides: str  # the tree guides of the levels above, at most _MAX_GUIDES of them
    last: bool  # the last input of its user (└─), else ├─
    label: str  # "n4 = n3 + b", "x1", "layers.0 (24 nodes)", "a (see above, line 3)"
    short: str  # the label in fewer characters where it has a short form: "a (line 3)"
    name_len: int  # how much of label is the name (the part that gets the grad's colour)
    data: str
    grad: str
    grad_value: float
    blame: str  # the edge's blame, "" for the root
    detail: str  # " = local x upstream" (or " = sum of 3 edges")
    blame_value: float
    ref: int  # the line where this value is drawn in full, 0 if this is that line
    mark: str  # a stepper mark, "" without a stepper


class Sketch:
    """The text picture of a graph: ``str()`` is plain text; a terminal shows it in colour.

    At a prompt (``repr``), with :meth:`print`, ``rich.print(s)`` or in Jupyter, it is coloured
    where colour is allowed; ``str(s)`` and ``print(s)`` are always plain. :meth:`text` lays it out
    at any width, :meth:`save` writes ``.txt`` (the text) or ``.svg``/``.png``/``.pdf`` (the drawing).
    """

    def __init__(
        self,
        rows: list[_Row],
        *,
        width: int | None,
        color: bool | None,
        largest_grad: float,
        largest_edge: float,
        title: str,
        drawing: Callable[[], Any],
    ) -> None:
        self._rows = rows
        self.width = width
        """The width asked for, or ``None`` to fit wherever it is shown."""
        self.color = color
        """``None``: colour where the terminal allows it; ``True``: always; ``False``: never."""
        self._largest_grad = largest_grad
        self._largest_edge = largest_edge
        self._title = title
        self._drawing = drawing
        self._refs = any(r.ref for r in rows)

    def __len__(self) -> int:
        """How many uses of values (lines, without the header) the picture has."""
        return len(self._rows)

    # -- outputs ---------------------------------------------------------------------------

    def text(self, width: int | None = None) -> str:
        """The picture as plain text, no line wider than ``width`` (default: as :attr:`width`)."""
        lines = self._layout(_check_width(width, "text") or self.width or terminal_width(), _BOX)
        return "\n".join("".join(t for t, _ in line) for line in lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return self.render(color=self.color).rstrip("\n")

    def render(self, width: int | None = None, color: bool | None = None, file: TextIO | None = None) -> str:
        """The picture as the terminal ``file`` (default stdout) would show it: ANSI colour or none."""
        width = _check_width(width, "render") or self.width
        target = file if file is not None else sys.stdout
        box = _BOX if _can_encode(target, "├─│└›…▶✓·") else _ASCII_BOX
        console = _console(target, color, width)
        if console is None:  # no rich: plain text, the same layout
            return self._plain(width or terminal_width(target), box) + "\n"
        with console.capture() as captured:
            console.print(self._renderable(box), soft_wrap=True)
        return captured.get()

    def print(self, file: TextIO | None = None, *, width: int | None = None) -> None:
        """Print the picture on ``file`` (default stdout), coloured where the terminal allows it."""
        target = file if file is not None else sys.stdout
        shown = self.render(width=width, color=self.color, file=target)
        target.write(shown if shown.endswith("\n") else shown + "\n")
        target.flush()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """``.txt``: write the plain text (80 columns unless a width was given); else the drawing.

        ``.svg``, ``.png`` and ``.pdf`` go through :func:`autograd.draw` and its ``save``.
        """
        target = Path(path)
        if target.suffix.lower() == ".txt":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.text(self.width or 80) + "\n", encoding="utf-8")
            return target
        return self._drawing().save(target)

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        box = _BOX if not options.ascii_only else _ASCII_BOX
        plain = self.color is False or console.no_color or console.color_system is None
        yield from self._segments(
            self._layout(self.width or options.max_width, box), plain, options.max_width
        )

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        natural = max((sum(len(t) for t, _ in line) for line in self._layout(10**6, _BOX)), default=1)
        return Measurement(min(20, natural), min(natural, options.max_width))

    def _repr_html_(self) -> str:
        """Jupyter's view: the picture in colour as HTML (no rich needed)."""
        rows = []
        for line in self._layout(self.width or _HTML_WIDTH, _BOX):
            rows.append("".join(_html_span(t, s) for t, s in line))
        if self._largest_grad > 0.0:  # the colour scale, as in the terminal
            swatches = []
            for s in (-1.0, -0.5, 0.0, 0.5, 1.0):
                fill = blame_color(s * self._largest_grad, self._largest_grad)
                swatches.append(_html_span(f" {num(s * self._largest_grad)} ", _fill_style(fill, False)))
            rows.append(
                "".join(swatches)
                + _html_span("  red: raising it raises L, blue: lowers it", _style(dim=True))
            )
        return (
            '<pre style="font-family: ui-monospace, Menlo, Consolas, monospace; line-height: 1.25">'
            + "\n".join(rows)
            + "</pre>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text(self.width or _HTML_WIDTH), "text/html": self._repr_html_()}

    # -- layout ----------------------------------------------------------------------------

    def _plain(self, width: int, box: dict[str, str]) -> str:
        return "\n".join("".join(t for t, _ in line) for line in self._layout(width, box))

    def _renderable(self, box: dict[str, str]) -> Any:
        sketch = self

        class _Boxed:  # the same picture drawn with the box characters the file can encode
            def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
                plain = sketch.color is False or console.no_color or console.color_system is None
                yield from sketch._segments(
                    sketch._layout(sketch.width or options.max_width, box), plain, options.max_width
                )

        return _Boxed()

    def _segments(self, lines: list[list[Span]], plain: bool, room: int) -> Iterator[Any]:
        # Segments, not a Text: every line already fits, and a picture may have 100,000 lines.
        from rich.segment import Segment
        from rich.style import Style as RichStyle

        cache: dict[Style, RichStyle] = {}
        newline = Segment.line()
        for line in lines:
            for t, s in line:
                if s is None or plain:
                    yield Segment(t)
                    continue
                style = cache.get(s)
                if style is None:
                    fg, bg, bold, dim, italic = s
                    style = cache[s] = RichStyle(
                        color=fg, bgcolor=bg, bold=bold or None, dim=dim or None, italic=italic or None
                    )
                yield Segment(t, style)
            yield newline
        if not plain and self._largest_grad > 0.0:
            yield from self._legend(min(room, self.width or room), RichStyle)

    def _legend(self, width: int, RichStyle: Any) -> Iterator[Any]:
        """The colour scale, -largest to +largest |grad|, as segments (rich's Text caches styles
        across consoles of different colour systems, segments with fresh styles do not)."""
        from rich.segment import Segment

        used = 0
        for s in (-1.0, -0.5, 0.0, 0.5, 1.0):
            fill = blame_color(s * self._largest_grad, self._largest_grad)
            swatch = f" {num(s * self._largest_grad)} "[: max(0, width - used)]
            used += len(swatch)
            yield Segment(swatch, RichStyle(color=text_color(fill), bgcolor=fill))
        room = width - used
        words = next(
            (
                w
                for w in ("  red: raising it raises L, blue: lowers it", "  red raises L, blue lowers")
                if len(w) <= room
            ),
            "",
        )
        yield Segment(words, RichStyle(dim=True))
        yield Segment.line()

    def _layout(self, width: int, box: dict[str, str]) -> list[list[Span]]:
        """The picture at ``width`` columns as lines of (text, style) spans; none is wider."""
        width = max(int(width), 1)
        rows = self._rows
        has_blame = self._largest_edge > 0.0 or any(r.mark for r in rows)
        gutter = len(str(len(rows))) + 1 if self._refs else 0
        data_w = max([4] + [len(r.data) for r in rows])
        grad_w = max([4] + [len(r.grad) for r in rows])
        mark_w = 2 if any(r.mark for r in rows) else 0
        blame_full = max([len("blame = local x upstream")] + [len(r.blame) + len(r.detail) for r in rows])
        blame_short = max([5] + [len(r.blame) for r in rows])
        natural_left = max(len("value"), max((3 * r.depth + len(r.label) for r in rows), default=0))
        short_left = max(len("value"), max((3 * r.depth + len(r.short) for r in rows), default=0))

        def needed(left: int, blame: int) -> int:
            return gutter + mark_w + left + 2 + data_w + 2 + grad_w + ((2 + blame) if has_blame else 0)

        # The first that fits: everything; short references; no "= local x upstream"; then squeeze.
        squeezed = False
        for left, detail, short in (
            (natural_left, True, False),
            (short_left, True, True),
            (natural_left, False, False),
            (short_left, False, True),
        ):
            if needed(left, blame_full if detail else blame_short) <= width:
                break
        else:
            detail, short, squeezed = False, True, True
            left = width - needed(0, blame_short)
        blame_w = blame_full if detail else blame_short
        stacked = squeezed and left < min(short_left, _MIN_LABEL + 3)
        if stacked:  # too narrow for columns: the numbers go on a line below each name
            left = width - gutter - mark_w
        header = self._header(
            gutter + mark_w, left, data_w, grad_w, blame_w if has_blame else 0, detail, stacked
        )
        deepest = max((3 * r.depth + min(len(r.label), _MIN_LABEL) for r in rows), default=0)
        fits = deepest <= left and max((r.depth for r in rows), default=0) <= _MAX_GUIDES
        room = 10**9 if fits else max(0, left - _MIN_LABEL, left * 2 // 3)  # fold deep prefixes only
        out: list[list[Span]] = (
            [_clip([(self._title, _style(bold=True))], width, box["cut"])] if self._title else []
        )
        out.append(_clip(header, width, box["cut"]))
        for n, row in enumerate(rows, 1):
            lead: list[Span] = []
            if gutter:
                lead.append((f"{n:>{gutter - 1}} ", _style(dim=True)))
            if mark_w:
                lead.append((row.mark + " ", _mark_style(row.mark)))
            prefix = _prefix(row, box, room)
            label_room = max(1, left - len(prefix))
            label = _cut(row.short if short else row.label, label_room, box["cut"])
            name_len = min(row.name_len, len(label))
            name_style = _fill_style(blame_color(row.grad_value, self._largest_grad), True)
            if row.mark == "·":
                name_style = _style(dim=True)
            rest = (label[name_len:], _style(dim=True, italic=True) if row.ref else None)
            line = lead + [(prefix, _style(dim=True)), (label[:name_len], name_style), rest]
            numbers = self._numbers(row, data_w, grad_w, blame_w if has_blame else 0, detail)
            if stacked:
                out.append(_clip(line, width, box["cut"]))
                cont = " " * (gutter + mark_w) + _continuation(row, box, len(prefix))
                out.append(
                    _clip(
                        [(cont, _style(dim=True))] + self._stacked_numbers(row, has_blame), width, box["cut"]
                    )
                )
            else:
                pad = left - len(prefix) - len(label)
                line.append((" " * pad, None))
                out.append(_clip(line + numbers, width, box["cut"]))
        return out

    def _header(
        self, lead: int, left: int, data_w: int, grad_w: int, blame_w: int, detail: bool, stacked: bool
    ) -> list[Span]:
        dim = _style(dim=True)
        if stacked:
            return [(" " * lead + "value / data grad" + (" blame" if blame_w else ""), dim)]
        text = " " * lead + "value".ljust(left) + "  " + "data".rjust(data_w) + "  " + "grad".rjust(grad_w)
        if blame_w:
            text += "  " + ("blame = local x upstream" if detail else "blame")
        return [(text.rstrip(), dim)]

    def _stacked_numbers(self, row: _Row, has_blame: bool) -> list[Span]:
        spans: list[Span] = [((f"data {row.data} " if row.data else "") + f"grad {row.grad}", None)]
        if has_blame and row.blame:
            spans += [(" blame ", None), (row.blame, self._blame_style(row))]
        return spans

    def _blame_style(self, row: _Row) -> Style | None:
        if row.blame == "-":
            return _style(dim=True)
        return _edge_style(row.blame_value, self._largest_edge)

    def _numbers(self, row: _Row, data_w: int, grad_w: int, blame_w: int, detail: bool) -> list[Span]:
        spans: list[Span] = [("  " + row.data.rjust(data_w) + "  " + row.grad.rjust(grad_w), None)]
        if blame_w and row.blame:
            spans += [("  ", None), (row.blame, self._blame_style(row))]
            if detail:
                spans.append((row.detail, _style(dim=True)))
        return spans


def _prefix(row: _Row, box: dict[str, str], room: int) -> str:
    """The tree guides and branch of ``row`` in at most ``room`` characters (deep ones folded)."""
    if row.depth == 0:
        return ""
    branch = box["end"] if row.last else box["tee"]
    guides = row.guides if box is _BOX else _ascii_guides(row.guides)
    full = 3 * row.depth
    if full <= room and row.depth <= _MAX_GUIDES:
        return guides + branch
    marker = f"{row.depth}{box['deep']} "
    keep = max(0, (room - len(marker) - 3) // 3)
    return marker + (guides[len(guides) - 3 * keep :] if keep else "") + branch


def _continuation(row: _Row, box: dict[str, str], width: int) -> str:
    """What stands under ``row``'s prefix on its second line (stacked layout)."""
    if row.depth == 0:
        return "  "
    text = _prefix(row, box, width)
    return text[:-3] + (box["gap"] if row.last else box["bar"])


def _ascii_guides(guides: str) -> str:
    return guides.replace("│", "|")


def _cut(text: str, room: int, cut: str) -> str:
    if len(text) <= room:
        return text
    return text[: max(0, room - 1)] + cut


def _clip(spans: list[Span], width: int, cut: str) -> list[Span]:
    """Cut a line of spans to ``width`` characters (the last kept one shows the cut); trailing spaces go."""
    total = sum(len(t) for t, _ in spans)
    if total > width:
        out: list[Span] = []
        room = width - 1
        for t, s in spans:
            if room <= 0:
                break
            out.append((t[:room], s))
            room -= len(t[:room])
        out.append((cut, None))
        spans = out
    while spans and spans[-1][1] is None and not spans[-1][0].strip():
        spans = spans[:-1]
    if spans and spans[-1][1] is None:
        spans = spans[:-1] + [(spans[-1][0].rstrip(), None)]
    return spans


def _style(
    fg: str | None = None, bg: str | None = None, bold: bool = False, dim: bool = False, italic: bool = False
) -> Style:
    return (fg, bg, bold, dim, italic)


def _mark_style(mark: str) -> Style | None:
    if mark == "▶":
        return _style(fg=_CURRENT_COLOR, bold=True)
    if mark == "✓":
        return _style(fg=_DONE_COLOR, bold=True)
    return _style(dim=True)


def _edge_style(contribution: float, largest: float) -> Style | None:
    """The edge's colour in :func:`autograd.draw` (a shade of red or blue, grey for 0), as a fill."""
    if not largest > 0.0:
        return None
    if contribution == 0.0 or math.isnan(contribution):
        fill = "#999999"
    else:
        t = min(abs(contribution) / largest, 1.0) if math.isfinite(contribution) else 1.0
        fill = mix(ZERO, POSITIVE if contribution > 0 else NEGATIVE, round(0.35 + 0.65 * t, 3))
    return _fill_style(fill, False)


_FILL_STYLES: dict[tuple[str | None, bool], Style] = {}


def _fill_style(fill: str | None, bold: bool) -> Style:
    """Text on a ``fill`` background in black or white, whichever reads (cached: 1000 shades at most)."""
    style = _FILL_STYLES.get((fill, bold))
    if style is None:
        style = _FILL_STYLES[(fill, bold)] = (
            _style(fg=text_color(fill), bg=fill, bold=bold) if fill is not None else _style(bold=bold)
        )
    return style


def _html_span(text: str, style: Style | None) -> str:
    escaped = html.escape(text)
    if style is None:
        return escaped
    fg, bg, bold, dim, italic = style
    css = []
    if fg:
        css.append(f"color:{fg}")
    if bg:
        css.append(f"background:{bg}")
    if bold:
        css.append("font-weight:bold")
    if dim:
        css.append("opacity:0.6")
    if italic:
        css.append("font-style:italic")
    return f'<span style="{";".join(css)}">{escaped}</span>' if css else escaped


# -- terminals --------------------------------------------------------------------------------


def terminal_width(file: TextIO | None = None) -> int:
    """The columns a picture may use, by rich's rules: ``COLUMNS``, else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    target = file if file is not None else sys.stdout
    if _is_terminal(target) and os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return 80
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            size = os.get_terminal_size(stream.fileno())
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
            continue
        if size.columns > 0:
            return size.columns
    return 80


def in_jupyter() -> bool:
    """True inside a Jupyter kernel (where pictures show as HTML or SVG, not as terminal text)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def at_terminal_prompt() -> bool:
    """True when output goes to a terminal and not to Jupyter: ``Stepper.show()`` shows text then."""
    return not in_jupyter() and _is_terminal(sys.stdout)


def _is_terminal(file: Any) -> bool:
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):
        return False


def _can_encode(file: Any, chars: str) -> bool:
    encoding = getattr(file, "encoding", None) or "utf-8"
    try:
        chars.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _console(file: TextIO, color: bool | None, width: int | None) -> Any:
    """A rich Console on ``file`` that decides colour (``color=None``), or ``None`` without rich."""
    try:
        from rich.console import Console
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "rich":
            raise
        return None
    options: dict[str, Any] = {
        "file": file,
        "width": width,
        "highlight": False,
        "emoji": False,
        "markup": False,
    }
    if color is True:
        options.update(force_terminal=True, no_color=False)
        if width is None:
            options["width"] = terminal_width(file)
    elif color is False:
        options.update(color_system=None)
    return Console(**options)


def _check_width(width: int | None, where: str) -> int | None:
    if width is None:
        return None
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"sketch.{where}: width must be a positive int or None, got {width!r}")
    return width


# -- building the rows -----------------------------------------------------------------------


def sketch(
    root: Value,
    collapse: Collapse = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    width: int | None = None,
    color: bool | None = None,
) -> Sketch:
    """The graph below ``root`` as a text picture: names, data, grads and, after backward, the blame.

    ``collapse``: ``"neuron"``, ``"layer"`` or a scope depth, as in :func:`autograd.draw`.
    ``width``: columns to fit (default: the terminal's when shown). ``color``: ``None`` lets the
    terminal decide, ``True``/``False`` force it. Graphs of more than ``max_nodes`` lines raise
    ``ValueError`` before they are walked.
    """
    return _sketch(root, collapse, max_nodes, width, color, None, "sketch")


def sketch_progress(
    stepper: Stepper,
    collapse: Collapse = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    width: int | None = None,
    color: bool | None = None,
    **draw_options: Any,
) -> Sketch:
    """:func:`sketch` of a stepper's graph with its progress: ``▶`` this step, ``✓`` done, ``·`` waiting.

    Marks follow :mod:`autograd.viz.animate`: done is an interior node already processed or a leaf
    whose every user is; waiting is a node still missing blame from above; a plain mark is a node
    whose grad is final but whose own step is to come. Blame is shown on the edges already sent.
    ``save(path)`` writes the same drawing as ``Stepper.show()`` in Jupyter (``draw_options`` go there).
    """
    return _sketch(stepper.root, collapse, max_nodes, width, color, (stepper, draw_options), "show")


def _sketch(
    root: Value,
    collapse: Collapse,
    max_nodes: int,
    width: int | None,
    color: bool | None,
    progress: tuple[Stepper, dict[str, Any]] | None,
    where: str,
) -> Sketch:
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__} ({root!r})")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"{where}: max_nodes must be a positive int, got {max_nodes!r}")
    _check_width(width, where)
    if color is not None and not isinstance(color, bool):
        raise TypeError(f"{where}: color must be None (the terminal decides), True or False, got {color!r}")
    try:
        _check_collapse(collapse)
    except ValueError as error:
        raise ValueError(str(error).replace("draw:", f"{where}:", 1)) from None
    if collapse is None:
        _guard_lines(root, max_nodes, where)  # stops walking once the limit is passed
    order = topological_order(root)
    plan = _Plan(order, collapse)
    names = node_names(order)
    inputs = _inputs(order, plan)
    if collapse is not None:
        lines = 1 + sum(len(edges) for edges in inputs.values())
        if lines > max_nodes:
            raise ValueError(_too_big(f"has {lines} lines to show even collapsed", max_nodes, where))
    marks: dict[int, str] = {}
    stepped: set[int] = set()
    title = ""
    if progress is not None:
        stepper, draw_options = progress
        from .animate import progress_attrs

        state = progress_attrs(stepper)
        marks = {id(v): _MARKS.get(state(v).get("class", ""), " ") for v in order}
        stepped = {id(v) for v in stepper.processed()}
        title = f"backward, step {len(stepped)}/{stepper.total}   ▶ this step  ✓ done  · waiting for blame"
        drawing = _stepper_drawing(stepper, draw_options, collapse)
    else:
        drawing = _root_drawing(root, collapse)
    rows, largest_edge = _rows(order, plan, names, inputs, marks, stepped if progress is not None else None)
    return Sketch(
        rows,
        width=width,
        color=color,
        largest_grad=plan.largest_grad(),
        largest_edge=largest_edge,
        title=title,
        drawing=drawing,
    )


def _root_drawing(root: Value, collapse: Collapse) -> Callable[[], Any]:
    def make() -> Any:
        from .draw import draw

        return draw(root, collapse=collapse)

    return make


def _stepper_drawing(stepper: Stepper, draw_options: dict[str, Any], collapse: Collapse) -> Callable[[], Any]:
    def make() -> Any:
        from .animate import draw_progress

        options = dict(draw_options)
        if collapse is not None:
            options.setdefault("collapse", collapse)
        return draw_progress(stepper, **options)

    return make


def _too_big(what: str, max_nodes: int, where: str) -> str:
    return (
        f"{where}: the graph {what}, over max_nodes={max_nodes}. Show each module as one line with "
        f"collapse='neuron' or collapse='layer' (or collapse=1 for the outermost scopes), sketch a "
        f"smaller piece (one example, one neuron), or raise the limit with max_nodes=..."
    )


def _guard_lines(root: Value, max_nodes: int, where: str) -> None:
    """Count lines (1 + the inputs of every distinct node) until ``max_nodes`` is passed; raise then."""
    seen = {id(root)}
    stack = [root]
    lines = 1
    while stack:
        edges = stack.pop()._edges
        lines += len(edges) // 2
        if lines > max_nodes:
            raise ValueError(
                _too_big(
                    f"has more than {max_nodes} lines to show (one per use of a value)", max_nodes, where
                )
            )
        for i in range(0, len(edges), 2):
            parent = edges[i]
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)


Key = int | str  # a node's topological position, or a collapsed scope's path


@dataclass
class _Edge:
    src: Key
    contribution: float
    local: float
    upstream: float
    count: int
    user: int  # the topological position of the node that received the blame first


def _inputs(order: list[Value], plan: _Plan) -> dict[Key, list[_Edge]]:
    """For each shown thing (a node, or a collapsed scope), its input edges in op order.

    Edges into or out of a collapsed scope are merged per (source, scope), as the drawing merges them.
    """
    index = plan.index
    group = plan.group
    inputs: dict[Key, list[_Edge]] = {}
    merged: dict[tuple[Key, Key], _Edge] = {}
    for i, v in enumerate(order):
        edges = v._edges
        if not edges:
            continue
        gi = group[i]
        dst: Key = gi if gi is not None else i
        g = v.grad
        mine = inputs.setdefault(dst, [])
        for j in range(0, len(edges), 2):
            p = index[id(edges[j])]
            gp = group[p]
            src: Key = gp if gp is not None else p
            if src == dst:
                continue
            local = edges[j + 1]
            if gi is None and gp is None:
                mine.append(_Edge(src, local * g, local, g, 1, i))
                continue
            edge = merged.get((src, dst))
            if edge is None:
                edge = merged[(src, dst)] = _Edge(src, 0.0, 0.0, 0.0, 0, i)
                mine.append(edge)
            edge.contribution += local * g
            edge.count += 1
    return inputs


def _rows(
    order: list[Value],
    plan: _Plan,
    names: dict[int, str],
    inputs: dict[Key, list[_Edge]],
    marks: dict[int, str],
    stepped: set[int] | None,
) -> tuple[list[_Row], float]:
    """The tree from the root down, depth first (an explicit stack), each value in full once."""
    names = {key: _printable(name) for key, name in names.items()}
    shown_names = dict(names)
    for i, v in enumerate(order):
        if plan.group[i] is not None:
            shown_names[id(v)] = _printable(plan.group[i])  # type: ignore[arg-type]
    from ..stepper import describe

    largest_edge = 0.0
    for edges in inputs.values():
        for e in edges:
            if math.isfinite(e.contribution) and (stepped is None or id(order[e.user]) in stepped):
                largest_edge = max(largest_edge, abs(e.contribution))
    last = len(order) - 1
    root: Key = plan.group[last] if plan.group[last] is not None else last  # type: ignore[assignment]
    rows: list[_Row] = []
    drawn: dict[Key, int] = {}
    stack: list[tuple[Key, int, str, bool, _Edge | None]] = [(root, 0, "", True, None)]
    while stack:
        key, depth, guides, is_last, edge = stack.pop()
        ref = drawn.get(key, 0)
        if isinstance(key, str):
            label = name = _printable(key)
            if not ref:
                label = f"{name} ({plan.group_size[key]} nodes)"
            data, grad_value, mark = "", plan.group_blame[key], ""
        else:
            v = order[key]
            name = names[id(v)]
            label = describe(v, shown_names) if v._edges and not ref else name
            data, grad_value, mark = num(v.data), v.grad, marks.get(id(v), "")
        blame, detail, blame_value = "", "", 0.0
        if edge is not None and (stepped is None or id(order[edge.user]) in stepped):
            blame_value = edge.contribution
            blame = num(edge.contribution)
            if (
                edge.count == 1
                and not isinstance(edge.src, str)
                and not isinstance(_key_of(plan, edge.user), str)
            ):
                detail = f" = {num(edge.local)} x {num(edge.upstream)}"
            else:
                detail = f" = sum of {edge.count} edges"
        elif edge is not None:
            blame = "-"
            detail = " (not sent yet)"
        short = label
        if ref:
            label, short = f"{name} (see above, line {ref})", f"{name} (line {ref})"
        rows.append(
            _Row(
                depth,
                guides,
                is_last,
                label,
                short,
                len(name),
                data,
                num(grad_value),
                grad_value,
                blame,
                detail,
                blame_value,
                ref,
                mark,
            )
        )
        if ref:
            continue
        drawn[key] = len(rows)
        kids = inputs.get(key, ())
        if not kids:
            continue
        below = guides + ("" if depth == 0 else (_BOX["gap"] if is_last else _BOX["bar"]))
        if len(below) > 3 * _MAX_GUIDES:
            below = below[-3 * _MAX_GUIDES :]
        for k in range(len(kids) - 1, -1, -1):
            stack.append((kids[k].src, depth + 1, below, k == len(kids) - 1, kids[k]))
    return rows, largest_edge


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(name: str) -> str:
    """A label as one line of plain text: a newline shows as ``\\n``, an escape as ``\\x1b``."""
    if not _CONTROL.search(name):
        return name
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], name)


def _key_of(plan: _Plan, i: int) -> Key:
    g = plan.group[i]
    return g if g is not None else i
