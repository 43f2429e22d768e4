"""autograd.sketch: the text picture of a graph, its colours, widths, collapsing and size guard."""

from __future__ import annotations

import io
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Stepper, Value
from autograd.graph import topological_order
from autograd.names import node_names
from autograd.testing import expressions
from autograd.viz import sketch as sketch_module
from autograd.viz.colors import NEGATIVE, POSITIVE, ZERO, blame_color, mix
from autograd.viz.dotlabels import num

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def neuron() -> tuple[Value, dict[str, Value]]:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    return o, {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b}


ROW = re.compile(r"^(?P<left>.*\S)\s{2,}(?P<data>\S+)\s{2,}(?P<grad>\S+)(?:\s{2,}(?P<blame>\S+(?: \S+)*))?$")


def rows(text: str) -> list[list[str]]:
    """The picture's lines after the header as [value (tree guides dropped), data, grad, blame...]."""
    out = []
    for line in text.splitlines()[1:]:
        match = ROW.match(line)
        assert match is not None, line
        left = re.sub(r"^[\d ]*[│├└─ ]*", "", match["left"])
        out.append([left, match["data"], match["grad"]] + ([match["blame"]] if match["blame"] else []))
    return out


def rich_console(**options: object):
    from rich.console import Console

    return Console(file=io.StringIO(), width=options.pop("width", 100), **options)  # type: ignore[arg-type]


# -- what the picture shows ---------------------------------------------------------------------


def test_every_value_is_shown_with_its_name_data_grad_and_the_blame_on_its_edge() -> None:
    o, _ = neuron()
    o.backward()
    text = autograd.sketch(o, width=120).text()
    order = topological_order(o)
    names = node_names(order)
    lines = text.splitlines()
    assert lines[0].split() == ["value", "data", "grad", "blame", "=", "local", "x", "upstream"]
    assert len(lines) == 1 + 1 + sum(len(v.parents) for v in order)  # header, root, one per edge
    for user in order:
        for parent, local in zip(user.parents, user.local_grads):
            name = names[id(parent)]
            expected = f"{num(local * user.grad)} = {num(local)} x {num(user.grad)}"
            matching = [r for r in rows(text) if r[0].split()[0] == name]
            assert any(r[1:] == [num(parent.data), num(parent.grad), expected] for r in matching), (
                name,
                text,
            )
    assert "o = tanh(n4)" in text and "n4 = n3 + b" in text and "n1 = x1 * w1" in text
    # the root's line has no blame: nothing above it
    assert rows(text)[0] == ["o = tanh(n4)", num(o.data), "1"]


def test_before_backward_there_is_no_blame_column() -> None:
    o, _ = neuron()
    text = autograd.sketch(o).text(80)
    assert "blame" not in text
    assert all(r[-1] == "0" for r in rows(text))


def test_a_value_used_twice_is_drawn_once_and_referenced_by_line() -> None:
    a = Value(3.0, label="a")
    b = a * a
    c = (b + a) * b
    c.backward()
    text = autograd.sketch(c, width=100).text()
    numbered = {int(line.split()[0]): line for line in text.splitlines()[1:]}
    refs = re.findall(r"(\S+) \(see above, line (\d+)\)", text)
    assert sorted(name for name, _ in refs) == ["a", "a", "n1"]  # a*a twice after its first use; b once
    for name, line in refs:
        drawn = numbered[int(line)]
        assert re.search(rf"(─ |^\d+ ){re.escape(name)}\b", drawn)  # the referenced line draws that value
        assert "see above" not in drawn
    assert text.count("n1 = a * a") == 1


def test_names_come_from_autograd_names() -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    loss = nn.losses.mse([model([0.5, -1.0])], [1.0])
    loss.backward()
    text = autograd.sketch(loss, width=160).text()
    for name in node_names(topological_order(loss)).values():
        assert re.search(rf"(^|[─ ]){re.escape(name)}\b", text, re.M), name
    assert "L0N0.w0" in text and "L1N0.b" in text


# -- width ---------------------------------------------------------------------------------------


def pictures() -> list[autograd.Sketch]:
    o, _ = neuron()
    o.backward()
    a = Value(1.5, label="a_rather_long_name_for_a_value")
    d = (a * a + a).sigmoid() * a
    d.backward()
    model = nn.MLP(2, [3, 1], rng=1)
    loss = nn.losses.mse([model([0.5, -1.0])], [1.0])
    loss.backward()
    s = Stepper(o)
    s.next()
    s.next()
    return [
        autograd.sketch(o),
        autograd.sketch(d),
        autograd.sketch(loss),
        autograd.sketch(loss, collapse="neuron"),
        sketch_module.sketch_progress(s),
    ]


