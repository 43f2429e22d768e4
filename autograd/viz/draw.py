"""Drawing a computation graph with the blame on it: ``autograd.draw(loss)``.

As micrograd draws it: one box per Value (its name, data and grad) and one small node per op
between the op's inputs and its output. After ``backward()`` the drawing shows the blame:

- each input edge is labelled with, and as thick as, the blame it carries back:
  ``local derivative x upstream grad`` (a node used twice, as in ``a * a``, has two edges);
- each box is filled by its grad relative to the largest |grad| in the drawing: red when raising
  the value raises the output, blue when it lowers it (:mod:`autograd.viz.colors`), with a legend.
  Before backward every grad is 0 and nothing is coloured.

Every box adds up: its grad is the blame on the edges leaving it, plus a dashed stub for its uses
that are not drawn (``15 uses not drawn: 2.459``) when the drawing is a piece of a bigger graph (an
interior node, one neuron of a network). Those uses are found in the graph of L, the root of the
latest ``backward()`` (or ``loss=``); when the drawn root is not L, a note beside it says so.

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

from ..graph import topological_order
from ..names import node_names
from ..value import Value, _not_recorded
from .colors import NEGATIVE, POSITIVE, ZERO, blame_color, mix, text_color
from .dotlabels import Html, attributes, html_text, num, quoted_text

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
    loss: Value | None = None,
) -> Drawing:
    """The computation graph below ``root`` as a ``graphviz.Digraph``, blame shown after backward.

    ``collapse``: ``"neuron"`` or ``"layer"`` (scopes like ``layers.0.neurons.3`` / ``layers.0``)
    or an int depth of nested scopes; each such scope becomes one box with its total blame.
    ``node_attrs(value)`` may return extra DOT attributes for a value's box.
    ``loss``: the L whose backward gave the grads (default: the latest ``backward()`` root). When
    ``root`` is not L, uses of drawn values outside the drawing become dashed stubs with their blame.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, got {type(root).__name__} ({root!r})")
    if loss is not None and not isinstance(loss, Value):
        raise TypeError(f"draw: loss must be the Value backward() ran on, or None; got {type(loss).__name__} ({loss!r})")
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

    loss_info = _loss_of(root, loss)  # checks ``loss`` even when blame is off
    g = Drawing(name="autograd", graph_attr={"rankdir": rankdir, "fontname": FONT, "fontsize": "11"},
                node_attr={"fontname": FONT, "fontsize": "11"}, edge_attr={"fontname": FONT, "fontsize": "9"})
    edges = plan.edges()
    stubs = _Stubs(plan, root, loss_info, edges) if blame else None
    largest_grad = plan.largest_grad() if blame else 0.0
    largest_edge = 0.0
    if blame:
        flows = [e[2] for e in edges] + [s.total for s in stubs.items.values()]  # type: ignore[union-attr]
        largest_edge = max((abs(x) for x in flows if math.isfinite(x)), default=0.0)
    outlines: dict[str, tuple[str, str]] = {}  # stepper outline class -> (colour, style), for the legend
    attrs_of = _noting(node_attrs, outlines)

    names = node_names(order)  # the names every view uses (autograd.names); shown in each box
    lines: dict[str | None, list[str]] = {}  # cluster path -> DOT statements placed in it
    for i, v in enumerate(order):
        if plan.group[i] is not None:
            continue
        where = lines.setdefault(plan.cluster[i], [])
        where.append(_value_node(f"n{i}", v, largest_grad, attrs_of, names[id(v)]))
        if v._edges:
            where.append(_op_node(f"n{i}", v))
            where.append(f"\tn{i}op -> n{i}\n")
    for k, path in enumerate(plan.groups):
        lines.setdefault(plan.group_parent[path], []).append(
            _group_node(f"g{k}", path, plan.group_size[path], plan.group_blame[path], largest_grad)
        )
    if stubs is not None and largest_grad > 0.0:
        for shape, stub in stubs.items.items():
            lines.setdefault(stubs.cluster_of(shape), []).append(_stub_node(shape, stub))
    _emit_clusters(g, plan, lines)
    for src, dst, contribution, count, how in edges:
        g.body.append(_input_edge(src, dst, contribution, count, how, largest_edge))
    if stubs is not None and largest_grad > 0.0:
        for shape, stub in stubs.items.items():
            g.body.append(_stub_edge(shape, stub, largest_edge))
        g.body.append(_legend(largest_grad, stubs, outlines, closures=any(e[3] == 0 for e in edges)))
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
        known = set(self.clusters)
        self.cluster_parent = {path: self.parent_cluster(path, known) for path in self.clusters}
        self.group_parent = {path: self.parent_cluster(path, known) for path in self.groups}

    @staticmethod
    def parent_cluster(path: str, clusters: set[str]) -> str | None:
        """The innermost of ``clusters`` around ``path``: its longest dotted prefix that is one.

        Looks up each prefix of ``path`` (a few per path), never scans every cluster: drawing
        stays linear in the number of scopes.
        """
        end = path.rfind(".")
        while end > 0:
            prefix = path[:end]
            if prefix in clusters:
                return prefix
            end = path.rfind(".", 0, end)
        return None

    def shape_of(self, i: int) -> str:
        """The DOT id of the shape that shows node ``i``: its box ``n<i>`` or its collapsed ``g<k>``."""
        group = self.group[i]
        return f"n{i}" if group is None else self.group_id[group]

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
                if local is None:  # a learner's _backward closure: its per-edge blame is not stored
                    plain.append((src, dst, 0.0, 0, "not known: a _backward closure pushed it"))
                    continue
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


