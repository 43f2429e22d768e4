"""The tutorial notebooks: stored without outputs, each opens with what it teaches and how long
it takes, and each runs top to bottom in a clean kernel without an error."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

TUTORIAL = Path(__file__).resolve().parent.parent / "demos" / "tutorial"
NOTEBOOKS = sorted(TUTORIAL.glob("*.ipynb"))


def test_there_are_notebooks_in_order() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_opens_with_its_aim(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs"
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "**What this teaches:**" in first.source and "**Time:**" in first.source


@pytest.mark.needs_dot
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(TUTORIAL)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = {kind for o in outputs for kind in o.get("data", {})}
    assert "image/svg+xml" in shown or path.name.startswith("04_"), "drawings should show inline"
