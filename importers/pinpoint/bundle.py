"""The import bundle (``journeysim.import-bundle/v1``): what a translation hands back.

A bundle carries journeysim documents (journeys, communications, segments, trigger
contracts) ready to write into a project or to apply through the API, the map from
Pinpoint activity ids to step ids, and the report of everything that did not
translate one to one. Translation is total: every activity id is a key of ``idMap``
or the ``activityId`` of a report entry.

``idMap`` keys are activity ids. A bundle made from a ``list-journeys`` export holds
several journeys, whose activity ids may repeat, so there each key is
``<journeyId>/<activityId>`` (the journeysim journey id).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from simulator.codes import ReportSeverity
from simulator.models import Communication, Journey, Model, Segment, TriggerContract

__all__ = [
    "BUNDLE_FORMAT",
    "BundleSource",
    "ImportBundle",
    "ReportEntry",
    "bundle_schema",
]

BUNDLE_FORMAT = "journeysim.import-bundle/v1"


class BundleSource(Model):
    """Where the bundle came from."""

    kind: Literal["pinpoint"] = "pinpoint"
    application_id: str | None = None
    """The Pinpoint project (application) id, when the export names one."""
    journey_id: str | None = None
    """The Pinpoint journey id (single-journey exports only)."""
    name: str | None = None
    """The Pinpoint journey name (single-journey exports only)."""


class ReportEntry(Model):
    """One thing the user should know about the translation."""

    severity: ReportSeverity
    code: str
    """An ``ImportCode`` value, or a validation ``FindingCode`` for findings on the result."""
    message: str
    journey_id: str | None = None
    """The journeysim journey the entry concerns."""
    activity_id: str | None = None
    """The Pinpoint activity the entry concerns."""
    location: str | None = None
    """A JSON pointer into ``document``."""
    document: str | None = None
    """What ``location`` points into: ``export``, a template or segment file (by the name
    it was given under), or ``bundle`` (validation findings on the translated documents)."""
    template: str | None = None
    """The Pinpoint template name, for template entries."""
    line: int | None = Field(default=None, ge=1)
    """1-based line within the template text."""
    column: int | None = Field(default=None, ge=1)
    """1-based column within the template text."""


class ImportBundle(Model):
    """Journeys and the documents they need, translated from another platform."""

    format: Literal["journeysim.import-bundle/v1"]
    """Required: a bundle names its version, so another kind of file (a journey, an
    export) or a later bundle version is refused rather than read as an empty bundle."""
    source: BundleSource = Field(default_factory=BundleSource)
    journeys: list[Journey] = Field(default_factory=list)
    communications: list[Communication] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    trigger_contracts: list[TriggerContract] = Field(default_factory=list)
    id_map: dict[str, str] = Field(default_factory=dict)
    """Pinpoint activity id → the journeysim step that stands for it."""
    report: list[ReportEntry] = Field(default_factory=list)


def bundle_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of an import bundle.

    The same document ``journeysim schema`` publishes as ``import-bundle``.

    >>> bundle_schema()["properties"]["format"]["const"]
    'journeysim.import-bundle/v1'
    """
    from simulator.schemas import BUNDLE_KIND, schema_for

    return schema_for(BUNDLE_KIND)
