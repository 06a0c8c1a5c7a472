"""The shared base of every domain model: camelCase on the wire, unknown keys refused.

Every document kind (workspace, communication, segment, trigger contract, subject,
journey) also accepts a top-level ``$schema`` key so that editors can validate and
complete files; it is kept on the model as ``schema_url`` and never serialised.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "HHMM_PATTERN",
    "INTEGER_COMMENT",
    "Bool",
    "ClockTime",
    "DocumentModel",
    "Integer",
    "Model",
    "Number",
    "StepId",
    "TimeZone",
]


class Model(BaseModel):
    """Base of all domain models.

    camelCase aliases on the wire, snake_case in Python; unknown fields are an
    error (a typo in a journey file must not be silently ignored).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        # Field docstrings become schema descriptions where schemas are generated
        # (simulator.docstrings): reading sources here would slow every import.
        use_attribute_docstrings=False,
        ser_json_timedelta="iso8601",
    )

    def to_wire(self) -> dict:
        """The JSON-ready dict with camelCase keys, without unset optional noise."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class DocumentModel(Model):
    """A model that is a whole file: it may carry an editor's ``$schema`` pointer."""

    schema_url: str | None = Field(default=None, alias="$schema", exclude=True)
    """JSON Schema URL for editors; ignored by journeysim."""


StepId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
"""A step id: starts with a letter or digit, then up to 63 of ``[A-Za-z0-9_-]``."""


INTEGER_COMMENT = (
    "a whole number written as one: 5, not 5.0 (refused, though JSON Schema counts it)"
)
"""The ``$comment`` of every :data:`Integer` in the schemas: the one rule they cannot state."""

Integer = Annotated[int, Field(strict=True, json_schema_extra={"$comment": INTEGER_COMMENT})]
"""A JSON integer, as the schemas say: ``"5"`` and ``true`` are refused, not coerced
(pydantic's lax mode would read them as 5 and 1). ``5.0`` is refused too, in files and
in the API's bodies alike: no editor writes one, and a fraction is never meant.

That is the one rule the JSON Schemas (``journeysim schema``, the OpenAPI document)
cannot state: JSON Schema's ``"type": "integer"`` is any number without a fraction, so
``5.0`` passes it, and no keyword tells ``5.0`` from ``5`` (they are one value in its
data model). The schemas say it in a ``$comment`` (:data:`INTEGER_COMMENT`) rather than
in the ``description``, which stays each field's own (field docstrings); the
validator remains the authority."""
Number = Annotated[float, Field(strict=True)]
"""A JSON number (an integer is one too): ``"30"`` and ``true`` are refused."""
Bool = Annotated[bool, Field(strict=True)]
"""A JSON boolean: only ``true`` and ``false`` (lax mode would take ``"yes"``, ``1``, ``"off"``)."""


HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
"""A 24-hour ``HH:MM``, as the schemas state it (``[0-9]``, not ``\\d``, which is any
Unicode digit to Python and to some JSON Schema validators)."""


def _hhmm(value: str) -> str:
    # fullmatch: Python's $ would also match before a final newline ("21:00\n").
    if not re.fullmatch(HHMM_PATTERN[1:-1], value):
        raise ValueError("must be a 24-hour time HH:MM")
    return value


ClockTime = Annotated[
    str, AfterValidator(_hhmm), Field(json_schema_extra={"pattern": HHMM_PATTERN})
]
"""A time of day, ``"00:00"`` to ``"23:59"``. One pattern for the validator and the
schemas; the validator keeps its own words ("must be a 24-hour time HH:MM") rather
than pydantic's "String should match pattern"."""


def _known_zone(value: str) -> str:
    from simulator.timezones import check_zone  # zoneinfo only when a zone is given

    return check_zone(value)


TimeZone = Annotated[
    str,
    AfterValidator(_known_zone),
    Field(json_schema_extra={"examples": ["UTC", "Europe/Paris", "America/New_York"]}),
]
"""An IANA time-zone name (``Europe/Paris``); ``journeysim validate`` refuses one the
zone database does not know (``Mars/Base``).

The schemas give examples but no ``enum`` of the zones: the set is the machine's (the
system's zoneinfo, else the ``tzdata`` package, each in its own version), so an enum
would make ``journeysim schema`` differ from machine to machine and go stale as zones
are added or renamed, and a shape ``pattern`` would pass ``Mars/Base`` anyway. About
600 names would be cheap in bytes; a schema that depends on where it was generated is
not. Fields of this type say in their description that the name must exist."""
