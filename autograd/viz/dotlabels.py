r"""Safe text for DOT: any string a user gives (a label, a scope) is shown as text, never as markup.

Drawings use HTML-like labels (``label=<...>``) for tables and colours. Inside them Graphviz still
reads ``\N``, ``\l`` and friends, so a backslash is doubled before the HTML escaping; a newline
becomes a line break. Double-quoted attributes (tooltips) escape backslashes, quotes, ampersands and newlines.

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


def html_text(s: str) -> str:
    """``s`` escaped for the inside of an HTML-like label: shows exactly as typed."""
    s = s.replace("\r\n", "\n").replace("\\", "\\\\")
    s = _CONTROL.sub(" ", s)
    s = html.escape(s, quote=True)
    return s.replace("\n", '<BR ALIGN="LEFT"/>')


def quoted_text(s: str) -> str:
    """``s`` escaped for a double-quoted DOT attribute such as a tooltip."""
    # Graphviz unescapes a tooltip twice (\\\\ -> \\ -> \), so a backslash is written as four;
    # its SVG keeps entities such as &amp; as they are, so & is written as &amp;.
    s = s.replace("\r\n", "\n").replace("&", "&amp;").replace("\\", "\\\\\\\\").replace('"', '\\"').replace("\n", "\\n")
    return _CONTROL.sub(" ", s)


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
