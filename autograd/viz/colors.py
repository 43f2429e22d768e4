"""The blame colour scale: a gradient's sign as a hue, its size as a perceptually even shade.

Drawings fill each node by ``grad / largest |grad|`` in the picture. Positive blame (raising this
value raises the output) is red, negative blame is blue, zero is white. Shades are mixed in OKLab,
a colour space where equal steps look equally different, so a node twice as blamed looks twice
as dark (a plain RGB mix would look uneven). The two ends are ColorBrewer's RdBu extremes.

>>> blame_color(0.0, 1.0), blame_color(1.0, 1.0), blame_color(-1.0, 1.0)
('#ffffff', '#b2182b', '#2166ac')
>>> blame_color(0.5, 0.0) is None   # nothing to compare against: no colour
True
"""

from __future__ import annotations

import math
from functools import lru_cache

POSITIVE = "#b2182b"
"""Colour of the largest positive gradient (raising the node raises the output)."""
NEGATIVE = "#2166ac"
"""Colour of the largest negative gradient (raising the node lowers the output)."""
ZERO = "#ffffff"
"""Colour of a zero gradient."""


def blame_color(g: float, largest: float) -> str | None:
    """Fill colour for gradient ``g`` relative to ``largest`` |grad|; ``None`` if ``largest`` is 0."""
    if not largest > 0.0 or not math.isfinite(largest):
        return None
    if math.isnan(g):
        return "#bbbbbb"
    t = min(abs(g) / largest, 1.0)
    return mix(ZERO, POSITIVE if g > 0 else NEGATIVE, round(t, 3))  # 1000 shades: plenty, and cached


def text_color(fill: str | None) -> str:
    """Black or white, whichever reads better on ``fill``."""
    if fill is None:
        return "black"
    lightness = _to_oklab(fill)[0]
    return "white" if lightness < 0.62 else "black"


@lru_cache(maxsize=8192)
def mix(a: str, b: str, t: float) -> str:
    """The colour ``t`` of the way from ``a`` to ``b`` (0 <= t <= 1), mixed in OKLab."""
    la, lb = _to_oklab(a), _to_oklab(b)
    lab = tuple(x + (y - x) * t for x, y in zip(la, lb))
    return _from_oklab(lab)


# -- sRGB <-> OKLab (Björn Ottosson, 2020) ---------------------------------------------------


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _to_oklab(hex_color: str) -> tuple[float, float, float]:
    r, g, b = (_to_linear(int(hex_color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _from_oklab(lab: tuple[float, ...]) -> str:
    L, a, b = lab
    l_ = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3
    rgb = (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )
    return "#" + "".join(f"{round(_to_srgb(c) * 255):02x}" for c in rgb)
