"""Broken files beside the ones a command is given: a file over the size cap, a
dangling symlink and a file nobody may read (unreadable even for root, by a patched
``Path.open``). Shared by the tests that a broken sibling is not a command's problem."""

from __future__ import annotations

from pathlib import Path

import pytest

BROKEN = ("huge.json", "gone.json", "locked.json")


def add_broken_siblings(folder: Path, locked_text: str = "{}") -> None:
    """Put the three broken files in ``folder``; ``locked.json`` holds ``locked_text``."""
    with (folder / "huge.json").open("wb") as stream:  # over the size cap, all zeros
        stream.truncate(33 * 1024 * 1024)
    (folder / "gone.json").symlink_to(folder / "nowhere.json")
    (folder / "locked.json").write_text(locked_text)


def lock_locked_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``locked.json`` unreadable: opening it for reading is refused."""
    real = Path.open

    def refuse(path: Path, mode: str = "r", *args, **kwargs):
        if path.name == "locked.json" and "r" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
