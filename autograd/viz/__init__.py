"""Seeing the graph: the drawing wing of the engine.

- :mod:`autograd.viz.draw`: the computation graph as Graphviz DOT, with the blame on it.
- :mod:`autograd.viz.render`: DOT to SVG/PNG/PDF (``dot`` or graphviz-pure); Jupyter display.
- :mod:`autograd.viz.colors`, :mod:`autograd.viz.dotlabels`: the blame colour scale; escaping.
- :mod:`autograd.viz.animate`, :mod:`autograd.viz.player`: backward as frames, and the HTML player.

The engine never imports from here; its tools that draw (``Stepper.show()``) import lazily.
The public names stay where users reach them: ``autograd.draw``, ``autograd.animate``.
"""
