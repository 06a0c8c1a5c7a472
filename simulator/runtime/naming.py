"""Execution names (SPEC §5): ``{journeyId}__v{version}__{endUserId}__{eventId}``.

Step Functions accepts names of 1 to 80 characters with no whitespace, no control
characters and none of ``< > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /``. moto's default
mode enforces that, its execute mode does not, and real AWS does: so the rule is checked
here, in our own code, for every backend alike.

A name that breaks the rule is shortened deterministically: each refused character
becomes ``-``, the result is cut to leave room, and ``-`` plus the first 16 hex digits
of the SHA-256 of the *full, original* name is appended. Two different inputs therefore
keep different names (up to a 64-bit collision), the same input always gives the same
name (so the same event starts the same execution: idempotency is AWS's own), and the
readable prefix still says which journey and version an execution belongs to.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["MAX_NAME_LENGTH", "execution_name", "is_valid_execution_name"]

MAX_NAME_LENGTH = 80
_REFUSED = set('<>{}[]?*"#%\\^|~`$&,;:/')
_HASH_DIGITS = 16


def _refused(ch: str) -> bool:
    return ch in _REFUSED or ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"}


def is_valid_execution_name(name: str) -> bool:
    """Whether Step Functions accepts ``name`` as it is.

    >>> is_valid_execution_name("act-onb-2026__v3__usr_a__evt_b")
    True
    >>> [is_valid_execution_name(n) for n in ("a b", "x" * 81, "", "a:b")]
    [False, False, False, False]
    """
    return 0 < len(name) <= MAX_NAME_LENGTH and not any(_refused(ch) for ch in name)


def execution_name(journey_id: str, version: int, end_user_id: str, event_id: str) -> str:
    """The execution's name; shortened with a hash when Step Functions would refuse it.

    >>> execution_name("act-onb-2026", 3, "usr_a", "evt_b")
    'act-onb-2026__v3__usr_a__evt_b'
    >>> long = execution_name("act-onb-2026", 3, "usr_a", "evt:" + "x" * 90)
    >>> len(long), long.startswith("act-onb-2026__v3__usr_a__evt-x")
    (80, True)
    >>> long == execution_name("act-onb-2026", 3, "usr_a", "evt:" + "x" * 90)
    True
    """
    name = f"{journey_id}__v{version}__{end_user_id}__{event_id}"
    if is_valid_execution_name(name):
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_HASH_DIGITS]
    readable = re.sub(r"-{2,}", "-", "".join("-" if _refused(ch) else ch for ch in name))
    return f"{readable[: MAX_NAME_LENGTH - _HASH_DIGITS - 1]}-{digest}"
