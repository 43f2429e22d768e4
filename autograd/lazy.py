"""Names a package exports but imports only when first used, so ``import autograd`` stays quick.

:func:`install` gives a package a module ``__getattr__`` for the names in its table. Where a
name is also a submodule's name (``autograd.compile`` the function, in ``autograd/compile.py``),
importing the submodule would make Python set the package's attribute to the module; the
package's class keeps the function there instead.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping


def install(package: str, table: Mapping[str, str], modules: tuple[str, ...] = ()) -> None:
    """Export ``name`` from ``table[name]`` (a module relative to ``package``) on first use.

    A name in ``modules`` is the module ``table[name]`` itself (``nn.plot``).
    """
    module = sys.modules[package]

    def __getattr__(name: str) -> object:
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(where, package)
        value = imported if name in modules else getattr(imported, name)
        object.__setattr__(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(table))

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    module.__dir__ = __dir__  # type: ignore[method-assign]
    module.__class__ = _package_class(frozenset(n for n in table if table[n].lstrip(".") == n))


def _package_class(shadowed: frozenset[str]) -> type:
    class Package(types.ModuleType):
        """A package whose exported functions are not replaced by same-named submodules."""

        def __setattr__(self, name: str, value: object) -> None:
            if name in shadowed and isinstance(value, types.ModuleType):
                return  # the import system naming the submodule: the package keeps the function
            super().__setattr__(name, value)

    return Package
