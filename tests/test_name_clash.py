"""HIPS autograd (PyPI ``autograd``) and blamegrad in one environment, in both install orders.

Throwaway virtual environments (no pip inside: the test's own pip installs into them with
``--python``), blamegrad's wheel built once from this tree, HIPS autograd's wheel from the package
index (or pip's cache), both with ``--no-deps``. Marked ``venvs``; it runs by default and in CI,
in about half a minute (most of it building our wheel); ``-m "not venvs"`` leaves it out.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HIPS = "autograd==1.9.1"

pytestmark = pytest.mark.venvs


def _pip(*args: str, cwd: Path | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("wheels")
    # With a setuptools that builds wheels itself (>= 70.1, in the test extra) pip needs no
    # isolated build environment, which takes most of the time otherwise.
    import setuptools

    fast = tuple(int(x) for x in setuptools.__version__.split(".")[:2]) >= (70, 1)
    isolation = ["--no-build-isolation"] if fast else []
    _pip("wheel", "--quiet", "--no-deps", *isolation, "-w", str(where / "ours"), str(ROOT))
    _pip("download", "--quiet", "--no-deps", "-d", str(where / "hips"), HIPS)
    (ours,) = (where / "ours").glob("blamegrad-*.whl")
    (hips,) = (where / "hips").glob("autograd-*.whl")
    return ours, hips


def _venv(path: Path, *wheels_in_order: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    python = path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    for wheel in wheels_in_order:
        _pip("--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel))
    return python


def _run(python: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120, cwd=python.parent)


def test_hips_installed_after_blamegrad_makes_import_nn_say_what_and_why(wheels: tuple[Path, Path], tmp_path: Path) -> None:
    ours, hips = wheels
    python = _venv(tmp_path / "env", ours, hips)
    init = _run(python, "import importlib.util; print(importlib.util.find_spec('autograd').origin)").stdout.strip()
    assert "differential_operators" in Path(init).read_text()  # pip let HIPS's __init__.py replace ours
    done = _run(python, "import nn")
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()
    text = "\n".join(message[message.index(next(m for m in message if m.startswith("ImportError"))):])
    assert f"ImportError: nn: `import autograd` found {init}, which is autograd 1.9.1 (HIPS autograd" in text
    assert "not blamegrad's engine" in text and "replaced blamegrad's; autograd 1.9.1 works, blamegrad does not" in text
    assert "give each its own virtual environment" in text and "pip install blamegrad" in text
    assert f"pip uninstall -y autograd blamegrad && rm -rf {Path(init).parent}" in text
    assert "cannot import name 'Value'" not in done.stderr


def test_blamegrad_installed_after_hips_works_and_warns_once(wheels: tuple[Path, Path], tmp_path: Path) -> None:
    ours, hips = wheels
    python = _venv(tmp_path / "env", hips, ours)
    done = _run(python, (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import autograd, nn, autograd as again\n"
        "    import importlib; importlib.import_module('autograd')\n"
        "print(len(caught), caught[0].category.__name__)\n"
        "print(caught[0].message)\n"
        "m = nn.MLP(2, [3, 1], rng=0); out = m([0.5, -1.0]); out.backward()\n"
        "print('works', out.op)\n"
    ))
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    text = "\n".join(rest)
    assert first == "1 NameClashWarning"  # once, however often autograd is imported
    assert "also holds the files of autograd 1.9.1 (HIPS autograd" in text
    assert "`import autograd` is blamegrad (which works) and autograd 1.9.1 is now broken" in text
    assert "give each its own virtual environment" in text and "uninstalling only one deletes the shared" in text
    assert text.endswith("works dot")
    broken = _run(python, "from autograd import elementwise_grad")
    assert broken.returncode != 0 and "cannot import name 'elementwise_grad'" in broken.stderr  # as the warning says

    # Uninstalling HIPS deletes the shared __init__.py: import nn then says blamegrad needs reinstalling.
    _pip("--python", str(python), "uninstall", "--quiet", "-y", "autograd")
    gone = _run(python, "import nn")
    assert gone.returncode != 0
    assert "reinstall blamegrad: pip install --force-reinstall blamegrad" in gone.stderr


def test_our_own_environment_has_no_clash() -> None:
    import autograd
    import nn  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert autograd.__blamegrad__ is True
        assert autograd.name_clash.warn_if_mixed(str(Path(autograd.__file__).parent)) is False


def test_the_wheel_ships_the_mit_license(wheels: tuple[Path, Path]) -> None:
    # Here because the wheel is built once for this file; setuptools picks LICENSE up by its name.
    import zipfile

    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        (license_file,) = [n for n in names if n.startswith("blamegrad-") and n.endswith("/LICENSE")]
        assert wheel.read(license_file) == (ROOT / "LICENSE").read_bytes()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "License: MIT" in metadata or "License-Expression: MIT" in metadata
