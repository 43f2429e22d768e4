r"""Safe text for DOT: any string a user gives (a label, a scope) is shown as text, never as markup.

Drawings use HTML-like labels (``label=<...>``) for tables and colours. Inside them Graphviz still
reads ``\N``, ``\l`` and friends, so a backslash is doubled before the HTML escaping; a newline
becomes a line break. Double-quoted attributes (tooltips) escape backslashes, quotes, ampersands and newlines.

Every string renders, whatever it holds: characters SVG cannot carry (lone surrogates, U+FFFE,
U+FFFF and the other Unicode noncharacters) become U+FFFD, and a text too long for Graphviz (an
HTML-like label must stay under 16 KB) is shortened with a note of how long it was; a tooltip
says what was done.

>>> html_text('a<b> & "c" {d|e} \\N')
'a&lt;b&gt; &amp; &quot;c&quot; {d|e} \\\\N'
>>> html_text("two\nlines")
'two<BR ALIGN="LEFT"/>lines'
>>> print(quoted_text('say "hi" \\N'))
say \"hi\" \\\\N
>>> num(0.5), num(-2.0), num(1e-07), num(float("nan"))
('0.5', '-2', '1e-07', 'nan')
"""

from __future__ import annotations

import html
import math
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNDRAWABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef" + "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0, 0x110000, 0x10000)) + "]"
)
"""Lone surrogates (no UTF-8 for them) and noncharacters (not allowed in XML, so not in SVG)."""

MAX_HTML_BYTES = 8_000
"""An escaped label is cut to this many UTF-8 bytes (Graphviz refuses HTML labels over 16,384)."""
MAX_QUOTED_BYTES = 8_000
"""An escaped tooltip is cut to this many UTF-8 bytes (Graphviz refuses quoted strings over 16,384)."""


def drawable(s: str) -> str:
    """``s`` with every character SVG cannot carry replaced by U+FFFD.

    >>> drawable("a\\ufffeb\\ud800") == "a\\ufffdb\\ufffd"
    True
    """
    return _UNDRAWABLE.sub("\ufffd", s)


def _html(s: str) -> str:
    s = s.replace("\r\n", "\n").replace("\\", "\\\\")
    s = _CONTROL.sub(" ", s)
    s = html.escape(s, quote=True)
    return s.replace("\n", '<BR ALIGN="LEFT"/>')


def _size(s: str) -> int:
    return len(s.encode("utf-8"))


def html_text(s: str) -> str:
    """``s`` escaped for the inside of an HTML-like label: shows exactly as typed.

    Undrawable characters become U+FFFD; past MAX_HTML_BYTES the text is cut and ends in
    ``… (N characters)``.
    """
    s = drawable(s)
    out = _html(s)
    if _size(out) <= MAX_HTML_BYTES:
        return out
    note = html.escape(f"\u2026 ({len(s):,} characters)")
    keep = len(s)
    while True:  # cut the raw text (never inside an escape), a little shorter each time
        keep = max(0, min(keep - 1, keep * (MAX_HTML_BYTES - 100) // _size(out)))
        out = _html(s[:keep])
        if _size(out) + _size(note) <= MAX_HTML_BYTES:
            return out + note


def _quote(s: str) -> str:
    # Graphviz unescapes a tooltip twice (\\\\ -> \\ -> \), so a backslash is written as four;
    # its SVG keeps entities such as &amp; as they are, so & is written as &amp;.
    s = s.replace("\r\n", "\n").replace("&", "&amp;").replace("\\", "\\\\\\\\").replace('"', '\\"').replace("\n", "\\n")
    return _CONTROL.sub(" ", s)


def quoted_text(s: str) -> str:
    """``s`` escaped for a double-quoted DOT attribute such as a tooltip.

    It says what was done to make it drawable: characters replaced by U+FFFD, or text shortened
    (Graphviz refuses quoted strings over 16,384 bytes; this keeps them under MAX_QUOTED_BYTES).
    """
    notes = []
    clean = drawable(s)
    if clean != s:
        notes.append("characters that cannot be drawn are shown as U+FFFD")
    if _size(_html(clean)) > MAX_HTML_BYTES:
        notes.append("a label this long is shortened in the drawing")
    keep = len(clean)
    while True:
        text = clean[:keep] + ("\u2026" if keep < len(clean) else "")
        if keep < len(clean):
            text += f" [shortened from {len(clean):,} characters]"
        if notes:
            text += " [" + "; ".join(notes) + "]"
        out = _quote(text)
        if _size(out) <= MAX_QUOTED_BYTES:
            return out
        keep = max(0, min(keep - 1, keep * (MAX_QUOTED_BYTES - 300) // _size(out)))


class Html(str):
    """An HTML-like label or attribute value: written as ``<...>`` in DOT, never quoted."""


def attributes(attrs: dict[str, str]) -> str:
    """``k="v" k2=<html>`` for a DOT statement. Values must already be escaped (see above)."""
    return " ".join(f"{k}=<{v}>" if isinstance(v, Html) else f'{k}="{v}"' for k, v in attrs.items())


def num(x: float) -> str:
    """A float in at most 4 significant digits, as a label shows it (``-0`` shows as ``0``)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.4g}"
    return "0" if text == "-0" else text
