"""One name per node in every view: stepper, explain, draw, animate, compile and anomaly messages.

Each test builds a graph, asks :func:`autograd.names.node_names` for the names over
``topological_order(root)``, then reads each view's own text back and checks that it names every
node it shows the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

import autograd
import nn
from autograd import Stepper, Value, backward_steps, explain, topological_order
from autograd.names import constant_text, node_names, short_parameter_name

Build = Callable[..., Value]


# -- three graphs, each a function of its inputs (so compile can trace the same graph) -----------


def hand_made(x1: Value, w1: Value) -> Value:
    """Labels on some nodes, none on others; two constants."""
    n = x1 * w1 + 2.0
    n.label = "n"
    return (n * x1).tanh() * 0.5


def repeated(a: Value, b: Value) -> Value:
    """A node used twice (a * a), a constant used twice, and unlabelled everything."""
    sq = a * a
    return (sq + 2.0) * (sq - b) + 2.0 * a


MODEL = nn.MLP(2, [3, 1], rng=7)


def mlp_loss(x0: Value, x1: Value) -> Value:
    """An nn.MLP's squared error on one point: parameters are named L0N0.w0 ... L1N0.b."""
    return (MODEL([x0, x1]) - 1.0) ** 2


def leaves(build: Build) -> list[Value]:
    if build is hand_made:
        return [Value(0.5, label="x1"), Value(-1.5, label="w1")]
    return [Value(0.75), Value(-0.5)]


GRAPHS = [hand_made, repeated, mlp_loss]
ids = [g.__name__ for g in GRAPHS]


def expected(build: Build) -> tuple[Value, list[Value], dict[int, str]]:
    MODEL.zero_grad()  # its leaves are shared between graphs: start each from grad 0
    root = build(*leaves(build))
    order = topological_order(root)
    return root, order, node_names(order)


# -- the scheme itself ------------------------------------------------------------------------------


def test_the_scheme_on_each_graph() -> None:
    _, order, names = expected(hand_made)
    assert [names[id(v)] for v in order] == ["x1", "w1", "n1", "2", "n", "n2", "n3", "0.5", "n4"]
    _, order, names = expected(repeated)
    assert [names[id(v)] for v in order] == ["n1", "n2", "2", "n3", "n4", "n5", "n6", "2", "n7", "n8"]
    _, order, names = expected(mlp_loss)
    params = dict(MODEL.named_parameters())
    for dotted, p in params.items():  # each parameter by its short name, e.g. layers.0.neurons.2.w.1
        assert names[id(p)] == short_parameter_name(dotted)
    assert names[id(params["layers.0.neurons.2.w.1"])] == "L0N2.w1"
    assert names[id(params["layers.1.neurons.0.b"])] == "L1N0.b"
    counted = [names[id(v)] for v in order if re.fullmatch(r"n\d+", names[id(v)])]
    assert counted == [f"n{i}" for i in range(1, len(counted) + 1)]  # no gaps


def test_counted_names_skip_names_a_label_took() -> None:
    a = Value(1.0, label="n1")
    y = a * Value(2.0) + a
    assert [node_names(topological_order(y))[id(v)] for v in topological_order(y)] == ["n1", "n2", "n3", "n4"]


def test_constant_text_is_the_shortest_exact_number() -> None:
    assert [constant_text(x) for x in (2.0, -0.5, 1e-06, 1e20, float("inf"))] == ["2", "-0.5", "1e-06", "1e+20", "inf"]


# -- every view ------------------------------------------------------------------------------------

STEP_HEAD = re.compile(r"^step \d+/\d+  (\S+) = .*?   dL/d(\S+) = \S+   dL/d(\S+) \+= \(")
STEP_MORE = re.compile(r"^\s+dL/d(\S+) \+= \(")


@pytest.mark.parametrize("build", GRAPHS, ids=ids)
def test_stepper_sentences(build: Build) -> None:
    root, order, names = expected(build)
    s = Stepper(root)
    seen = 0
    for step in s:
        lines = repr(step).splitlines()  # what the prompt shows
        head = STEP_HEAD.match(lines[0])
        assert head, lines[0]
        assert head.group(1) == head.group(2) == names[id(step.node)]
        targets = [head.group(3)] + [STEP_MORE.match(line).group(1) for line in lines[1:]]  # type: ignore[union-attr]
        assert targets == [names[id(p)] for p in step.node.parents]
        seen += 1
    assert seen == len(s) == sum(1 for v in order if v._edges)
    assert repr(s).startswith(f"Stepper(L = {names[id(root)]} = ")


@pytest.mark.parametrize("build", GRAPHS, ids=ids)
def test_explain_table(build: Build) -> None:
    root, order, names = expected(build)
    root.backward()
    for v in order[:-1]:
        e = explain(v, root)
        text = str(e).splitlines()
        assert text[0].startswith(f"dL/d{names[id(v)]} = sum over the ")
        rows = text[2 : 2 + len(e.uses)]
        assert [row.split()[0] for row in rows] == [names[id(u.node)] for u in e.uses]
        assert text[-1].endswith(f"= {names[id(v)]}.grad") or "does not reach" in text[-1]


