"""Pinpoint message templates → journeysim communications (SPEC §1.2).

One marketing communication per (channel, template name), however many activities
send it, and one for each supplied template no activity sends: ``email-<name>`` from
an email template (``Subject`` → ``subjectLine``, ``HtmlPart`` → ``body``, else
``TextPart``) and ``push-<name>`` from a push template (the ``Default`` message, else
the first platform's; its ``Title`` becomes ``subjectLine``) and ``inapp-<name>`` from
an in-app template (``in_app_push``: the first message's header and body; buttons,
images and further carousel messages are reported). SMS templates become the
body of the SMS webhook placeholder. A template that was not supplied becomes an
empty placeholder communication, reported, so the journey still validates and the
gap is visible. Template translation issues are reported once per template, with the
field, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

from importers.pinpoint.documents import (
    EmailTemplateResponse,
    InAppTemplateResponse,
    PushNotificationTemplateResponse,
    SMSTemplateResponse,
)
from importers.pinpoint.models import EmailMessageActivity, PushMessageActivity, SMSMessageActivity
from importers.pinpoint.names import slug
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from importers.pinpoint.templates import default_substitutions, translate_template
from simulator.codes import ImportCode
from simulator.models import Channel, Communication, CommunicationKind
from simulator.models.communication import is_sender

__all__ = ["Catalog", "TemplateSource"]

AnyTemplate = (
    EmailTemplateResponse
    | SMSTemplateResponse
    | PushNotificationTemplateResponse
    | InAppTemplateResponse
)
_CHANNELS = {
    "EMAIL": (Channel.EMAIL, "email"),
    "PUSH": (Channel.MOBILE_PUSH, "push"),
    "INAPP": (Channel.IN_APP_PUSH, "inapp"),
}
_KIND = {
    EmailTemplateResponse: "EMAIL",
    SMSTemplateResponse: "SMS",
    PushNotificationTemplateResponse: "PUSH",
    InAppTemplateResponse: "INAPP",
}


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """A supplied template, the name of its file, and where it sits in it."""

    template: AnyTemplate
    document: str = "template"
    base: str = ""
    """Pointer to the template object in its file (``/EmailTemplateResponse``)."""


def _first_of_each(
    templates: Iterable[TemplateSource], report: Reporter
) -> dict[tuple[str, str], TemplateSource]:
    """The templates by (kind, name); of two with one kind and name, the first.

    Keyed by the model class, not ``TemplateType``: a wrapper decides what a file is.
    Two files may define one template (``WelcomeEmail.json`` and a
    ``WelcomeEmail-v2.json`` copy): the first supplied is used, which for a
    ``--templates`` folder is the first file in sorted file-name order (the order the
    loader reads them), as for segments; the other is ignored with a
    ``duplicate_template`` warning naming both files, never silently. Neither is newer
    by any measure the import can trust (versions and dates are missing from request
    bodies), so the rule is the order, stated in the report.
    """
    chosen: dict[tuple[str, str], TemplateSource] = {}
    for source in templates:
        key = (_KIND[type(source.template)], source.template.template_name)
        first = chosen.setdefault(key, source)
        if first is not source:
            message = (
                f"{source.document}: {key[0].lower()} template {key[1]!r} is also defined in "
                f"{first.document}, which is read first and used: this one is ignored "
                "(remove one of the files, or rename its template)"
            )
            location = pointer(source.base, "TemplateName")
            report.add(
                ImportCode.DUPLICATE_TEMPLATE, message, location=location, document=source.document
            )
    return chosen


class Catalog:
    """The communications a bundle's journeys send, built from the supplied templates."""

    def __init__(self, templates: Iterable[TemplateSource], report: Reporter) -> None:
        self._templates = _first_of_each(templates, report)
        self._report = report
        self._built: dict[tuple[str, str], Communication] = {}
        self._sms: dict[str, str | None] = {}
        self.variables: dict[str, str] = {}
        """Pinpoint variable → journeysim attribute, over every translated template."""

    def communications(self) -> list[Communication]:
        """Every communication sent, then every supplied email/push template no one sends."""
        for (kind, name), source in self._templates.items():
            if kind in _CHANNELS and (kind, name) not in self._built:
                self._built[(kind, name)] = self._build(kind, name, source, None)
        return list(self._built.values())

    def send(
        self,
        kind: Literal["EMAIL", "PUSH"],
        activity: EmailMessageActivity | PushMessageActivity,
        activity_id: str,
        at: str,
        report: Reporter,
    ) -> str:
        """The id of the communication an EMAIL or PUSH activity sends (built once)."""
        name = activity.template_name or ""
        key = (kind, name or f"activity {activity_id}")
        source = self._templates.get((kind, name))
        self._note_version(activity, source, activity_id, at, report)
        if key in self._built:
            return self._built[key].id
        if not name:
            message = f"{kind} activity names no template; it sends an empty placeholder"
            report.add(ImportCode.TEMPLATE_NOT_NAMED, message, activity_id=activity_id, location=at)
        elif source is None:
            message = (
                f"{kind.lower()} template {name!r} was not supplied (--templates); "
                "the communication is an empty placeholder"
            )
            location = pointer(at, "TemplateName")
            report.add(
                ImportCode.TEMPLATE_NOT_SUPPLIED,
                message,
                activity_id=activity_id,
                location=location,
            )
        sender = getattr(activity.message_config, "from_address", None)
        if sender and not is_sender(sender):
            message = (
                f"FromAddress {sender!r} is not an e-mail address; the communication is "
                "imported without a from"
            )
            location = pointer(at, "MessageConfig", "FromAddress")
            report.add(
                ImportCode.SETTING_NOT_TRANSLATED,
                message,
                activity_id=activity_id,
                location=location,
            )
            sender = None
        comm = self._build(kind, name or activity_id, source, sender)
        self._built[key] = comm
        return comm.id

    def sms_body(
        self, activity: SMSMessageActivity, activity_id: str, at: str, report: Reporter
    ) -> str | None:
        """The translated body of an SMS activity's template, when it was supplied."""
        name = activity.template_name or ""
        if name not in self._sms:
            source = self._templates.get(("SMS", name))
            body = None
            if source is not None:
                template = cast(SMSTemplateResponse, source.template)
                defaults = self._defaults(source)
                body = self._field(source, ("Body",), template.body, "sms", defaults)
            elif name:
                message = f"sms template {name!r} was not supplied (--templates)"
                location = pointer(at, "TemplateName")
                report.add(
                    ImportCode.TEMPLATE_NOT_SUPPLIED,
                    message,
                    activity_id=activity_id,
                    location=location,
                )
            self._sms[name] = body
        return self._sms[name]

    # --- building -----------------------------------------------------------------------

    def _build(
        self, kind: str, name: str, source: TemplateSource | None, sender: str | None
    ) -> Communication:
        channel, prefix = _CHANNELS[kind]
        comm_id = self._new_id(prefix, name)
        fields: dict[str, str | None] = {"subject_line": None, "body": ""}
        version = 1
        if source is None:
            title = f"{name} (Pinpoint template not supplied)"
        else:
            title, version = (
                source.template.template_name or comm_id,
                _version(source.template.version),
            )
            build = {"EMAIL": self._email, "PUSH": self._push, "INAPP": self._inapp}[kind]
            fields = build(source)
        return Communication(
            id=comm_id,
            name=title,
            kind=CommunicationKind.MARKETING,
            channels=[channel],
            version=version,
            subject_line=fields["subject_line"],
            body=fields["body"] or "",
            from_=sender or None,
        )

    def _email(self, source: TemplateSource) -> dict[str, str | None]:
        template = cast(EmailTemplateResponse, source.template)
        defaults = self._defaults(source)
        html = self._field(source, ("HtmlPart",), template.html_part, "email", defaults)
        text = self._field(source, ("TextPart",), template.text_part, "email", defaults)
        if html is not None and text is not None:
            message = "journeysim sends one body: HtmlPart was kept, TextPart dropped"
            self._template_note(source, ImportCode.TEXT_PART_DROPPED, message, ("TextPart",))
        subject = self._field(source, ("Subject",), template.subject, "email", defaults)
        return {"subject_line": subject, "body": html if html is not None else text}

    def _push(self, source: TemplateSource) -> dict[str, str | None]:
        template = cast(PushNotificationTemplateResponse, source.template)
        platforms = [
            ("Default", template.default),
            ("APNS", template.apns),
            ("GCM", template.gcm),
            ("ADM", template.adm),
            ("Baidu", template.baidu),
        ]
        for member, message in platforms:
            if getattr(message, "raw_content", None):
                note = f"{member}.RawContent (a raw platform payload) is not imported"
                self._template_note(
                    source, ImportCode.TEMPLATE_UNSUPPORTED, note, (member, "RawContent")
                )
        chosen = next(((m, p) for m, p in platforms if p is not None and (p.body or p.title)), None)
        if chosen is None:
            return {"subject_line": None, "body": ""}
        member, message = chosen
        defaults = self._defaults(source)
        title = self._field(source, (member, "Title"), message.title, "push", defaults)
        body = self._field(source, (member, "Body"), message.body, "push", defaults)
        return {"subject_line": title, "body": body}

    def _inapp(self, source: TemplateSource) -> dict[str, str | None]:
        template = cast(InAppTemplateResponse, source.template)
        messages = template.content or []
        dropped = [
            f"Content/{k}/{member}"
            for k, message in enumerate(messages[:1])
            for member, value in (
                ("ImageUrl", message.image_url),
                ("PrimaryBtn", message.primary_btn),
                ("SecondaryBtn", message.secondary_btn),
            )
            if value is not None
        ]
        dropped += [f"Content/{k}" for k in range(1, len(messages))]
        dropped += ["CustomConfig"] if template.custom_config else []
        if dropped:
            note = (
                f"a journeysim in-app message is a header and a body: {', '.join(dropped)} "
                "not imported"
            )
            self._template_note(source, ImportCode.TEMPLATE_UNSUPPORTED, note, ("Content",))
        if not messages:
            return {"subject_line": None, "body": ""}
        first = messages[0]
        header = first.header_config.header if first.header_config else None
        body = first.body_config.body if first.body_config else None
        at = ("Content", "0")
        return {
            "subject_line": self._field(
                source, (*at, "HeaderConfig", "Header"), header, "push", {}
            ),
            "body": self._field(source, (*at, "BodyConfig", "Body"), body, "push", {}),
        }

    def _defaults(self, source: TemplateSource) -> dict[str, str]:
        text = getattr(source.template, "default_substitutions", None)
        defaults, error = default_substitutions(text)
        if error:
            field = ("DefaultSubstitutions",)
            self._template_note(source, ImportCode.INVALID_DEFAULT_SUBSTITUTIONS, error, field)
        return defaults

    def _field(
        self,
        source: TemplateSource,
        field: tuple[str, ...],
        text: str | None,
        channel: str,
        defaults: dict[str, str],
    ) -> str | None:
        if text is None:
            return None
        result = translate_template(text, channel=channel, defaults=defaults)
        for issue in result.issues:
            message = f"{'.'.join(field)}: {issue.message}"
            self._template_note(source, issue.code, message, field, issue.line, issue.column)
        self.variables.update(result.variables)
        return result.jinja

    def _template_note(
        self,
        source: TemplateSource,
        code: ImportCode,
        message: str,
        field: tuple[str, ...],
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self._report.add(
            code,
            message,
            location=pointer(source.base, *field),
            document=source.document,
            template=source.template.template_name,
            line=line,
            column=column,
        )

    def _new_id(self, prefix: str, name: str) -> str:
        taken = {comm.id for comm in self._built.values()}
        base = f"{prefix}-{slug(name, 'template')}"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    @staticmethod
    def _note_version(
        activity: EmailMessageActivity | PushMessageActivity,
        source: TemplateSource | None,
        activity_id: str,
        at: str,
        report: Reporter,
    ) -> None:
        pinned, supplied = activity.template_version, source and source.template.version
        if pinned and supplied and pinned != supplied:
            message = (
                f"the activity pins template version {pinned}; the supplied template is "
                f"version {supplied}, which was imported"
            )
            location = pointer(at, "TemplateVersion")
            report.add(
                ImportCode.TEMPLATE_VERSION, message, activity_id=activity_id, location=location
            )


def _version(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) >= 1 else 1
