"""Subjects (end users) as dry-runs see them (SPEC §1.5)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from simulator.models.base import Bool, DocumentModel, Model, TimeZone
from simulator.models.channels import Channel

__all__ = [
    "ChannelPreferences",
    "Event",
    "FutureEvent",
    "SendRecord",
    "Subject",
    "Suppression",
]


class ChannelPreferences(Model):
    """Per-channel marketing consent. ``None`` means "not set" and counts as opted in."""

    # Keys are channel names on the wire too (SPEC §1.5), not camelCase.
    email: Bool | None = None
    in_app_push: Bool | None = Field(default=None, alias="in_app_push")
    mobile_push: Bool | None = Field(default=None, alias="mobile_push")

    def for_channel(self, channel: Channel) -> bool | None:
        return getattr(self, channel.value)


class Suppression(Model):
    channel: Channel
    reason: Literal["bounce", "complaint", "manual"]
    at: AwareDatetime


class Event(Model):
    name: str = Field(min_length=1)
    at: AwareDatetime
    properties: dict[str, Any] = Field(default_factory=dict)


class FutureEvent(Model):
    """A scripted event, ``after`` (ISO-8601 duration) the trigger, for dry-runs."""

    name: str = Field(min_length=1)
    after: str
    properties: dict[str, Any] = Field(default_factory=dict)


class SendRecord(Model):
    at: AwareDatetime
    channel: Channel
    communication_id: str
    journey_id: str | None = None


class Subject(DocumentModel):
    end_user_id: str = Field(min_length=1, max_length=256)
    attributes: dict[str, Any] = Field(default_factory=dict)
    channel_preferences: ChannelPreferences = Field(default_factory=ChannelPreferences)
    global_opt_out: Bool = False
    suppressed: list[Suppression] = Field(default_factory=list)
    timezone: TimeZone | None = None
    """IANA zone, one the zone database knows; falls back to the workspace's quiet-hours
    zone, then UTC."""
    events: list[Event] = Field(default_factory=list)
    send_history: list[SendRecord] = Field(default_factory=list)
    future_events: list[FutureEvent] = Field(default_factory=list)
    """Scripted events relative to the trigger, for dry-runs (SPEC §3.5)."""
    synthetic: Bool = False
    """True for subjects made from attributes or by Faker (``syn_<hash>`` ids)."""
