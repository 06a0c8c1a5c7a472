"""Package namespaces whose names are imported on first use (PEP 562).

A package that re-exports from many modules would otherwise import all of them as
soon as any one is imported (``simulator.engine.sandbox`` would bring the whole
dry-run engine to ``journeysim validate``). ``exports`` gives such a package its
``__getattr__`` and ``__dir__``; ``from package import name`` works as before, and the
type checker reads the imports the package keeps under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose public ``name`` lives in the
    submodule ``homes[name]``; each name is imported once, then kept in the namespace.
    A submodule's own name gives the submodule, as after ``import package.submodule``.

    >>> getattr_, _ = exports("simulator.project", {"DocumentKind": "kinds"})
    >>> getattr_("DocumentKind").JOURNEY.value
    'journey'
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            if not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}"):
                return importlib.import_module(f"{package}.{name}")
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
