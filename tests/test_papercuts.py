"""What a new user hits first on a fresh clone: each message says what to do, each shortcut works.

``import nn; nn.plot...``; ``dev.py`` installing chromium like ``dot`` and naming an unknown command;
the player test failing (never skipping) in CI without a browser; and the messages for
``SGD(model)``, ``autograd.testing`` without Hypothesis and a PDF asked of graphviz-pure.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nn

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env}, timeout=120)


def test_import_nn_then_nn_plot_loss_curve(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    done = _run(
        "import sys, nn\n"
        "assert 'matplotlib' not in sys.modules  # nn.plot loads on first use\n"
        "h = nn.History(); h.train_loss += [1.0, 0.5, 0.25]; h.train_accuracy += [None] * 3\n"
        f"print(nn.plot.loss_curve(h, {str(tmp_path / 'loss.png')!r}))\n",
        MPLBACKEND="Agg",
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_sgd_given_the_model_says_pass_model_parameters() -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    with pytest.raises(TypeError, match=r"SGD: got the model MLP itself; pass model.parameters\(\)"):
        nn.optim.SGD(model)
    assert nn.optim.SGD(model.parameters()).params == model.parameters()


def test_autograd_testing_without_hypothesis_gives_the_install_command() -> None:
    done = _run("import sys; sys.modules['hypothesis'] = None\nimport autograd.testing")
    assert done.returncode != 0
    assert "autograd.testing needs Hypothesis (property-based testing): pip install hypothesis" in done.stderr


def test_a_pdf_asked_of_graphviz_pure_says_pdf_needs_dot() -> None:
    pytest.importorskip("graphviz")
    from autograd.viz import render

    if render.pure_executable() is None:
        pytest.skip("graphviz-pure is not installed")
    with pytest.raises(render.GraphvizNotFound, match=r"graphviz-pure cannot write PDF .*; PDF needs Graphviz's `dot`"):
        render.to_bytes("digraph { a -> b }", "pdf", backend="pure")


def _dev() -> object:
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_dev_py_names_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    dev = _dev()
    assert dev.main(["tset"]) == 2  # type: ignore[attr-defined]
    err = capsys.readouterr().err
    assert "unknown command 'tset'; the commands are: demo, test, tutorial, explore, bench, instructions" in err


def test_dev_py_installs_chromium_when_missing_and_it_can(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dev = _dev()
    installed: list[tuple[str, ...]] = []
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)  # type: ignore[attr-defined]
    monkeypatch.setattr(dev, "apt_install", lambda *packages: installed.append(packages))
    monkeypatch.setattr(dev, "can_apt", lambda: True)
    dev.ensure_chromium()  # type: ignore[attr-defined]
    assert installed == [("chromium",)]
    monkeypatch.setattr(dev, "can_apt", lambda: False)  # not root, or no apt: say how
    dev.ensure_chromium()  # type: ignore[attr-defined]
    assert installed == [("chromium",)] and "sudo apt-get install chromium" in capsys.readouterr().err
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/" + name)  # type: ignore[attr-defined]
    dev.ensure_chromium()  # type: ignore[attr-defined]
    assert installed == [("chromium",)]


class _Item:
    """Just what conftest's collection hook reads of a test item."""

    def __init__(self, *markers: str) -> None:
        self.keywords = set(markers)
        self.added: list[pytest.MarkDecorator] = []

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.added.append(marker)


def test_the_player_test_skips_without_a_browser_but_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    # No chromium on PATH: a learner's run skips the browser test, saying what to install; with
    # BLAMEGRAD_REQUIRE_BROWSER=1 (CI) it is not skipped, so a missing browser there fails.
    import conftest

    monkeypatch.setattr(conftest.shutil, "which", lambda name: "/usr/bin/dot" if name == "dot" else None)
    for require, skipped in (("0", True), ("1", False)):
        monkeypatch.setenv("BLAMEGRAD_REQUIRE_BROWSER", require)
        browser_test, other = _Item("needs_browser"), _Item()
        conftest.pytest_collection_modifyitems(None, [browser_test, other])  # type: ignore[arg-type]
        assert other.added == []
        assert bool(browser_test.added) is skipped
        if skipped:
            assert "needs chromium (apt-get install chromium)" in browser_test.added[0].kwargs["reason"]
    from test_player import test_player_steps_with_buttons_slider_keys_and_play as player_test

    assert "needs_browser" in [m.name for m in player_test.pytestmark]  # the player test carries the mark
