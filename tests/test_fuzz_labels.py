"""Hostile labels through ``dot`` and chromium: every label renders, and the SVG loads cleanly.

Labels are drawn by Hypothesis from all of Unicode (surrogates and noncharacters included) and
from a list of known troublemakers (markup, Graphviz escapes, 40,000 characters). Each drawing
is rendered by Graphviz's ``dot``; the SVG must be well-formed XML. One page with a drawing per
troublemaker is then opened in a headless chromium, which must report no error.
"""

from __future__ import annotations

import shutil
import tempfile
import xml.dom.minidom
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value

TROUBLE = [
    "a\ufffeb", "x\uffff", "lone \ud800 surrogate", "\udfff", "\U0010fffe", "\ufdd0", "y" * 40_000, "&" * 20_000,
    "\n" * 9_000, '"' * 9_000, "\\" * 9_000, "<!--<script>" * 2_000, "</script><script>alert(1)</script>",
    "\\N \\G \\l \\r \\E", "<b>bold</b> &amp; &#0; &#xD800;", "]]><![CDATA[", "\x00\x01\x1b[31m", "\u202eevil",
    "\r\n\r", "{a|b} <c>", "\ud83d\ude00 \U0001f600",
]

LABELS = st.one_of(
    st.sampled_from(TROUBLE),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40),
)


def _svg(label: str) -> str:
    x = Value(1.5, label=label)
    out = (x * 2.0).tanh()
    out.label = label
    out.backward()
    with autograd.scope(label or "s"):
        inner = x * 3.0
    svg = autograd.draw(out + inner).svg()
    xml.dom.minidom.parseString(svg.encode("utf-8"))
    return svg


@pytest.mark.needs_dot
@given(LABELS)
@settings(max_examples=40, deadline=None)
def test_every_label_renders_as_well_formed_svg(label: str) -> None:
    assert "<svg" in _svg(label)


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_hostile_labels_load_in_chromium_without_errors(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_path = tmp_path / "labels.html"
    body = "".join(f"<div>{_svg(label)}</div>" for label in TROUBLE)
    page_path.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    errors: list[str] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True, args=flags
        )
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_path.as_uri())
            assert page.locator("svg").count() == len(TROUBLE)
            assert page.evaluate("document.querySelectorAll('script').length") == 0  # no label became markup
            page.set_viewport_size({"width": 1280, "height": 800})
            page.screenshot(path=str(tmp_path / "labels.png"))
        finally:
            context.close()
    assert errors == []
