"""Pictures of backward mid-way (``Stepper.show``) and the frames ``animate`` writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from examples import lecture_neuron

from autograd import Stepper, Value, animate
from autograd.viz.animate import draw_progress, progress_attrs


def neuron() -> Value:
    return lecture_neuron()


def node_lines(source: str) -> dict[str, str]:
    """DOT node id -> its statement, for value boxes (n<i> [...])."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\t(n\d+) \[.*$", source, flags=re.M)}


def test_progress_marks_current_done_and_pending() -> None:
    o = neuron()
    s = Stepper(o)
    before = node_lines(s.show().source)
    assert all("step-pending" in line for line in before.values())  # nothing ran yet
    s.next()
    s.next()  # o = tanh(n), then n = n3 + b: b and n3 have all their blame, b is a leaf: done
    attrs = progress_attrs(s)
    order = {v.label or s.names[id(v)]: v for v in s.order}
    assert attrs(order["n"])["class"] == "step-current"
    assert attrs(order["o"])["class"] == "step-done"
    assert attrs(order["b"])["class"] == "step-done"
    assert attrs(order["n3"])["class"] == "step-ready"
    assert attrs(order["n1"])["class"] == "step-pending" and attrs(order["x1"])["class"] == "step-pending"
    assert "<B>n3</B>" in node_lines(s.show().source)["n6"]  # the box shows the sentences' name
    s.run()
    attrs = progress_attrs(s)
    assert sum(attrs(v)["class"] == "step-done" for v in s.order) == len(s.order) - 1  # all but current


def test_unsent_blame_is_drawn_grey() -> None:
    s = Stepper(neuron())
    s.next()
    source = s.show().source
    edges = re.findall(r"^\t(n\d+) -> (n\d+op)(.*)$", source, flags=re.M)
    sent = [e for e in edges if "blame not sent yet" not in e[2]]
    assert len(sent) == 1 and sent[0][1] == "n9op"  # only tanh's input edge carries blame yet
    assert "label=" in sent[0][2]


def test_show_refuses_its_own_option() -> None:
    with pytest.raises(TypeError, match="show: node_attrs is set by the stepper"):
        draw_progress(Stepper(neuron()), node_attrs=lambda v: {})


@pytest.mark.needs_dot
def test_animate_writes_one_frame_per_step_and_one_page(tmp_path: Path) -> None:
    o = neuron()
    page = animate(o, tmp_path / "player.html")
    frames = sorted((tmp_path / "player_frames").glob("step_*.svg"))
    assert page == tmp_path / "player.html" and len(frames) == 5
    html = page.read_text()
    assert html.count("<template") == 5 and html.count("<svg") == 5
    assert 'id="current"' in frames[0].read_text()
    assert "step 5/5  n1 = x1 * w1" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from outside
    assert o.grad == 1.0 and abs(o.parents[0].grad - 0.5) < 1e-12  # the pass ran to the end


def test_animate_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"animate: path must end in .html, got '.*out.svg'"):
        animate(neuron(), tmp_path / "out.svg")
    with pytest.raises(ValueError, match="animate: Value.* is a leaf; backward has no steps"):
        animate(Value(1.0), tmp_path / "a.html")
    with pytest.raises(TypeError, match="animate: expected a Value, got int"):
        animate(3, tmp_path / "a.html")  # type: ignore[arg-type]
