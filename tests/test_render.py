"""autograd.render: files in SVG/PNG/PDF, Jupyter display, the no-`dot` message, the pip-only path.

A missing ``dot`` is simulated by pointing PATH at an empty folder; a missing graphviz-pure by
making its lookup return None.
"""

from __future__ import annotations

import re
from pathlib import Path

import graphviz
import pytest
from svg_helpers import parse

import autograd
from autograd import Value, draw, scope
from autograd.viz import render
from autograd.viz.render import Drawing, GraphvizNotFound, save, to_bytes

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}


def scoped_loss() -> Value:
    x = Value(1.5, label="x")
    with scope("layers.0"), scope("neurons.0"):
        h = (x * Value(-0.5, label="w") + Value(0.1, label="b")).tanh()
    with scope("layers.1"), scope("neurons.0"):
        out = h * Value(2.0, label="v")
    loss = (out - 1.0) ** 2
    loss.backward()
    return loss


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Graphviz's `dot` is not on PATH (graphviz-pure, found through its wheel, still is)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert render.dot_executable() is None


@pytest.fixture
def nothing(no_dot: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither `dot` nor graphviz-pure."""
    monkeypatch.setattr(render, "pure_executable", lambda: None)


@pytest.mark.needs_dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_writes_each_format(tmp_path: Path, fmt: str) -> None:
    g = draw(scoped_loss())
    path = g.save(tmp_path / "deep" / f"loss.{fmt}")
    assert path.read_bytes().startswith(MAGIC[fmt]) and path.stat().st_size > 1000


@pytest.mark.needs_dot
def test_drawing_is_a_digraph_that_shows_as_svg_in_jupyter() -> None:
    g = draw(scoped_loss())
    assert isinstance(g, graphviz.Digraph) and isinstance(g, Drawing)
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert "n0" in parse(bundle["image/svg+xml"])["node"]


def test_jupyter_display_works_with_pip_alone(no_dot: None) -> None:
    g = draw(scoped_loss())
    with pytest.raises(graphviz.ExecutableNotFound):
        g.pipe(format="svg")  # graphviz's own rendering needs `dot` ...
    svg = g._repr_mimebundle_()["image/svg+xml"]  # ... ours falls back to graphviz-pure
    assert "graphviz-pure" in svg and set(parse(svg)["node"]) >= {"n0", "legend"}


def test_pip_only_path_writes_svg_and_png_but_explains_pdf(no_dot: None, tmp_path: Path) -> None:
    g = draw(scoped_loss())
    assert g.save(tmp_path / "a.svg").read_bytes().startswith(MAGIC["svg"])
    assert g.save(tmp_path / "a.png").read_bytes().startswith(MAGIC["png"])
    with pytest.raises(GraphvizNotFound) as err:
        g.save(tmp_path / "a.pdf")
    assert "graphviz-pure cannot write PDF" in str(err.value) and "apt-get install graphviz" in str(err.value)


@pytest.mark.needs_dot
@pytest.mark.parametrize("collapse", [None, "neuron"])
def test_pip_only_svg_has_the_same_structure_as_dot(collapse: str | None) -> None:
    g = draw(scoped_loss(), collapse=collapse)
    real, pure = (parse(to_bytes(g, "svg", backend=b)) for b in ("dot", "pure"))
    for kind in ("node", "edge", "cluster"):
        assert sorted(real[kind]) == sorted(pure[kind]), kind
    assert len(real["cluster"]) == (4 if collapse is None else 2)
    for title, item in real["node"].items():
        assert item.fill == pure["node"][title].fill or title == "legend"  # shapes come in another order
        assert {s.get("fill") for s in item.shapes} == {s.get("fill") for s in pure["node"][title].shapes}
        assert item.texts == pure["node"][title].texts
        assert item.tooltip == pure["node"][title].tooltip
    for title, item in real["edge"].items():
        assert item.stroke_width == pure["edge"][title].stroke_width


def test_missing_dot_says_how_to_install_it(nothing: None, tmp_path: Path) -> None:
    g = draw(scoped_loss())
    for attempt in (lambda: g.save(tmp_path / "x.svg"), lambda: g._repr_mimebundle_(), lambda: g.svg()):
        with pytest.raises(GraphvizNotFound) as err:
            attempt()
        message = str(err.value)
        for hint in ("sudo apt-get install graphviz", "brew install graphviz", "winget install graphviz",
                     "choco install graphviz", "conda install -c conda-forge graphviz",
                     'pip install "blamegrad[viz-pure]"'):
            assert hint in message
        assert isinstance(err.value, graphviz.ExecutableNotFound)  # graphviz's own handlers catch it
    assert not (tmp_path / "x.svg").exists()


def test_forcing_dot_when_it_is_missing(no_dot: None) -> None:
    with pytest.raises(GraphvizNotFound, match="`dot` program is not on PATH"):
        to_bytes("digraph { a -> b }", "svg", backend="dot")
    assert to_bytes("digraph { a -> b }", "svg", backend="pure").startswith(MAGIC["svg"])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        to_bytes("digraph {}", "svg", backend="wasm")
    with pytest.raises(ValueError, match="give a format or a path with a suffix"):
        save("digraph {}", "picture")


def test_a_dot_syntax_error_is_reported_with_the_programs_message() -> None:
    with pytest.raises(RuntimeError, match="failed \\(exit"):
        to_bytes("digraph { a -> }", "svg", backend="pure")


def test_exports() -> None:
    assert autograd.draw is draw and autograd.draw_dot is draw


def test_missing_graphviz_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import nn

    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    monkeypatch.delitem(sys.modules, "autograd.viz.render")
    with pytest.raises(ModuleNotFoundError, match=r'draw: drawing needs the graphviz Python package: pip install "blamegrad\[viz\]"'):
        draw(scoped_loss())
    with pytest.raises(ModuleNotFoundError, match="nn.draw: drawing needs the graphviz"):
        nn.draw(nn.Neuron(2, rng=0))


# -- Jupyter: inline SVG at the column's width ----------------------------------------------------


@pytest.mark.needs_dot
def test_jupyter_gets_inline_html_first_and_svg_for_viewers_without_html() -> None:
    g = draw(scoped_loss())
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/html", "image/svg+xml"]
    html = bundle["text/html"]
    assert html.startswith('<div class="blamegrad-drawing"') and "<img" not in html and "<?xml" not in html
    assert "max-width:100%;height:auto" in html and 'height="' not in html.split(">", 2)[1]
    assert html.count("xlink:title=") == bundle["image/svg+xml"].count("xlink:title=") > 10  # hover kept
    assert list(g._repr_mimebundle_(include=["image/svg+xml"])) == ["image/svg+xml"]
    assert list(g._repr_mimebundle_(exclude=["image/svg+xml"])) == ["text/html"]
    with pytest.raises(ValueError, match="inline_html: not SVG text"):
        render.inline_html("<p>")


@pytest.fixture()
def page() -> object:
    import shutil
    import tempfile

    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync"]
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True, args=flags,
            viewport={"width": 1280, "height": 800},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def _rect(page: object, selector: str) -> dict:
    return page.evaluate(  # type: ignore[attr-defined]
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height, right: r.right, bottom: r.bottom}; }", selector)


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_inline_drawing_fits_the_column_keeps_hover_text_and_zooms_on_click(page: object) -> None:
    g = draw(scoped_loss())
    svg = g.svg()
    natural = float(re.search(r'<svg width="([0-9.]+)pt"', svg).group(1)) * 4 / 3  # CSS px
    view = [float(x) for x in re.search(r'viewBox="([^"]*)"', svg).group(1).split()]
    assert natural > 500
    page.set_content(f'<div id="column" style="width:500px">{g._repr_html_()}</div>')  # type: ignore[attr-defined]
    box = _rect(page, "#column svg")
    assert 495 <= box["width"] <= 500  # scaled to the column, not wider
    assert abs(box["height"] / box["width"] - view[3] / view[2]) < 0.01  # height follows (aspect kept)
    titles = page.evaluate(  # type: ignore[attr-defined]
        "() => Array.from(document.querySelectorAll('#column a')).map(a => a.getAttributeNS('http://www.w3.org/1999/xlink', 'title'))")
    assert len(titles) == svg.count("xlink:title=") and any("grad = " in t for t in titles)
    assert page.locator("#column img").count() == 0  # type: ignore[attr-defined]
    page.click("#column svg")  # type: ignore[attr-defined]
    assert abs(_rect(page, "#column svg")["width"] - natural) < 2  # full size, the column scrolls
    assert page.evaluate("() => document.querySelector('.blamegrad-drawing').scrollWidth") > 500  # type: ignore[attr-defined]
    page.click("#column svg", position={"x": 5, "y": 5})  # type: ignore[attr-defined]
    assert _rect(page, "#column svg")["width"] <= 500


@pytest.mark.needs_dot
@pytest.mark.needs_browser
def test_stepper_show_keeps_the_current_node_in_view(page: object) -> None:
    from examples import lecture_neuron

    stepper = autograd.Stepper(lecture_neuron())
    assert float(re.search(r'<svg width="([0-9.]+)pt"', stepper.show().svg()).group(1)) > render.FOCUS_WINDOW[0]
    for _ in stepper:  # every step: the orange box is on screen, at full size (not shrunk)
        page.set_content(f'<div id="column" style="width:1000px">{stepper.show()._repr_html_()}</div>')  # type: ignore[attr-defined]
        shown, current = _rect(page, "#column svg"), _rect(page, "#current")
        assert shown["right"] <= 1000 + 8
        assert shown["x"] <= current["x"] and current["right"] <= shown["right"]
        assert shown["y"] <= current["y"] and current["bottom"] <= min(shown["bottom"], 800)
        size = page.evaluate("() => document.querySelector('#current text').getBoundingClientRect().height")  # type: ignore[attr-defined]
        assert size >= 11  # readable: not scaled down to fit 1598 pt into 1000 px
    page.click("#column svg")  # type: ignore[attr-defined]
    assert _rect(page, "#column svg")["width"] <= 1000  # the whole graph, fitted to the column
    caption = page.locator("#column .blamegrad-drawing div")  # type: ignore[attr-defined]
    assert "click the picture for the whole graph" in caption.inner_text()


@pytest.mark.needs_dot
@pytest.mark.parametrize("backend", ["dot", "pure"])
def test_stepper_window_holds_the_current_node_with_either_program(backend: str) -> None:
    from examples import lecture_neuron

    stepper = autograd.Stepper(lecture_neuron())
    for step in stepper:
        svg = to_bytes(stepper.show(), "svg", backend=backend).decode()
        x, y, w, h = (float(t) for t in re.search(r'viewBox="([^"]*)"', render.inline_html(svg)).group(1).split())
        tx, ty = (float(t) for t in re.search(r"translate\(([-0-9.]+) ([-0-9.]+)\)", svg).groups())
        i = next(k for k, v in enumerate(stepper.order) if v is step.node)
        plain = re.sub(r'class="node [^"]*"', 'class="node"', svg)  # svg_helpers reads class="node" only
        left, top, right, bottom = parse(plain)["node"][f"n{i}"].bbox()
        assert x <= left + tx and right + tx <= x + w and y <= top + ty and bottom + ty <= y + h, step
        assert w < 1.5 * render.FOCUS_WINDOW[0]  # a window, not the whole graph
