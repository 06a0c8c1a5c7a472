"""Values made once per live object, found by identity: ``by_identity(make)``.

The engine meets the same objects again and again: a journey's predicates for every
subject, the shared gate checks and predicate leaves of every trace. What is made
from one depends on nothing else, but hashing such an object hashes its fields in
Python, which costs more than the lookup saves. So these caches key on ``id()`` and
keep the object beside its value: a kept object cannot be freed, so its id is never
reused for another while the entry lives. They hold at most ``limit`` entries and
start over when full. The objects must not change after they are first seen (loaded
models and engine results are read-only input).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["by_identity"]

Made = TypeVar("Made")


def by_identity(make: Callable[[Any], Made], limit: int = 4096) -> Callable[[Any], Made]:
    """``make``, remembered per object by identity.

    >>> made = []
    >>> square = by_identity(lambda xs: made.append(xs) or [x * x for x in xs])
    >>> point = [1, 2]
    >>> square(point) is square(point), len(made)
    (True, 1)
    >>> square([1, 2]) == square(point), len(made)  # an equal object is another object
    (True, 2)
    """
    kept: dict[int, tuple[Any, Made]] = {}

    def cached(obj: Any) -> Made:
        hit = kept.get(id(obj))
        if hit is None or hit[0] is not obj:
            if len(kept) >= limit:
                kept.clear()
            hit = kept[id(obj)] = (obj, make(obj))
        return hit[1]

    return cached
