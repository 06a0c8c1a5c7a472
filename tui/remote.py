"""The :class:`~tui.backend.Backend` over HTTP: a running ``journeysim serve``.

``journeysim tui --url http://127.0.0.1:PORT --token T`` attaches to the Journeys API
with a member's token and reads what the in-process backend reads from files:
``GET /api/workspace``, ``/api/journeys`` (and each journey), ``/api/communications``,
``/api/segments``, ``/api/trigger-contracts``, ``/api/subjects``; dry-runs go to
``POST /api/journeys/{id}/simulate``, so the trace is the server's (masked there).
It talks plain JSON through httpx and imports nothing of the API's code.

Decisions where the spec is silent:

* The API has no read-only validation route, so findings are computed here with the
  same pure validator, against a world rebuilt from the served documents. The
  workspace view carries the PII list (``piiAttributes``, which the dry-run screen
  masks, ``BackendInfo.pii_attributes``) but no known attributes, so
  ``template_unknown_variable`` compares with the attribute names of the served
  (masked) subjects and the PII attributes, as a workspace without a
  ``knownAttributes`` list does. A server too old to send ``piiAttributes`` gets the
  default PII list.
* The served dry-run takes a subject id *or* attributes (SPEC §5), so a served
  workspace offers no fitted synthetic subject and refuses attributes laid over a
  subject id, with a message that says so.
* Overrides follow the member's role: only owners may flip them (SPEC §3.3); the
  server refuses anyone else with 403, shown as a notification.
* Only a server on this machine is attached to: ``--url`` must name a loopback host
  (``127.0.0.1``, ``localhost``, ``::1`` or another ``127.*`` address), so nothing the
  tool sends (a member's token, dry-run subjects) leaves the machine. A served API on
  another host is reached through an SSH tunnel to a local port. For the same reason
  the client ignores the environment (``trust_env=False``): a configured
  ``HTTP_PROXY``, ``HTTPS_PROXY`` or ``ALL_PROXY`` would otherwise receive every
  loopback request, bearer token included.
* ``/api/subjects`` lists ids masked (``usr_plain_A•••`` for ``usr_plain_ana``), so a
  subject id the user gives is not looked up in that list: the served dry-run says
  whether it exists (404 ``subject_not_found``), see ``BackendInfo.subject_ids_masked``.
* Journeys are read when the app starts and again on :meth:`journeys`; a journey's
  document is fetched each time it is opened, so a screen shows the server's state.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from simulator.codes import Severity
from simulator.engine.detectors import MASK
from simulator.engine.trace import Trace, format_time
from simulator.errors import InputError, JourneySimError, NotFoundError, UsageError
from simulator.models import (
    DEFAULT_PII_ATTRIBUTES,
    Communication,
    Journey,
    Segment,
    Subject,
    TriggerContract,
    Workspace,
)
from simulator.validation import ValidationContext, validate
from simulator.world import World
from tui.backend import (
    LIFECYCLE_ACTIONS,
    AuditEntry,
    BackendInfo,
    DryRunRequest,
    JourneyDetail,
    JourneySummary,
    RuntimeView,
    SubjectSummary,
)

__all__ = ["RemoteBackend", "RemoteError"]

_JOURNEY_FIELDS = (
    "id",
    "name",
    "description",
    "audienceId",
    "triggerContractId",
    "goalEventName",
    "goalEventWindowDays",
    "steps",
)


class RemoteError(JourneySimError):
    """The server answered with an error envelope (its message, code and status)."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message, code=code)
        self.status = status


