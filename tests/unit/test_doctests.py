"""The examples in every module's docstrings run and hold (they are documentation)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import importers
import simulator
import tui


def _modules() -> list[str]:
    names = []
    for root in (simulator, tui, importers):
        names.append(root.__name__)
        prefix = root.__name__ + "."
        names.extend(info.name for info in pkgutil.walk_packages(root.__path__, prefix=prefix))
    # A __main__ module runs the command line when imported.
    return sorted(n for n in names if not n.endswith(".__main__") and _has_examples(n))


def _has_examples(name: str) -> bool:
    module = importlib.import_module(name)
    return any(test.examples for test in doctest.DocTestFinder().find(module))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
