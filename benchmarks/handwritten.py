"""The benchmark workloads written by hand on plain floats: the practical speed limit.

No graph, no nodes: forward computes the numbers, backward applies the chain rule written out
by hand. This is what an engine's bookkeeping is measured against.
"""

from __future__ import annotations


def mlp_step(W: list, B: list, X: list, Y: list, lr: float, alpha: float = 1e-4) -> float:
    """One SGD step of the demo MLP (relu hidden layers, linear output, hinge loss + L2).

    ``W[l][j]`` is the weight list of neuron j in layer l, ``B[l][j]`` its bias; both are
    updated in place. Returns the loss before the step.
    """
    n = len(X)
    last = len(W) - 1
    gW = [[[0.0] * len(w) for w in Wl] for Wl in W]
    gB = [[0.0] * len(Bl) for Bl in B]
    data_loss = 0.0
    for x, y in zip(X, Y):
        # forward, keeping every layer's input and pre-activation
        hs = [x]
        zs = []
        h = x
        for l, (Wl, Bl) in enumerate(zip(W, B)):
            z = []
            for w, b in zip(Wl, Bl):
                s = b
                for wi, hi in zip(w, h):
                    s += wi * hi
                z.append(s)
            zs.append(z)
            h = z if l == last else [zi if zi > 0.0 else 0.0 for zi in z]
            hs.append(h)
        margin = 1.0 - y * h[0]
        if margin <= 0.0:
            continue
        data_loss += margin
        # backward: d(loss)/d(score) = -y / n where the hinge is active
        gz = [-y / n]
        for l in range(last, -1, -1):
            Wl, h_in = W[l], hs[l]
            gh = [0.0] * len(h_in)
            for j, g in enumerate(gz):
                if g == 0.0:
                    continue
                w, gw = Wl[j], gW[l][j]
                gB[l][j] += g
                for k, hk in enumerate(h_in):
                    gw[k] += hk * g
                    gh[k] += w[k] * g
            if l > 0:  # through the relu of the layer below
                gz = [gk if zk > 0.0 else 0.0 for gk, zk in zip(gh, zs[l - 1])]
    reg = 0.0
    for Wl, Bl, gWl, gBl in zip(W, B, gW, gB):
        for w, gw in zip(Wl, gWl):
            for k, wk in enumerate(w):
                reg += wk * wk
                w[k] = wk - lr * (gw[k] + 2.0 * alpha * wk)
        for j, b in enumerate(Bl):
            reg += b * b
            Bl[j] = b - lr * (gBl[j] + 2.0 * alpha * b)
    return data_loss / n + alpha * reg


def readme_expression(a: float, b: float) -> tuple[float, float, float]:
    """micrograd's README expression and its gradients dg/da, dg/db, by hand."""
    # forward (the same lines as the README, on floats)
    c0 = a + b
    d0 = a * b + b**3
    c1 = c0 + c0 + 1
    c2 = c1 + 1 + c1 + (-a)
    r1 = max(b + a, 0.0)
    d1 = d0 + d0 * 2 + r1
    r2 = max(b - a, 0.0)
    d2 = d1 + 3 * d1 + r2
    e = c2 - d2
    f = e**2
    g = f / 2.0 + 10.0 / f
    # backward
    gf = 0.5 - 10.0 / (f * f)
    ge = gf * 2 * e
    gc2, gd2 = ge, -ge
    gd1 = 4 * gd2
    gr2 = gd2
    gd0 = 3 * gd1
    gr1 = gd1
    gc1 = 2 * gc2
    gc0 = 2 * gc1
    ga = gc0 - gc2 + gd0 * b
    gb = gc0 + gd0 * (a + 3 * b * b)
    s1 = 1.0 if b + a > 0 else 0.0
    s2 = 1.0 if b - a > 0 else 0.0
    ga += gr1 * s1 - gr2 * s2
    gb += gr1 * s1 + gr2 * s2
    return g, ga, gb
