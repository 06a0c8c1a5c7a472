"""Runtime defects a QA pass found against ``journeysim serve``, each driven through the
API in-process: ids too long for a storage key, dispatch at the end of the calendar,
concurrent clock advances, and replays of an erased end user's events."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta

import pytest
from api_problems import only_problem
from runtime_routes import ADVANCE, EVENTS, FORGET, OWNER, START, SYNC
from runtime_routes import signup as _signup

from simulator.api.testing import api_client
from simulator.codes import Decision, Reason
from simulator.engine.gates import run_gates
from simulator.models import QuietHours, Subject, Workspace
from simulator.paths import fixtures_dir


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


def _executions(api, journey_id: str = "act-onb-2026") -> list[dict]:
    return api.get(f"/api/journeys/{journey_id}/executions", headers=OWNER).json()


def _sfn_executions(api) -> list[dict]:
    sfn = api.backend.runtime.sfn
    listed = sfn.client.list_executions(stateMachineArn=sfn.ensure_dispatcher())
    return listed["executions"]


def _runtime_keys(api) -> list[tuple[str, str, str]]:
    """Every (table, pk, sk) the runtime holds."""
    tables = api.backend.runtime.tables
    return [(kind, pk, sk) for kind, table in tables.items() for pk, sk in table.partitions()]


# --- 2: ids that become part of DynamoDB keys are bounded before anything starts -------


@pytest.mark.parametrize(
    ("path", "headers", "body", "pointer", "limit", "unit"),
    [
        (START, SYNC, _signup("x" * 3000), "/id", 256, "characters"),
        (EVENTS, OWNER, _signup("x" * 3000), "/id", 256, "characters"),
        (EVENTS, OWNER, _signup("e-1", name="n" * 3000), "/name", 256, "characters"),
        (START, SYNC, _signup("e-1", name="😀" * 200), "/name", 768, "bytes"),
        (START, SYNC, _signup("é" * 56 + "😀" * 180), "/id", 768, "bytes"),
        (START, SYNC, _signup("e-1", "u" * 3000), "/properties/endUserId", 256, "characters"),
        (EVENTS, OWNER, _signup("e-1", "u" * 3000), "/properties/endUserId", 256, "characters"),
        (START, SYNC, _signup("e-1", endUserId="u" * 300), "/endUserId", 256, "characters"),
        (EVENTS, OWNER, _signup("e-1", endUserId="😀" * 200), "/endUserId", 768, "bytes"),
        (FORGET, SYNC, {"endUserId": "u" * 3000}, "/endUserId", 256, "characters"),
    ],
)
def test_an_id_too_long_for_a_key_is_refused_at_its_field_and_nothing_starts(
    api, path, headers, body, pointer, limit, unit
):
    """A 3000-character id once answered 503 (DynamoDB's key limit, hit at the flush)
    after the execution had started, and each retry started another one."""
    for _attempt in range(2):  # a retry is refused the same way
        detail = only_problem(api.post(path, json=body, headers=headers), 400, "invalid_request")
        assert (detail["in"], detail["path"], detail["type"]) == (
            "body",
            pointer,
            "string_too_long",
        )
        assert (detail["limit"], detail["unit"]) == (limit, unit)
        assert detail["size"] > limit
    assert _executions(api) == [] and _sfn_executions(api) == []
    assert [key for key in _runtime_keys(api) if key[0] != "counters"] == []


def test_ids_at_the_limit_fit_every_key_they_go_into(api):
    """192 four-byte characters are 768 bytes: the widest id the limit lets through is
    started, posted, dispatched, forgotten and replayed with no store failure."""
    widest = "😀" * 192
    started = api.post(START, json=_signup(widest, widest), headers=SYNC)
    assert started.status_code == 200 and len(started.json()["started"]) == 1, started.text
    posted = api.post(EVENTS, json=_signup("😀" * 191 + "p", widest), headers=OWNER)
    assert posted.status_code == 200, posted.text
    assert api.post(ADVANCE, json={"by": "P5D"}, headers=OWNER).status_code == 200
    forgot = api.post(FORGET, json={"endUserId": widest}, headers=SYNC)
    assert forgot.status_code == 200 and forgot.json()["erased"]["executions"] == 2
    assert api.post(START, json=_signup(widest, widest), headers=SYNC).status_code == 200


def test_an_event_time_outside_the_calendar_in_utc_is_refused_at_at(api):
    body = {**_signup("e-late"), "at": "9999-12-31T23:00:00-05:00"}  # year 10000 in UTC
    detail = only_problem(api.post(START, json=body, headers=SYNC), 400, "invalid_request")
    assert detail["path"] == "/at" and "outside the calendar" in detail["message"]


# --- 3: dispatch at the end of the calendar never answers 500 ---------------------------


def _clock_to(api, moment: datetime) -> None:
    """Move the clock to ``moment`` in the steps the API allows (1000 years at most)."""
    while True:
        now = datetime.fromisoformat(api.get("/api/_sim/clock", headers=OWNER).json()["now"])
        if now.year + 1000 >= moment.year:
            break
        assert api.post(ADVANCE, json={"by": "P1000Y"}, headers=OWNER).status_code == 200
    moved = api.post(ADVANCE, json={"to": moment.isoformat()}, headers=OWNER)
    assert moved.status_code == 200, moved.text


def test_a_send_in_quiet_hours_that_end_after_the_calendar_is_skipped_not_a_500(api):
    """21:00 in Tokyo on 9999-12-31: its quiet hours end on a day the calendar does not
    have. The dispatch once raised OverflowError in the gates (500); the send is now
    skipped with its reason, and the execution goes on to its wait."""
    _clock_to(api, datetime(9999, 12, 31, 12, tzinfo=UTC))  # 21:00 JST
    body = {**_signup("evt-tokyo", "usr_quiet_tokyo"), "at": "9999-12-31T12:00:00Z"}
    assert len(api.post(START, json=body, headers=SYNC).json()["started"]) == 1

    moved = api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    assert moved.status_code == 200, moved.text
    stats = api.get("/api/journeys/act-onb-2026/step-stats", headers=OWNER).json()
    welcome = next(row for row in stats if row["stepId"] == "send-welcome")
    assert welcome["skipped"] == 1 and welcome["executed"] == 0, welcome
    assert welcome["skippedByReason"] == {"quiet_hours": 1}, welcome
    [row] = _executions(api)
    # the 3-day wait after it cannot end within the calendar either: no 500, and the
    # execution ends FAILED there rather than carry on as if it had waited
    assert (row["status"], row["currentStepId"]) == ("FAILED", "wait-3d"), row
    assert api.post(ADVANCE, json={"by": "PT11H"}, headers=OWNER).status_code == 200


def test_the_clock_may_go_to_the_last_day_and_no_further(api):
    """Past year 8999, "1000 years after the clock" is itself past the calendar: the
    bound once raised while checking ``to`` (500)."""
    _clock_to(api, datetime(9026, 6, 1, tzinfo=UTC))
    last = api.post(ADVANCE, json={"to": "9999-12-31T23:00:00Z"}, headers=OWNER)
    assert last.json() == {"now": "9999-12-31T23:00:00Z", "dispatched": 0}, last.text
    detail = only_problem(
        api.post(ADVANCE, json={"by": "PT2H"}, headers=OWNER), 400, "invalid_request"
    )
    assert detail["path"] == "/by" and "past the end of the calendar" in detail["message"]


def test_a_goal_event_on_the_last_day_counts_without_a_500(api):
    """The goal window of an execution started on the last day reaches past it."""
    _clock_to(api, datetime(9999, 12, 31, 12, tzinfo=UTC))
    body = {**_signup("evt-goal"), "at": "9999-12-31T12:00:00Z"}
    api.post(START, json=body, headers=SYNC)
    goal = {"id": "evt-activated", "name": "user.activated", "at": "9999-12-31T13:00:00Z"}
    answer = api.post(EVENTS, json={**goal, "endUserId": "usr_plain_ana"}, headers=OWNER)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("at", "zone", "decision"),
    [
        # inside Tokyo's quiet hours, whose end (08:00 on 10000-01-01) is past the calendar
        (datetime(9999, 12, 31, 12, tzinfo=UTC), "Asia/Tokyo", Decision.SKIPPED),
        # Tokyo's local date is 10000-01-01: read in UTC, where 20:00 is not quiet
        (datetime(9999, 12, 31, 20, tzinfo=UTC), "Asia/Tokyo", Decision.EXECUTED),
        # read in UTC, 22:00 is quiet and ends on 10000-01-01
        (datetime(9999, 12, 31, 22, tzinfo=UTC), "Asia/Tokyo", Decision.SKIPPED),
        # New York's evening of 12-30 ends on 12-31 08:00 local, within the calendar
        (datetime(9999, 12, 31, 3, tzinfo=UTC), "America/New_York", Decision.DEFERRED),
        # the calendar's first hours: New York's local date is in year 0, read in UTC
        (datetime(1, 1, 1, 2, tzinfo=UTC), "America/New_York", Decision.DEFERRED),
        # Tokyo's 0001-01-01 began before the calendar: the caps count from its start
        (datetime(1, 1, 1, 0, 30, tzinfo=UTC), "Asia/Tokyo", Decision.EXECUTED),
    ],
)
def test_the_gates_place_the_ends_of_the_calendar_deliberately(at, zone, decision):
    workspace = Workspace.model_validate(
        {
            "id": "w",
            "projectKey": "pk_w",
            "name": "W",
            "tier": "growth",
            "quietHours": {"start": "21:00", "end": "08:00", "timezone": zone},
            "dailyCap": {"maxSends": 2},
            "frequencyCap": {"maxSends": 3, "windowDays": 7},
        }
    )
    assert isinstance(workspace.quiet_hours, QuietHours)
    subject = Subject(end_user_id="u", attributes={"email": "u@example.com"})
    sends = (at - timedelta(minutes=1),)
    outcome = run_gates(subject, _email(), workspace=workspace, at=at, sends=sends)
    assert outcome.decision is decision, outcome
    if decision is Decision.SKIPPED:
        assert outcome.reason is Reason.QUIET_HOURS and outcome.deferred_until is None
        assert "end of the calendar" in outcome.checks[-1].detail


def _email():
    from simulator.models import Channel

    return Channel.EMAIL


# --- 4: concurrent clock advances each apply on top of the one before ------------------


@pytest.mark.parametrize("round_number", range(3))
def test_concurrent_clock_advances_lose_nothing(api, eager_thread_switches, round_number):
    """8 concurrent advances by PT1H once moved the clock 4 h: each read now, then wrote
    now + 1 h over the others."""
    api.post(START, json=_signup(f"evt-c{round_number}"), headers=SYNC)  # work to dispatch
    before = datetime.fromisoformat(api.get("/api/_sim/clock", headers=OWNER).json()["now"])
    threads = 8
    barrier = threading.Barrier(threads)
    answers: list[tuple[int, dict]] = []

    def advance() -> None:
        barrier.wait()
        response = api.post(ADVANCE, json={"by": "PT1H"}, headers=OWNER)
        answers.append((response.status_code, response.json()))

    workers = [threading.Thread(target=advance) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "an advance hung"

    assert [status for status, _ in answers] == [200] * threads, answers
    after = datetime.fromisoformat(api.get("/api/_sim/clock", headers=OWNER).json()["now"])
    assert after - before == timedelta(hours=threads)
    # each answer says where its own advance left the clock: one hour apart, all distinct
    expected = {(before + timedelta(hours=n + 1)).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(8)}
    assert {answer["now"] for _, answer in answers} == expected


# --- 8: replaying an erased end user's event brings nothing back -----------------------


def test_a_replayed_start_after_erasure_answers_erased_and_starts_nothing(api):
    first = api.post(START, json=_signup("evt-gdpr"), headers=SYNC).json()
    [started] = first["started"]
    forgot = api.post(FORGET, json={"endUserId": "usr_plain_ana"}, headers=SYNC).json()
    assert forgot["stoppedExecutions"] == 1 and forgot["erased"]["triggerAnswers"] == 1

    replay = api.post(START, json=_signup("evt-gdpr"), headers=SYNC)
    assert replay.status_code == 200, replay.text
    answer = replay.json()
    assert answer["eventId"] == "evt-gdpr"
    assert answer["started"] == [] and answer["heldOut"] == []
    assert [(s["journeyId"], s["reason"]) for s in answer["skipped"]] == [
        ("act-onb-2026", "end_user_forgotten")
    ]
    assert "usr_plain_ana" not in replay.text
    assert api.post(START, json=_signup("evt-gdpr"), headers=SYNC).json() == answer

    # no revived record: no execution listed, Step Functions still says ABORTED only
    assert _executions(api) == []
    assert [e["status"] for e in _sfn_executions(api)] == ["ABORTED"]
    assert _sfn_executions(api)[0]["executionArn"] == started["executionArn"]
    assert not [key for key in _runtime_keys(api) if "usr_plain_ana" in key[1] + key[2]]
    again = api.post(FORGET, json={"endUserId": "usr_plain_ana"}, headers=SYNC).json()
    assert again["alreadyForgotten"] is True


def test_a_replayed_posted_event_after_erasure_records_nothing(api):
    posted = api.post(EVENTS, json=_signup("evt-posted"), headers=OWNER).json()
    assert len(posted["started"]) == 1
    api.post(FORGET, json={"endUserId": "usr_plain_ana"}, headers=SYNC)

    replay = api.post(EVENTS, json=_signup("evt-posted"), headers=OWNER)
    assert replay.status_code == 200, replay.text
    assert replay.json()["started"] == [] and replay.json()["goalsCounted"] == 0
    assert [s["reason"] for s in replay.json()["skipped"]] == ["end_user_forgotten"]
    # the subject's index (where posted events live) is not written again, and no kept
    # answer (to a trigger or to a posted event, for retries) names them
    assert not [key for key in _runtime_keys(api) if "usr_plain_ana" in key[1] + key[2]]
    kept = api.backend.runtime.tables["triggers"].items("acme")
    assert "usr_plain_ana" not in json.dumps(list(kept))
    assert _executions(api) == []


def test_a_replay_whose_erased_answer_is_gone_does_not_revive_the_execution(api):
    """State saved by an earlier journeysim, whose erasure deleted the event's answer
    instead of keeping it scrubbed: the replay found no answer, started again, got
    Step Functions' ABORTED execution back and wrote a RUNNING record for it."""
    api.post(START, json=_signup("evt-old"), headers=SYNC)
    api.post(FORGET, json={"endUserId": "usr_plain_ana"}, headers=SYNC)
    triggers = api.backend.runtime.tables["triggers"]
    for key, _ in list(triggers.items("acme", "erased#")):
        triggers.delete("acme", key)  # as the earlier erasure left it

    replay = api.post(START, json=_signup("evt-old"), headers=SYNC)
    assert replay.status_code == 200, replay.text
    assert replay.json()["started"] == []
    assert [s["reason"] for s in replay.json()["skipped"]] == ["end_user_forgotten"]
    assert _executions(api) == []
    assert [e["status"] for e in _sfn_executions(api)] == ["ABORTED"]
    assert not [key for key in _runtime_keys(api) if "usr_plain_ana" in key[1] + key[2]]


def test_a_replayed_hold_out_after_erasure_is_not_counted_again(api):
    held = api.post(START, json=_signup("evt-held", "usr_holdout"), headers=SYNC).json()
    assert [h["journeyId"] for h in held["heldOut"]] == ["act-onb-2026"], held
    impact = api.get("/api/journeys/act-onb-2026/calibrated-impact", headers=OWNER).json()
    api.post(FORGET, json={"endUserId": "usr_holdout"}, headers=SYNC)

    replay = api.post(START, json=_signup("evt-held", "usr_holdout"), headers=SYNC).json()
    assert replay["heldOut"] == [] and replay["skipped"][0]["reason"] == "end_user_forgotten"
    after = api.get("/api/journeys/act-onb-2026/calibrated-impact", headers=OWNER).json()
    assert after == impact


def test_erasure_matches_the_exact_id_and_a_new_event_starts_clean(api):
    """Forgetting ``usr_q`` once also deleted the answers naming ``usr_qq`` (a substring
    match), so ``usr_qq``'s replay started again on a taken execution name."""
    api.post(START, json=_signup("evt-q", "usr_q"), headers=SYNC)
    kept = api.post(START, json=_signup("evt-qq", "usr_qq"), headers=SYNC).json()
    forgot = api.post(FORGET, json={"endUserId": "usr_q"}, headers=SYNC).json()
    assert forgot["erased"]["triggerAnswers"] == 1  # usr_q's own, not usr_qq's
    assert api.post(START, json=_signup("evt-qq", "usr_qq"), headers=SYNC).json() == kept

    fresh = api.post(START, json=_signup("evt-q-new", "usr_q"), headers=SYNC).json()
    [started] = fresh["started"]
    rows = {row["executionArn"]: row["status"] for row in _executions(api)}
    assert rows[started["executionArn"]] == "RUNNING"
    assert len(rows) == 2  # usr_qq's and the new one; the erased one does not come back


def _posted_event_keys(api, end_user_id: str) -> list[str]:
    """The sort keys of the events the runtime recorded as posted by ``end_user_id``."""
    return [
        sk
        for kind, pk, sk in _runtime_keys(api)
        if kind == "subjects" and pk.endswith(f"#{end_user_id}") and sk.startswith("event#")
    ]


def test_a_replayed_posted_event_answers_as_first_and_records_nothing_again(api):
    """A retry of ``POST /api/_sim/events`` (same id) after the clock had moved was
    recorded a second time, under a new time, so the subject's history held it twice."""
    api.post(EVENTS, json=_signup("evt-signup"), headers=OWNER)
    activated = {**_signup("evt-activated"), "name": "user.activated", "properties": {}}
    first = api.post(EVENTS, json={**activated, "endUserId": "usr_plain_ana"}, headers=OWNER)
    assert first.status_code == 200, first.text
    assert first.json()["goalsCounted"] == 1
    recorded = _posted_event_keys(api, "usr_plain_ana")
    impact = api.get("/api/journeys/act-onb-2026/calibrated-impact", headers=OWNER).json()
    api.post(ADVANCE, json={"by": "PT1H"}, headers=OWNER)

    replay = api.post(EVENTS, json={**activated, "endUserId": "usr_plain_ana"}, headers=OWNER)
    assert replay.status_code == 200, replay.text
    assert replay.json() == first.json()
    assert _posted_event_keys(api, "usr_plain_ana") == recorded
    assert len(recorded) == 2  # the sign-up and the activation, once each
    after = api.get("/api/journeys/act-onb-2026/calibrated-impact", headers=OWNER).json()
    assert after == impact


def test_a_replayed_awaited_event_answers_as_first_and_moves_nothing(api):
    """The first post of an awaited event resumes the wait; its retry answers the same
    (the resumed execution named) and moves, sends and records nothing more."""
    properties = {"trialPlan": "growth", "trialDays": 14, "seats": 4}
    trial = {"id": "evt-trial", "name": "subscription.trial_started", "at": "2026-06-01T14:00:00Z"}
    trial["properties"] = {**properties, "endUserId": "usr_trial_checkout"}
    assert len(api.post(START, json=trial, headers=SYNC).json()["started"]) == 1
    api.post(ADVANCE, json={"to": "2026-06-04T14:00:00Z"}, headers=OWNER)
    [waiting] = _executions(api, "trial-conv-2026")
    assert waiting["currentStepId"] == "wait-checkout"
    checkout = {"id": "evt-checkout", "name": "checkout.started", "properties": {}}
    checkout |= {"at": "2026-06-04T14:00:00Z", "endUserId": "usr_trial_checkout"}
    first = api.post(EVENTS, json=checkout, headers=OWNER).json()
    assert first["resumed"] == ["trial-conv-2026__v1__usr_trial_checkout__evt-trial"]
    outbox = api.get("/api/_sim/outbox", headers=OWNER).json()
    executions = _executions(api, "trial-conv-2026")
    recorded = _posted_event_keys(api, "usr_trial_checkout")

    assert api.post(EVENTS, json=checkout, headers=OWNER).json() == first
    assert api.get("/api/_sim/outbox", headers=OWNER).json() == outbox
    assert _executions(api, "trial-conv-2026") == executions
    assert _posted_event_keys(api, "usr_trial_checkout") == recorded


@pytest.mark.parametrize(
    ("contract", "event_name", "named", "part"),
    [
        ("trig-upgrade-signal", "usage.upgrade_signal", "usr_expansion_candidate", "started"),
        ("trig-signup", "user.signed_up", "usr_holdout", "heldOut"),
    ],
)
def test_a_retried_event_that_named_another_erased_end_user_keeps_the_posters_part(
    tmp_path, contract, event_name, named, part
):
    """Ana posts an event that counts her goal and, through its contract's path
    (``ownerId`` here), starts or holds out someone else, who is then erased. Her
    retry got the erased start answer with ``goalsCounted`` 0: what the event did
    for her was lost."""
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    journey = project / "journeys" / "act-onb-2026.json"
    journey.write_text(journey.read_text().replace('"user.activated"', json.dumps(event_name)))
    contract_file = project / "triggers" / f"{contract}.json"
    path = '"subjectFieldPath": "endUserId"'
    contract_file.write_text(contract_file.read_text().replace(path, path[:-10] + 'ownerId"'))
    with api_client(project, publish=True) as api:
        signup = _signup("evt-signup")
        signup["properties"]["ownerId"] = "usr_plain_ana"
        assert len(api.post(EVENTS, json=signup, headers=OWNER).json()["started"]) == 1
        properties = {"endUserId": "usr_plain_ana", "ownerId": named, "plan": "trial"}
        properties |= {"signupSource": "ads", "signal": "seats", "usagePct": 92}
        event = {**_signup("evt-other"), "name": event_name, "properties": properties}
        event["at"] = "2026-06-02T14:00:00Z"
        first = api.post(EVENTS, json=event, headers=OWNER).json()
        assert first["goalsCounted"] == 1, first
        assert [entry["endUserId"] for entry in first[part]] == [named], first
        api.post(FORGET, json={"endUserId": named}, headers=SYNC)

        replay = api.post(EVENTS, json=event, headers=OWNER)
        assert replay.status_code == 200, replay.text
        answer = replay.json()
        assert answer["goalsCounted"] == 1 and answer["resumed"] == first["resumed"]
        assert answer["started"] == [] and answer["heldOut"] == []
        assert [s["reason"] for s in answer["skipped"]][-1] == "end_user_forgotten"
        assert named not in replay.text
        kept = api.backend.runtime.tables["triggers"].items("acme")
        assert named not in json.dumps(list(kept))
