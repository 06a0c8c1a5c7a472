"""The kinds of document in a project folder and where each lives (SPEC §1.7).

Light on purpose: naming a kind (the CLI's help, the schema list) needs no models;
``DocumentKind.model`` imports them when first asked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.models import DocumentModel

__all__ = ["SOURCE_SUFFIXES", "DocumentKind"]

SOURCE_SUFFIXES = (".json", ".yaml", ".yml")
"""File name endings the loader reads; other files in a project folder are ignored."""


class DocumentKind(StrEnum):
    """The kinds of file in a project folder (SPEC §1.7)."""

    WORKSPACE = "workspace"
    JOURNEY = "journey"
    COMMUNICATION = "communication"
    SEGMENT = "segment"
    TRIGGER_CONTRACT = "trigger-contract"
    SUBJECT = "subject"

    @property
    def model(self) -> type[DocumentModel]:
        from simulator import models

        return getattr(models, _MODELS[self])

    @property
    def folder(self) -> str | None:
        """The project sub-folder holding this kind (the workspace is a root file)."""
        return _FOLDERS.get(self)

    @property
    def id_key(self) -> str:
        """The wire key that names a document of this kind."""
        return "endUserId" if self is DocumentKind.SUBJECT else "id"


_MODELS = {
    DocumentKind.WORKSPACE: "Workspace",
    DocumentKind.JOURNEY: "Journey",
    DocumentKind.COMMUNICATION: "Communication",
    DocumentKind.SEGMENT: "Segment",
    DocumentKind.TRIGGER_CONTRACT: "TriggerContract",
    DocumentKind.SUBJECT: "Subject",
}
_FOLDERS = {
    DocumentKind.JOURNEY: "journeys",
    DocumentKind.COMMUNICATION: "communications",
    DocumentKind.SEGMENT: "segments",
    DocumentKind.TRIGGER_CONTRACT: "triggers",
    DocumentKind.SUBJECT: "subjects",
}
