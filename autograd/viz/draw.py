"""Drawing a computation graph with the blame on it: ``autograd.draw(loss)``.

As micrograd draws it: one box per Value (its label, data and grad) and one small node per op
between the op's inputs and its output. After ``backward()`` the drawing shows the blame:

- each input edge is labelled with, and as thick as, the blame it carries back:
  ``local derivative x upstream grad`` (a node used twice, as in ``a * a``, has two edges);
- each box is filled by its grad relative to the largest |grad| in the drawing: red when raising
  the value raises the output, blue when it lowers it (:mod:`autograd.viz.colors`), with a legend.
  Before backward every grad is 0 and nothing is coloured.

Nodes made inside :func:`autograd.scope` are drawn inside a labelled cluster (nested scopes give
nested clusters); ``collapse="neuron"``, ``"layer"`` or a depth draws a whole scope as one box.
Node ids come from topological position (``n0``, ``n1``...), so the same graph always gives the
same DOT source. Building the DOT source needs the ``graphviz`` package; rendering it needs
Graphviz's ``dot`` or graphviz-pure (see :mod:`autograd.viz.render`).

>>> from autograd import Value, draw
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> c.backward()
>>> g = draw(c)
>>> [line.strip().split(" [")[0] for line in g.body if "->" in line]   # op -> output, inputs -> op
['n2op -> n2', 'n0 -> n2op', 'n1 -> n2op']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from .colors import NEGATIVE, POSITIVE, ZERO, blame_color, mix, text_color
from .dotlabels import Html, attributes, html_text, num, quoted_text
from ..graph import topological_order
from ..value import Value

if TYPE_CHECKING:
    from .render import Drawing

Collapse = int | str | None
NodeAttrs = Callable[[Value], "dict[str, str]"]

DEFAULT_MAX_NODES = 400
"""Most shapes (value boxes + op nodes) a drawing may have before :func:`draw` refuses."""

RANKDIRS = ("LR", "RL", "TB", "BT")
COLLAPSE_NAMES = {"layer": "layers", "neuron": "neurons"}
FONT = "Helvetica"


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    blame: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    collapse: Collapse = None,
    node_attrs: NodeAttrs | None = None,
) -> Drawing:
    """The computation graph below ``root`` as a ``graphviz.Digraph``, blame shown after backward.

    ``collapse``: ``"neuron"`` or ``"layer"`` (scopes like ``layers.0.neurons.3`` / ``layers.0``)
    or an int depth of nested scopes; each such scope becomes one box with its total blame.
    ``node_attrs(value)`` may return extra DOT attributes for a value's box.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, got {type(root).__name__} ({root!r})")
    if not isinstance(rankdir, str) or rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if not isinstance(blame, bool):
        raise TypeError(f"draw: blame must be True or False, got {type(blame).__name__} ({blame!r:.80})")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive int, got {max_nodes!r}")
    if node_attrs is not None and not callable(node_attrs):
        raise TypeError(f"draw: node_attrs must be a function of a Value or None, got {node_attrs!r}")
    _check_collapse(collapse)
    if collapse is None:
        _guard_size(root, max_nodes)  # stops walking once the limit is passed: big graphs fail fast
    Drawing = drawing_class("draw")

    order = topological_order(root)
    plan = _Plan(order, collapse)
    if plan.shape_count > max_nodes:
        raise ValueError(_too_big(f"has {plan.shape_count} shapes to draw even collapsed", max_nodes))

    g = Drawing(name="autograd", graph_attr={"rankdir": rankdir, "fontname": FONT, "fontsize": "11"},
                node_attr={"fontname": FONT, "fontsize": "11"}, edge_attr={"fontname": FONT, "fontsize": "9"})
    largest_grad = plan.largest_grad() if blame else 0.0
    edges = plan.edges()
    largest_edge = max((abs(e[2]) for e in edges if math.isfinite(e[2])), default=0.0) if blame else 0.0

    lines: dict[str | None, list[str]] = {}  # cluster path -> DOT statements placed in it
    for i, v in enumerate(order):
        if plan.group[i] is not None:
            continue
        where = lines.setdefault(plan.cluster[i], [])
        where.append(_value_node(f"n{i}", v, largest_grad, node_attrs))
        if v._edges:
            where.append(_op_node(f"n{i}", v))
            where.append(f"\tn{i}op -> n{i}\n")
    for k, path in enumerate(plan.groups):
        lines.setdefault(plan.parent_cluster(path), []).append(
            _group_node(f"g{k}", path, plan.group_size[path], plan.group_blame[path], largest_grad)
        )
    _emit_clusters(g, plan, lines)
    for src, dst, contribution, count, how in edges:
        g.body.append(_input_edge(src, dst, contribution, count, how, largest_edge))
    if largest_grad > 0.0:
        g.body.append(_legend(largest_grad))
    return g


