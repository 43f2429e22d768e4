"""The network diagram: ``nn.draw(model, loss)``, the "blame game" picture of an MLP.

Neurons are circles in columns (inputs, hidden layers, output); each line is one weight. After
``loss.backward()`` the picture shows the blame:

- each neuron is filled by d(loss)/d(its output), summed over every time it ran (once per
  example in a batch), on the red/blue scale of :func:`autograd.draw`, and shows that number;
- each line is coloured and sized by its weight's blame d(loss)/dw (``lines="blame"``, the default
  when a loss is given): red when raising the weight raises the loss, blue when it lowers it,
  thicker and darker for more. ``lines="weights"`` shows the weights instead (width |w|, green
  positive, purple negative).

A layer with more than ``wide`` (64) weights, such as a 16 x 16 hidden layer, draws only each
neuron's ``top_k`` (4) incoming lines with the largest |value| and says in its column title how
many it hides; each neuron's tooltip says what its hidden lines add up to. ``top_k=None`` draws
every line. Every number (labels, legend, tooltips) has 3 significant digits, in one format
(:func:`number`). The legend is the picture's caption, right under it.

Draw the network for **one example** to see what that example blames: the loss of one input,
backward, then the drawing (each line is then that example's d(loss)/dw, and the input circles
show the example's values):

>>> import nn
>>> from nn import losses
>>> model = nn.MLP(2, [3, 1], rng=0)
>>> loss = losses.mse([model([1.0, -1.0])], [1.0])   # the loss of one example
>>> loss.backward()
>>> g = nn.draw(model, loss)
>>> sorted(line.split()[0] for line in g.body if "[" in line and "->" not in line)[:4]
['L0N0', 'L0N1', 'L0N2', 'L1N0']

A neuron's outputs are found in the loss graph from its weights: the ``dot`` node whose first
input is the neuron's first weight, then the activation node on top of it (none for linear).
Each weight's blame is read from the loss graph too (the sum of ``local x upstream grad`` over
the edges into it), so it is the blame of *this* loss even after ``zero_grad()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import autograd
from autograd import Value
from autograd.names import short_parameter_name
from autograd.viz.colors import NEGATIVE, POSITIVE, ZERO, blame_color, mix, text_color
from autograd.viz.dotlabels import Html, attributes, html_text, quoted_text
from autograd.viz.draw import FONT, RANKDIRS, drawing_class

from ..mlp import MLP, Layer, Neuron
from ..module import Module

if TYPE_CHECKING:
    from autograd.viz.render import Drawing

POSITIVE_WEIGHT = "#1b7837"
"""Colour of a positive weight with ``lines="weights"`` (ColorBrewer PRGn green)."""
NEGATIVE_WEIGHT = "#762a83"
"""Colour of a negative weight with ``lines="weights"`` (ColorBrewer PRGn purple)."""
NO_BLAME = "#e8e8e8"
"""Colour of a line whose weight has no blame at all (d(loss)/dw == 0)."""

DEFAULT_MAX_WEIGHTS = 4000
DEFAULT_TOP_K = 4
DEFAULT_WIDE = 64
LINES = ("blame", "weights")
FONT_SIZE = "10"  # points at natural size; every text in the picture is at least this big
CIRCLE = {"shape": "circle", "fixedsize": "true", "width": "0.72", "fontsize": FONT_SIZE}
MIN_SHADE = 0.15  # the faintest line still shows its sign
MIN_WIDTH, MAX_WIDTH = 0.6, 5.0


def number(x: float) -> str:
    """``x`` with 3 significant digits: fixed for 0.001 <= |x| < 1000, else ``d.dde-N``.

    Every number in the network diagram is written this way, so they line up and compare:

    >>> [number(v) for v in (-6.9e-05, 2e-05, 0.0097, 0.5, 1.0, -12.345, 999.6, 0.0, float("nan"))]
    ['-6.90e-5', '2.00e-5', '0.00970', '0.500', '1.00', '-12.3', '1.00e3', '0', 'nan']
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"
    mantissa, exponent = f"{x:.2e}".split("e")
    e = int(exponent)
    if -3 <= e <= 2:
        return f"{x:.{2 - e}f}"
    return f"{mantissa}e{e}"


