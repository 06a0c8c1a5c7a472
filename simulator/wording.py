"""Small pieces of English shared by every message journeysim prints."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``count`` and ``word``, plural unless the count is one.

    >>> counted(1, "error"), counted(0, "error"), counted(3, "activity", "activities")
    ('1 error', '0 errors', '3 activities')
    """
    return f"{count} {word if count == 1 else plural or word + 's'}"