draw_dot = draw
"""micrograd's name for :func:`draw`."""


def drawing_class(where: str) -> type[Drawing]:
    """:class:`~autograd.render.Drawing`, or an error saying how to install the graphviz package."""
    try:
        from .render import Drawing
    except ModuleNotFoundError as error:
        if error.name != "graphviz":
            raise
        raise ModuleNotFoundError(
            f"{where}: drawing needs the graphviz Python package: pip install \"blamegrad[viz]\" "
            f"(or \"blamegrad[viz-pure]\" to render without installing Graphviz itself)",
            name="graphviz",
        ) from None
    return Drawing


# -- size guard ---------------------------------------------------------------------------------


def _too_big(what: str, max_nodes: int) -> str:
    return (
        f"draw: the graph {what}, over max_nodes={max_nodes}. Draw each module as one box with "
        f"collapse='neuron' or collapse='layer' (or collapse=1 for the outermost scopes), draw a "
        f"smaller piece (one example, one neuron), or raise the limit with max_nodes=..."
    )


def _guard_size(root: Value, max_nodes: int) -> None:
    """Count shapes (a box per value, a node per op) until ``max_nodes`` is passed; raise then."""
    seen = {id(root)}
    stack = [root]
    shapes = 0
    while stack:
        node = stack.pop()
        edges = node._edges
        shapes += 2 if edges else 1
        if shapes > max_nodes:
            raise ValueError(_too_big(f"has more than {max_nodes} shapes (value boxes and op nodes)", max_nodes))
        for i in range(0, len(edges), 2):
            parent = edges[i]
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)


def _check_collapse(collapse: Collapse) -> None:
    if collapse is None or isinstance(collapse, str) and collapse in COLLAPSE_NAMES:
        return
    if isinstance(collapse, int) and not isinstance(collapse, bool) and collapse >= 1:
        return
    raise ValueError(
        f"draw: collapse must be None, 'neuron', 'layer' or a scope depth >= 1, got {collapse!r}"
    )


# -- which cluster and which collapsed box each node goes in -------------------------------------


def _cluster_paths(scope: str) -> list[str]:
    """The clusters a scope sits in, outermost first: indexed prefixes and the scope itself.

    ``layers.0.neurons.3`` -> ``["layers.0", "layers.0.neurons.3"]``; ``"block"`` -> ``["block"]``.
    """
    parts = scope.split(".")
    paths = [".".join(parts[: j + 1]) for j in range(len(parts) - 1) if parts[j].isdigit()]
    return paths + [scope]


