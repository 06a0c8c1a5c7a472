"""pydantic mirrors of the Pinpoint documents journeys refer to: message templates and segments.

``get-email-template`` prints ``{"EmailTemplateResponse": {...}}``, ``get-sms-template``
``{"SMSTemplateResponse": {...}}``, ``get-push-template``
``{"PushNotificationTemplateResponse": {...}}``, ``get-in-app-template``
``{"InAppTemplateResponse": {...}}``; ``get-segment`` / ``get-segments``
print ``{"SegmentResponse": {...}}`` / ``{"SegmentsResponse": {"Item": [...]}}``.
Same conventions as :mod:`importers.pinpoint.models`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from importers.pinpoint.models import PinpointModel, SegmentDimensions

__all__ = [
    "EmailTemplateResponse",
    "GetEmailTemplateResponse",
    "GetInAppTemplateResponse",
    "GetPushTemplateResponse",
    "GetSegmentResponse",
    "GetSegmentsResponse",
    "GetSmsTemplateResponse",
    "InAppMessageContent",
    "InAppTemplateResponse",
    "PushNotificationTemplateResponse",
    "SMSTemplateResponse",
    "SegmentGroup",
    "SegmentGroupList",
    "SegmentResponse",
    "SegmentsResponse",
]

TemplateType = Literal["EMAIL", "SMS", "VOICE", "PUSH", "INAPP"]


class MessageHeader(PinpointModel):
    name: str | None = None
    value: str | None = None


class _TemplateBase(PinpointModel):
    arn: str | None = None
    creation_date: str | None = None
    last_modified_date: str | None = None
    tags: dict[str, str] | None = Field(default=None, alias="tags")
    template_description: str | None = None
    template_name: str
    template_type: TemplateType
    version: str | None = None


class _TemplateResponse(_TemplateBase):
    default_substitutions: str | None = None
    recommender_id: str | None = None


class EmailTemplateResponse(_TemplateResponse):
    html_part: str | None = None
    subject: str | None = None
    headers: list[MessageHeader] | None = None
    text_part: str | None = None


class SMSTemplateResponse(_TemplateResponse):
    body: str | None = None


Action = Literal["OPEN_APP", "DEEP_LINK", "URL"]


class DefaultPushNotificationTemplate(PinpointModel):
    action: Action | None = None
    body: str | None = None
    sound: str | None = None
    title: str | None = None
    url: str | None = None


class APNSPushNotificationTemplate(DefaultPushNotificationTemplate):
    media_url: str | None = None
    raw_content: str | None = None


class AndroidPushNotificationTemplate(DefaultPushNotificationTemplate):
    image_icon_url: str | None = None
    image_url: str | None = None
    raw_content: str | None = None
    small_image_icon_url: str | None = None


class PushNotificationTemplateResponse(_TemplateResponse):
    adm: AndroidPushNotificationTemplate | None = Field(default=None, alias="ADM")
    apns: APNSPushNotificationTemplate | None = Field(default=None, alias="APNS")
    baidu: AndroidPushNotificationTemplate | None = None
    default: DefaultPushNotificationTemplate | None = None
    gcm: AndroidPushNotificationTemplate | None = Field(default=None, alias="GCM")


Alignment = Literal["LEFT", "CENTER", "RIGHT"]
ButtonAction = Literal["LINK", "DEEP_LINK", "CLOSE"]
Layout = Literal[
    "BOTTOM_BANNER", "TOP_BANNER", "OVERLAYS", "MOBILE_FEED", "MIDDLE_BANNER", "CAROUSEL"
]


class InAppMessageBodyConfig(PinpointModel):
    alignment: Alignment
    body: str
    text_color: str


class InAppMessageHeaderConfig(PinpointModel):
    alignment: Alignment
    header: str
    text_color: str


class DefaultButtonConfiguration(PinpointModel):
    background_color: str | None = None
    border_radius: int | None = None
    button_action: ButtonAction
    link: str | None = None
    text: str
    text_color: str | None = None


class OverrideButtonConfiguration(PinpointModel):
    button_action: ButtonAction
    link: str | None = None


class InAppMessageButton(PinpointModel):
    android: OverrideButtonConfiguration | None = None
    default_config: DefaultButtonConfiguration | None = None
    ios: OverrideButtonConfiguration | None = Field(default=None, alias="IOS")
    web: OverrideButtonConfiguration | None = None


class InAppMessageContent(PinpointModel):
    background_color: str | None = None
    body_config: InAppMessageBodyConfig | None = None
    header_config: InAppMessageHeaderConfig | None = None
    image_url: str | None = None
    primary_btn: InAppMessageButton | None = None
    secondary_btn: InAppMessageButton | None = None


class InAppTemplateResponse(_TemplateBase):
    content: list[InAppMessageContent] | None = None
    custom_config: dict[str, str] | None = None
    layout: Layout | None = None


class GetEmailTemplateResponse(PinpointModel):
    email_template_response: EmailTemplateResponse


class GetSmsTemplateResponse(PinpointModel):
    sms_template_response: SMSTemplateResponse = Field(alias="SMSTemplateResponse")


class GetPushTemplateResponse(PinpointModel):
    push_notification_template_response: PushNotificationTemplateResponse


class GetInAppTemplateResponse(PinpointModel):
    in_app_template_response: InAppTemplateResponse


# --- segments -------------------------------------------------------------------------


class SegmentReference(PinpointModel):
    id: str
    version: int | None = None


class SegmentGroup(PinpointModel):
    dimensions: list[SegmentDimensions] | None = None
    source_segments: list[SegmentReference] | None = None
    source_type: Literal["ALL", "ANY", "NONE"] | None = None
    type: Literal["ALL", "ANY", "NONE"] | None = None


class SegmentGroupList(PinpointModel):
    groups: list[SegmentGroup] | None = None
    include: Literal["ALL", "ANY", "NONE"] | None = None


class SegmentImportResource(PinpointModel):
    channel_counts: dict[str, int] | None = None
    external_id: str
    format: Literal["CSV", "JSON"]
    role_arn: str
    s3_url: str
    size: int


class SegmentResponse(PinpointModel):
    application_id: str
    arn: str | None = None
    creation_date: str | None = None
    dimensions: SegmentDimensions | None = None
    id: str
    import_definition: SegmentImportResource | None = None
    last_modified_date: str | None = None
    name: str | None = None
    segment_groups: SegmentGroupList | None = None
    segment_type: Literal["DIMENSIONAL", "IMPORT"]
    tags: dict[str, str] | None = Field(default=None, alias="tags")
    version: int | None = None


class SegmentsResponse(PinpointModel):
    item: list[SegmentResponse]
    next_token: str | None = None


class GetSegmentResponse(PinpointModel):
    segment_response: SegmentResponse


class GetSegmentsResponse(PinpointModel):
    segments_response: SegmentsResponse