# -- uses not drawn: every box's grad = the blame on its drawn edges + its stub ------------------


def _loss_of(root: Value, loss: Value | None) -> tuple[Value | None, list[Value]]:
    """L and its graph: ``loss``, else the latest backward() root if ``root`` is in its graph.

    Returns ``(None, [])`` when L is unknown (no backward yet, its root is gone, or it ran on
    another graph), and ``(root, [])`` when the root is L (no walk needed: every use is drawn).
    """
    from ..backward import last_root

    candidate = loss if loss is not None else last_root()
    if candidate is None:
        return None, []
    if candidate is root:
        return root, []
    order = topological_order(candidate)
    if not any(v is root for v in order):
        if loss is not None:
            raise ValueError(
                f"draw: root {root!r} is not in the graph of loss {loss!r}; pass the loss that root "
                f"feeds into (or leave loss out)"
            )
        return None, []
    return candidate, order


class _Stub:
    """Blame a shape gets from uses that are not drawn: ``count`` uses (``None``: not known) worth ``total``."""

    __slots__ = ("count", "total", "shown", "drawn", "residual", "is_root")

    def __init__(self, count: int | None, total: float, shown: float, drawn: float, residual: float,
                 is_root: bool) -> None:
        self.count = count
        """How many uses in L's graph are not drawn; ``None`` when L is unknown."""
        self.total = total
        """Their blame, sum of local derivative x the user's grad (with ``residual`` included)."""
        self.shown = shown
        """The shape's number: a value's grad, a collapsed scope's blame."""
        self.drawn = drawn
        """Blame on its drawn edges."""
        self.residual = residual
        """Grad not explained by any use of L's graph (leaf grads accumulate over backward() calls)."""
        self.is_root = is_root
        """The shape shows the drawing's root (which is not L)."""