class _Plan:
    """Where every node of ``order`` is drawn: its cluster, or the collapsed box that replaces it."""

    def __init__(self, order: list[Value], collapse: Collapse) -> None:
        self.order = order
        self.index = {id(v): i for i, v in enumerate(order)}
        chains: dict[str | None, list[str]] = {None: []}
        self.cluster: list[str | None] = []
        self.group: list[str | None] = []
        self.clusters: list[str] = []  # every cluster path, in order of first appearance
        seen_clusters: set[str] = set()
        for v in order:
            scope = v._scope
            chain = chains.get(scope)
            if chain is None:
                chain = chains[scope] = _cluster_paths(scope)  # type: ignore[arg-type]
            group = _group_of(chain, collapse)
            self.group.append(group)
            visible = chain if group is None else chain[: chain.index(group)]
            self.cluster.append(visible[-1] if visible else None)
            for path in visible:
                if path not in seen_clusters:
                    seen_clusters.add(path)
                    self.clusters.append(path)
        self.groups: list[str] = list(dict.fromkeys(g for g in self.group if g is not None))
        self.group_id = {path: f"g{k}" for k, path in enumerate(self.groups)}
        self.group_size = {path: 0 for path in self.groups}
        for g in self.group:
            if g is not None:
                self.group_size[g] += 1
        self.group_blame = self._group_blame()
        shown = sum(2 if v._edges else 1 for v, g in zip(order, self.group) if g is None)
        self.shape_count = shown + len(self.groups)

    def parent_cluster(self, path: str) -> str | None:
        """The innermost visible cluster around ``path`` (a collapsed box or a cluster)."""
        best = None
        for c in self.clusters:
            if path.startswith(c + ".") and (best is None or len(c) > len(best)):
                best = c
        return best

    def _group_blame(self) -> dict[str, float]:
        """Per collapsed box: sum of grads of its nodes that are used outside it (or are the root)."""
        exits: dict[int, str] = {}
        last = len(self.order) - 1
        if last >= 0 and self.group[last] is not None:
            exits[last] = self.group[last]  # type: ignore[assignment]
        for i, v in enumerate(self.order):
            edges = v._edges
            for j in range(0, len(edges), 2):
                p = self.index[id(edges[j])]
                if self.group[p] is not None and self.group[p] != self.group[i]:
                    exits[p] = self.group[p]  # type: ignore[assignment]
        blame = {path: 0.0 for path in self.groups}
        for p, path in sorted(exits.items()):
            blame[path] += self.order[p].grad
        return blame

    def largest_grad(self) -> float:
        """Largest finite |grad| among what is drawn (values and collapsed boxes)."""
        grads = [v.grad for v, g in zip(self.order, self.group) if g is None]
        grads += list(self.group_blame.values())
        return max((abs(x) for x in grads if math.isfinite(x)), default=0.0)

    def edges(self) -> list[tuple[str, str, float, int, str]]:
        """Input edges ``(src, dst, blame, count, how)``; edges touching a collapsed box are merged."""
        plain: list[tuple[str, str, float, int, str]] = []
        merged: dict[tuple[str, str], list[float]] = {}
        for i, v in enumerate(self.order):
            edges = v._edges
            if not edges:
                continue
            dst = self.group_id[self.group[i]] if self.group[i] is not None else f"n{i}op"  # type: ignore[index]
            g = v.grad
            for j in range(0, len(edges), 2):
                p = self.index[id(edges[j])]
                src = self.group_id[self.group[p]] if self.group[p] is not None else f"n{p}"  # type: ignore[index]
                if src == dst:
                    continue
                local = edges[j + 1]
                contribution = local * g
                if self.group[p] is None and self.group[i] is None:
                    how = f"local derivative {_precise(local)} x upstream grad {_precise(g)}"
                    plain.append((src, dst, contribution, 1, how))
                else:
                    acc = merged.setdefault((src, dst), [0.0, 0])
                    acc[0] += contribution
                    acc[1] += 1
        for (src, dst), (total, count) in merged.items():
            plain.append((src, dst, total, int(count), f"sum over {int(count)} edges"))
        return plain


def _group_of(chain: list[str], collapse: Collapse) -> str | None:
    """The cluster in ``chain`` that ``collapse`` turns into one box, or ``None``."""
    if collapse is None or not chain:
        return None
    if isinstance(collapse, int):
        return chain[collapse - 1] if len(chain) >= collapse else None
    word = COLLAPSE_NAMES[collapse]
    for path in chain:
        parts = path.split(".")
        if (len(parts) >= 2 and parts[-2] == word and parts[-1].isdigit()) or parts[-1] == collapse:
            return path
    return None


def _emit_clusters(g: object, plan: _Plan, lines: dict[str | None, list[str]]) -> None:
    """Nested ``subgraph cluster_k`` blocks, innermost built first (no recursion)."""
    import graphviz

    depth = {path: 0 for path in plan.clusters}
    parent = {path: plan.parent_cluster(path) for path in plan.clusters}
    for path in plan.clusters:
        d, p = 0, parent[path]
        while p is not None:
            d, p = d + 1, parent[p]
        depth[path] = d
    built: dict[str, graphviz.Digraph] = {}
    numbered = {path: k for k, path in enumerate(plan.clusters)}
    for path in sorted(plan.clusters, key=lambda c: (-depth[c], numbered[c])):
        sub = graphviz.Digraph(name=f"cluster_{numbered[path]}")
        shown = path if parent[path] is None else path[len(parent[path]) + 1 :]  # type: ignore[arg-type]
        sub.attr(label=f'<<FONT POINT-SIZE="10">{html_text(shown)}</FONT>>', style="rounded,dashed",
                 color="#888888", fontname=FONT, tooltip=quoted_text(f"scope {path}"))
        sub.body.extend(lines.get(path, []))
        children = sorted((c for c in plan.clusters if parent[c] == path), key=numbered.__getitem__)
        for child in children:
            sub.subgraph(built.pop(child))
        built[path] = sub
    g.body.extend(lines.get(None, []))  # type: ignore[attr-defined]
    for path in plan.clusters:
        if parent[path] is None:
            g.subgraph(built.pop(path))  # type: ignore[attr-defined]


# -- the DOT statements --------------------------------------------------------------------------


def _precise(x: float) -> str:
    """12 significant digits for tooltips (the last bits of libm results differ between systems)."""
    return f"{x:.12g}"


