"""Every package lists its public names in a sorted, complete ``__all__``."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import importers
import simulator
import tui


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    if name.isupper() or (name.upper() == name and "_" in name):
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def _packages() -> list[str]:
    names = []
    for root in (simulator, tui, importers):
        names.append(root.__name__)
        for info in pkgutil.walk_packages(root.__path__, prefix=root.__name__ + "."):
            if info.ispkg:
                names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _packages())
def test_all_is_sorted_and_complete(name):
    package = importlib.import_module(name)
    exported = list(getattr(package, "__all__", []))
    assert exported == sorted(exported, key=_isort_key), f"{name}.__all__ is not sorted"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(package, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
    public = {
        n
        for n, value in vars(package).items()
        if not n.startswith("_")
        and not isinstance(value, types.ModuleType)
        and n not in {"annotations"}
    }
    assert public <= set(exported), (
        f"{name} exports names missing from __all__: {public - set(exported)}"
    )
