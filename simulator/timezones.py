"""IANA time-zone lookup with a clear error for unknown names."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["check_zone", "zone"]


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name (``ValueError`` when unknown).

    >>> zone("Europe/Paris").key
    'Europe/Paris'
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc


def check_zone(name: str) -> str:
    """Return ``name`` when it is a known IANA zone, else raise ``ValueError``."""
    zone(name)
    return name
