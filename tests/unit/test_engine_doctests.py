"""The examples in the engine's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import simulator.engine

MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(simulator.engine.__path__, prefix="simulator.engine.")
)


@pytest.mark.parametrize("name", [*MODULES, "simulator.cli.simulate"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
