#!/usr/bin/env python3
"""Set up and run blamegrad's commands on a machine with nothing but Python 3.10+.

    python3 dev.py demo    # train the main demo; pictures go to out/
    python3 dev.py test    # the whole test suite (extra arguments go to pytest)
    python3 dev.py tutorial  # Jupyter on demos/tutorial (the runnable tutorial)
    python3 dev.py explore   # the training explorer in the browser (--port N, --no-browser)
    python3 dev.py bench   # benchmarks against micrograd and hand-written floats
    python3 dev.py instructions  # callgrind instruction counts, ours and micrograd (needs valgrind)

Each command creates ``.venv`` when it is missing, installs the package into it with the extras
it needs (again only when pyproject.toml changes), installs Graphviz's ``dot`` with apt when it is
missing and we are root (otherwise prints how), and for ``test`` chromium likewise (the HTML
player's test drives it; without it that test is skipped, or fails when
BLAMEGRAD_REQUIRE_BROWSER=1 as in CI), then runs. ``make demo`` / ``make test`` call this.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

MAIN_DEMO = ["demos/moons.py", "--out", "out"]
COMMANDS = {
    # command: (extras to install, what to run with the venv's python)
    # viz-pure: drawings render even without `dot`; term: colour for autograd.sketch and blamegrad
    "demo": ("viz-pure,plot,term", MAIN_DEMO),
    "test": ("all", ["-m", "pytest"]),
    # Starts Jupyter on the tutorial notebooks; it prints the address to open if no browser opens.
    "tutorial": ("tutorial", ["-m", "notebook", "--notebook-dir=demos/tutorial"]),
    # The training explorer: a local server on 127.0.0.1; it prints its address (with a token).
    "explore": ("explore,viz-pure", ["-m", "nn.explore"]),
    "bench": ("bench", ["benchmarks/run.py"]),
    "instructions": ("bench", ["benchmarks/instructions.py"]),
}

DOT_HELP = """\
Graphviz's `dot` program is not installed; drawings cannot be rendered to files.
Install it with one of:
  Debian/Ubuntu:  sudo apt-get install graphviz
  Fedora:         sudo dnf install graphviz
  macOS:          brew install graphviz
  Windows:        winget install graphviz   (or: choco install graphviz)
  conda:          conda install -c conda-forge graphviz
"""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def can_apt() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(*packages: str) -> None:
    say(f"apt-get install {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say("creating .venv")
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if made.returncode != 0:
        # Debian's python3 ships venv without ensurepip; python3-venv adds it.
        shutil.rmtree(VENV, ignore_errors=True)
        if not can_apt():
            sys.exit("[dev] python3 -m venv failed; install your system's python3-venv package and retry")
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        try:
            apt_install("python3-venv", version)
        except subprocess.CalledProcessError:
            apt_install("python3-venv")
        run([sys.executable, "-m", "venv", str(VENV)])


def ensure_installed(extras: str) -> None:
    stamp = VENV / f"blamegrad-{extras.replace(',', '-')}.stamp"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing blamegrad[{extras}] into .venv")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    run([*pip, "-e", f"{ROOT}[{extras}]"])
    stamp.write_text(digest)


def ensure_dot() -> None:
    if shutil.which("dot"):
        return
    if can_apt():
        try:
            apt_install("graphviz")
            return
        except subprocess.CalledProcessError:
            say("apt-get could not install graphviz")
    print(DOT_HELP, file=sys.stderr)


CHROMIUM_HELP = """\
chromium is not installed; the HTML player's test (tests/test_player.py) will be skipped.
Install it with one of:
  Debian/Ubuntu:  sudo apt-get install chromium   (Ubuntu: chromium-browser)
  Fedora:         sudo dnf install chromium
  macOS:          brew install --cask chromium
"""


def ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    if can_apt():
        try:
            apt_install("chromium")
            return
        except subprocess.CalledProcessError:
            say("apt-get could not install chromium")
    print(CHROMIUM_HELP, file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    if argv[0] not in COMMANDS:
        print(__doc__)
        print(f"[dev] unknown command {argv[0]!r}; the commands are: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    extras, cmd = COMMANDS[argv[0]]
    if argv[0] == "test" and (os.environ.get("CI") == "true" or os.environ.get("BLAMEGRAD_TORCH") == "1"):
        extras += ",torch"  # the fuzzing suite's PyTorch oracle: CI only (a large download)
    ensure_venv()
    ensure_installed(extras)
    ensure_dot()
    if argv[0] == "test":
        ensure_chromium()
    if argv[0] == "instructions" and not shutil.which("valgrind") and can_apt():
        apt_install("valgrind")
    if argv[0] == "tutorial" and hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd = [*cmd, "--allow-root"]  # Jupyter refuses root otherwise (containers, CI machines)
    full = [str(PYTHON), *cmd, *argv[1:]]
    say(" ".join(full[1:]))
    child = subprocess.Popen(full, cwd=ROOT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the child too: let it stop cleanly
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
