"""The HTML player, in a real headless chromium: buttons, slider and arrow keys change the frame.

Driven by Playwright against Debian's ``chromium`` (never a downloaded browser).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from examples import lecture_neuron

from autograd import animate
from autograd.viz.player import player_html

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def test_page_needs_frames_and_svg() -> None:
    with pytest.raises(ValueError, match="player_html: need at least one frame"):
        player_html([])
    with pytest.raises(ValueError, match="player_html: frame 2 is not SVG text"):
        player_html([("<svg/>", "a"), ("<p>", "b")])


def test_captions_cannot_close_the_script() -> None:
    page = player_html([("<svg></svg>", "</script><script>alert(1)</script>")])
    assert "</script><script>alert" not in page


@pytest.fixture()
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield context
        finally:
            context.close()


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_player_steps_with_buttons_slider_and_keys(browser: Any, tmp_path: Path) -> None:
    o = lecture_neuron()
    page_path = animate(o, tmp_path / "player.html")

    page = browser.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri())

    def state() -> tuple[str, str, str, str]:
        sentence = page.text_content("#sentence") or ""
        current = " ".join(page.locator("#stage #current text").all_text_contents())  # the box's words
        counter = page.text_content("#counter") or ""
        return sentence, " ".join(current.split()), page.input_value("#slider"), counter

    first = state()
    assert first[0].startswith("step 1/5  o = tanh(n)")
    assert first[1].startswith("o data 0.7071") and first[2] == "1" and first[3] == "frame 1 / 5"
    assert page.locator("#stage svg").count() == 1 and page.is_disabled("#prev")

    page.click("#next")
    second = state()
    assert second[0].startswith("step 2/5  n = n3 + b") and second[1].startswith("n data 0.8814")
    assert second[2] == "2" and not page.is_disabled("#prev")

    page.keyboard.press("ArrowRight")
    assert state()[0].startswith("step 3/5  n3 = n1 + n2")
    page.keyboard.press("ArrowLeft")
    assert state() == second

    page.fill("#slider", "5")  # dragging the slider to the end
    last = state()
    assert last[0].startswith("step 5/5  n1 = x1 * w1") and last[3] == "frame 5 / 5"
    assert page.is_disabled("#next")
    page.click("#prev")
    assert state()[0].startswith("step 4/5")
    page.keyboard.press("Home")
    assert state() == first

    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests
