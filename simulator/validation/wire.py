"""Reading wire documents (parsed JSON or YAML) whose shape nothing guarantees yet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

__all__ = ["is_object"]


def is_object(value: Any) -> TypeGuard[Mapping]:
    """Whether ``value`` is a JSON object (any mapping).

    The validator asks this of every step and reference, so plain dicts, what
    parsers give, skip the slower abstract-base-class check.

    >>> is_object({}), is_object([]), is_object(None)
    (True, False, False)
    """
    return type(value) is dict or isinstance(value, Mapping)