class _Stubs:
    """For each shape whose grad is not all on its drawn edges: a :class:`_Stub`.

    With L known (``loss=`` or the latest backward root) and the drawing's root inside L's graph,
    the uses not drawn are the edges from drawn nodes to nodes of L's graph outside the drawing,
    each worth ``local x user.grad``. A collapsed scope's blame is then what enters it from
    outside. With L unknown, a stub is what the grad has beyond the drawn edges.
    """

    def __init__(self, plan: _Plan, root: Value, loss: tuple[Value | None, list[Value]],
                 edges: list[tuple[str, str, float, int, str]]) -> None:
        self.plan = plan
        self.items: dict[str, _Stub] = {}
        loss_root, loss_order = loss
        self.loss_known = loss_root is not None
        self.root_is_loss = loss_root is root or (loss_root is None and root.grad == 1.0)
        """Is the drawing's root L? (With L unknown: assumed when its grad is 1, the usual seed.)"""
        if self.root_is_loss:
            return  # the whole graph of L is drawn: every use has its edge
        drawn: dict[str, float] = {}
        scale: dict[str, float] = {}  # sum of |terms|, for the rounding tolerance
        for src, _dst, contribution, _count, _how in edges:
            drawn[src] = drawn.get(src, 0.0) + contribution
            scale[src] = scale.get(src, 0.0) + abs(contribution)
        outside: dict[str, list[float]] = {}  # shape -> [count, total, sum of |terms|]
        index = plan.index
        for u in loss_order:  # the uses in L's graph that the drawing leaves out
            if id(u) in index:
                continue
            g = u.grad
            edges_u = u._edges
            for j in range(0, len(edges_u), 2):
                p = index.get(id(edges_u[j]))
                if p is not None:
                    acc = outside.setdefault(plan.shape_of(p), [0, 0.0, 0.0])
                    c = edges_u[j + 1] * g
                    acc[0] += 1
                    acc[1] += c
                    acc[2] += abs(c)
        if self.loss_known:  # a collapsed scope's blame: what enters it from outside, drawn or not
            for path, k in plan.group_id.items():
                plan.group_blame[path] = drawn.get(k, 0.0) + outside.get(k, [0, 0.0])[1]
        root_shape = plan.shape_of(len(plan.order) - 1)
        shown_of = {f"n{i}": v.grad for i, v in enumerate(plan.order) if plan.group[i] is None}
        shown_of.update((k, plan.group_blame[path]) for path, k in plan.group_id.items())
        for shape, shown in shown_of.items():
            out = drawn.get(shape, 0.0)
            count, total, size = outside.get(shape, (0, 0.0, 0.0))
            residual = shown - out - total
            tolerance = 1e-9 * (abs(shown) + scale.get(shape, 0.0) + size) + 1e-300
            if not math.isfinite(residual) or abs(residual) <= tolerance:
                residual = 0.0
            is_root = shape == root_shape
            if count or residual != 0.0 or (is_root and shown != 0.0):
                self.items[shape] = _Stub(int(count) if self.loss_known else None, total + residual, shown, out,
                                         residual, is_root)

    def cluster_of(self, shape: str) -> str | None:
        """The cluster a shape sits in, so its stub sits beside it."""
        if shape.startswith("g"):
            return self.plan.group_parent[self.plan.groups[int(shape[1:])]]
        return self.plan.cluster[int(shape[1:])]


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
    """Nested ``subgraph cluster_k`` blocks, written depth first with an explicit stack.

    One pass over the clusters and their lines (no recursion, no copying of a child's lines into
    each parent), so the time is linear in the size of the drawing however many scopes it has.
    """
    parent = plan.cluster_parent
    numbered = {path: k for k, path in enumerate(plan.clusters)}
    children: dict[str | None, list[str]] = {None: []}
    for path in plan.clusters:  # in order of first appearance, so each list is in cluster order
        children.setdefault(path, [])
        children.setdefault(parent[path], []).append(path)
    body: list[str] = g.body  # type: ignore[attr-defined]
    body.extend(lines.get(None, []))
    stack: list[tuple[str, int, bool]] = [(path, 1, False) for path in reversed(children[None])]
    while stack:
        path, depth, closing = stack.pop()
        pad = "\t" * depth
        if closing:
            body.append(pad + "}\n")
            continue
        up = parent[path]
        shown = path if up is None else path[len(up) + 1 :]
        attrs = {"color": "#888888", "fontname": FONT,
                 "label": Html(f'<FONT POINT-SIZE="10">{html_text(shown)}</FONT>'),
                 "style": "rounded,dashed", "tooltip": quoted_text(f"scope {path}")}
        body.append(f"{pad}subgraph cluster_{numbered[path]} {{\n")
        body.append(f"{pad}\t{_cluster_attributes(attrs)}\n")
        inner = "\t" * depth
        body.extend(inner + line for line in lines.get(path, []))
        stack.append((path, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children[path]))


def _cluster_attributes(attrs: dict[str, str]) -> str:
    """Cluster attributes as graphviz writes them: bare when a DOT ID, else double-quoted."""
    from graphviz.quoting import quote

    return " ".join(f"{k}=<{v}>" if isinstance(v, Html) else f"{k}={quote(v)}" for k, v in attrs.items())


# -- the DOT statements --------------------------------------------------------------------------


def _precise(x: float) -> str:
    """12 significant digits for tooltips (the last bits of libm results differ between systems)."""
    return f"{x:.12g}"


