"""The runtime's API logic, framework-free: who may call what, and the answers' shapes.

The FastAPI routes (:mod:`simulator.api.runtime_routes`), the CLI and the terminal UI
call :class:`RuntimeService`; nothing here knows about HTTP.

* **Internal routes** (``/api/journeys/internal/*``) authenticate with the bearer
  ``syncApiKey`` of a workspace, compared in constant time (``hmac.compare_digest``)
  against every loaded workspace's key: no token or a wrong one is ``401
  unauthorized``; a workspace member's token is ``403 forbidden`` (members cannot call
  the runtime's own endpoints).
* **Journey stats** (``executions``, ``step-stats``, ``branch-performance``,
  ``calibrated-impact``) take a member of the journey's workspace, any role; a journey
  that does not exist is ``404 journey_not_found``. Step stats list the steps of the
  latest published version (no rows before the first publish).
* **Simulator routes** (``/api/_sim/*``) take a member; moving the clock and posting
  events change state, so they need an editor or owner, as writes do.
* **End-user ids on member surfaces.** The executions list, the outbox, the answer to
  ``POST /api/_sim/events`` (its ``eventId``, ``started``, ``heldOut`` and ``resumed``)
  and the ``execution_not_found`` error show an ``endUserId`` as the dry-run shows a subject
  id (:meth:`~simulator.engine.masking.Masker.identifier`): masked whole when it is an
  e-mail address or a phone number, and the subject's PII values and tokens in it
  masked (``usr_plain_ana`` → ``usr_plain_A•••``), by the masker of the subject's
  profile; the same inside the execution's name and ARN, which embed it (also when
  the name was shortened), and in the posted event's ``eventId``, which may embed it
  too (``evt-usr_plain_ana-1``): masked as the event's part of those names is
  (:func:`shown_event_id`). The rest of those names and of the ``eventId`` is masked
  the same way whether or not the end user's id is: an opaque id
  (``usr_activates_day1``) may come with an event id that holds the subject's e-mail
  address (``signup__kwame.mensah@example.org``), their name, or their phone number.
  The outbox's ``?endUserId=`` filter takes the raw id. The internal routes answer
  their caller (the product's own backend, which sent the id) with the execution ARN
  and the ``eventId`` as they are: ``dispatch`` needs the ARN.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime
from typing import Any

from simulator.backend.auth import Actor, require_writer
from simulator.backend.errors import (
    Forbidden,
    InvalidRequest,
    JourneyNotFound,
    Unauthorized,
    problem,
    refuse_unknown,
)
from simulator.codes import ApiErrorCode
from simulator.durations import parse_duration
from simulator.engine.masking import MASK, Masker, masker_for, subject_masker
from simulator.errors import NotFoundError
from simulator.runtime.clock import furthest_from
from simulator.runtime.keys import check_event_keys
from simulator.runtime.runtime import ClockCannotGoBack, InboundEvent, Runtime

__all__ = ["ExecutionNotFound", "RuntimeService"]

OUTBOX_PAGE = 50


class ExecutionNotFound(NotFoundError):
    code = ApiErrorCode.EXECUTION_NOT_FOUND


class RuntimeService:
    def __init__(self, backend: Any, runtime: Runtime | None = None) -> None:
        self.backend = backend
        self.runtime = runtime or backend.runtime
        self._ready = False

    def ready(self) -> Runtime:
        if not self._ready:
            self.runtime.ensure()
            self._ready = True
        return self.runtime

    # --- authentication ----------------------------------------------------------------

    def internal_workspace(self, token: str | None) -> str:
        """The workspace whose ``syncApiKey`` is ``token``."""
        if not token:
            raise Unauthorized("internal routes need 'Authorization: Bearer <syncApiKey>'")
        directory = self.backend.directory
        found = None
        for workspace_id in directory.known_workspaces():
            key = directory.world(workspace_id).workspace.sync_api_key
            if key and hmac.compare_digest(key.encode(), token.encode()):
                found = workspace_id
        if found is not None:
            return found
        if directory.is_member_token(token):
            raise Forbidden("internal routes take the workspace's syncApiKey, not a member token")
        raise Unauthorized("the bearer token is not a workspace's syncApiKey")

    # --- internal ----------------------------------------------------------------------

    def start_execution(self, workspace_id: str, body: dict[str, Any]) -> dict[str, Any]:
        event = _event(body)
        answer = self.ready().start_execution(workspace_id, event).to_wire()
        return {"eventId": event.id, **answer}

    def dispatch(self, workspace_id: str, execution_arn: str) -> dict[str, Any]:
        runtime = self.ready()
        found = runtime.execution_by_arn(workspace_id, execution_arn)
        if found is None:
            message = f"no execution {shown_execution(execution_arn)!r} in this workspace"
            raise ExecutionNotFound(
                message,
                details=[problem("/executionArn", message, str(ExecutionNotFound.code))],
            )
        result = runtime.dispatch(workspace_id, *found)
        return {
            "executionArn": execution_arn,
            "status": result.status,
            "step": result.step,
            "wakeAt": _time(result.wake_at),
        }

    def forget_end_user(self, workspace_id: str, body: dict[str, Any]) -> dict[str, Any]:
        end_user_id = body.get("endUserId") if isinstance(body, dict) else None
        if not isinstance(end_user_id, str) or not end_user_id:
            raise InvalidRequest("endUserId: a non-empty string is required", location="endUserId")
        # an id over the key limit was never stored (events naming it are refused), and
        # looking it up would be refused by DynamoDB: a 400, as for an event
        check_event_keys([("/endUserId", end_user_id)])
        runtime = self.ready()
        # masked as the executions list and the outbox show it, by the profile that
        # erasure deletes (one already erased: as any end user without a profile)
        masker = self._masker(workspace_id, end_user_id)
        answer = runtime.forget_end_user(workspace_id, end_user_id)
        return {**answer, "endUserId": masker.identifier(end_user_id)}

    def translate_pinpoint(self, workspace_id: str, body: Any) -> dict[str, Any]:
        from simulator.runtime.imports import translate_pinpoint

        return translate_pinpoint(body)

    def import_bundle(self, workspace_id: str, body: Any) -> dict[str, Any]:
        from simulator.runtime.imports import import_bundle

        return import_bundle(self.backend, workspace_id, body)

    # --- journey stats -----------------------------------------------------------------

    def _journey(self, actor: Actor, journey_id: str):
        record = self.backend.store.journey(actor.workspace_id, journey_id, with_draft=False)
        if record is None:
            raise JourneyNotFound(journey_id)
        return record

    def executions(self, actor: Actor, journey_id: str) -> list[dict[str, Any]]:
        self._journey(actor, journey_id)
        rows = self.ready().executions(actor.workspace_id, journey_id)
        return self._shown(actor.workspace_id, rows)

    def step_stats(self, actor: Actor, journey_id: str) -> list[dict[str, Any]]:
        record = self._journey(actor, journey_id)
        if record.latest_version is None:
            return []
        journey = self.ready()._journey(actor.workspace_id, journey_id, record.latest_version)
        return self.runtime.step_stats(actor.workspace_id, journey)

    def branch_performance(self, actor: Actor, journey_id: str) -> list[dict[str, Any]]:
        record = self._journey(actor, journey_id)
        if record.latest_version is None:
            return []
        journey = self.ready()._journey(actor.workspace_id, journey_id, record.latest_version)
        return self.runtime.branch_performance(actor.workspace_id, journey)

    def calibrated_impact(self, actor: Actor, journey_id: str) -> dict[str, Any]:
        self._journey(actor, journey_id)
        return self.ready().calibrated_impact(actor.workspace_id, journey_id)

    def _shown(self, workspace_id: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` with their end-user ids masked by each subject's masker."""
        maskers: dict[str, Masker] = {}
        shown = []
        for row in rows:
            raw = row.get("endUserId")
            if isinstance(raw, str) and raw not in maskers:
                maskers[raw] = self._masker(workspace_id, raw)
            shown.append(shown_ids(row, maskers.get(raw)))
        return shown

    def _masker(self, workspace_id: str, end_user_id: str) -> Masker:
        """The masker of the end user's profile; without one, of the workspace's PII
        attribute names only."""
        directory = self.backend.directory
        pii = directory.world(workspace_id).workspace.pii_attributes
        subject = directory.subject(workspace_id, end_user_id)
        return masker_for(pii) if subject is None else subject_masker(subject, pii)

    # --- simulator ---------------------------------------------------------------------

    def clock(self, actor: Actor) -> dict[str, Any]:
        return {"now": _time(self.ready().now())}

    def advance(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        """Move the clock ``to`` a timestamp or ``by`` a duration. The target is
        computed from the clock's now inside the runtime's lock
        (:meth:`~simulator.runtime.runtime.Runtime.move_clock`), so concurrent advances
        by a duration add up; the answer's ``now`` is where this advance left the clock.
        """
        require_writer(actor, "move the simulator's clock")
        runtime = self.ready()
        if set(body) == {"to"} and isinstance(body["to"], str):
            given = _timestamp(body["to"], "to")

            def target(now: datetime) -> datetime:
                # as far as "by" may go: a clock near year 9999 would leave every later
                # computation (quiet hours, waits) outside the calendar
                if given > furthest_from(now):
                    message = f"to: {body['to']!r} is more than 1000 years after the clock"
                    raise InvalidRequest(
                        message, details=[problem("/to", message, "invalid_request")]
                    )
                return given

        elif set(body) == {"by"} and isinstance(body["by"], str):
            try:
                duration = parse_duration(body["by"])
            except ValueError as exc:
                raise InvalidRequest(f"by: {exc}", location="by") from exc

            def target(now: datetime) -> datetime:
                try:
                    return duration.add_to(now)
                except (ValueError, OverflowError) as exc:
                    message = (
                        f"by: {body['by']} from the clock's {_time(now)} is past the end "
                        "of the calendar (9999-12-31)"
                    )
                    raise InvalidRequest(message, location="by") from exc

        else:
            raise InvalidRequest('give {"to": timestamp} or {"by": "P3D"}', location="")
        try:
            now, results = runtime.move_clock(target)
        except ClockCannotGoBack as exc:
            raise InvalidRequest(
                str(exc), details=[problem("/to", str(exc), "clock_cannot_go_back")]
            ) from exc
        return {"now": _time(now), "dispatched": len(results)}

    def post_event(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        require_writer(actor, "post end-user events")
        event = _event(body)
        end_user_id = event.end_user_id or event.properties.get("endUserId")
        if not isinstance(end_user_id, str) or not end_user_id:
            raise InvalidRequest("the event needs an endUserId", location="endUserId")
        answer = self.ready().post_event(actor.workspace_id, event, end_user_id)
        return self._shown_answer(actor.workspace_id, end_user_id, event.id, answer)

    def _shown_answer(
        self, workspace_id: str, end_user_id: str, event_id: str, answer: dict[str, Any]
    ) -> dict[str, Any]:
        """A posted event's answer as members see it: the end-user ids and the
        execution ARNs and names that embed them masked, as in the executions list, and
        the ``eventId`` as those names show it (:func:`shown_event_id`), for the poster
        and for every end user the answer names (a contract may read another path).

        The runtime keeps the answer raw (a retry answers it again, and erasure finds
        the answers that name a forgotten person by their id); it is masked here, on
        the way out, each time. The ``resumed`` executions are the poster's own (waits
        are kept per end user), so their names are masked by the poster's masker."""
        resumed = [{"endUserId": end_user_id, "executionName": n} for n in answer["resumed"]]
        named = [end_user_id] + [
            row["endUserId"] for row in (*answer["started"], *answer["heldOut"])
        ]
        shown_id = event_id
        for raw in dict.fromkeys(named):
            shown_id = shown_event_id(shown_id, raw, self._masker(workspace_id, raw))
        return {
            "eventId": shown_id,
            **answer,
            "started": self._shown(workspace_id, answer["started"]),
            "heldOut": self._shown(workspace_id, answer["heldOut"]),
            "resumed": [row["executionName"] for row in self._shown(workspace_id, resumed)],
        }

    def outbox(
        self,
        actor: Actor,
        *,
        journey_id: str | None = None,
        end_user_id: str | None = None,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        rows = self.ready().outbox(
            actor.workspace_id, journey_id=journey_id, end_user_id=end_user_id
        )
        start = 0
        if cursor:
            if not cursor.isdigit():
                message = "cursor: not a cursor this API gave"
                raise InvalidRequest(
                    message, details=[problem("/cursor", message, "invalid_cursor", where="query")]
                )
            start = int(cursor)
        page = rows[start : start + OUTBOX_PAGE]
        following = start + OUTBOX_PAGE
        return {
            "messages": self._shown(actor.workspace_id, page),
            "cursor": str(following) if following < len(rows) else None,
        }


def shown_ids(row: dict[str, Any], masker: Masker | None = None) -> dict[str, Any]:
    """``row`` (an execution or an outbox message) as members see it: its ``endUserId``
    masked as an id (by ``masker``, the subject's; without one, only an id that is an
    e-mail address or a phone number), in the execution's name and ARN too (also when
    the name was shortened, its spaces turned to ``-``), and the rest of the name masked
    as :func:`shown_execution` masks it, whether or not the end user's id changed: the
    event's part may hold the subject's e-mail address when their id holds nothing.

    >>> arn = "arn:aws:states:us-east-1:123456789012:execution:disp:j__v1__+447700900123__e"
    >>> shown_ids({"endUserId": "+447700900123", "executionArn": arn})["executionArn"]
    'arn:aws:states:us-east-1:123456789012:execution:disp:j__v1__•••23__e'
    >>> shown_ids({"endUserId": "+44 7700 900123", "executionName": "j__v1__+44-7700-900123__e-0f"})
    {'endUserId': '•••23', 'executionName': 'j__v1__•••23__e-0f'}
    >>> shown_ids({"endUserId": "usr_a", "executionName": "j__v1__usr_a__e__ana.r@example.com"})
    {'endUserId': 'usr_a', 'executionName': 'j__v1__usr_a__e__a•••@e•••.com'}
    >>> ana = masker_for(["firstName"], {"firstName": "Ana"})
    >>> shown_ids({"endUserId": "usr_ana", "executionName": "j__v1__usr_ana__e"}, ana)
    {'endUserId': 'usr_A•••', 'executionName': 'j__v1__usr_A•••__e'}
    >>> shown_ids({"endUserId": "usr_q", "executionName": "j__v1__usr_q__evt-Ana"}, ana)
    {'endUserId': 'usr_q', 'executionName': 'j__v1__usr_q__evt-A•••'}
    """
    raw = row.get("endUserId")
    if not isinstance(raw, str):
        return row
    masker = masker or masker_for(())
    shown = masker.identifier(raw)
    masked = {**row, "endUserId": shown}
    for key in ("executionArn", "executionName"):
        if isinstance(masked.get(key), str):
            masked[key] = shown_execution(masked[key].replace(raw, shown), masker)
    return masked


def shown_event_id(event_id: str, end_user_id: str, masker: Masker | None = None) -> str:
    """An event id as members see it in the answer to a posted event: as its part of
    the end user's execution names is shown (:func:`shown_ids`). The end user's id in it
    is replaced by its masked form and each ``__``-separated part masked as an id
    (``masker``'s values in it, an e-mail address or a phone number whole), whether
    or not the end user's id itself is masked.

    A part of 10 to 15 bare digits is a phone number to the detectors
    (:func:`~simulator.engine.detectors.scrub_id`) and is masked as one, though a
    millisecond timestamp looks the same: the subject's own phone number written
    without its country code (``7700900123`` for ``+447700900123``) is no value or token
    of theirs, so only that rule catches it. The poster has the id it sent, and the
    internal route answers it as it is.

    >>> ana = masker_for(["firstName"], {"firstName": "Ana"})
    >>> shown_event_id("evt-usr_ana-1", "usr_ana", ana)
    'evt-usr_A•••-1'
    >>> shown_event_id("evt__ana.r@example.com", "usr_ana", ana)
    'evt__a•••@e•••.com'
    >>> shown_event_id("signup__ana.r@example.com", "usr_q"), shown_event_id("e-Ana", "usr_q", ana)
    ('signup__a•••@e•••.com', 'e-A•••')
    >>> shown_event_id("1717250400123", "usr_ana", ana), shown_event_id("e-1", "usr_q")
    ('•••23', 'e-1')
    """
    masker = masker or masker_for(())
    replaced = event_id.replace(end_user_id, masker.identifier(end_user_id))
    return "__".join(masker.identifier(part) for part in replaced.split("__"))


def shown_execution(text: str, masker: Masker | None = None) -> str:
    """An execution's name or ARN with each ``__``-separated part of the name masked
    as an id (an e-mail address or a phone number whole; ``masker``'s values in it).

    A shortened name (:func:`~simulator.runtime.naming.execution_name`) may end in an
    address cut short before its hash, which no detector takes for an address: what
    follows the name's last ``_`` up to an ``@`` is masked as a local part (the words
    before the address too: where a local part starts is not known), and what follows
    the ``@`` up to the hash as a domain.

    >>> shown_execution("arn:aws:states:x:execution:disp:j__v1__ana@example.com__e")
    'arn:aws:states:x:execution:disp:j__v1__a•••@e•••.com__e'
    >>> shown_execution("+44 7700 900123")
    '•••23'
    >>> shown_execution("j__v1__usr_a__signup-kwame.mensah@examp-ee293c521cfcf27e")
    'j__v1__usr_a__s•••@e•••-ee293c521cfcf27e'
    """
    head, colon, name = text.rpartition(":")
    identifier = (masker or masker_for(())).identifier
    shown = "__".join(identifier(part) for part in name.split("__"))
    return head + colon + _CUT_ADDRESS.sub(_cut_address, shown)


_CUT_ADDRESS = re.compile(r"(?<![^_])([^_@•]+)@([^_@•]*?)(-[0-9a-f]{16})\Z")
"""An address the shortening cut before its hash: from the last ``_`` to the ``@``, and
the domain up to the hash (a masked address, with its ``•``, is left as it is)."""


def _cut_address(match: re.Match[str]) -> str:
    local, domain, digest = match.groups()
    return f"{local[0]}{MASK}@{domain[:1]}{MASK if domain else ''}{digest}"


def _event(body: Any) -> InboundEvent:
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be an event object", location="")
    refuse_unknown(body, ("id", "name", "at", "properties", "endUserId"))
    for field in ("id", "name", "at"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise InvalidRequest(f"{field}: a non-empty string is required", location=field)
    properties = body.get("properties", {})
    if not isinstance(properties, dict):
        raise InvalidRequest("properties: an object is required", location="properties")
    end_user_id = body.get("endUserId")
    if end_user_id is not None and (not isinstance(end_user_id, str) or not end_user_id):
        raise InvalidRequest("endUserId: a non-empty string is required", location="endUserId")
    return InboundEvent(
        id=body["id"],
        name=body["name"],
        at=_timestamp(body["at"], "at"),
        properties=properties,
        end_user_id=end_user_id,
    )


def _timestamp(text: str, where: str) -> datetime:
    """``text`` as an aware datetime; one whose instant is outside the calendar in UTC
    (``9999-12-31T23:00:00-05:00`` is in year 10000 there) is refused too: every time
    the runtime keeps is kept and compared in UTC."""
    from pydantic import AwareDatetime, TypeAdapter, ValidationError

    try:
        moment = TypeAdapter(AwareDatetime).validate_python(text)
    except ValidationError as exc:
        raise InvalidRequest(
            f"{where}: not an ISO-8601 timestamp with a UTC offset", location=where
        ) from exc
    try:
        moment.astimezone(UTC)
    except OverflowError as exc:
        raise InvalidRequest(
            f"{where}: {text!r} is outside the calendar in UTC (years 1 to 9999)", location=where
        ) from exc
    return moment


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    from simulator.engine.trace import format_time

    return format_time(moment)
