"""The engine and nn need no third-party package: without graphviz, matplotlib, tqdm, numpy and
hypothesis installed, they import, train, and say how to install what a drawing needs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import sys

    class Block:
        # Pretend these packages are not installed.
        names = ("graphviz", "matplotlib", "tqdm", "numpy", "hypothesis", "torch")

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.names:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Block())

    import autograd, nn
    from autograd import Value

    X, y = nn.datasets.xor(20, seed=0, signed=True)
    model = nn.MLP(2, [4, 1], rng=0)
    history = nn.fit(model, X, y, loss="hinge", epochs=5, progress=True)
    assert len(history.train_loss) == 5
    assert autograd.gradcheck(lambda a: a.tanh() * a, [0.3])
    for draw, arg in ((autograd.draw, Value(1.0) * 2), (nn.draw, model)):
        try:
            draw(arg)
        except ModuleNotFoundError as error:
            assert 'pip install "blamegrad[viz]"' in str(error), error
        else:
            raise AssertionError("drawing without graphviz did not fail")
    print("ok")
    """
)


def test_engine_and_nn_work_without_optional_packages() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
