"""Another package named ``autograd``: HIPS autograd (PyPI ``autograd``) shares our import name.

What pip does when both go into one environment (it checks no file conflicts, and ``pip check``
says nothing):

- **blamegrad, then HIPS autograd**: its files go into our ``autograd/`` folder and its
  ``__init__.py`` replaces ours. ``import autograd`` is HIPS autograd (which works); ``import nn``
  would fail with ``cannot import name 'Value'``. :func:`foreign_autograd_error` is what ``nn``
  raises instead. The same error covers an ``autograd`` found elsewhere first on ``sys.path``.
- **HIPS autograd, then blamegrad**: our ``__init__.py`` replaces its. ``import autograd`` is
  blamegrad (which works) but HIPS autograd is broken (``from autograd import elementwise_grad``
  fails, ``autograd.grad`` is ours). :func:`warn_if_mixed` warns once, at ``import autograd``.

Either way uninstalling one deletes the shared ``__init__.py`` and breaks the other; the fix is a
virtual environment each. This module uses the standard library only, and ``nn`` loads it by its
path when ``autograd`` is not ours (importing it as ``autograd.name_clash`` would run the other
package's ``__init__.py``).
"""

from __future__ import annotations

import os
import warnings

MARKER = "__blamegrad__"
"""A name our ``autograd/__init__.py`` defines; another package's ``__init__.py`` does not."""

HIPS_FILES = ("differential_operators.py", "tracer.py")
"""Files HIPS autograd puts in its ``autograd/`` folder and blamegrad does not have."""


class NameClashWarning(UserWarning):
    """HIPS autograd's files are mixed into blamegrad's ``autograd`` folder."""


def _owner(folder: str) -> str:
    """The installed distribution (other than blamegrad) that provides ``autograd``, with its version."""
    try:
        from importlib.metadata import distribution, packages_distributions

        names = [n for n in packages_distributions().get("autograd", []) if n.lower() != "blamegrad"]
        if names:
            return f"{names[0]} {distribution(names[0]).version}"
    except Exception:  # metadata is a courtesy here; the message stands without it
        pass
    return "another package named autograd"


def _separate_venvs(folder: str) -> str:
    return (
        "Fix: give each its own virtual environment:\n"
        "  python -m venv .venv-blamegrad && .venv-blamegrad/bin/pip install blamegrad\n"
        "  python -m venv .venv-hips && .venv-hips/bin/pip install autograd\n"
        "and repair this environment by removing both (uninstalling only one deletes the shared "
        "__init__.py and breaks the other):\n"
        f"  pip uninstall -y autograd blamegrad && rm -rf {folder}"
    )


def warn_if_mixed(folder: str) -> bool:
    """Warn (once per process: modules run once) if HIPS autograd's files share our folder."""
    if not any(os.path.exists(os.path.join(folder, name)) for name in HIPS_FILES):
        return False
    owner = _owner(folder)
    warnings.warn(
        f"blamegrad: the folder {folder} also holds the files of {owner} (HIPS autograd, PyPI "
        f"package 'autograd'), installed into the same environment. Both packages are imported as "
        f"'autograd'; blamegrad's __init__.py replaced the other's, so `import autograd` is "
        f"blamegrad (which works) and {owner} is now broken (`from autograd import "
        f"elementwise_grad` fails and `autograd.grad` is blamegrad's). pip check does not notice.\n"
        + _separate_venvs(folder),
        NameClashWarning,
        stacklevel=3,
    )
    return True


def foreign_autograd_error(origin: str | None, ours: str) -> ImportError:
    """What ``import nn`` raises when ``import autograd`` finds a package that is not blamegrad's.

    ``origin`` is where ``autograd`` was found (its ``__init__.py``); ``ours`` is the folder
    blamegrad's ``autograd`` should be in (beside ``nn``).
    """
    if origin is None:
        return ImportError(
            f"nn: needs blamegrad's engine, the package 'autograd', but it is not installed "
            f"(expected in {ours}); reinstall blamegrad: pip install --force-reinstall blamegrad",
            name="autograd",
        )
    folder = os.path.dirname(origin)
    owner = _owner(folder)
    if os.path.normcase(os.path.abspath(folder)) == os.path.normcase(os.path.abspath(ours)):
        how = (
            f"pip installed {owner} into the same folder as blamegrad's engine and its __init__.py "
            f"replaced blamegrad's; {owner} works, blamegrad does not."
        )
    else:
        how = f"it comes first on sys.path, before blamegrad's engine in {ours}."
    return ImportError(
        f"nn: `import autograd` found {origin}, which is {owner} (HIPS autograd, PyPI package "
        f"'autograd'), not blamegrad's engine. Both packages are imported as 'autograd' and one "
        f"environment can hold only one of them: {how}\n" + _separate_venvs(folder),
        name="autograd",
        path=origin,
    )
