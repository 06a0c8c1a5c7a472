"""Defects a fifth QA pass found against ``journeysim serve``: an adaptive arm's goal
events that depended on whether the goal was posted before or after the clock reached
the arm, ``internal/dispatch`` running an execution ahead of the clock, and an
import-bundle that answered only its journeys and kept a replaced communication's
version for its new content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from runtime_routes import ADVANCE, EDITOR, EVENTS, OWNER, START, SYNC, signup

from simulator.api.testing import api_client
from simulator.backend.errors import ExecutionNotDue
from simulator.backend.service import Backend
from simulator.paths import fixtures_dir
from simulator.runtime.runtime import InboundEvent

WS = "acme"
T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)
ARM_AT = T0 + timedelta(days=2)
"""Trial Conversion reaches its adaptive branch ``offer-subject-test`` after ``wait-2d``."""
TRIAL = "trial-conv-2026"
USER = "usr_trial_timeout"


@pytest.fixture
def runtime():
    backend = Backend.start()
    backend.load_project(fixtures_dir() / "acme", publish=True)
    runtime = backend.runtime
    runtime.ensure()
    yield runtime
    backend.close()


def _trial(event_id: str = "t-usr_trial_timeout") -> InboundEvent:
    properties = {"endUserId": USER, "trialPlan": "growth", "trialDays": 14, "seats": 3}
    return InboundEvent(event_id, "subscription.trial_started", T0, properties)


def _goal(runtime, event_id: str, at: datetime) -> int:
    event = InboundEvent(event_id, "subscription.converted", at, {"endUserId": USER})
    return runtime.post_event(WS, event, USER)["goalsCounted"]


def _arms(runtime) -> dict[str, tuple[int, int]]:
    journey = runtime.backend.store.version(WS, TRIAL, 1).journey
    [branch] = runtime.branch_performance(WS, journey)
    assert branch["stepId"] == "offer-subject-test"
    return {arm["armId"]: (arm["subjectsReached"], arm["goalEvents"]) for arm in branch["arms"]}


def _reached_arm(runtime) -> tuple[int, int]:
    [reached] = [counts for counts in _arms(runtime).values() if counts[0]]
    return reached


@pytest.mark.parametrize("posted", ["before the arm", "after the arm"])
@pytest.mark.parametrize(
    ("goal_at", "credited"),
    [
        (T0 + timedelta(hours=10), 0),  # 06-02: before the arm, inside the window
        (ARM_AT, 1),  # at the very instant the arm was reached
        (ARM_AT + timedelta(hours=12), 1),  # after it
        (T0 + timedelta(days=14), 1),  # the window's last instant
        (T0 + timedelta(days=14, seconds=1), 0),  # past the window
    ],
    ids=["before", "at-arm", "after", "window-end", "past-window"],
)
def test_an_arm_counts_a_goal_by_the_times_not_by_the_order_of_posting(
    runtime, goal_at, credited, posted
):
    """A goal dated 06-02, posted after the arm was reached at 06-03, was credited to it;
    one dated after the arm, posted before the clock got there, never was. Each arm's
    posterior is Beta(goalEvents + 1, reached - goalEvents + 1): a goal counts for an arm
    when it is inside the window and at or after the arm, whenever it is posted."""
    assert len(runtime.start_execution(WS, _trial()).started) == 1
    if posted == "after the arm":
        runtime.advance_clock(ARM_AT)
        counted = _goal(runtime, "g-a", goal_at)
    else:
        counted = _goal(runtime, "g-a", goal_at)
        runtime.advance_clock(ARM_AT)
    assert counted == (0 if goal_at > T0 + timedelta(days=14) else 1)  # the execution
    assert _reached_arm(runtime) == (1, credited)
    runtime.advance_clock(T0 + timedelta(days=20))  # nothing later changes it
    assert _reached_arm(runtime) == (1, credited)


def test_one_execution_counts_one_goal_for_its_arm_however_many_arrive(runtime):
    """A goal before the arm converts the execution (calibrated impact) without
    crediting the arm; goals after it credit the arm once, posted before or after the
    clock reached it."""
    runtime.start_execution(WS, _trial())
    assert _goal(runtime, "g-before", T0 + timedelta(hours=1)) == 1
    assert _goal(runtime, "g-ahead", ARM_AT + timedelta(hours=1)) == 0  # converted already
    runtime.advance_clock(ARM_AT + timedelta(hours=2))
    assert _reached_arm(runtime) == (1, 1)
    assert _goal(runtime, "g-late", ARM_AT + timedelta(hours=3)) == 0
    assert _reached_arm(runtime) == (1, 1)
    impact = runtime.calibrated_impact(WS, TRIAL)
    assert (impact["triggered"]["exposed"], impact["converted"]["exposed"]) == (1, 1)


def test_a_goal_before_the_arm_then_one_after_it_posted_late_credits_the_arm(runtime):
    """The first goal converted the execution before the arm was reached; the later
    one was skipped as converted, so the arm never counted it."""
    runtime.start_execution(WS, _trial())
    _goal(runtime, "g-before", T0 + timedelta(hours=1))
    runtime.advance_clock(ARM_AT)
    assert _reached_arm(runtime) == (1, 0)
    assert _goal(runtime, "g-after", ARM_AT + timedelta(days=1)) == 0
    assert _reached_arm(runtime) == (1, 1)


def test_an_entry_stored_before_arm_times_were_kept_is_not_credited_twice(runtime):
    """A state file of an earlier journeysim holds index entries with ``arms`` and
    ``converted`` only: their goal was counted for those arms then."""
    [started] = runtime.start_execution(WS, _trial()).started
    runtime.advance_clock(ARM_AT)
    [arm] = [arm for arm, counts in _arms(runtime).items() if counts[0]]
    subjects = runtime.tables["subjects"]
    key = f"{TRIAL}#exec#{started['executionArn'].rsplit(':', 1)[1]}"
    entry = subjects.get(f"{WS}#{USER}", key)
    legacy = {k: v for k, v in entry.items() if k not in ("armsAt", "credited")}
    subjects.put(f"{WS}#{USER}", key, {**legacy, "converted": True})
    runtime.tables["counters"].add(f"{WS}#{TRIAL}", f"arm#offer-subject-test#{arm}#g")
    assert _reached_arm(runtime) == (1, 1)
    _goal(runtime, "g-again", ARM_AT + timedelta(days=1))
    assert _reached_arm(runtime) == (1, 1)


@pytest.mark.parametrize("order", ["goal-first", "clock-first"])
def test_branch_performance_over_the_api_does_not_depend_on_posting_order(order):
    """The QA steps: a trial at 06-01T14:00, the clock moved P2D (the arm is chosen at
    06-03T14:00), a goal dated 06-02 (before the arm) posted before or after the move."""
    trial = {
        "id": "t-usr_trial_timeout",
        "name": "subscription.trial_started",
        "at": "2026-06-01T14:00:00Z",
        "properties": {"endUserId": USER, "trialPlan": "growth", "trialDays": 14, "seats": 3},
    }
    goal = {
        "id": "g-a",
        "name": "subscription.converted",
        "at": "2026-06-02T00:00:00Z",
        "properties": {"endUserId": USER},
    }
    with api_client(publish=True) as api:
        assert api.post(START, json=trial, headers=SYNC).status_code == 200
        steps = [(EVENTS, goal), (ADVANCE, {"by": "P2D"})]
        for route, body in steps if order == "goal-first" else reversed(steps):
            answer = api.post(route, json=body, headers=EDITOR)
            assert answer.status_code == 200, answer.text
        performance = api.get(f"/api/journeys/{TRIAL}/branch-performance", headers=OWNER)
        [branch] = performance.json()
        reached = [arm for arm in branch["arms"] if arm["subjectsReached"]]
        assert [(arm["subjectsReached"], arm["goalEvents"]) for arm in reached] == [(1, 0)]


# --- 2: a dispatch runs only an execution that is due ----------------------------------

DISPATCH = "/api/journeys/internal/dispatch"


def _seen(api) -> tuple:
    """What a dispatch could change, as members see it."""
    return (
        api.get("/api/_sim/clock", headers=OWNER).json(),
        api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json(),
        api.get("/api/journeys/act-onb-2026/step-stats", headers=OWNER).json(),
        api.get("/api/_sim/outbox", headers=OWNER).json(),
        api.get("/api/journeys/act-onb-2026/audit", headers=OWNER).json(),
    )


def test_a_dispatch_ahead_of_the_clock_is_refused_and_changes_nothing():
    """With the clock at 06-01T14:00 and the execution asleep in ``wait-3d`` until
    06-04T14:00, repeated dispatches ran the branch, the send and the exit (SUCCEEDED)
    while the clock still said 06-01."""
    with api_client(publish=True) as api:
        [started] = api.post(START, json=signup("e1"), headers=SYNC).json()["started"]
        arn = {"executionArn": started["executionArn"]}
        first = api.post(DISPATCH, json=arn, headers=SYNC)  # send-welcome: due at the start
        assert (first.status_code, first.json()["step"]["stepId"]) == (200, "send-welcome")
        second = api.post(DISPATCH, json=arn, headers=SYNC)  # the wait begins: due now too
        assert (second.json()["step"]["stepId"], second.json()["wakeAt"]) == (
            "wait-3d",
            "2026-06-04T14:00:00Z",
        )
        before = _seen(api)
        for _attempt in range(3):
            refused = api.post(DISPATCH, json=arn, headers=SYNC)
            assert refused.status_code == 409, refused.text
            body = refused.json()
            assert (body["code"], body["status"]) == ("execution_not_due", 409)
            [detail] = body["details"]
            assert (detail["path"], detail["type"]) == ("/executionArn", "execution_not_due")
            assert (detail["wakeAt"], detail["now"]) == (
                "2026-06-04T14:00:00Z",
                "2026-06-01T14:00:00Z",
            )
            assert "2026-06-04T14:00:00Z" in body["error"]
            assert _seen(api) == before
        [row] = before[1]
        assert (row["status"], row["currentStepId"]) == ("RUNNING", "wait-3d")

        # once the clock reaches the wake-up, the execution runs on as it always did
        moved = api.post(ADVANCE, json={"to": "2026-06-04T14:00:00Z"}, headers=OWNER).json()
        assert moved["dispatched"] >= 1
        [row] = api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json()
        assert row["status"] == "SUCCEEDED"


def test_a_dispatch_of_an_execution_awaiting_an_event_waits_for_its_timeout(runtime):
    """A wait for an event is due at its timeout: dispatched before, it timed out early."""
    [started] = runtime.start_execution(WS, _trial()).started
    journey_id, name = runtime.execution_by_arn(WS, started["executionArn"])
    runtime.advance_clock(ARM_AT)  # the offer is sent; the wait for checkout.started begins
    [row] = runtime.executions(WS, TRIAL)
    assert row["currentStepId"] == "wait-checkout"
    with pytest.raises(ExecutionNotDue) as refused:
        runtime.dispatch(WS, journey_id, name)
    assert (refused.value.wake_at, refused.value.now) == (
        "2026-06-05T14:00:00Z",
        "2026-06-03T14:00:00Z",
    )
    assert "'checkout.started'" in refused.value.message
    assert runtime.executions(WS, TRIAL) == [row]
    assert [p.at for p in runtime.pending_wakeups()] == [ARM_AT + timedelta(days=2)]
    runtime.advance_clock(ARM_AT + timedelta(days=2))  # due: the timeout path runs
    assert runtime.dispatch(WS, journey_id, name).status == "SUCCEEDED"


# --- 3: import-bundle answers what it did of every kind, and versions what it replaced -

IMPORT = "/api/journeys/internal/import-bundle"
FORMAT = "journeysim.import-bundle/v1"
NEW_BODY = "<p>Hi {{ firstName }}, welcome to the new Acme.</p>"


def _bundle(**kinds: list) -> dict:
    return {"format": FORMAT, "journeys": [], **kinds}


def _communications(api) -> dict[str, dict]:
    return {c["id"]: c for c in api.get("/api/communications", headers=OWNER).json()}


def _welcome(api, **changes) -> dict:
    return {**_communications(api)["comm-welcome-email"], **changes}


def test_a_replacing_import_answers_the_communication_and_gives_it_the_next_version():
    """``replace: true`` with one changed communication answered ``{"created": [],
    "replaced": [], ...}`` and kept ``version: 3`` with the new body."""
    with api_client(publish=True) as api:
        bundle = _bundle(communications=[_welcome(api, body=NEW_BODY)])
        conflict = api.post(IMPORT, json={"bundle": bundle}, headers=SYNC)
        assert (conflict.status_code, conflict.json()["code"]) == (409, "import_conflict")
        assert [d["id"] for d in conflict.json()["details"]] == ["comm-welcome-email"]

        for dry_run in (True, False):
            body = {"bundle": bundle, "replace": True, "dryRun": dry_run}
            answer = api.post(IMPORT, json=body, headers=SYNC)
            assert answer.status_code == 200, answer.text
            assert answer.json()["communications"] == {
                "created": [],
                "replaced": ["comm-welcome-email"],
                "unchanged": [],
            }
            assert (answer.json()["created"], answer.json()["replaced"]) == ([], [])
        stored = _communications(api)["comm-welcome-email"]
        assert (stored["version"], stored["body"]) == (4, NEW_BODY)

        # the same bundle again (its version still says 3) changes nothing: idempotent
        again = api.post(IMPORT, json={"bundle": bundle, "replace": True}, headers=SYNC)
        assert again.json()["communications"]["unchanged"] == ["comm-welcome-email"]
        assert _communications(api)["comm-welcome-email"] == stored
        # and is no conflict without replace: the content is the workspace's
        plain = api.post(IMPORT, json={"bundle": bundle}, headers=SYNC)
        assert plain.status_code == 200, plain.text

        # a bundle that numbers a new content higher keeps its number
        higher = _bundle(communications=[_welcome(api, body="<p>v9</p>", version=9)])
        api.post(IMPORT, json={"bundle": higher, "replace": True}, headers=SYNC)
        assert _communications(api)["comm-welcome-email"]["version"] == 9


def test_an_import_lists_the_documents_it_created_of_every_kind():
    """A bundle of 4 communications, a segment, a trigger contract and a journey
    answered only the journey's id."""
    with api_client(publish=True) as api:
        journey = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
        mails = [{**_welcome(api), "id": f"imp-mail-{n}", "name": f"Mail {n}"} for n in range(4)]
        segment = {"id": "imp-seg", "name": "Listed", "kind": "static", "subjectIds": []}
        contract = {"id": "imp-trig", "name": "Imported", "eventName": "imp.happened"}
        contract["versionAt"] = "2026-01-01T00:00:00Z"
        bundle = _bundle(
            journeys=[{"id": "imp-journey", "name": "Imported", "steps": journey["steps"]}],
            communications=[*mails, _welcome(api)],  # the last one exists as it is
            segments=[segment],
            triggerContracts=[contract],
        )
        answer = api.post(IMPORT, json={"bundle": bundle}, headers=SYNC)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "created": ["imp-journey"],
            "replaced": [],
            "dryRun": False,
            "communications": {
                "created": [m["id"] for m in mails],
                "replaced": [],
                "unchanged": ["comm-welcome-email"],
            },
            "segments": {"created": ["imp-seg"], "replaced": [], "unchanged": []},
            "triggerContracts": {"created": ["imp-trig"], "replaced": [], "unchanged": []},
        }
        assert {m["id"] for m in mails} <= set(_communications(api))


def test_messages_of_two_contents_never_carry_one_communication_version():
    """Executions of the version published before the import send version 3, those of
    one published after it the new content: they carried version 3 both."""
    with api_client(publish=True) as api:
        ana = signup("e-before", "usr_plain_ana")
        assert len(api.post(START, json=ana, headers=SYNC).json()["started"]) == 1
        bundle = _bundle(communications=[_welcome(api, body=NEW_BODY)])
        api.post(IMPORT, json={"bundle": bundle, "replace": True}, headers=SYNC)
        assert api.post("/api/journeys/act-onb-2026/draft", headers=EDITOR).status_code == 201
        published = api.post("/api/journeys/act-onb-2026/publish", headers=EDITOR)
        assert published.json()["version"] == 2, published.text
        second = signup("e-after", "usr_activates_day1")
        assert len(api.post(START, json=second, headers=SYNC).json()["started"]) == 1
        api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
        messages = api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
        sent = {
            (m["communicationVersion"], "new Acme" in m["rendered"]["body"])
            for m in messages
            if m["communicationId"] == "comm-welcome-email"
        }
        assert sent == {(3, False), (4, True)}