def _value_node(name: str, v: Value, largest: float, node_attrs: NodeAttrs | None, shown: str) -> str:
    fill = blame_color(v.grad, largest)
    cells = [f"<B>{html_text(shown)}</B>", f"data {num(v.data)}", f"grad {num(v.grad)}"]  # shown: its name
    row = "<VR/>".join(f"<TD>{c}</TD>" for c in cells)
    attrs = {
        "shape": "box",
        "label": Html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR>{row}</TR></TABLE>'),
        "tooltip": quoted_text(
            f"{shown}: data = {_precise(v.data)}, grad = {_precise(v.grad)}"
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
    if fn is not None and fn.local is _not_recorded:  # a LearnerOp: the maths is in its closure
        formulas = "not stored (a _backward closure)"
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
             "tooltip": quoted_text(f"scope {path}: {size} nodes drawn as one; blame (what its outputs receive from their uses) = {_precise(blame)}")}
    if fill is not None:
        attrs.update(style="filled", fillcolor=fill, fontcolor=text_color(fill))
    return f"\t{name} [{attributes(attrs)}]\n"


def _blame_style(contribution: float, largest: float) -> dict[str, str]:
    """Width and colour of an edge carrying ``contribution`` of blame (thickest: ``largest``)."""
    t = min(abs(contribution) / largest, 1.0) if math.isfinite(contribution) else 1.0
    return {
        "penwidth": f"{0.6 + 5.4 * t:.2f}",
        "color": "#999999" if contribution == 0.0 or math.isnan(contribution)
        else mix(ZERO, POSITIVE if contribution > 0 else NEGATIVE, round(0.35 + 0.65 * t, 3)),
    }


def _input_edge(src: str, dst: str, contribution: float, count: int, how: str, largest: float) -> str:
    attrs: dict[str, str] = {}
    if count == 0:  # an edge into a closure node: drawn dashed, with no number
        attrs = {"style": "dashed", "tooltip": quoted_text(f"blame passed back: {how}")}
    elif largest > 0.0:
        label = num(contribution) + (f" (x{count})" if count > 1 else "")
        attrs = {"label": Html(html_text(label)), **_blame_style(contribution, largest),
                 "tooltip": quoted_text(f"blame passed back: {_precise(contribution)} = {how}")}
    return f"\t{src} -> {dst}" + (f" [{attributes(attrs)}]" if attrs else "") + "\n"


def _uses(count: int) -> str:
    return f"{count} use{'s' if count != 1 else ''}"


def _stub_label(stub: _Stub) -> str:
    if stub.count is None:
        return f"uses not drawn: {num(stub.total)}"
    parts = []
    if stub.count:
        parts.append(f"{_uses(stub.count)} not drawn: {num(stub.total - stub.residual)}")
    if stub.residual:
        parts.append(f"{num(stub.residual)} from no use of L (grads accumulate over backward() calls)")
    return "\n".join(parts)


def _stub_node(shape: str, stub: _Stub) -> str:
    if stub.is_root:
        what = "blame" if shape.startswith("g") else "grad"
        attrs = {"shape": "plaintext", "fontcolor": "#555555",
                 "label": Html(html_text(f"{what} {num(stub.shown)} = dL/d(this);\nL is not drawn")),
                 "tooltip": quoted_text(
                     f"L (what backward() ran on) is not in this picture: the root's {what} "
                     f"{_precise(stub.shown)} is dL/d(root), sent back by its uses in L's graph")}
    else:
        attrs = {"shape": "point", "width": "0.07", "color": "#888888", "tooltip": "uses not drawn"}
    return f"\t{shape}_out [{attributes(attrs)}]\n"


def _stub_edge(shape: str, stub: _Stub, largest: float) -> str:
    where = "in the graph of L" if stub.count is not None else "(L, the latest backward() root, is unknown)"
    what = "blame" if shape.startswith("g") else "grad"
    attrs = {
        "label": Html(html_text(_stub_label(stub))),
        "style": "dashed",
        "arrowsize": "0.6",
        **_blame_style(stub.total, largest),
        "tooltip": quoted_text(
            f"blame from uses not drawn {where}: {_precise(stub.total)}; "
            f"{what} {_precise(stub.shown)} = {_precise(stub.drawn)} on the drawn edges + {_precise(stub.total)} here"
        ),
    }
    return f"\t{shape} -> {shape}_out [{attributes(attrs)}]\n"


def legend_node(largest: float, title: str, notes: list[str],
                outlines: list[tuple[str, str, str]] = ()) -> str:  # type: ignore[assignment]
    """A ``legend`` node: the blame colour scale from -largest to +largest, then a line per note.

    ``outlines``: ``(colour, style, meaning)`` rows, each drawn with a swatch of that outline.
    """
    stops = [-1.0, -0.5, 0.0, 0.5, 1.0]
    swatches = "".join(
        f'<TD BGCOLOR="{blame_color(s * largest, largest)}" WIDTH="44">'
        f'<FONT COLOR="{text_color(blame_color(s * largest, largest))}">{html_text(num(s * largest))}</FONT></TD>'
        for s in stops
    )
    rows = "".join(f"<TR><TD>{html_text(note)}</TD></TR>" for note in notes)
    swatch_rows = ""
    for colour, style, meaning in outlines:
        dashed = ' STYLE="dashed"' if "dashed" in style else ""
        swatch_rows += (f'<TR><TD BORDER="3" COLOR="{html_text(colour)}" WIDTH="28" HEIGHT="14"{dashed}> </TD>'
                        f'<TD ALIGN="LEFT">{html_text(meaning)}</TD></TR>')
    if swatch_rows:
        rows += f'<TR><TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">{swatch_rows}</TABLE></TD></TR>'
    # One column; the scale and the outlines are tables of their own, so a long note cannot
    # stretch the scale's cells unevenly.
    label = Html(
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="1" CELLPADDING="3" COLOR="#888888">'
        f"<TR><TD><B>{html_text(title)}</B></TD></TR>"
        f'<TR><TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="3"><TR>{swatches}</TR></TABLE></TD></TR>'
        f"{rows}</TABLE>"
    )
    return f"\tlegend [{attributes({'shape': 'plain', 'label': label, 'tooltip': 'legend'})}]\n"


OUTLINES = {
    "step-current": ("orange outline", "the node this step processes (its grad is pushed into its inputs)"),
    "step-done": ("green outline", "done: grad final and passed on"),
    "step-ready": ("plain outline", "grad final, its own step still to come"),
    "step-pending": ("grey dashed", "still waiting for blame from above"),
}
"""The stepper's outline classes (:mod:`autograd.viz.animate`), as the legend explains them."""


def _noting(node_attrs: NodeAttrs | None, seen: dict[str, tuple[str, str]]) -> NodeAttrs | None:
    """``node_attrs``, noting in ``seen`` the stepper outline classes it gives (class -> colour, style)."""
    if node_attrs is None:
        return None

    def attrs(v: Value) -> dict[str, str]:
        extra = node_attrs(v)
        if isinstance(extra, dict):
            for word in str(extra.get("class", "")).split():
                if word in OUTLINES and word not in seen:
                    seen[word] = (str(extra.get("color", "black")), str(extra.get("style", "")))
        return extra

    return attrs


def _legend(largest: float, stubs: _Stubs, outlines: dict[str, tuple[str, str]], closures: bool = False) -> str:
    if stubs.root_is_loss:
        first = "L: the root, what backward() ran on"
    else:
        first = "L (what backward() ran on) is not drawn; grads are still dL/d(value)"
    notes = [
        first,
        "red: raising the value raises L; blue: lowers it",
        "arrows: forward, input -> op -> output",
        "numbers on edges: blame flowing back (local derivative x upstream grad)",
    ]
    if any(not s.is_root or s.count != 0 for s in stubs.items.values()):
        notes.append("dashed stub: blame from uses not drawn (grad = drawn edges + stub)")
    if closures:
        notes.append("dashed edge, no number: a _backward closure's edge, its blame is not stored")
    rows = []
    if outlines:  # a stepper drawing: every outline, present or not, so the legend is the same in every frame
        from . import animate

        defaults = {"step-current": animate.CURRENT, "step-done": animate.DONE, "step-ready": animate.READY,
                    "step-pending": animate.PENDING}
        for k, (words, meaning) in OUTLINES.items():
            colour, style = outlines.get(k) or (defaults[k].get("color", "black"), defaults[k].get("style", ""))
            rows.append((colour, style, f"{words}: {meaning}"))
    return legend_node(largest, "blame = value.grad = dL/d(value)", notes, rows)
