"""The HTML player, in a real headless chromium at 1280x800, and inline in an exported notebook.

Driven by Playwright against Debian's ``chromium`` (never a downloaded browser): the buttons,
slider, keys and play change the frame; nodes never move and the colour scale never changes;
the boxes' text is readable at 1280 px; hostile labels play; the notebook's inline player plays.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from examples import lecture_neuron

from autograd import Value, animate
from autograd.viz.player import embedded_json, player_html

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


def test_page_needs_frames_of_one_layout() -> None:
    with pytest.raises(ValueError, match="player_html: need at least one frame"):
        player_html([])
    with pytest.raises(ValueError, match="player_html: frame 1 is not SVG text"):
        player_html([("<svg/>", "a"), ("<p>", "b")])
    with pytest.raises(ValueError, match="player_html: frame 1 has another size"):
        player_html([('<svg width="10"><g/></svg>', "a"), ('<svg width="12"><g/></svg>', "b")])
    with pytest.raises(ValueError, match="player_html: frame 1 has other elements than frame 0"):
        player_html([("<svg><g id='a'/><g/></svg>", "a"), ("<svg><g id='b'/><g/></svg>", "b")])
    with pytest.raises(ValueError, match="player_html: an element that changes between frames has no id"):
        player_html([("<svg><g>1</g><g/></svg>", "a"), ("<svg><g>2</g><g/></svg>", "b")])


def test_captions_cannot_close_the_script_or_open_a_comment() -> None:
    page = player_html([("<svg></svg>", "</script><script>alert(1)</script>"), ("<svg></svg>", "<!--<script>")])
    assert "</script><script>alert" not in page and "<!--" not in page
    assert embedded_json("a<b>&c") == '"a\\u003cb\\u003e\\u0026c"'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT
        )
        try:
            yield context
        finally:
            context.close()


def open_page(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    """The page at ``url``, with every console error/warning and page error, and every request."""
    page = browser.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    return page, problems, requests


# Where every value box and its texts are on screen, the legend's texts, and how big the box text is.
MEASURE = """() => {
  const stage = document.getElementById("stage");
  const svg = stage.querySelector("svg");
  const r = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height].map(x => +x.toFixed(2)); };
  const boxes = {};
  for (const g of svg.querySelectorAll("g.node")) {
    const name = g.querySelector("title").textContent;
    if (!/^n[0-9]+$/.test(name)) continue;
    const outline = g.querySelector("polygon");
    const texts = [...g.querySelectorAll("text")];
    boxes[name] = {
      cls: g.getAttribute("class"), fill: outline.getAttribute("fill"), box: r(outline),
      texts: texts.map(t => [t.textContent, r(t)]),
      px: texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a),
    };
  }
  const legend = [...svg.querySelectorAll("#graph0 > text")].map(t => t.textContent);
  const edgeText = [...svg.querySelectorAll("g.edge text")].filter(t => getComputedStyle(t).visibility !== "hidden")
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  return { boxes, legend, edgeText, svg: r(svg), stageWidth: stage.clientWidth, counter: document.getElementById("counter").textContent };
}"""


# Ask for an image from the network; the page's Content-Security-Policy must refuse it.
CSP_PROBE = """() => new Promise((done) => {
  document.addEventListener("securitypolicyviolation", (e) => done(e.effectiveDirective));
  const img = new Image();
  img.src = "http://127.0.0.1:9/probe.png";
  setTimeout(() => done("not refused"), 3000);
})"""


def grad_text_inside(box: dict[str, Any]) -> bool:
    left, top, width, height = box["box"]
    return all(left <= b[0] and b[0] + b[2] <= left + width + 0.5
               for text, b in box["texts"] if text.startswith("grad "))


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_player_steps_with_buttons_slider_keys_and_play(browser: Any, tmp_path: Path) -> None:
    page_path = animate(lecture_neuron(), tmp_path / "player.html")
    page, problems, requests = open_page(browser, page_path.as_uri())

    def state() -> tuple[str, str, str, str]:
        sentence = page.text_content("#sentence") or ""
        current = " ".join(page.locator("#stage .step-current text").all_text_contents())  # the box's words
        counter = page.text_content("#counter") or ""
        return sentence, " ".join(current.split()), page.input_value("#slider"), counter

    zero = state()
    assert zero[0].startswith("step 0/5  forward done: L = o = tanh(n) = 0.707. No blame yet.")
    assert zero[1] == "" and zero[2] == "0" and zero[3] == "step 0 / 5"  # no node processed yet
    assert page.locator("#stage svg").count() == 1 and page.is_disabled("#prev")

    page.click("#next")
    first = state()
    assert first[0].startswith("step 1/5  o = tanh(n)") and first[1].startswith("o data 0.7071 grad 1")
    assert first[2] == "1" and first[3] == "step 1 / 5" and not page.is_disabled("#prev")
    page.click("#next")
    second = state()
    assert second[0].startswith("step 2/5  n = n3 + b") and second[1].startswith("n data 0.8814")

    page.keyboard.press("ArrowRight")
    assert state()[0].startswith("step 3/5  n3 = n1 + n2")
    page.keyboard.press("ArrowLeft")
    assert state() == second

    page.fill("#slider", "5")  # dragging the slider to the end
    last = state()
    assert last[0].startswith("step 5/5  n1 = x1 * w1") and last[3] == "step 5 / 5"
    assert page.is_disabled("#next") and page.is_disabled("#last")
    page.click("#prev")
    assert state()[0].startswith("step 4/5")
    page.keyboard.press("Home")
    assert state() == zero

    # play: frames advance by themselves, at the chosen speed, and stop at the last one
    page.select_option("#speed", "4")
    page.keyboard.press(" ")
    assert page.text_content("#play") == "\u275a\u275a pause"
    page.wait_for_function("() => document.getElementById('counter').textContent === 'step 2 / 5'", timeout=5000)
    page.wait_for_function("() => document.getElementById('counter').textContent === 'step 5 / 5'", timeout=10000)
    page.wait_for_function("() => document.getElementById('play').textContent.endsWith('play')", timeout=5000)
    page.click("#play")  # at the end, play starts again from frame 0
    page.wait_for_function("() => document.getElementById('counter').textContent === 'step 1 / 5'", timeout=5000)
    page.click("#play")  # pause
    paused = state()
    page.wait_for_timeout(900)  # longer than a frame at 4x
    assert state() == paused

    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests
    assert page.evaluate(CSP_PROBE) == "img-src"


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_one_layout_one_scale_and_readable_at_1280(browser: Any, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "demos"))
    from step_through import neuron  # the demo's graph

    page_path = animate(neuron()[0], tmp_path / "player.html")
    page, problems, _ = open_page(browser, page_path.as_uri())
    shots = []
    for k in range(6):
        page.fill("#slider", str(k))
        shots.append(page.evaluate(MEASURE))
    first, last = shots[0], shots[-1]
    assert first["counter"] == "step 0 / 5" and last["counter"] == "step 5 / 5"
    assert len(first["boxes"]) == 10
    assert first["legend"][:6] == ["blame = value.grad = dL/d(value)", "-1.5", "-0.75", "0", "0.75", "1.5"]
    for shot in shots:
        assert shot["svg"] == first["svg"]  # same size and place, every frame
        assert shot["legend"] == first["legend"]  # one colour scale: the final grads'
        for name, box in shot["boxes"].items():
            assert box["box"] == first["boxes"][name]["box"], name  # nodes never move
            assert [t[1][:2] for t in box["texts"]] == [t[1][:2] for t in first["boxes"][name]["texts"]]
            assert grad_text_inside(box), (name, box)  # the widest grad text was laid out
            if "step-pending" not in box["cls"]:
                assert box["fill"] == last["boxes"][name]["fill"], name  # a final grad keeps its colour
    # frame 0 is forward only: every box waits, no fill
    assert all("step-pending" in b["cls"] and b["fill"] == "none" for b in first["boxes"].values())
    # readable: the whole width fits 1280 px, and every box's text is at least 11 CSS px
    assert first["svg"][2] <= first["stageWidth"] + 1
    sizes = [px for b in first["boxes"].values() for px in b["px"]]
    assert min(sizes) >= 11.0, sizes
    assert first["edgeText"] == [] and len(last["edgeText"]) == 9  # blame not sent, then all sent
    assert min(last["edgeText"]) >= 11.0, last["edgeText"]  # the numbers being sent, as big
    heights = [t[1][3] for b in first["boxes"].values() for t in b["texts"]]
    assert min(heights) >= 11.0  # the glyph boxes on screen agree

    # zoom and pan: + makes text bigger, dragging pans, fit comes back to the width
    page.click("#zoom-in")
    page.click("#zoom-in")
    bigger = page.evaluate(MEASURE)
    assert min(px for b in bigger["boxes"].values() for px in b["px"]) > 1.5 * min(sizes)
    before = page.evaluate("document.getElementById('stage').scrollLeft")
    page.mouse.move(700, 400)
    page.mouse.down()
    page.mouse.move(400, 400, steps=5)
    page.mouse.up()
    assert page.evaluate("document.getElementById('stage').scrollLeft") > before + 200
    page.keyboard.press("0")
    assert page.evaluate(MEASURE)["svg"][2] == pytest.approx(first["svg"][2], abs=1)
    assert problems == []


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_narrow_window_stays_readable_and_follows_the_step(browser: Any, tmp_path: Path) -> None:
    page_path = animate(lecture_neuron(), tmp_path / "player.html")
    page, problems, _ = open_page(browser, page_path.as_uri())
    page.set_viewport_size({"width": 800, "height": 800})
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")
    in_view = """() => {
      const stage = document.getElementById("stage"), s = stage.getBoundingClientRect();
      const ids = JSON.parse(document.getElementById("player-data").textContent).focus;
      const k = Number(document.getElementById("slider").value);
      return ids[k].map(id => document.getElementById(id).getBoundingClientRect())
        .every(r => r.left >= s.left && r.right <= s.left + stage.clientWidth);
    }"""
    sizes = page.evaluate(MEASURE)
    assert min(px for b in sizes["boxes"].values() for px in b["px"]) >= 11.0  # too wide to fit: it scrolls
    assert sizes["svg"][2] > sizes["stageWidth"]
    for k in range(1, 6):
        page.keyboard.press("ArrowRight")
        assert page.evaluate(in_view), k  # the node processed and its inputs are on screen
    assert page.evaluate("document.getElementById('stage').scrollLeft") < 50  # back at the leaves
    assert problems == []


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_hostile_labels_play(browser: Any, tmp_path: Path) -> None:
    x = Value(2.0, label="<!--<script>")
    y = Value(-1.0, label="</script><b>\"q\" 's' &amp; </b>")
    z = x * y
    z.label = "</script><script>alert(1)</script>"
    loss = z.tanh()
    page_path = animate(loss, tmp_path / "hostile.html")
    page, problems, _ = open_page(browser, page_path.as_uri())
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.keyboard.press("End")
    assert page.text_content("#counter") == "step 2 / 2"
    caption = page.text_content("#sentence") or ""
    assert caption.startswith("step 2/2  </script><script>alert(1)</script> = <!--<script> * </script><b>")
    texts = page.locator("#stage g.node text").all_text_contents()
    assert "<!--<script>" in texts and "</script><b>\"q\" 's' &amp; </b>" in texts
    assert dialogs == [] and problems == []
    assert page.locator("script").count() == 2


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_boxes_hold_the_grad_text_of_every_frame(browser: Any, tmp_path: Path) -> None:
    # a's grad is 1.333 after the first of its uses and 1 at the end: the box is laid out for
    # the wider text, so no frame's text runs out of its box
    a = Value(0.75, label="a")
    loss = a * (-1 / 3) + a * (4 / 3)
    page_path = animate(loss, tmp_path / "wide.html")
    page, problems, _ = open_page(browser, page_path.as_uri())
    grads = []
    for k in range(4):
        page.fill("#slider", str(k))
        shot = page.evaluate(MEASURE)
        (box,) = [b for b in shot["boxes"].values() if b["texts"][0][0] == "a"]
        grads.append(box["texts"][-1][0])
        assert grad_text_inside(box), box
    assert "grad 1.333" in grads and grads[-1] == "grad 1"
    assert problems == []


NOTEBOOK_CODE = """\
from autograd import Value, animate
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + b; n.label = "n"
o = n.tanh(); o.label = "o"
animate(o, height=560)
"""


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_inline_player_plays_in_an_exported_notebook(browser: Any, tmp_path: Path) -> None:
    import nbclient
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Backward, inline"), nbformat.v4.new_code_cell(NOTEBOOK_CODE)]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (output,) = nb.cells[1].outputs
    shown = output["data"]["text/html"]
    assert shown.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in shown
    assert "Content-Security-Policy" in htmllib.unescape(shown)
    body, _ = HTMLExporter().from_notebook_node(nb)
    exported = tmp_path / "notebook.html"
    exported.write_text(body, encoding="utf-8")

    page = browser.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())  # the export's own CDN links: offline
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and "srcdoc" in (m.location or {}).get("url", "")
            and problems.append(m.text))
    page.goto(exported.as_uri())
    frame = page.frame_locator("iframe")
    assert frame.locator("#counter").text_content() == "step 0 / 5"
    box = page.locator("iframe").bounding_box()
    assert box is not None and box["height"] == pytest.approx(560, abs=2)
    frame.locator("#speed").select_option("4")
    frame.locator("#play").click()
    inner = next(f for f in page.frames if f.url == "about:srcdoc")
    inner.wait_for_function("() => document.getElementById('counter').textContent === 'step 5 / 5'", timeout=10000)
    assert (frame.locator("#sentence").text_content() or "").startswith("step 5/5  n1 = x1 * w1")
    assert frame.locator("#stage svg").count() == 1
    assert problems == []
    assert inner.evaluate(CSP_PROBE) == "img-src"  # the page's own policy holds inside the notebook