@pytest.mark.parametrize("width", [1, 5, 12, 20, 30, 40, 55, 60, 72, 80, 120])
def test_no_line_is_wider_than_the_width(width: int) -> None:
    for picture in pictures():
        text = picture.text(width)
        assert max(len(line) for line in text.splitlines()) <= width, text
        console = rich_console(width=width, force_terminal=True, color_system="truecolor")
        console.print(picture)
        shown = ESCAPE.sub("", console.file.getvalue())
        assert max(len(line) for line in shown.splitlines()) <= width, shown


def test_wide_enough_shows_everything_and_narrow_drops_detail_first() -> None:
    o, _ = neuron()
    o.backward()
    picture = autograd.sketch(o)
    wide = picture.text(200)
    assert "-1.5 = -3 x 0.5" in wide
    narrower = picture.text(50)
    assert "-1.5 = -3 x 0.5" not in narrower and "-1.5" in narrower
    assert "n1 = x1 * w1" in narrower  # expressions survive dropping the detail
    tiny = picture.text(30)  # the numbers go on a line of their own
    assert "  data 0.7071 grad 1\n" in tiny and "data 6.881 grad 0.5" in tiny


@settings(max_examples=40)
@given(expressions(max_steps=10), st.integers(8, 100))
def test_random_graphs_fit_any_width_and_show_every_value(expr, width) -> None:
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    out.backward()
    picture = autograd.sketch(out)
    text = picture.text(width)
    assert max(len(line) for line in text.splitlines()) <= width
    full = picture.text(10_000)
    order = topological_order(out)
    assert len(picture) == 1 + sum(len(v.parents) for v in order)
    for name in node_names(order).values():
        assert re.search(rf"(^|[─ ]){re.escape(name)}\b", full, re.M), (name, full)


