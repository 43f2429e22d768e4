"""Every ```python block in the README runs, and what its comments say it prints is printed.

(``pycon`` blocks are doctests, collected by pytest's ``--doctest-glob=README.md``.)
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_its_two_commands_first() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README.read_text(), flags=re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["python3 dev.py demo", "python3 dev.py test"]


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_python_block_runs_and_prints_what_it_says(block: str) -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, str(README), "exec"), namespace)
        for name, fn in list(namespace.items()):
            if name.startswith("test_") and callable(fn):
                fn()
    printed = out.getvalue()
    for claim in re.findall(r"# prints ([0-9.-]+)", block):
        assert claim in printed
    for line in re.findall(r"^# (gradcheck: .*|input .*|x0 .*)$", block, flags=re.M):
        assert " ".join(line.split()) in " ".join(printed.split())
