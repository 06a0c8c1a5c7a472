"""Global holdout assignment (SPEC §3.1) and the FNV-1a-32 hash it rests on.

``bucket = fnv1a32(utf8(projectKey + "::" + endUserId)) % 100`` and a subject is held
out when ``bucket < holdoutPct``. The assignment depends on nothing else, so it is the
same in every journey, every trace and every run, and the runtime reaches the same
answer as the dry-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["FNV_OFFSET_BASIS", "FNV_PRIME", "HoldoutAssignment", "assign_holdout", "fnv1a32"]

FNV_OFFSET_BASIS = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a32(data: bytes | str) -> int:
    """The 32-bit FNV-1a hash of ``data`` (``str`` is encoded as UTF-8).

    >>> hex(fnv1a32(""))
    '0x811c9dc5'
    >>> hex(fnv1a32("a"))
    '0xe40c292c'
    >>> hex(fnv1a32("foobar"))
    '0xbf9cf968'
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    value = FNV_OFFSET_BASIS
    for byte in raw:
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


@dataclass(frozen=True, slots=True)
class HoldoutAssignment:
    bucket: int
    """0..99, from the FNV-1a-32 hash of ``projectKey::endUserId``."""
    holdout_pct: int
    in_holdout: bool


@lru_cache(maxsize=65536)
def assign_holdout(project_key: str, end_user_id: str, holdout_pct: int) -> HoldoutAssignment:
    """The subject's holdout bucket and membership.

    >>> assign_holdout("pk", "usr_1", 0).in_holdout
    False
    >>> assign_holdout("pk", "usr_1", 100).in_holdout
    True
    """
    bucket = fnv1a32(f"{project_key}::{end_user_id}") % 100
    return HoldoutAssignment(
        bucket=bucket, holdout_pct=holdout_pct, in_holdout=bucket < holdout_pct
    )