def test_deep_graphs_fold_their_indentation_into_a_depth_count() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(60):
        y = y.tanh()
    y.backward()
    text = autograd.sketch(y).text(80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert re.search(r"^\s*60› .*x\b", text, re.M)


def test_a_100000_deep_chain_is_refused_without_recursion_and_works_with_max_nodes_raised(
    monkeypatch,
) -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = -y
    y.backward()

    def walked(*_: object) -> None:
        raise AssertionError("the size guard must refuse before walking the whole graph")

    with monkeypatch.context() as m:
        m.setattr(sketch_module, "topological_order", walked)
        with pytest.raises(
            ValueError, match=r"sketch: the graph has more than 400 lines.*collapse='neuron'.*max_nodes="
        ):
            autograd.sketch(y)
    picture = autograd.sketch(y, max_nodes=200_000)
    assert len(picture) == 100_001
    text = picture.text(80)
    lines = text.splitlines()
    assert len(lines) == 100_002 and max(len(line) for line in lines) <= 80
    assert re.search(r"100000› .*x\b", lines[-1])


def test_refusal_gives_draws_advice() -> None:
    from autograd.viz.draw import _too_big

    xs = [Value(float(i)) for i in range(500)]
    total = autograd.sum(xs)
    with pytest.raises(ValueError) as refused:
        autograd.sketch(total)
    advice = _too_big("x", 400).split("over max_nodes=400. ")[1]
    assert advice.replace("Draw each module as one box", "") in str(refused.value).replace(
        "Show each module as one line", ""
    ).replace("sketch a smaller", "draw a smaller")


# -- collapse -----------------------------------------------------------------------------------


def test_collapse_shows_each_scope_as_one_line_with_its_blame() -> None:
    model = nn.MLP(2, [3, 1], rng=0)
    loss = nn.losses.mse([model([0.5, -1.0])], [1.0])
    loss.backward()
    from autograd.viz.draw import _Plan

    plan = _Plan(topological_order(loss), "neuron")
    text = autograd.sketch(loss, collapse="neuron").text(200)
    for path in plan.groups:
        line = next(line for line in text.splitlines() if f"{path} (" in line)
        assert f"({plan.group_size[path]} nodes)" in line
        assert num(plan.group_blame[path]) in line.split(")")[-1]
    assert "L0N0.w0" not in text  # hidden in its neuron
    layer = autograd.sketch(loss, collapse="layer").text(200)
    assert "layers.0 (" in layer and "layers.0.neurons.0" not in layer
    assert autograd.sketch(loss, collapse=1).text(200).count("(") >= 2
    with pytest.raises(ValueError, match="sketch: collapse must be"):
        autograd.sketch(loss, collapse="weights")


def test_collapsed_size_is_checked_after_collapsing() -> None:
    model = nn.MLP(2, [8, 8, 1], rng=0)
    loss = nn.losses.mse([model([0.5, -1.0])], [1.0])
    with pytest.raises(ValueError, match="more than 40 lines"):
        autograd.sketch(loss, max_nodes=40)
    assert len(autograd.sketch(loss, collapse="neuron")) < len(autograd.sketch(loss, max_nodes=10_000)) / 2
    with pytest.raises(ValueError, match="even collapsed"):
        autograd.sketch(loss, collapse="neuron", max_nodes=5)


# -- colour --------------------------------------------------------------------------------------


def rgb(hex_color: str) -> str:
    return ";".join(str(int(hex_color[i : i + 2], 16)) for i in (1, 3, 5))


def test_colours_are_the_drawings_blame_scale_in_truecolor_and_256() -> None:
    o, leaves = neuron()
    o.backward()
    console = rich_console(force_terminal=True, color_system="truecolor")
    console.print(autograd.sketch(o))
    shown = console.file.getvalue()
    largest = max(abs(v.grad) for v in topological_order(o))
    assert f"48;2;{rgb(blame_color(leaves['x1'].grad, largest))}m" in shown  # x1's name, filled
    assert f"48;2;{rgb(blame_color(leaves['w1'].grad, largest))}m" in shown
    strongest_edge = mix(ZERO, NEGATIVE, 1.0)  # x1's edge carries the most blame, negative
    assert f"48;2;{rgb(strongest_edge)}m" in shown
    assert f"48;2;{rgb(mix(ZERO, POSITIVE, round(0.35 + 0.65 * 0.5 / 1.5, 3)))}m" in shown  # a 0.5 edge
    assert "red: raising it raises L" in ESCAPE.sub("", shown)
    console = rich_console(force_terminal=True, color_system="256")
    console.print(autograd.sketch(o))
    assert "48;5;" in console.file.getvalue() and "48;2;" not in console.file.getvalue()


def test_no_colour_through_a_pipe_with_no_color_or_a_dumb_terminal(monkeypatch) -> None:
    o, _ = neuron()
    o.backward()
    picture = autograd.sketch(o, width=80)
    piped = rich_console()  # a StringIO is not a terminal
    piped.print(picture)
    assert piped.file.getvalue().rstrip("\n") == picture.text()
    monkeypatch.setenv("NO_COLOR", "1")
    console = rich_console(force_terminal=True)
    console.print(picture)
    assert not ESCAPE.search(console.file.getvalue())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    console = rich_console(force_terminal=True)
    console.print(picture)
    assert not ESCAPE.search(console.file.getvalue())
    # repr at a prompt follows the same rules: sys.stdout here is not a terminal
    assert not ESCAPE.search(repr(picture)) and repr(picture) == picture.text()


def test_color_argument_forces_or_refuses_colour(monkeypatch) -> None:
    o, _ = neuron()
    o.backward()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    assert ESCAPE.search(repr(autograd.sketch(o, color=True)))
    console = rich_console(force_terminal=True, color_system="truecolor")
    console.print(autograd.sketch(o, color=False))
    assert not ESCAPE.search(console.file.getvalue())
    with pytest.raises(TypeError, match="color must be"):
        autograd.sketch(o, color="yes")  # type: ignore[arg-type]
    assert "\x1b" not in str(autograd.sketch(o, color=True))  # str is always plain


def test_without_rich_the_same_picture_prints_plain(monkeypatch) -> None:
    o, _ = neuron()
    o.backward()
    with_rich = autograd.sketch(o, width=70)
    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rich", None)
    for name in ("rich.console", "rich.segment", "rich.style", "rich.text", "rich.measure"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError):
        import rich.console  # noqa: F401
    without = autograd.sketch(o, width=70, color=True)
    assert str(without) == str(with_rich)
    assert repr(without) == str(with_rich)  # no colour, even when asked: nothing to colour with
    out = io.StringIO()
    without.print(out)
    assert out.getvalue() == str(with_rich) + "\n"
    assert "<span" in without._repr_html_()  # notebooks still get colour: HTML needs no rich


def test_jupyter_gets_html_with_the_same_colours() -> None:
    o, leaves = neuron()
    o.backward()
    bundle = autograd.sketch(o)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    largest = max(abs(v.grad) for v in topological_order(o))
    assert f"background:{blame_color(leaves['x1'].grad, largest)}" in bundle["text/html"]
    assert bundle["text/plain"] == autograd.sketch(o).text(100)
    assert "red: raising it raises L" in bundle["text/html"]
    tricky = Value(1.0, label="<b>&")
    (tricky * 2).backward()
    assert "&lt;b&gt;&amp;" in autograd.sketch(tricky * 2)._repr_html_()  # labels are text, never markup


def test_a_file_that_cannot_encode_box_characters_gets_ascii() -> None:
    o, _ = neuron()
    o.backward()
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii")
    autograd.sketch(o, width=80).print(ascii_out)
    text = raw.getvalue().decode("ascii")
    assert "`- " in text and "|- " in text


def test_rich_measures_the_picture() -> None:
    from rich.table import Table

    o, _ = neuron()
    o.backward()
    table = Table("picture")
    table.add_row(autograd.sketch(o))
    console = rich_console(width=200)
    console.print(table)
    widest = max(len(line) for line in autograd.sketch(o).text(1000).splitlines())
    assert max(len(line) for line in console.file.getvalue().splitlines()) == widest + 4  # borders, padding


# -- the stepper ---------------------------------------------------------------------------------


def test_stepper_progress_marks_current_done_and_waiting() -> None:
    o, _ = neuron()
    s = Stepper(o)
    s.next()
    s.next()
    text = sketch_module.sketch_progress(s, width=100).text()
    assert text.splitlines()[0].startswith("backward, step 2/5")
    marks = {}
    for line in text.splitlines()[2:]:
        name = re.split(r"\s", re.sub(r"^[▶✓· ]\s+[│├└─ ]*", "", line))[0]
        marks[name] = line[0]
    assert marks["o"] == "✓" and marks["n4"] == "▶" and marks["b"] == "✓"
    assert marks["n1"] == "·" and marks["x1"] == "·"
    x1_line = next(line for line in text.splitlines() if "─ x1" in line)
    assert x1_line.rstrip().endswith("- (not sent yet)")
    s.run()
    done = sketch_module.sketch_progress(s, width=100).text()
    assert "not sent" not in done and "·" not in "".join(line[0] for line in done.splitlines()[2:])


def test_show_is_text_at_a_terminal_prompt_and_the_drawing_elsewhere(monkeypatch, tmp_path) -> None:
    o, _ = neuron()
    s = Stepper(o)
    s.next()
    drawing = s.show()  # pytest's stdout is not a terminal: the drawing, as in Jupyter
    assert hasattr(drawing, "source")
    monkeypatch.setattr(sketch_module, "at_terminal_prompt", lambda: True)
    shown = s.show()
    assert isinstance(shown, autograd.Sketch)
    assert "▶ o = tanh(n4)" in shown.text(100)
    assert shown.save(tmp_path / "step.txt").read_text().startswith("backward, step 1/5")
    pytest.importorskip("graphviz")
    from autograd.viz.render import dot_executable, pure_executable

    if dot_executable() is None and pure_executable() is None:
        pytest.skip("no dot and no graphviz-pure")
    svg = shown.save(tmp_path / "step.svg").read_text()
    assert "<svg" in svg and "#ef6c00" in svg  # the drawing's orange outline of the current step


def test_in_jupyter_show_stays_the_drawing(monkeypatch) -> None:
    class ZMQInteractiveShell:
        pass

    fake = type(sys)("IPython")
    fake.get_ipython = lambda: ZMQInteractiveShell()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert sketch_module.in_jupyter()
    assert not sketch_module.at_terminal_prompt()


# -- arguments -----------------------------------------------------------------------------------


def test_bad_arguments_are_errors_that_say_what_was_given() -> None:
    o, _ = neuron()
    with pytest.raises(TypeError, match=r"sketch: root must be a Value, got float"):
        autograd.sketch(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes must be a positive int, got 0"):
        autograd.sketch(o, max_nodes=0)
    with pytest.raises(ValueError, match="width must be a positive int or None, got -3"):
        autograd.sketch(o, width=-3)
    with pytest.raises(ValueError, match="width must be"):
        autograd.sketch(o).text(0)


def test_a_leaf_is_a_one_line_picture() -> None:
    x = Value(2.0, label="x")
    x.backward()
    assert autograd.sketch(x).text(40).splitlines()[1].split() == ["x", "2", "1"]


def test_labels_with_newlines_or_escapes_stay_on_one_line_as_text() -> None:
    a = Value(1.0, label="evil\nlabel\x1b[31m")
    b = a * 2
    b.backward()
    text = autograd.sketch(b).text(80)
    assert "\x1b" not in text and len(text.splitlines()) == 4
    assert "evil\\nlabel\\x1b[31m" in text
