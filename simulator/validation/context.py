"""What validation is checked against: the world, the current time, which checks run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from simulator.templating import environment
from simulator.world import World

__all__ = ["CONTEXT_VARIABLES", "DEFAULT_CONTEXT", "ValidationContext", "template_variables"]

CONTEXT_VARIABLES: frozenset[str] = frozenset({"event", "endUserId", "journey", "workspace"})
"""Names every template may read besides subject attributes (SPEC §3.6)."""


@dataclass(frozen=True)
class ValidationContext:
    """Everything a check may consult beyond the document itself.

    Without a ``world`` the cross-document checks are skipped entirely (unknown
    communications, segments and trigger contracts, transactional sends, channels,
    unknown template variables, segment cycles): a lone file is checked for what it
    says on its own. Without ``now``, ``wait_until_in_past`` is skipped, so
    validation stays pure and never reads the wall clock.
    """

    world: World | None = None
    now: datetime | None = None
    """The moment ``until`` waits are compared with (``wait_until_in_past``)."""
    check_templates: bool = True
    """Compile templates (syntax errors, unknown variables)."""
    invalid: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Documents that exist but did not validate, so the world lacks them: kind
    (``communication``, ``segment``, ``trigger_contract``) → id → file. A reference to
    one says that file does not validate, not that the document does not exist."""

    def invalid_of(self, kind: str) -> Mapping[str, str]:
        """Id → file of the documents of ``kind`` that did not validate."""
        return self.invalid.get(kind, {})


DEFAULT_CONTEXT = ValidationContext()


def template_variables(world: World | None) -> frozenset[str] | None:
    """The top-level names templates may read, or ``None`` when unknown (no world).

    Subject attributes the workspace knows, the context names of SPEC §3.6 and
    Jinja's own globals (``range``, ``namespace``, ...).
    """
    if world is None:
        return None
    return world.known_attributes() | CONTEXT_VARIABLES | frozenset(environment(False).globals)
