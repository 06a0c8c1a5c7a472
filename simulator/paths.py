"""Where the bundled fixtures live, from a checkout or from an installed wheel.

``fixtures/`` is data, never an import package (an unrelated PyPI package is called
``fixtures``). A wheel carries it as ``simulator/_fixtures``; an editable install or
a checkout finds it beside the ``simulator`` package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["fixtures_dir"]

_PACKAGE = Path(__file__).resolve().parent


def fixtures_dir() -> Path:
    """The bundled fixtures folder (``FileNotFoundError`` if the install lacks it)."""
    for candidate in (_PACKAGE / "_fixtures", _PACKAGE.parent / "fixtures"):
        if (candidate / "acme").is_dir():
            return candidate
    raise FileNotFoundError("journeysim's bundled fixtures are missing from this install")
