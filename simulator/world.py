"""A workspace and the documents journeys refer to, as one immutable value.

The validator, the dry-run engine, the runtime and the API all take a ``World``
instead of a project folder or a database, so the core stays free of I/O: the
project loader builds one from files, the API store builds one from DynamoDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from simulator.models import Communication, Segment, Subject, TriggerContract, Workspace

__all__ = ["World"]


def _frozen(items: Mapping | None) -> Mapping:
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class World:
    workspace: Workspace
    communications: Mapping[str, Communication] = field(default_factory=dict)
    segments: Mapping[str, Segment] = field(default_factory=dict)
    trigger_contracts: Mapping[str, TriggerContract] = field(default_factory=dict)
    subjects: Mapping[str, Subject] = field(default_factory=dict)
    """Known real subjects by ``endUserId`` (dry-run lookups)."""

    def __post_init__(self) -> None:
        for name in ("communications", "segments", "trigger_contracts", "subjects"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        communications: Iterable[Communication] = (),
        segments: Iterable[Segment] = (),
        trigger_contracts: Iterable[TriggerContract] = (),
        subjects: Iterable[Subject] = (),
    ) -> World:
        """Build a world from lists of documents, keyed by their ids."""
        return cls(
            workspace=workspace,
            communications={c.id: c for c in communications},
            segments={s.id: s for s in segments},
            trigger_contracts={t.id: t for t in trigger_contracts},
            subjects={s.end_user_id: s for s in subjects},
        )

    def known_attributes(self) -> frozenset[str]:
        """Attributes templates may use: the workspace's list, else those seen on
        the world's subjects plus the PII attributes."""
        ws = self.workspace
        if ws.known_attributes is not None:
            return frozenset(ws.known_attributes)
        seen = {name for s in self.subjects.values() for name in s.attributes}
        return frozenset(seen | set(ws.pii_attributes))
