"""The Textual terminal UI of journeysim: browse journeys, dry-run, flip overrides,
read and compare traces (``journeysim tui``)."""

from tui.app import JourneysimApp, create_app
from tui.backend import (
    LIFECYCLE_ACTIONS,
    AuditEntry,
    Backend,
    BackendInfo,
    DryRunRequest,
    JourneyDetail,
    JourneySummary,
    RuntimeView,
    SubjectSummary,
)
from tui.compare import Divergence, first_divergence
from tui.local import LocalBackend

__all__ = [
    "LIFECYCLE_ACTIONS",
    "AuditEntry",
    "Backend",
    "BackendInfo",
    "Divergence",
    "DryRunRequest",
    "JourneyDetail",
    "JourneySummary",
    "JourneysimApp",
    "LocalBackend",
    "RuntimeView",
    "SubjectSummary",
    "create_app",
    "first_divergence",
]
