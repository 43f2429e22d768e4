"""Reading Graphviz SVG with xml.etree: shapes, fills, edge widths and texts by node title."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

NS = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
SHAPES = ("polygon", "ellipse", "path", "polyline")


@dataclass
class Item:
    """One ``<g class="node|edge|cluster">``: its title, shapes, texts and tooltip."""

    title: str
    kind: str
    shapes: list[ET.Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    tooltip: str | None = None

    @property
    def fill(self) -> str | None:
        """Fill of the outline (the first shape); ``None`` when it is not filled."""
        fill = self.shapes[0].get("fill") if self.shapes else None
        return None if fill in (None, "none", "transparent") else fill

    @property
    def stroke_width(self) -> float:
        """Stroke width of the first shape (an edge's path), 1.0 when unset."""
        return float(self.shapes[0].get("stroke-width", "1"))

    def bbox(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the first shape (polygon, ellipse or path)."""
        s = self.shapes[0]
        if s.tag.endswith("ellipse"):
            cx, cy, rx, ry = (float(s.get(k)) for k in ("cx", "cy", "rx", "ry"))
            return cx - rx, cy - ry, cx + rx, cy + ry
        numbers = [float(x) for x in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", s.get("points") or s.get("d") or "")]
        xs, ys = numbers[0::2], numbers[1::2]
        return min(xs), min(ys), max(xs), max(ys)


def parse(svg: bytes | str) -> dict[str, dict[str, Item]]:
    """``{"node": {title: Item}, "edge": {...}, "cluster": {...}}``; repeated edge titles get ``#k``."""
    root = ET.fromstring(svg if isinstance(svg, bytes) else svg.encode())
    out: dict[str, dict[str, Item]] = {"node": {}, "edge": {}, "cluster": {}}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        kind = g.get("class")
        if kind not in out:
            continue
        title = g.find("svg:title", NS).text  # type: ignore[union-attr]
        item = Item(title=title, kind=kind)
        for el in g.iter():
            tag = el.tag.split("}")[-1]
            if tag in SHAPES:
                item.shapes.append(el)
            elif tag == "text":
                item.texts.append(el.text or "")
            elif tag == "a" and item.tooltip is None:
                item.tooltip = el.get(XLINK_TITLE)
        key, k = title, 1
        while key in out[kind]:
            k += 1
            key = f"{title}#{k}"
        out[kind][key] = item
    return out


def lightness(hex_color: str) -> float:
    """OKLab lightness of ``#rrggbb`` (0 black .. 1 white)."""
    from autograd.viz.colors import _to_oklab

    return _to_oklab(hex_color)[0]
