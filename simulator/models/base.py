"""The shared base of every domain model: camelCase on the wire, unknown keys refused.

Every document kind (workspace, communication, segment, trigger contract, subject,
journey) also accepts a top-level ``$schema`` key so that editors can validate and
complete files; it is kept on the model as ``schema_url`` and never serialised.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["Bool", "DocumentModel", "Integer", "Model", "Number", "StepId"]


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


Integer = Annotated[int, Field(strict=True)]
"""A JSON integer, as the schemas say: ``"5"`` and ``true`` are refused, not coerced
(pydantic's lax mode would read them as 5 and 1). ``5.0`` is refused too: JSON Schema
would call it an integer, but no editor writes one, and a fraction is never meant."""
Number = Annotated[float, Field(strict=True)]
"""A JSON number (an integer is one too): ``"30"`` and ``true`` are refused."""
Bool = Annotated[bool, Field(strict=True)]
"""A JSON boolean: only ``true`` and ``false`` (lax mode would take ``"yes"``, ``1``, ``"off"``)."""
