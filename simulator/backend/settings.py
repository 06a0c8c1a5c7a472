"""Settings of the Journeys API: storage, limits and the tier gate, in one value.

``ApiSettings.from_env()`` reads ``JOURNEYSIM_*`` variables (see :mod:`simulator.backend.aws`
for the storage ones), ``JOURNEYSIM_ENFORCE_TIER_LIMIT`` (``1``/``true`` turns on the
published-journey limit of the workspace's tier, which the hosted product lifted on
2026-05-15; off by default) and ``JOURNEYSIM_PROJECT`` (a project folder that
``create_app(settings)`` loads at start, so that
``uvicorn --factory simulator.api.app:create_app`` serves it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulator.backend.aws import AwsSettings

__all__ = ["ApiSettings"]

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ApiSettings:
    aws: AwsSettings = field(default_factory=AwsSettings)
    enforce_tier_limit: bool = False
    """Publish answers ``402 tier_limit_exceeded`` past the tier's ``maxJourneys``."""
    max_body_bytes: int = 1 << 20
    """Largest request body (1 MiB): a 1,000-step journey is ~70 KB of JSON."""
    max_json_depth: int = 64
    """Deepest JSON nesting accepted (a journey with 25 levels of ``all``/``any``)."""
    max_steps: int = 1_000
    """Most steps in one journey: ten times Pinpoint's 100-activity quota, and what one
    DynamoDB item holds comfortably."""
    max_stored_bytes: int = 350_000
    """Largest compressed journey document (DynamoDB items stop at 400 KB)."""
    audit_page_limit: int = 200
    """Entries returned by one audit read (the seed's "up to 200 most recent")."""
    project: Path | None = None
    """A project folder loaded by ``create_app(settings)`` when it starts the backend."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if environ is None else environ
        flag = env.get("JOURNEYSIM_ENFORCE_TIER_LIMIT", "").strip().lower()
        project = env.get("JOURNEYSIM_PROJECT") or None
        return cls(
            aws=AwsSettings.from_env(env),
            enforce_tier_limit=flag in _TRUE,
            project=Path(project) if project else None,
        )
