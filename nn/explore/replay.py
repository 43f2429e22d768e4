"""The explorer's session as a replay: one SVG frame per step, played by the backward player's page.

Each frame shows the decision regions (a small PNG inside the SVG, as a ``data:`` URL), the
training points (filled) and validation points (ringed), and the loss curves up to that step;
its caption gives the step's numbers. :func:`page` hands the frames to
:func:`autograd.viz.player.player_html`, so the file plays offline like ``autograd.animate``'s.

>>> f = Frame(0, [0, 1] * 2, [1.0] * 4, ([[0.0, 0.0]], [1]), ([], []), 0.5, None, 1.0)
>>> html = page([f], (-1.0, 1.0), 2, 2, "demo")
>>> captions(html), "default-src 'none'" in html
(['step 0: train loss 0.5000, validation loss -, train accuracy 100%'], True)
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

CLASS_COLORS = [(0x1f, 0x77, 0xb4), (0xe6, 0x7e, 0x22), (0x2c, 0xa0, 0x2c)]
"""Class 0 blue, class 1 orange, class 2 green (the page uses the same)."""
SIZE = 300
CURVE_W = 260
MAX_FRAMES = 1000
"""A replay keeps the last MAX_FRAMES steps (a frame is about 10 KB)."""
CURVE_POINTS = 200
"""Each frame's loss curve is drawn through at most this many steps."""


@dataclass(frozen=True)
class Frame:
    """What one step looked like."""

    step: int
    classes: list[int]
    confidence: list[float]
    train: tuple[list, list]
    val: tuple[list, list]
    train_loss: float | None
    val_loss: float | None
    train_accuracy: float | None


def png(width: int, height: int, rgb: bytes) -> bytes:
    """An RGB image as PNG bytes (rows top to bottom), with the standard library only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + rgb[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _regions_png(frame: Frame, n: int) -> str:
    out = bytearray()
    for c, conf in zip(frame.classes, frame.confidence):
        r, g, b = CLASS_COLORS[c % len(CLASS_COLORS)]
        t = 0.15 + 0.45 * conf  # pale where the model is unsure
        out += bytes(round(255 + (v - 255) * t) for v in (r, g, b))
    return "data:image/png;base64," + base64.b64encode(png(n, n, bytes(out))).decode("ascii")


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


def _svg(frame: Frame, frames: list[Frame], box: tuple[float, float], n: int) -> str:
    lo, hi = box

    def px(x: float) -> float:
        return round((x - lo) / (hi - lo) * SIZE, 1)

    def py(y: float) -> float:
        return round((hi - y) / (hi - lo) * SIZE, 1)

    # Three groups with ids, the same in every frame, so the player restyles one layout (regions,
    # points, curves) instead of swapping whole pictures.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE + CURVE_W + 30}" height="{SIZE}">',
             f'<g id="regions"><image href="{_regions_png(frame, n)}" width="{SIZE}" height="{SIZE}" '
             'preserveAspectRatio="none" style="image-rendering:pixelated"/></g><g id="points">']
    for (rows, labels), ring in ((frame.train, False), (frame.val, True)):
        for (x, y), t in zip(rows, labels):
            color = _hex(CLASS_COLORS[t % len(CLASS_COLORS)])
            fill = "white" if ring else color
            parts.append(f'<circle cx="{px(x)}" cy="{py(y)}" r="3.5" fill="{fill}" stroke="{color if ring else "white"}" '
                         f'stroke-width="{2 if ring else 1}"/>')
    parts.append('</g><g id="curves">')
    # The loss curves so far (train blue-grey, validation dashed), on a shared scale.
    x0 = SIZE + 20
    shown = [f for f in frames if f.step <= frame.step]
    shown = shown[:: max(1, len(shown) // CURVE_POINTS)] + shown[-1:]
    values = [v for f in frames for v in (f.train_loss, f.val_loss) if v is not None]
    top = max(values, default=1.0) or 1.0
    last = max(frames[-1].step, 1)
    parts.append(f'<rect x="{x0}" y="10" width="{CURVE_W}" height="{SIZE - 40}" fill="none" stroke="#ccc"/>')
    for key, style in (("train_loss", 'stroke="#455a64"'), ("val_loss", 'stroke="#e65100" stroke-dasharray="4 3"')):
        pts = [(x0 + f.step / last * CURVE_W, 10 + (SIZE - 40) * (1 - getattr(f, key) / top))
               for f in shown if getattr(f, key) is not None]
        if pts:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(f'<polyline points="{line}" fill="none" stroke-width="1.5" {style}/>')
    parts.append(f'<text x="{x0}" y="{SIZE - 12}" font-size="11" font-family="sans-serif">loss (train solid, '
                 'validation dashed)</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _caption(frame: Frame) -> str:
    def show(x: float | None) -> str:
        return "-" if x is None else f"{x:.4f}"

    acc = "" if frame.train_accuracy is None else f", train accuracy {frame.train_accuracy:.0%}"
    return f"step {frame.step}: train loss {show(frame.train_loss)}, validation loss {show(frame.val_loss)}{acc}"


def captions(html: str) -> list[str]:
    """The caption of every frame of a replay page (what it plays, in order)."""
    import json
    import re

    found = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', html, re.S)
    if found is None:
        raise ValueError("captions: not a player page (no player-data)")
    return list(json.loads(found[1])["captions"])


def page(frames: list[Frame], box: tuple[float, float], n: int, classes: int, title: str) -> str:
    """The replay page: :func:`autograd.viz.player.player_html` of one frame per step."""
    from autograd.viz.player import player_html

    frames = frames[-MAX_FRAMES:]
    legend = ("Regions: the class the model predicts (paler where it is less sure). Filled dots: training points; "
              f"ringed dots: validation points. {classes} classes.")
    return player_html([(_svg(f, frames, box, n), _caption(f)) for f in frames], title=title, legend=legend)
