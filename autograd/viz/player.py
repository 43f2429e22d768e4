"""A self-contained HTML page that plays SVG frames with a caption under each.

:func:`autograd.animate` uses it to play backward step by step. The page has previous/next
buttons, a slider and the arrow keys (Home/End jump to the ends). Everything is inline: the
SVGs (each in a ``<template>``, so the ids dot gives every drawing do not clash), the captions
(as JSON) and the script. A Content-Security-Policy forbids every network request, so the page
works offline and from a file:// URL.

>>> page = player_html([("<svg></svg>", "first"), ("<svg></svg>", "second")], title="demo")
>>> page.count("<template"), '"second"' in page
(2, True)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

__all__ = ["player_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.2em; margin: 0 0 .6em; }
#controls { display: flex; align-items: center; gap: .6em; margin-bottom: .8em; }
#controls input[type=range] { flex: 1; max-width: 40em; }
#counter { font-variant-numeric: tabular-nums; min-width: 7em; }
#stage svg { max-width: 100%; height: auto; }
#sentence { background: #f6f6f6; padding: .8em; border-radius: 4px; overflow-x: auto; }
.legend { color: #555; font-size: .9em; }
"""

# Frame i (0-based) is <template id="frame-{i+1}">; captions[i] is its sentence.
_SCRIPT = """
(function () {
  "use strict";
  var captions = JSON.parse(document.getElementById("captions").textContent);
  var n = captions.length;
  var stage = document.getElementById("stage");
  var sentence = document.getElementById("sentence");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var current = 0;

  function show(k) {
    current = Math.max(0, Math.min(n - 1, k));
    var frame = document.getElementById("frame-" + (current + 1));
    stage.replaceChildren(frame.content.cloneNode(true));
    sentence.textContent = captions[current];
    slider.value = String(current + 1);
    counter.textContent = "frame " + (current + 1) + " / " + n;
    prev.disabled = current === 0;
    next.disabled = current === n - 1;
  }

  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(slider.valueAsNumber - 1); });
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }  // the slider moves itself and fires "input"
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: n - 1 };
    if (event.key in moves) {
      event.preventDefault();
      show(moves[event.key]);
    }
  });
  show(0);
})();
"""

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", flags=re.S)


def player_html(frames: Sequence[tuple[str, str]], title: str = "", legend: str = "") -> str:
    """One HTML page playing ``frames``, a list of ``(svg_text, caption)``; needs at least one."""
    if len(frames) == 0:
        raise ValueError("player_html: need at least one frame, got none")
    templates = []
    for i, (svg, _) in enumerate(frames, start=1):
        if "<svg" not in svg:
            raise ValueError(f"player_html: frame {i} is not SVG text (no <svg> element): {svg[:60]!r}")
        body = _XML_PROLOGUE.sub("", svg, count=1)  # drop <?xml ...?> and <!DOCTYPE ...>
        templates.append(f'<template id="frame-{i}">\n{body}\n</template>')
    captions = json.dumps([caption for _, caption in frames]).replace("</", "<\\/")
    n = len(frames)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{html.escape(title or "frames")}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div id="controls">
<button id="prev" type="button" title="previous (left arrow)">&#9664; previous</button>
<input id="slider" type="range" min="1" max="{n}" value="1" aria-label="frame">
<button id="next" type="button" title="next (right arrow)">next &#9654;</button>
<span id="counter"></span>
</div>
<div id="stage"></div>
<pre id="sentence"></pre>
<p class="legend">{html.escape(legend)}</p>
{chr(10).join(templates)}
<script id="captions" type="application/json">{captions}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
