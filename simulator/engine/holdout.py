"""Global holdout assignment (SPEC §3.1) and the FNV-1a-32 hash it rests on.

``bucket = fnv1a32(utf8(projectKey + "::" + endUserId)) % 100`` and a subject is held
out when ``bucket < holdoutPct``. The assignment depends on nothing else, so it is the
same in every journey, every trace and every run, and the runtime reaches the same
answer as the dry-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "FNV_OFFSET_BASIS",
    "FNV_PRIME",
    "HoldoutAssignment",
    "assign_holdout",
    "fnv1a32",
    "keyed_fnv1a32",
]

FNV_OFFSET_BASIS = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a32(data: bytes | str, basis: int = FNV_OFFSET_BASIS) -> int:
    """The 32-bit FNV-1a hash of ``data`` (``str`` is encoded as UTF-8); from ``basis``,
    the hash of what came before ``data``.

    >>> hex(fnv1a32(""))
    '0x811c9dc5'
    >>> hex(fnv1a32("a"))
    '0xe40c292c'
    >>> hex(fnv1a32("foobar")), hex(fnv1a32("bar", fnv1a32("foo")))
    ('0xbf9cf968', '0xbf9cf968')
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    value = basis
    for byte in raw:
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


def keyed_fnv1a32(prefix: str, key: str) -> int:
    """``fnv1a32(prefix + key)``, the prefix (a project key, a journey's step: never a
    subject's) hashed once: FNV-1a runs byte by byte in Python, and the prefix is
    often the longer part.

    >>> keyed_fnv1a32("pk::", "usr_1") == fnv1a32("pk::usr_1")
    True
    """
    return fnv1a32(key, _prefix_hash(prefix))


_prefix_hash = lru_cache(maxsize=1024)(fnv1a32)


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
    bucket = keyed_fnv1a32(f"{project_key}::", end_user_id) % 100
    return HoldoutAssignment(
        bucket=bucket, holdout_pct=holdout_pct, in_holdout=bucket < holdout_pct
    )