def loopback_url(url: str) -> str:
    """``url`` without its trailing ``/``, if it is an ``http(s)`` URL of a loopback host.

    >>> loopback_url("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000'
    >>> try:
    ...     loopback_url("https://example.com")
    ... except UsageError as exc:
    ...     print(exc.message[:60])
    --url must be a server on this machine (127.0.0.1, localhost
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(f"--url must be http://HOST:PORT, not {url!r}")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UsageError(
            f"--url must be a server on this machine (127.0.0.1, localhost or ::1), "
            f"not {host!r}: tunnel a remote one to a local port"
        )
    return url.rstrip("/")


class RemoteBackend:
    """A served workspace, as one member (the token's) sees it."""

    def __init__(
        self, url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.url = loopback_url(url)
        self._client = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=15.0,
            transport=transport,
            trust_env=False,  # no HTTP(S)_PROXY/ALL_PROXY: the token stays on this machine
        )
        self._world: World | None = None

    def close(self) -> None:
        self._client.close()

    # --- the Backend interface -------------------------------------------------------

    def info(self) -> BackendInfo:
        view = self._get("/api/workspace")
        return BackendInfo(
            view["id"],
            view["name"],
            f"{self.url} as {view.get('userId', '?')} ({view.get('role', '?')})",
            can_override=view.get("role") == "owner",
            synthetic_subjects=False,
            lifecycle=True,
            can_write=view.get("role") in ("owner", "editor"),
            runtime=True,
            subject_ids_masked=True,
            pii_attributes=tuple(view.get("piiAttributes", DEFAULT_PII_ATTRIBUTES)),
            default_goal_event_window_days=view.get("defaultGoalEventWindowDays"),
        )

    def journeys(self) -> list[JourneySummary]:
        self._world = None  # documents may have changed on the server
        listed = self._get("/api/journeys")
        return sorted((self._detail(item["id"]).summary for item in listed), key=lambda s: s.id)

    def journey(self, journey_id: str) -> JourneyDetail:
        return self._detail(journey_id)

    def subjects(self) -> list[SubjectSummary]:
        subjects = self._get("/api/subjects")
        found = [SubjectSummary(s["endUserId"], s.get("timezone")) for s in subjects]
        return sorted(found, key=lambda s: s.id)

    def simulate(self, request: DryRunRequest) -> Trace:
        body: dict[str, Any] = {"overrides": sorted(o.value for o in request.overrides)}
        if request.synthetic:
            raise UsageError(
                "a served workspace dry-runs a subject id or attributes; "
                "it makes no synthetic subject from a seed"
            )
        if request.subject_id is not None:
            if request.attributes:
                raise UsageError("a served workspace dry-runs a subject id or attributes, not both")
            if MASK in request.subject_id:
                # The server lists ids that hold personal data masked; a masked id names
                # no subject, so say how to reach it rather than relay a 404.
                raise UsageError(
                    f"the server masks the id {request.subject_id!r} (it holds personal data): "
                    "open that subject with journeysim tui --subject-id ID"
                )
            body["subjectId"] = request.subject_id
        else:
            body["subjectAttributes"] = dict(request.attributes)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.at is not None:
            body["at"] = format_time(request.at)
        data = self._send("POST", f"/api/journeys/{_quoted(request.journey_id)}/simulate", body)
        return Trace.model_validate(data)

    def audit(self, journey_id: str) -> list[AuditEntry]:
        entries = self._get(f"/api/journeys/{_quoted(journey_id)}/audit")
        return [AuditEntry.from_wire(entry) for entry in entries]

    def transition(self, journey_id: str, action: str) -> str:
        if action not in LIFECYCLE_ACTIONS:
            raise UsageError(f"unknown lifecycle action {action!r}")
        path = f"/api/journeys/{_quoted(journey_id)}/{'draft' if action == 'bump' else action}"
        answer = self._send("POST", path)
        if action == "publish":
            return f"{journey_id} published as version {answer.get('version')}"
        if action == "bump":
            return f"{journey_id}: a new draft, copied from the latest version"
        return f"{journey_id} is {answer.get('status', action)}"

    def runtime(self, journey_id: str) -> RuntimeView:
        base = f"/api/journeys/{_quoted(journey_id)}"
        outbox = self._client_get("/api/_sim/outbox", {"journeyId": journey_id})
        return RuntimeView(
            now=self._get("/api/_sim/clock")["now"],
            executions=self._get(f"{base}/executions"),
            outbox=outbox.get("messages", []),
            step_stats=self._get(f"{base}/step-stats"),
            branches=self._get(f"{base}/branch-performance"),
            impact=self._get(f"{base}/calibrated-impact"),
        )

    def advance(self, by: str) -> tuple[str, int]:
        answer = self._send("POST", "/api/_sim/clock/advance", {"by": by})
        return answer["now"], int(answer.get("dispatched", 0))

    # --- helpers ---------------------------------------------------------------------

    def _client_get(self, path: str, params: dict[str, str]) -> Any:
        return self._send("GET", f"{path}?{urlencode(params)}")

    def _detail(self, journey_id: str) -> JourneyDetail:
        view = self._get(f"/api/journeys/{_quoted(journey_id)}")
        document = {key: view[key] for key in _JOURNEY_FIELDS if view.get(key) is not None}
        findings = tuple(validate(document, ValidationContext(world=self._documents())))
        try:
            journey: Journey | None = Journey.model_validate(document)
        except ValueError:
            journey = None
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        summary = JourneySummary(
            id=view["id"],
            name=view["name"],
            status=view["status"],
            version=view.get("latestVersion"),
            steps=len(view.get("steps") or []),
            errors=errors,
            warnings=len(findings) - errors,
        )
        world = self._documents()
        channels = {
            c.id: tuple(channel.value for channel in c.channels)
            for c in world.communications.values()
        }
        return JourneyDetail(summary, journey, findings, channels)

    def _documents(self) -> World:
        if self._world is None:
            view = self._get("/api/workspace")
            workspace = Workspace(
                id=view["id"],
                project_key=view["projectKey"],
                name=view["name"],
                tier=view["tier"],
                holdout_pct=view["holdoutPct"],
                default_goal_event_window_days=view["defaultGoalEventWindowDays"],
                pii_attributes=view.get("piiAttributes", list(DEFAULT_PII_ATTRIBUTES)),
            )
            self._world = World.of(
                workspace,
                [Communication.model_validate(c) for c in self._get("/api/communications")],
                [Segment.model_validate(s) for s in self._get("/api/segments")],
                [TriggerContract.model_validate(t) for t in self._get("/api/trigger-contracts")],
                # Masked, but their attribute names are what templates may use.
                [_masked_subject(s) for s in self._get("/api/subjects")],
            )
        return self._world

    def _get(self, path: str) -> Any:
        return self._send("GET", path)

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = self._client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise InputError(f"cannot reach {self.url}: {exc}") from exc
        if response.status_code >= 400:
            raise _error(response)
        try:
            return response.json()
        except ValueError as exc:
            raise InputError(f"{self.url}{path} did not answer JSON") from exc


def _masked_subject(data: dict[str, Any]) -> Subject:
    """A subject as the server lists it, masked. Masking by value reaches into any
    string: with ``350 5th Ave, New York`` among the PII values, the time zone
    ``America/New_York`` comes back ``America/•••_•••``, which is no zone, and the whole
    listing once failed as an internal error. Such a zone is read as none: the TUI
    only shows the listed subjects, the server dry-runs them with their own."""
    from pydantic import ValidationError

    try:
        return Subject.model_validate(data)
    except ValidationError as exc:
        if not any(error["loc"][:1] == ("timezone",) for error in exc.errors()):
            raise
    return Subject.model_validate({**data, "timezone": None})


def _error(response: httpx.Response) -> JourneySimError:
    try:
        envelope = response.json()
    except ValueError:
        envelope = {}
    if not isinstance(envelope, dict):
        envelope = {}
    message = str(envelope.get("error") or response.reason_phrase or "request failed")
    code = str(envelope.get("code") or "http_error")
    if response.status_code == 404:
        return NotFoundError(message, code=code)
    return RemoteError(
        f"{message} ({response.status_code} {code})", code=code, status=response.status_code
    )


def _quoted(journey_id: str) -> str:
    return quote(journey_id, safe="")
