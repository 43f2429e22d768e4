"""Every demo script runs end to end with small settings and writes what its docstring promises."""

from __future__ import annotations

import runpy
from pathlib import Path

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def run_demo(name: str, *args: str) -> None:
    main = runpy.run_path(str(DEMOS / name))["main"]
    main(list(args))


def test_engine_tour(tmp_path: Path) -> None:
    run_demo("engine_tour.py", "--out", str(tmp_path))
    story = (tmp_path / "neuron_backward.txt").read_text()
    assert "w1.grad = +1.0000" in story and "x1.grad = -1.5000" in story
    png = (tmp_path / "derivatives.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_moons_writes_the_network_diagram_and_one_neurons_graph(tmp_path: Path) -> None:
    run_demo("moons.py", "--out", str(tmp_path), "--tiny")
    for stem in ("moons_network", "moons_neuron"):
        assert (tmp_path / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
        assert (tmp_path / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
    network = (tmp_path / "moons_network.svg").read_text()
    assert network.count('class="node"') == 2 + 16 + 16 + 1 + 1  # inputs, neurons, legend
    neuron = (tmp_path / "moons_neuron.svg").read_text()
    assert ">w.0<" in neuron and ">b<" in neuron and ">relu<" in neuron
