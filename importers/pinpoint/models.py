"""pydantic models mirroring the Pinpoint shapes the importer reads (PascalCase on the wire).

Each class mirrors the botocore shape of the same name (members, casing, enums); a
test holds them to the service model. Inputs are checked against the service model
first (:mod:`importers.pinpoint.servicemodel`), so parsing here only gives the
translator typed access. ``Get*Response`` / ``List*Response`` are the wrappers the
AWS CLI prints (``get-journey`` → ``{"JourneyResponse": {...}}``); ``CreateJourneyRequest`` and
``UpdateJourneyRequest`` are what ``create-journey`` / ``update-journey`` take as
``--cli-input-json``. Response-only metadata (``CreationDate``, ``LastModifiedDate``,
``Arn``) is optional here even where the service model requires it: its absence is
noted, not refused (see :data:`importers.pinpoint.servicemodel.RESPONSE_METADATA`).
Message templates
and segments are mirrored in :mod:`importers.pinpoint.documents`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

__all__ = [
    "Activity",
    "AttributeDimension",
    "Condition",
    "CreateJourneyRequest",
    "EventCondition",
    "EventDimensions",
    "GetJourneyResponse",
    "JourneyResponse",
    "JourneysResponse",
    "ListJourneysResponse",
    "MetricDimension",
    "PinpointModel",
    "SegmentCondition",
    "SegmentDimensions",
    "SetDimension",
    "SimpleCondition",
    "UpdateJourneyRequest",
    "WaitTime",
    "WriteJourneyRequest",
]

Operator = Literal["ALL", "ANY"]
DimensionType = Literal["INCLUSIVE", "EXCLUSIVE"]
AttributeType = Literal["INCLUSIVE", "EXCLUSIVE", "CONTAINS", "BEFORE", "AFTER", "ON", "BETWEEN"]
DayOfWeek = Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


class PinpointModel(BaseModel):
    """Base: PascalCase aliases (``NextActivity``), unknown keys refused, immutable."""

    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, extra="forbid", frozen=True
    )


# --- dimensions and conditions --------------------------------------------------------


class SetDimension(PinpointModel):
    dimension_type: DimensionType | None = None
    values: list[str]


class AttributeDimension(PinpointModel):
    attribute_type: AttributeType | None = None
    values: list[str]


class MetricDimension(PinpointModel):
    comparison_operator: str
    value: float


class EventDimensions(PinpointModel):
    attributes: dict[str, AttributeDimension] | None = None
    event_type: SetDimension | None = None
    metrics: dict[str, MetricDimension] | None = None


class RecencyDimension(PinpointModel):
    duration: Literal["HR_24", "DAY_7", "DAY_14", "DAY_30"]
    recency_type: Literal["ACTIVE", "INACTIVE"]


class SegmentBehaviors(PinpointModel):
    recency: RecencyDimension | None = None


class SegmentDemographics(PinpointModel):
    app_version: SetDimension | None = None
    channel: SetDimension | None = None
    device_type: SetDimension | None = None
    make: SetDimension | None = None
    model: SetDimension | None = None
    platform: SetDimension | None = None


class GPSCoordinates(PinpointModel):
    latitude: float
    longitude: float


class GPSPointDimension(PinpointModel):
    coordinates: GPSCoordinates
    range_in_kilometers: float | None = None


class SegmentLocation(PinpointModel):
    country: SetDimension | None = None
    gps_point: GPSPointDimension | None = Field(default=None, alias="GPSPoint")


class SegmentDimensions(PinpointModel):
    attributes: dict[str, AttributeDimension] | None = None
    behavior: SegmentBehaviors | None = None
    demographic: SegmentDemographics | None = None
    location: SegmentLocation | None = None
    metrics: dict[str, MetricDimension] | None = None
    user_attributes: dict[str, AttributeDimension] | None = None


class SegmentCondition(PinpointModel):
    segment_id: str


class EventCondition(PinpointModel):
    dimensions: EventDimensions | None = None
    message_activity: str | None = None


class SimpleCondition(PinpointModel):
    event_condition: EventCondition | None = None
    segment_condition: SegmentCondition | None = None
    segment_dimensions: SegmentDimensions | None = None


class Condition(PinpointModel):
    conditions: list[SimpleCondition] | None = None
    operator: Operator | None = None


# --- activities -----------------------------------------------------------------------


class WaitTime(PinpointModel):
    wait_for: str | None = None
    wait_until: str | None = None


class JourneyEmailMessage(PinpointModel):
    from_address: str | None = None


class JourneySMSMessage(PinpointModel):
    message_type: Literal["TRANSACTIONAL", "PROMOTIONAL"] | None = None
    origination_number: str | None = None
    sender_id: str | None = None
    entity_id: str | None = None
    template_id: str | None = None


class JourneyPushMessage(PinpointModel):
    time_to_live: str | None = None


class JourneyCustomMessage(PinpointModel):
    data: str | None = None


class _MessageActivity(PinpointModel):
    next_activity: str | None = None
    template_name: str | None = None
    template_version: str | None = None


class EmailMessageActivity(_MessageActivity):
    message_config: JourneyEmailMessage | None = None


class SMSMessageActivity(_MessageActivity):
    message_config: JourneySMSMessage | None = None


class PushMessageActivity(_MessageActivity):
    message_config: JourneyPushMessage | None = None


class CustomMessageActivity(_MessageActivity):
    delivery_uri: str | None = None
    endpoint_types: list[str] | None = None
    message_config: JourneyCustomMessage | None = None


class WaitActivity(PinpointModel):
    next_activity: str | None = None
    wait_time: WaitTime | None = None


class ConditionalSplitActivity(PinpointModel):
    condition: Condition | None = None
    evaluation_wait_time: WaitTime | None = None
    false_activity: str | None = None
    true_activity: str | None = None


class MultiConditionalBranch(PinpointModel):
    condition: SimpleCondition | None = None
    next_activity: str | None = None


class MultiConditionalSplitActivity(PinpointModel):
    branches: list[MultiConditionalBranch] | None = None
    default_activity: str | None = None
    evaluation_wait_time: WaitTime | None = None


class RandomSplitEntry(PinpointModel):
    next_activity: str | None = None
    percentage: int | None = None


class RandomSplitActivity(PinpointModel):
    branches: list[RandomSplitEntry] | None = None


class HoldoutActivity(PinpointModel):
    next_activity: str | None = None
    percentage: int


class ContactCenterActivity(PinpointModel):
    next_activity: str | None = None


class Activity(PinpointModel):
    """One journey activity: exactly one of the type members should be set."""

    custom: CustomMessageActivity | None = Field(default=None, alias="CUSTOM")
    conditional_split: ConditionalSplitActivity | None = None
    description: str | None = None
    email: EmailMessageActivity | None = Field(default=None, alias="EMAIL")
    holdout: HoldoutActivity | None = None
    multi_condition: MultiConditionalSplitActivity | None = None
    push: PushMessageActivity | None = Field(default=None, alias="PUSH")
    random_split: RandomSplitActivity | None = None
    sms: SMSMessageActivity | None = Field(default=None, alias="SMS")
    wait: WaitActivity | None = None
    contact_center: ContactCenterActivity | None = None


# --- journey --------------------------------------------------------------------------


class EventFilter(PinpointModel):
    dimensions: EventDimensions
    filter_type: Literal["SYSTEM", "ENDPOINT"]


class EventStartCondition(PinpointModel):
    event_filter: EventFilter | None = None
    segment_id: str | None = None


class StartCondition(PinpointModel):
    description: str | None = None
    event_start_condition: EventStartCondition | None = None
    segment_start_condition: SegmentCondition | None = None


class JourneyTimeframeCap(PinpointModel):
    cap: int | None = None
    days: int | None = None


class JourneyLimits(PinpointModel):
    daily_cap: int | None = None
    endpoint_reentry_cap: int | None = None
    messages_per_second: int | None = None
    endpoint_reentry_interval: str | None = None
    timeframe_cap: JourneyTimeframeCap | None = None
    total_cap: int | None = None


class QuietTime(PinpointModel):
    end: str | None = None
    start: str | None = None


class OpenHoursRule(PinpointModel):
    start_time: str | None = None
    end_time: str | None = None


class ClosedDaysRule(PinpointModel):
    name: str | None = None
    start_date_time: str | None = None
    end_date_time: str | None = None


OpenHoursRules = dict[DayOfWeek, list[OpenHoursRule]]


class OpenHours(PinpointModel):
    email: OpenHoursRules | None = Field(default=None, alias="EMAIL")
    sms: OpenHoursRules | None = Field(default=None, alias="SMS")
    push: OpenHoursRules | None = Field(default=None, alias="PUSH")
    voice: OpenHoursRules | None = Field(default=None, alias="VOICE")
    custom: OpenHoursRules | None = Field(default=None, alias="CUSTOM")


class ClosedDays(PinpointModel):
    email: list[ClosedDaysRule] | None = Field(default=None, alias="EMAIL")
    sms: list[ClosedDaysRule] | None = Field(default=None, alias="SMS")
    push: list[ClosedDaysRule] | None = Field(default=None, alias="PUSH")
    voice: list[ClosedDaysRule] | None = Field(default=None, alias="VOICE")
    custom: list[ClosedDaysRule] | None = Field(default=None, alias="CUSTOM")


class JourneySchedule(PinpointModel):
    end_time: str | None = None
    start_time: str | None = None
    timezone: str | None = None


class JourneyChannelSettings(PinpointModel):
    connect_campaign_arn: str | None = None
    connect_campaign_execution_role_arn: str | None = None


class WriteJourneyRequest(PinpointModel):
    """A journey as ``create-journey`` / ``update-journey`` take it (no ids)."""

    activities: dict[str, Activity] | None = None
    creation_date: str | None = None
    last_modified_date: str | None = None
    limits: JourneyLimits | None = None
    local_time: bool | None = None
    name: str
    quiet_time: QuietTime | None = None
    refresh_frequency: str | None = None
    schedule: JourneySchedule | None = None
    start_activity: str | None = None
    start_condition: StartCondition | None = None
    state: Literal["DRAFT", "ACTIVE", "COMPLETED", "CANCELLED", "CLOSED", "PAUSED"] | None = None
    wait_for_quiet_time: bool | None = None
    refresh_on_segment_update: bool | None = None
    journey_channel_settings: JourneyChannelSettings | None = None
    sending_schedule: bool | None = None
    open_hours: OpenHours | None = None
    closed_days: ClosedDays | None = None
    timezone_estimation_methods: list[Literal["PHONE_NUMBER", "POSTAL_CODE"]] | None = None


class JourneyResponse(WriteJourneyRequest):
    """A journey as ``get-journey`` returns it (adds ids and tags)."""

    application_id: str
    id: str
    tags: dict[str, str] | None = Field(default=None, alias="tags")


class JourneysResponse(PinpointModel):
    item: list[JourneyResponse]
    next_token: str | None = None


class GetJourneyResponse(PinpointModel):
    journey_response: JourneyResponse


class ListJourneysResponse(PinpointModel):
    journeys_response: JourneysResponse


class CreateJourneyRequest(PinpointModel):
    """``create-journey --cli-input-json`` input: the journey and its project."""

    application_id: str
    write_journey_request: WriteJourneyRequest


class UpdateJourneyRequest(CreateJourneyRequest):
    """``update-journey --cli-input-json`` input: it also names the journey."""

    journey_id: str
