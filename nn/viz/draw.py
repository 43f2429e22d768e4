"""The network diagram: ``nn.draw(model, loss)``, the "blame game" picture of an MLP.

Neurons are circles in columns (inputs, hidden layers, output). Each connection is one weight:
its width grows with |w|, its colour gives the sign (green positive, purple negative). After
``loss.backward()``, each neuron is filled by its blame: d(loss)/d(neuron's output), summed over
every time the neuron ran (once per example in a batch), on the same red/blue scale as
:func:`autograd.draw`. Hover a circle or a line in the SVG for the exact weight and gradient.

A neuron's outputs are found in the loss graph from its weights: the ``dot`` node whose first
input is the neuron's first weight, then the activation node on top of it (none for linear).

>>> import nn
>>> from nn import losses
>>> model = nn.MLP(2, [3, 1], rng=0)
>>> loss = losses.mse([model([1.0, -1.0])], [1.0])
>>> loss.backward()
>>> g = nn.draw(model, loss)
>>> sorted(line.split()[0] for line in g.body if "[" in line and "->" not in line)[:5]
['L0N0', 'L0N1', 'L0N2', 'L1N0', 'legend']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import autograd
from autograd import Value
from autograd.viz.colors import blame_color, mix, text_color
from autograd.viz.dotlabels import Html, attributes, html_text, quoted_text
from autograd.viz.draw import FONT, RANKDIRS, drawing_class, legend_node

from ..mlp import MLP, Layer, Neuron
from ..module import Module

if TYPE_CHECKING:
    from autograd.viz.render import Drawing

POSITIVE_WEIGHT = "#1b7837"
"""Colour of a positive weight (ColorBrewer PRGn green)."""
NEGATIVE_WEIGHT = "#762a83"
"""Colour of a negative weight (ColorBrewer PRGn purple)."""

DEFAULT_MAX_WEIGHTS = 4000
CIRCLE = {"shape": "circle", "fixedsize": "true", "width": "0.65", "fontsize": "8"}


def draw(
    model: Module,
    loss: Value | None = None,
    *,
    rankdir: str = "LR",
    input_names: Sequence[str] | None = None,
    max_weights: int = DEFAULT_MAX_WEIGHTS,
) -> Drawing:
    """The network as circles by layer; weights as lines; neurons filled by their blame in ``loss``."""
    layers = _layers(model)
    nin = layers[0].nin
    if rankdir not in RANKDIRS:
        raise ValueError(f"nn.draw: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if loss is not None and not isinstance(loss, Value):
        raise TypeError(f"nn.draw: loss must be a Value or None, got {type(loss).__name__} ({loss!r})")
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

    blame, uses = _neuron_blame(layers, loss) if loss is not None else ({}, {})
    largest = max((abs(b) for b in blame.values() if math.isfinite(b)), default=0.0)
    largest_w = max((abs(w.data) for layer in layers for n in layer.neurons for w in n.w), default=0.0)

    g = Drawing(
        name="network",
        graph_attr={"rankdir": rankdir, "fontname": FONT, "fontsize": "11", "splines": "line",
                    "nodesep": "0.12", "ranksep": "2.2", "outputorder": "edgesfirst"},
        node_attr={"fontname": FONT, "fontsize": "9"},
        edge_attr={"arrowhead": "none"},
    )
    columns = [("inputs", [_input_node(k, name) for k, name in enumerate(names)])]
    last = len(layers) - 1
    for i, layer in enumerate(layers):
        title = ("output" if i == last else f"hidden {i + 1}") + f" ({layer.neurons[0].activation})"
        nodes = [
            _neuron_node(i, j, n, blame.get((i, j)), uses.get((i, j), 0), largest)
            for j, n in enumerate(layer.neurons)
        ]
        columns.append((title, nodes))
    for k, (title, nodes) in enumerate(columns):
        g.body.append(f"\tsubgraph cluster_{k} {{\n")
        g.body.append(f"\t\t{attributes({'label': Html(html_text(title)), 'color': '#bbbbbb', 'style': 'rounded'})}\n")
        g.body.extend("\t" + line for line in nodes)
        g.body.append("\t}\n")
    for i, layer in enumerate(layers):
        sources = [f"x{k}" for k in range(nin)] if i == 0 else [f"L{i - 1}N{k}" for k in range(layer.nin)]
        for j, n in enumerate(layer.neurons):
            for k, w in enumerate(n.w):
                g.body.append(_weight_edge(sources[k], f"L{i}N{j}", f"layers.{i}.neurons.{j}.w.{k}", w, largest_w))
    notes = ["neuron fill: d(loss)/d(neuron output), summed over the batch",
             "red: raising the output raises the loss; blue: lowers it",
             "line: a weight; width |w|, green +, purple -"]
    if largest > 0.0:
        g.body.append(legend_node(largest, "blame of each neuron", notes))
    else:
        label = Html(html_text(notes[2]))
        g.body.append(f"\tlegend [{attributes({'shape': 'plain', 'label': label, 'tooltip': 'legend'})}]\n")
    g.body.append(f"\tL{last}N0 -> legend [style=invis]\n")  # the legend in a column of its own
    return g


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


def _input_names(names: Sequence[str] | None, nin: int) -> list[str]:
    if names is None:
        return [f"x{k}" for k in range(nin)]
    names = list(names)
    if len(names) != nin or not all(isinstance(s, str) for s in names):
        raise ValueError(f"nn.draw: input_names must be {nin} strings, got {names!r}")
    return names


def _neuron_blame(layers: list[Layer], loss: Value) -> tuple[dict, dict]:
    """Per neuron ``(i, j)``: the sum of d(loss)/d(output) over its outputs in the loss graph."""
    first_weight = {id(n.w[0]): (i, j) for i, layer in enumerate(layers) for j, n in enumerate(layer.neurons)}
    activation = {key: layers[key[0]].neurons[key[1]].activation for key in first_weight.values()}
    dots: dict[int, tuple[int, int]] = {}
    blame: dict[tuple[int, int], float] = {}
    uses: dict[tuple[int, int], int] = {}
    for v in autograd.topological_order(loss):
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
    return blame, uses


def _input_node(k: int, name: str) -> str:
    attrs = {**CIRCLE, "label": Html(html_text(name)), "style": "filled", "fillcolor": "#eeeeee",
             "tooltip": quoted_text(f"input {k}: {name}")}
    return f"\tx{k} [{attributes(attrs)}]\n"


def _neuron_node(i: int, j: int, n: Neuron, blame: float | None, uses: int, largest: float) -> str:
    fill = blame_color(blame, largest) if blame is not None else None
    tip = f"layers.{i}.neurons.{j} ({n.activation}): b = {n.b.data:.6g}, d(loss)/db = {n.b.grad:.6g}"
    if blame is not None:
        tip += f"\nblame d(loss)/d(output) = {blame:.6g}, summed over {uses} use{'s' if uses != 1 else ''}"
    shown = f"{blame:.2g}" if blame is not None else ""
    attrs = {**CIRCLE, "label": Html(html_text(shown)), "tooltip": quoted_text(tip), "style": "filled",
             "fillcolor": fill or "#ffffff", "fontcolor": text_color(fill)}  # filled: lines pass behind
    return f"\tL{i}N{j} [{attributes(attrs)}]\n"


def _weight_edge(src: str, dst: str, name: str, w: Value, largest: float) -> str:
    t = min(abs(w.data) / largest, 1.0) if largest > 0.0 and math.isfinite(w.data) else 0.0
    color = mix("#ffffff", POSITIVE_WEIGHT if w.data >= 0 else NEGATIVE_WEIGHT, 0.3 + 0.7 * t)
    attrs = {
        "penwidth": f"{0.3 + 4.2 * t:.2f}",
        "color": color,
        "tooltip": quoted_text(f"{name} = {w.data:.6g}, d(loss)/dw = {w.grad:.6g}"),
    }
    return f"\t{src} -> {dst} [{attributes(attrs)}]\n"