def draw(
    model: Module,
    loss: Value | None = None,
    *,
    lines: str | None = None,
    top_k: int | None = DEFAULT_TOP_K,
    wide: int = DEFAULT_WIDE,
    rankdir: str = "LR",
    input_names: Sequence[str] | None = None,
    max_weights: int = DEFAULT_MAX_WEIGHTS,
) -> Drawing:
    """The network as circles by layer, neurons filled by their blame in ``loss``, lines by dL/dw.

    ``lines``: ``"blame"`` (d(loss)/dw, the default with a loss; ``w.grad`` without one) or
    ``"weights"`` (the default without a loss). In a layer with more than ``wide`` weights, each
    neuron draws its ``top_k`` largest incoming lines (``top_k=None``: all) and the column title
    counts the hidden ones. Pass the loss of one example to see that example's blame.
    """
    layers = _layers(model)
    nin = layers[0].nin
    if rankdir not in RANKDIRS:
        raise ValueError(f"nn.draw: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if loss is not None and not isinstance(loss, Value):
        raise TypeError(f"nn.draw: loss must be a Value or None, got {type(loss).__name__} ({loss!r})")
    if lines is None:
        lines = "blame" if loss is not None else "weights"
    if lines not in LINES:
        raise ValueError(f"nn.draw: lines must be one of {LINES}, got {lines!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"nn.draw: top_k must be a positive int or None (draw every line), got {top_k!r}")
    if isinstance(wide, bool) or not isinstance(wide, int) or wide < 0:
        raise ValueError(f"nn.draw: wide must be an int >= 0 (0 thins every layer), got {wide!r}")
    names = _input_names(input_names, nin)
    weights = sum(layer.nin * layer.nout for layer in layers)
    if isinstance(max_weights, bool) or not isinstance(max_weights, int) or max_weights < 1:
        raise ValueError(f"nn.draw: max_weights must be a positive int, got {max_weights!r}")
    if weights > max_weights:
        raise ValueError(
            f"nn.draw: the model has {weights} weights, over max_weights={max_weights}; "
            f"draw a smaller model or raise the limit with max_weights=..."
        )
    Drawing = drawing_class("nn.draw")

    order = autograd.topological_order(loss) if loss is not None else None  # one walk for all below
    blame, uses, blocked = _neuron_blame(layers, order) if order is not None else ({}, {}, {})
    dead = {key for key, n in blocked.items() if n == uses[key]}
    grads = _weight_blame(layers, order)
    largest = max((abs(b) for b in blame.values() if math.isfinite(b)), default=0.0)
    if lines == "blame":
        value = {key: grads[key] for key, _ in _weights(layers)}
    else:
        value = {key: w.data for key, w in _weights(layers)}
    largest_line = max((abs(v) for v in value.values() if math.isfinite(v)), default=0.0)

    # Which lines each neuron draws: all of them, or its top_k by |value| in a wide layer.
    shown: dict[tuple[int, int], list[int]] = {}
    hidden_in_layer = [0] * len(layers)
    for i, layer in enumerate(layers):
        thin = top_k is not None and layer.nin * layer.nout > wide and layer.nin > top_k
        for j in range(layer.nout):
            ks = list(range(layer.nin))
            if thin:  # the top_k largest, never a line of value 0 (a ReLU that never fired)
                ks = sorted(sorted((k for k in ks if value[(i, j, k)] != 0.0), key=lambda k: -_size(value[(i, j, k)]))[:top_k])
            shown[(i, j)] = ks
            hidden_in_layer[i] += layer.nin - len(ks)

    g = Drawing(
        name="network",
        graph_attr={"rankdir": rankdir, "fontname": FONT, "fontsize": FONT_SIZE, "splines": "line",
                    "nodesep": "0.15", "ranksep": "1.8", "outputorder": "edgesfirst",
                    "labelloc": "b", "labeljust": "c", "remincross": "false"},  # remincross: keep the order
        node_attr={"fontname": FONT, "fontsize": FONT_SIZE},
        edge_attr={"arrowhead": "none"},
    )
    example = _one_example(layers, order) if order is not None else None
    columns = [("inputs", [_input_node(k, name, None if example is None else example[k]) for k, name in enumerate(names)])]
    last = len(layers) - 1
    for i, layer in enumerate(layers):
        title = ("output" if i == last else f"hidden {i + 1}") + f" ({layer.neurons[0].activation})"
        if hidden_in_layer[i]:
            title += f"\ntop {top_k} of {layer.nin} lines in each\n({hidden_in_layer[i]} of {layer.nin * layer.nout} not drawn)"
        nodes = [
            _neuron_node(i, j, n, blame.get((i, j)), uses.get((i, j), 0), (i, j) in dead, largest,
                         [(k, value[(i, j, k)]) for k in sorted(set(range(layer.nin)) - set(shown[(i, j)]))], lines,
                         grads[(i, j, "b")])
            for j, n in enumerate(layer.neurons)
        ]
        columns.append((title, nodes))
    for k, (title, nodes) in enumerate(columns):
        # The title is a node at the head of its column, not the cluster's label: nodes are drawn
        # after the lines (outputorder=edgesfirst), so its white box keeps it readable.
        head = {"shape": "plaintext", "style": "filled", "fillcolor": "white", "fontsize": "12",
                "margin": "0.04,0.02", "label": Html(_lines_html(title)), "tooltip": quoted_text(title.replace("\n", " "))}
        g.body.append(f"\tsubgraph cluster_{k} {{\n")
        g.body.append(f"\t\t{attributes({'label': '', 'color': '#bbbbbb', 'style': 'rounded'})}\n")  # not the caption
        g.body.append(f"\t\ttitle{k} [{attributes(head)}]\n")
        g.body.extend("\t" + line for line in nodes)
        ids = [f"title{k}"] + [line.split()[0] for line in nodes]
        if rankdir in ("LR", "RL"):
            ids.reverse()  # dot lays out top to bottom, then turns: a flat edge then points up
        g.body.append(f"\t\t{{rank=same; {' -> '.join(ids)} [style=invis]}}\n")  # index order down the column
        g.body.append("\t}\n")
    firsts = ["x0"] + [f"L{i}N0" for i in range(len(layers))]
    for a, b in zip(firsts, firsts[1:]):  # one column per layer even where no line is drawn
        g.body.append(f"\t{a} -> {b} [style=invis]\n")
    edges = []
    for i, layer in enumerate(layers):
        sources = [f"x{k}" for k in range(nin)] if i == 0 else [f"L{i - 1}N{k}" for k in range(layer.nin)]
        for j, n in enumerate(layer.neurons):
            for k in shown[(i, j)]:
                edges.append((_size(value[(i, j, k)]), sources[k], i, j, k, n.w[k]))
    edges.sort(key=lambda e: e[0])  # the strongest lines are drawn last, on top
    for _, src, i, j, k, w in edges:
        g.body.append(_weight_edge(src, f"L{i}N{j}", short_parameter_name(f"layers.{i}.neurons.{j}.w.{k}"),
                                   w, grads[(i, j, k)], lines, largest_line))
    g.graph_attr["label"] = "<" + _legend(largest, largest_line, lines, top_k if any(hidden_in_layer) else None,
                                          bool(dead), loss is None or loss.grad != 0.0) + ">"
    return g


def _size(v: float) -> float:
    return abs(v) if math.isfinite(v) else math.inf


def _lines_html(text: str) -> str:
    return "<BR/>".join(html_text(part) for part in text.split("\n"))



def _layers(model: Module) -> list[Layer]:
    if isinstance(model, MLP):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    if isinstance(model, Neuron):
        layer = Layer.__new__(Layer)  # a view of one neuron as a layer of one: no new weights
        layer.nin, layer.nout, layer.neurons = model.nin, 1, [model]
        return [layer]
    raise TypeError(f"nn.draw: model must be an nn.MLP, nn.Layer or nn.Neuron, got {type(model).__name__}")


def _weights(layers: list[Layer]) -> list[tuple[tuple[int, int, int], Value]]:
    return [((i, j, k), w) for i, layer in enumerate(layers) for j, n in enumerate(layer.neurons)
            for k, w in enumerate(n.w)]


def _input_names(names: Sequence[str] | None, nin: int) -> list[str]:
    if names is None:
        return [f"x{k}" for k in range(nin)]
    names = list(names)
    if len(names) != nin or not all(isinstance(s, str) for s in names):
        raise ValueError(f"nn.draw: input_names must be {nin} strings, got {names!r}")
    return names


def _weight_blame(layers: list[Layer], order: list[Value] | None) -> dict[tuple, float]:
    """d(loss)/dw per weight ``(i, j, k)`` and bias ``(i, j, "b")``: the sum of ``local x upstream
    grad`` over the loss graph's edges into it. Without a loss, ``w.grad`` (from the last backward).
    """
    weights = _weights(layers) + [((i, j, "b"), n.b) for i, layer in enumerate(layers) for j, n in enumerate(layer.neurons)]
    if order is None:
        return {key: w.grad for key, w in weights}
    where = {id(w): key for key, w in weights}
    total = dict.fromkeys(where.values(), 0.0)
    for v in order:
        edges = v._edges
        g = v.grad
        for m in range(0, len(edges), 2):
            key = where.get(id(edges[m]))
            if key is not None:
                total[key] += edges[m + 1] * g
    return total


def _neuron_blame(layers: list[Layer], order: list[Value]) -> tuple[dict, dict, dict]:
    """Per neuron ``(i, j)``: the sum of d(loss)/d(output) over its outputs in the loss graph,
    how many outputs there are, and how many of them pass no blame back (a ReLU at 0)."""
    first_weight = {id(n.w[0]): (i, j) for i, layer in enumerate(layers) for j, n in enumerate(layer.neurons)}
    activation = {key: layers[key[0]].neurons[key[1]].activation for key in first_weight.values()}
    dots: dict[int, tuple[int, int]] = {}
    blame: dict[tuple[int, int], float] = {}
    uses: dict[tuple[int, int], int] = {}
    blocked: dict[tuple[int, int], int] = {}
    for v in order:
        edges = v._edges
        if not edges:
            continue
        if v.op == "dot" and id(edges[0]) in first_weight:
            key = first_weight[id(edges[0])]
            dots[id(v)] = key
            if activation[key] == "linear":
                blame[key] = blame.get(key, 0.0) + v.grad
                uses[key] = uses.get(key, 0) + 1
        elif len(edges) == 2 and id(edges[0]) in dots:
            key = dots[id(edges[0])]
            if v.op == activation[key]:
                blame[key] = blame.get(key, 0.0) + v.grad
                uses[key] = uses.get(key, 0) + 1
                if edges[1] == 0.0:  # d(output)/d(w.x + b) = 0: a ReLU at 0 passes no blame back
                    blocked[key] = blocked.get(key, 0) + 1
    return blame, uses, blocked


def _one_example(layers: list[Layer], order: list[Value]) -> list[float] | None:
    """The input values when the loss saw exactly one example (the first layer ran once), else None."""
    first = layers[0].neurons[0].w[0]
    seen = [v for v in order if v.op == "dot" and v._edges and v._edges[0] is first]
    if len(seen) != 1:
        return None
    return [seen[0]._edges[4 * k + 2].data for k in range(layers[0].nin)]


def _input_node(k: int, name: str, value: float | None) -> str:
    label = html_text(name) if value is None else f"{html_text(name)}<BR/>= {html_text(number(value))}"
    tip = f"input {k}: {name}" + ("" if value is None else f" = {number(value)} (the one example)")
    attrs = {**CIRCLE, "label": Html(label), "style": "filled", "fillcolor": "#eeeeee", "tooltip": quoted_text(tip)}
    return f"\tx{k} [{attributes(attrs)}]\n"


def _neuron_node(i: int, j: int, n: Neuron, blame: float | None, uses: int, dead: bool, largest: float,
                 hidden: list[tuple[int, float]], lines: str, bias_blame: float) -> str:
    fill = blame_color(blame, largest) if blame is not None else None
    tip = f"L{i}N{j} = layers.{i}.neurons.{j} ({n.activation})"
    if blame is not None:
        tip += f"\nblame dL/d(output) = {number(blame)}, summed over {uses} use{'s' if uses != 1 else ''}"
    if dead:
        tip += f"\n{n.activation} was 0 on {'all ' if uses > 1 else ''}{uses} use{'s' if uses != 1 else ''}: no blame reaches its weights"
    tip += f"\nb = {number(n.b.data)}, dL/db = {number(bias_blame)}"
    if hidden:
        what = "dL/dw" if lines == "blame" else "w"
        biggest = max(abs(v) for _, v in hidden)
        tip += (f"\n{len(hidden)} of {n.nin} lines in not drawn: their {what} sum to "
                f"{number(sum(v for _, v in hidden))}, largest |{what}| {number(biggest)}")
    shown = number(blame) if blame is not None else ""
    attrs = {**CIRCLE, "label": Html(html_text(shown)), "tooltip": quoted_text(tip),
             "style": "filled,dashed" if dead else "filled",
             "fillcolor": fill or "#ffffff", "fontcolor": text_color(fill)}  # filled: lines pass behind
    return f"\tL{i}N{j} [{attributes(attrs)}]\n"


def line_style(v: float, largest: float, lines: str) -> tuple[str, float]:
    """Colour and width of a line whose value (d(loss)/dw or w) is ``v``, ``largest`` the biggest |v|."""
    t = min(abs(v) / largest, 1.0) if largest > 0.0 and math.isfinite(v) else (1.0 if largest > 0.0 else 0.0)
    width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * t
    if lines == "weights":
        return mix(ZERO, POSITIVE_WEIGHT if v >= 0 else NEGATIVE_WEIGHT, 0.3 + 0.7 * t), width
    if v == 0.0 or not largest > 0.0 or math.isnan(v):
        return NO_BLAME, width
    return mix(ZERO, POSITIVE if v > 0 else NEGATIVE, round(MIN_SHADE + (1 - MIN_SHADE) * t, 3)), width


def _weight_edge(src: str, dst: str, name: str, w: Value, grad: float, lines: str, largest: float) -> str:
    color, width = line_style(grad if lines == "blame" else w.data, largest, lines)
    attrs = {
        "penwidth": f"{width:.2f}",
        "color": color,
        "tooltip": quoted_text(f"{name}: w = {number(w.data)}, dL/dw = {number(grad)}"),
    }
    return f"\t{src} -> {dst} [{attributes(attrs)}]\n"


def _scale_row(largest: float, color: Callable[[float], str | None]) -> str:
    """Five equal swatches from -largest to +largest, as one cell of the caption."""
    cells = []
    for t in (-1.0, -0.5, 0.0, 0.5, 1.0):
        fill = color(t * largest)
        cells.append(f'<TD BGCOLOR="{fill}" WIDTH="64" HEIGHT="18" FIXEDSIZE="TRUE"><FONT COLOR="{text_color(fill)}">'
                     f'{html_text(number(t * largest))}</FONT></TD>')
    return f'<TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0"><TR>{"".join(cells)}</TR></TABLE></TD>'


def _legend(largest: float, largest_line: float, lines: str, top_k: int | None, dead: bool, ran: bool) -> str:
    """The caption: the neuron scale, the line scale, and what is left out."""
    rows = []
    if largest > 0.0:
        rows.append('<TR><TD ALIGN="LEFT">neuron: dL/d(output), summed over the examples&#160;&#160;&#160;&#160;</TD></TR>'
                    f'<TR>{_scale_row(largest, lambda b: blame_color(b, largest))}</TR>')
    if lines == "blame" and largest_line > 0.0:
        rows.append('<TR><TD ALIGN="LEFT">line: dL/dw of its weight (width |dL/dw|)&#160;&#160;&#160;&#160;</TD></TR>'
                    f'<TR>{_scale_row(largest_line, lambda b: line_style(b, largest_line, lines)[0])}</TR>')
        rows.append('<TR><TD ALIGN="LEFT">red: raising it raises the loss L; blue: lowers it&#160;&#160;&#160;&#160;</TD></TR>')
    elif lines == "blame":
        why = "backward() has not run on it" if not ran else "this loss does not change with any weight"
        rows.append(f'<TR><TD ALIGN="LEFT">line: dL/dw of its weight: all 0 ({why})&#160;&#160;&#160;&#160;</TD></TR>')
    else:
        if largest > 0.0:
            rows.append('<TR><TD ALIGN="LEFT">red: raising it raises the loss L; blue: lowers it&#160;&#160;&#160;&#160;</TD></TR>')
        rows.append('<TR><TD ALIGN="LEFT">line: a weight w; width |w|, green +, purple -&#160;&#160;&#160;&#160;</TD></TR>')
    if dead:
        rows.append('<TR><TD ALIGN="LEFT">dashed circle: a ReLU that was 0 on every example: '
                    'no blame reaches its weights&#160;&#160;&#160;&#160;</TD></TR>')
    if top_k is not None:
        what = "|dL/dw|" if lines == "blame" else "|w|"
        rows.append(f'<TR><TD ALIGN="LEFT">wide layers: each neuron\'s {top_k} lines in with the largest '
                    f'{what} (not 0); hover a neuron for the rest&#160;&#160;&#160;&#160;</TD></TR>')
    return ('<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="1" CELLPADDING="5" COLOR="#888888">'
            + "".join(rows) + "</TABLE>")