def _value_node(name: str, v: Value, largest: float, node_attrs: NodeAttrs | None) -> str:
    fill = blame_color(v.grad, largest)
    cells = []
    if v.label:
        cells.append(f"<B>{html_text(v.label)}</B>")
    cells += [f"data {num(v.data)}", f"grad {num(v.grad)}"]
    row = "<VR/>".join(f"<TD>{c}</TD>" for c in cells)
    attrs = {
        "shape": "box",
        "label": Html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR>{row}</TR></TABLE>'),
        "tooltip": quoted_text(
            f"{v.label or name}: data = {_precise(v.data)}, grad = {_precise(v.grad)}"
            + (f", made by {v.op}" if v.op else ", a leaf")
            + (f", scope {v.scope}" if v.scope else "")
        ),
    }
    if fill is not None:
        attrs.update(style="filled", fillcolor=fill, fontcolor=text_color(fill))
    if node_attrs is not None:
        extra = node_attrs(v)
        if not isinstance(extra, dict) or not all(isinstance(k, str) and isinstance(x, str) for k, x in extra.items()):
            raise TypeError(f"draw: node_attrs must return a dict of str to str, got {extra!r} for {v!r}")
        from graphviz.quoting import quote

        return f"\t{name} [{attributes(attrs)} {' '.join(f'{quote(k)}={quote(x)}' for k, x in extra.items())}]\n"
    return f"\t{name} [{attributes(attrs)}]\n"


def _op_node(name: str, v: Value) -> str:
    fn = v._fn
    formulas = ", ".join(fn.derivative) if fn is not None else ""
    attrs = {
        "shape": "ellipse",
        "label": Html(html_text(fn.label if fn is not None else "?")),
        "height": "0.3",
        "margin": "0.04,0.02",
        "tooltip": quoted_text(f"{v.op}: local derivatives {formulas}"),
    }
    return f"\t{name}op [{attributes(attrs)}]\n"


def _group_node(name: str, path: str, size: int, blame: float, largest: float) -> str:
    fill = blame_color(blame, largest)
    label = Html(
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f"<TR><TD><B>{html_text(path)}</B></TD></TR>"
        f"<TR><TD>{size} nodes</TD></TR><TR><TD>blame {num(blame)}</TD></TR></TABLE>"
    )
    attrs = {"shape": "box3d", "label": label,
             "tooltip": quoted_text(f"scope {path}: {size} nodes drawn as one; blame (grad of its outputs) = {_precise(blame)}")}
    if fill is not None:
        attrs.update(style="filled", fillcolor=fill, fontcolor=text_color(fill))
    return f"\t{name} [{attributes(attrs)}]\n"


def _input_edge(src: str, dst: str, contribution: float, count: int, how: str, largest: float) -> str:
    attrs: dict[str, str] = {}
    if largest > 0.0:
        t = min(abs(contribution) / largest, 1.0) if math.isfinite(contribution) else 1.0
        label = num(contribution) + (f" (x{count})" if count > 1 else "")
        attrs = {
            "label": Html(html_text(label)),
            "penwidth": f"{0.6 + 5.4 * t:.2f}",
            "color": "#999999" if contribution == 0.0 or math.isnan(contribution)
            else mix(ZERO, POSITIVE if contribution > 0 else NEGATIVE, round(0.35 + 0.65 * t, 3)),
            "tooltip": quoted_text(f"blame passed back: {_precise(contribution)} = {how}"),
        }
    return f"\t{src} -> {dst}" + (f" [{attributes(attrs)}]" if attrs else "") + "\n"


def legend_node(largest: float, title: str, notes: list[str]) -> str:
    """A ``legend`` node: the blame colour scale from -largest to +largest, then a line per note."""
    stops = [-1.0, -0.5, 0.0, 0.5, 1.0]
    swatches = "".join(
        f'<TD BGCOLOR="{blame_color(s * largest, largest)}" WIDTH="44">'
        f'<FONT COLOR="{text_color(blame_color(s * largest, largest))}">{html_text(num(s * largest))}</FONT></TD>'
        for s in stops
    )
    rows = "".join(f'<TR><TD COLSPAN="5">{html_text(note)}</TD></TR>' for note in notes)
    label = Html(
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="1" CELLPADDING="3" COLOR="#888888">'
        f'<TR><TD COLSPAN="5"><B>{html_text(title)}</B></TD></TR><TR>{swatches}</TR>{rows}</TABLE>'
    )
    return f"\tlegend [{attributes({'shape': 'plain', 'label': label, 'tooltip': 'legend'})}]\n"


def _legend(largest: float) -> str:
    return legend_node(largest, "blame = value.grad = dL/d(value)", [
        "L: what backward() ran on",
        "red: raising the value raises L; blue: lowers it",
        "edge: local derivative x upstream grad",
    ])
