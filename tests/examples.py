"""Graphs several test files build: the lecture's tanh neuron and micrograd's README expression."""

from __future__ import annotations

from autograd import Value


def lecture_neuron(backward: bool = False) -> Value:
    """micrograd's lecture neuron o = tanh(x1*w1 + x2*w2 + b), labelled; optionally after backward."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    if backward:
        o.backward()
    return o


def micrograd_readme(a: Value, b: Value) -> Value:
    """micrograd's README expression of a and b, unchanged (g = 24.7041 at a=-4, b=2)."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g
