"""Seeing a network: :mod:`nn.viz.draw` (the network diagram, ``nn.draw``) and :mod:`nn.viz.plot`
(matplotlib figures, ``nn.plot``). Public names stay on ``nn``.
"""
