"""nn.explore in a real browser: Playwright drives Debian's chromium against a server started here.

Adds a point, steps, plays, switches the optimizer, opens the graph of one point and checks its
numbers and sentences against autograd's own, saves and reloads the model; no console errors,
no request leaving 127.0.0.1, and no way in without the token.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import nn  # noqa: E402
from autograd import Stepper  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [pytest.mark.needs_dot, pytest.mark.needs_browser]


@pytest.fixture(scope="module")
def explorer() -> Iterator[Any]:
    ex = nn.explore(port=0, open_browser=False, block=False, quiet=True, seed=1)
    try:
        yield ex
    finally:
        ex.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 800}, accept_downloads=True,
        )
        try:
            yield context
        finally:
            context.close()


def pixel(page: Any, point: list[float]) -> tuple[float, float]:
    """Where a data point is drawn on the training canvas, in page coordinates."""
    box = page.locator("#data").bounding_box()
    lo, hi = -1.6, 1.6
    return box["x"] + (point[0] - lo) / (hi - lo) * box["width"], box["y"] + (hi - point[1]) / (hi - lo) * box["height"]


def point_loss(session: Any, split: str, index: int) -> Any:
    rows, labels = session.val if split == "val" else session.train
    loss = nn.losses.hinge([session.model(rows[index])], [2 * labels[index] - 1])
    loss.label = "L"
    return loss


def test_the_explorer_in_a_browser(explorer: Any, browser: Any, tmp_path: Path) -> None:
    session = explorer.session
    from test_player import open_page  # every console error and page error, and every request

    page, problems, requests = open_page(browser, explorer.url)
    page.wait_for_selector("#network svg")
    assert page.text_content("#step-count") == "0"

    # Click an empty spot: a point of the chosen class (1) is added there.
    n = len(session.train[0])
    page.click('#classes button[data-label="1"]')
    x, y = pixel(page, [-1.5, 1.5])
    page.mouse.click(x, y)
    page.wait_for_selector(f"#train-count:text-is('{n + 1}')")
    assert session.train[1][-1] == 1 and abs(session.train[0][-1][0] + 1.5) < 0.02

    # One step: the loss changes and the curve grows by one point.
    loss_before = page.get_attribute("#numbers", "data-train-loss")
    assert page.get_attribute("#curves", "data-points") == "1"
    page.click("#step")
    page.wait_for_selector("#curves[data-points='2']", state="attached")
    assert page.get_attribute("#numbers", "data-train-loss") != loss_before
    assert float(page.get_attribute("#numbers", "data-train-loss")) == session.history["train_loss"][-1]

    # Play a few steps, then pause.
    page.click("#play")
    page.wait_for_selector("#play[data-playing='1']", state="attached")
    for _ in range(300):  # states may arrive faster than frames: the page draws the latest
        if int(page.get_attribute("#curves", "data-points")) >= 5:
            break
        page.wait_for_timeout(100)
    assert int(page.get_attribute("#curves", "data-points")) >= 5
    page.click("#play")
    page.wait_for_selector("#play[data-playing='0']", state="attached")

    # Switch the optimizer: the table shows Adam's state.
    page.select_option("#optimizer", "adam")
    page.locator("#params-panel").scroll_into_view_if_needed()  # the table is drawn while on screen
    page.wait_for_selector("#params th:text-is('sqrt(v)')")
    names = page.locator("#params tbody tr td:first-child").all_text_contents()
    grads = [abs(float(g)) for g in page.locator("#params tbody tr td:nth-child(3)").all_text_contents()]
    assert sorted(names) == sorted(n for n, _ in session.model.named_parameters())
    assert grads == sorted(grads, reverse=True)  # sorted by |grad|
    page.locator("#data").scroll_into_view_if_needed()
    assert session.config["optimizer"] == "adam"
    steps = session.steps
    page.click("#step")
    page.wait_for_selector(f"#step-count:text-is('{steps + 1}')")
    page.wait_for_timeout(300)
    assert session.steps == steps + 1  # the play loop has stopped

    # Click a validation point: its loss graph, with autograd's numbers.
    val_box = page.locator("#val").bounding_box()
    vx, vy = session.val[0][2]
    page.mouse.click(val_box["x"] + (vx + 1.6) / 3.2 * val_box["width"], val_box["y"] + (1.6 - vy) / 3.2 * val_box["height"])
    page.wait_for_selector("#point-graph svg")
    loss = point_loss(session, "val", 2)
    graph = page.inner_html("#point-graph")
    assert f"L: data = {loss.data:.12g}" in graph
    assert f"L = {loss.data:.6f}" in page.text_content("#point-title")

    # Step its backward pass: the sentences are the Stepper's, forward and back.
    sentences = [str(s) for s in Stepper(loss).run()]
    page.click("#point-next")
    page.wait_for_selector("#point-graph[data-position='1']", state="attached")
    assert page.text_content("#sentence") == sentences[0]
    page.click("#point-next")
    page.wait_for_selector("#point-graph[data-position='2']", state="attached")
    assert page.text_content("#sentence") == sentences[1]
    page.click("#point-prev")
    page.wait_for_selector("#point-graph[data-position='1']", state="attached")
    assert page.text_content("#sentence") == sentences[0]
    page.click("#point-last")
    page.wait_for_selector(f"#point-graph[data-position='{len(sentences)}']", state="attached")
    assert page.text_content("#sentence") == sentences[-1]
    graph = page.inner_html("#point-graph")
    x_leaves = [v for v in _leaves(loss) if v.data in session.val[0][2]]
    assert x_leaves and all(f"grad = {v.grad:.12g}" in graph for v in x_leaves)  # the inputs' grads

    # Click a collapsed neuron: the graph opens to every node (the weights appear as boxes).
    boxes = page.locator("#point-graph g.node").filter(has=page.locator("title", has_text=re.compile(r"^g\d+$")))
    assert boxes.count() > 0
    boxes.first.click()
    page.wait_for_selector("#point-graph[data-collapse='none']", state="attached")
    assert page.locator("#point-graph g.node").count() > boxes.count() + 60

    # Save the model, change the weights, load it back.
    with page.expect_download() as download:
        page.click("#save-model")
    saved = tmp_path / "model.json"
    download.value.save_as(saved)
    weights = [p.data for p in nn.load(saved).parameters()]
    assert weights == [p.data for p in session.params]
    page.click("#reset")
    page.wait_for_selector("#step-count:text-is('0')")
    assert [p.data for p in session.params] != weights
    page.set_input_files("#load-model", str(saved))
    page.wait_for_selector("#message:text-is('model loaded')")
    assert [p.data for p in session.params] == weights

    # Save the replay.
    with page.expect_download() as download:
        page.click("#save-replay")
    replay = tmp_path / "replay.html"
    download.value.save_as(replay)
    from nn.explore.replay import captions

    assert len(captions(replay.read_text())) >= 1

    # Reopening the page resumes the session (with the point it showed).
    page.locator("#data").scroll_into_view_if_needed()
    val_box = page.locator("#val").bounding_box()
    page.mouse.click(val_box["x"] + (vx + 1.6) / 3.2 * val_box["width"], val_box["y"] + (1.6 - vy) / 3.2 * val_box["height"])
    page.wait_for_selector("#point-graph svg")
    step_now = session.steps
    page.close()
    again = browser.new_page()
    again.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    again.on("request", lambda r: requests.append(r.url))
    again.goto(explorer.url)
    again.wait_for_selector(f"#step-count:text-is('{step_now}')")
    assert again.text_content("#train-count") == str(n + 1)
    again.wait_for_selector("#point-graph svg")  # and the point it showed
    assert again.text_content("#point-title").startswith("(validation point 2 ")
    again.close()

    assert problems == []
    origin = explorer.url.split("/")[2]
    assert requests and all(url.split("/")[2] == origin for url in requests), requests


def _leaves(loss: Any) -> list:
    from autograd import topological_order

    return [v for v in topological_order(loss) if v.is_leaf]


def test_a_request_without_the_token_is_refused(explorer: Any) -> None:
    origin = explorer.url.rsplit("/", 2)[0]
    for path in ("/", "/api/state", "/static/app.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(origin + path, timeout=10)
        assert refused.value.code == 403
    with urllib.request.urlopen(explorer.url + "api/state", timeout=10) as ok:
        assert ok.status == 200
