"""Bounds on the client-given strings that become part of the runtime's keys.

An inbound event's ``id`` and the end user's id are written into DynamoDB keys (and the
execution's name, which :mod:`~simulator.runtime.naming` shortens with a hash when it
must). DynamoDB refuses a partition key over 2,048 bytes and a sort key over 1,024
bytes, and it refuses them when the call's writes are flushed: by then a Step Functions
execution may have been started and other tables written. So these ids are checked
*before* anything is started or written (:func:`check_event_keys`), and one that is
too long is ``400 invalid_request`` at its field, with the ``limit`` it broke.

**The limit** is :data:`MAX_ID_CHARACTERS` (256) characters *and*
:data:`MAX_ID_BYTES` (768) bytes of UTF-8. 256 characters is a subject profile's own
limit (:attr:`simulator.models.Subject.end_user_id`), so every profile id of
characters of the Basic Multilingual Plane (at most 3 bytes each) passes both. The
bytes are what DynamoDB counts; the widest key an id goes into, with its prefixes:

* event id, sort keys: ``{journeyId}#holdout#{id}`` (journey ids are at most 128
  ASCII characters: 137 + 768 = 905 bytes), ``event#{at}#{id}`` (34 + 768),
  ``event#{id}`` (6 + 768), ``posted#{id}`` (7 + 768), all under 1,024;
* end-user id, sort key ``subject#{id}`` of the profile documents (8 + 768), and the
  partition keys ``{workspace}#{id}`` and ``{workspace}#{id}#{eventName}`` (workspace
  ids are at most 128 characters), under 2,048 with room for the event name.

An inbound event's ``name`` is bounded the same way: the runtime looks up the waits
for it under ``{workspace}#{endUserId}#{name}`` (128 + 768 + 768 + 2 bytes, under
2,048), and a name that long is no event a journey could listen to.

>>> too_long("evt_1", "/id") is None
True
>>> too_long("x" * 257, "/id")["limit"], too_long("😀" * 200, "/id")["limit"]
(256, 768)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulator.backend.errors import InvalidRequest, problem

__all__ = [
    "MAX_ID_BYTES",
    "MAX_ID_CHARACTERS",
    "check_event_keys",
    "properties_pointer",
    "too_long",
]

MAX_ID_CHARACTERS = 256
MAX_ID_BYTES = 768


def too_long(value: str, pointer: str) -> dict[str, Any] | None:
    """The problem (at JSON pointer ``pointer``) of an id over the limit, or ``None``."""
    field = pointer.rsplit("/", 1)[-1] or "id"
    if len(value) > MAX_ID_CHARACTERS:
        size, limit, unit = len(value), MAX_ID_CHARACTERS, "characters"
    else:
        size, limit, unit = len(value.encode("utf-8")), MAX_ID_BYTES, "bytes"
        if size <= limit:
            return None
    noun = "an event name" if field == "name" else "an id"
    message = (
        f"{field}: {size} {unit}; {noun} is at most {MAX_ID_CHARACTERS} characters and "
        f"{MAX_ID_BYTES} bytes of UTF-8 (it becomes part of storage keys)"
    )
    return problem(pointer, message, "string_too_long", limit=limit, unit=unit, size=size)


def check_event_keys(ids: Iterable[tuple[str, Any]]) -> None:
    """Refuse (``InvalidRequest``, every problem in ``details``) the ``(pointer, value)``
    pairs whose string value is over the limit; values that are not strings are left to
    the caller's own checks."""
    problems = []
    seen = set()
    for pointer, value in ids:
        if pointer in seen or not isinstance(value, str):
            continue
        seen.add(pointer)
        found = too_long(value, pointer)
        if found is not None:
            problems.append(found)
    if problems:
        raise InvalidRequest(problems[0]["message"], details=problems)


def properties_pointer(properties: Mapping[str, Any], path: str) -> str:
    """The JSON pointer of the dotted ``path`` inside an event's ``properties``, as
    :func:`~simulator.engine.predicates.lookup` reads it (a key with dots first).

    >>> properties_pointer({"user": {"id": "u"}}, "user.id")
    '/properties/user/id'
    >>> properties_pointer({"a.b/c": "u"}, "a.b/c")
    '/properties/a.b~1c'
    """
    parts = [path] if path in properties else path.split(".")
    return "/properties/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