@pytest.mark.parametrize("build", GRAPHS, ids=ids)
def test_draw_boxes(build: Build) -> None:
    root, order, names = expected(build)
    root.backward()
    source = autograd.draw(root).source
    boxes = dict(re.findall(r"^\s*n(\d+) \[.*?<B>(.*?)</B>", source, flags=re.M))
    assert len(boxes) == len(order)
    assert {int(i): name for i, name in boxes.items()} == {i: names[id(v)] for i, v in enumerate(order)}
    tips = re.findall(r'^\s*n(\d+) \[.*?tooltip="([^:"]+): data', source, flags=re.M)
    assert {int(i): name for i, name in tips} == {i: names[id(v)] for i, v in enumerate(order)}


@pytest.mark.needs_dot
@pytest.mark.parametrize("build", GRAPHS, ids=ids)
def test_draw_svg_boxes(build: Build) -> None:
    import html

    from autograd.viz.render import to_bytes

    root, order, names = expected(build)
    root.backward()
    svg = to_bytes(autograd.draw(root), "svg").decode()
    groups = re.findall(r'<g id="node\d+" class="node">\s*<title>n(\d+)</title>(.*?)</g>', svg, flags=re.S)
    first_text = {int(i): html.unescape(re.findall(r"<text[^>]*>(.*?)</text>", body)[0]) for i, body in groups}
    assert first_text == {i: names[id(v)] for i, v in enumerate(order)}  # each box starts with its name


@pytest.mark.parametrize("build", GRAPHS, ids=ids)
@pytest.mark.needs_dot
def test_animate_captions(build: Build) -> None:
    from autograd.viz import animate

    root, order, names = expected(build)
    reference = [str(step) for step in backward_steps(build(*leaves(build)))]  # a twin graph's sentences
    MODEL.zero_grad()
    frames, title = animate.frames(root)
    captions = [caption for _, caption, _ in frames]
    assert captions[0].startswith(f"step 0/{len(reference)}  forward done")
    assert captions[1:] == reference
    assert title.startswith(f"Backward, step by step: L = {names[id(root)]} = ")
    for k, (svg, caption, _) in enumerate(frames[1:], 1):
        current = re.search(r'<g id="[^"]*" class="node step-current">.*?<text[^>]*>(?:<[^>]+>)*([^<]+)<', svg, flags=re.S)
        assert current and caption.startswith(f"step {k}/{len(reference)}  {current.group(1)} = ")


@pytest.mark.parametrize("build", GRAPHS, ids=ids)
def test_compile_comments(build: Build) -> None:
    root, order, names = expected(build)
    f = autograd.compile(build)
    f(*leaves(build))
    source, code_names = f.source, f.names
    for var, k in re.findall(r"^\s*(v(\d+)) = .*  # .*'(?:.*)'$", source, flags=re.M):
        assert code_names[var] == names[id(order[int(k)])]
        assert re.search(rf"^\s*{var} = .*  # .* '{re.escape(names[id(order[int(k)])])}'$", source, flags=re.M)
    args = [v for v in order if not v._edges and type(v) is not autograd.value.Constant][: 2]
    arg_notes = re.findall(r"x(\d) is '([^']+)'", source)
    assert arg_notes == [(str(i), code_names[f"x{i}"]) for i in range(2)]
    captured = sorted(re.findall(r"= leaf\d+\.data  # '([^']+)'", source))
    eager_leaves = [names[id(v)] for v in order if not v._edges and type(v) is not autograd.value.Constant]
    assert sorted(captured + [name for _, name in arg_notes]) == sorted(eager_leaves)
    assert args  # the graph has leaves that are not constants


def test_anomaly_messages() -> None:
    with autograd.detect_anomaly():
        x = Value(0.0)
        r = x.sqrt()  # d sqrt/dx is inf at 0
        loss = mlp_loss(Value(0.75), r) + r * 3.0
        names = node_names(topological_order(loss))
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
        message = str(info.value)
        assert f"gradient to input 0 ({names[id(x)]} = 0.0)" in message
        assert f"node '{names[id(r)]}' created at" in message
        s = Stepper(loss)  # the stepper names them the same way in its sentences
        with pytest.raises(FloatingPointError) as again:
            s.run()
        assert str(again.value).split("created at")[0] == message.split("created at")[0]
        w = MODEL.layers[0].neurons[1].w[0]
        with pytest.raises(FloatingPointError, match=r"mul\(L0N1\.w0 = [-0-9.e]+, big = inf\) produced"):
            _ = w * Value(float("inf"), label="big")
        with pytest.raises(FloatingPointError, match=r"mul\(n1 = inf, 0\) produced nan \(nan\);\nnode 'n2' created at"):
            _ = Value(float("inf")) * 0.0
