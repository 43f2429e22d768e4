"""autograd.render: files in SVG/PNG/PDF, Jupyter display, the no-`dot` message, the pip-only path.

A missing ``dot`` is simulated by pointing PATH at an empty folder; a missing graphviz-pure by
making its lookup return None.
"""

from __future__ import annotations

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
