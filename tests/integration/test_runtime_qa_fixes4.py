"""Defects a fourth QA pass found against ``journeysim serve``, each driven through the
API in-process: a posted event ahead of the clock that skipped what was due before it,
history that held a late event at its posting time, an ``eventId`` answered unmasked,
and a write whose save failed that stayed (and was saved later) all the same; then what
a review found: event ids and names left unmasked for an end user whose id holds no
PII, and an event posted ahead of a wait its execution had not reached yet dropped."""

from __future__ import annotations

import pytest
from runtime_routes import ADVANCE, EVENTS, OWNER, START, SYNC, VIEWER, signup

from simulator.api.testing import api_client


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


def _executions(api, journey_id: str) -> list[dict]:
    return api.get(f"/api/journeys/{journey_id}/executions", headers=OWNER).json()


def _sent(api) -> list[tuple[str, str, str]]:
    messages = api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
    return [(m["endUserId"], m["stepId"], m["sentAt"]) for m in messages]


def _now(api) -> str:
    return api.get("/api/_sim/clock", headers=OWNER).json()["now"]


# --- 1: an event ahead of the clock runs what was due before it first ------------------

_TRIAL = "trial-conv-2026__v1__usr_trial_checkout__evt-trial"


def _trial_waiting_and_ana_in_her_wait(api) -> None:
    """Trial Conversion waits for ``checkout.started`` from 06-03T14:00 to its timeout
    at 06-05T14:00; Ana's Activation Onboarding wakes from its 3 days at 06-04T14:00."""
    properties = {"trialPlan": "growth", "trialDays": 14, "seats": 4}
    trial = {"id": "evt-trial", "name": "subscription.trial_started", "at": "2026-06-01T14:00:00Z"}
    trial["properties"] = {**properties, "endUserId": "usr_trial_checkout"}
    assert len(api.post(START, json=trial, headers=SYNC).json()["started"]) == 1
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    assert api.post(ADVANCE, json={"to": "2026-06-03T15:00:00Z"}, headers=OWNER).status_code == 200
    assert _executions(api, "trial-conv-2026")[0]["currentStepId"] == "wait-checkout"
    assert _executions(api, "act-onb-2026")[0]["currentStepId"] == "wait-3d"


def _checkout(at: str) -> dict:
    body = {"id": f"evt-checkout-{at[:10]}", "name": "checkout.started", "at": at}
    return {**body, "properties": {}, "endUserId": "usr_trial_checkout"}


def test_an_event_ahead_of_the_clock_runs_the_wake_ups_due_before_it_first(api):
    """The checkout, dated 06-05T00:00 while the clock was at 06-03T15:00, set the clock
    there and resumed the wait: Ana's wake-up of 06-04T14:00 was jumped over, and ran
    only at the next advance, at 06-05, re-engaging her half a day late. It now runs
    first, at its own time, as an advance to 06-05T00:00 would have run it."""
    _trial_waiting_and_ana_in_her_wait(api)

    answer = api.post(EVENTS, json=_checkout("2026-06-05T00:00:00Z"), headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resumed"] == [_TRIAL]
    assert _now(api) == "2026-06-05T00:00:00Z"
    assert ("usr_plain_A•••", "send-reengage", "2026-06-04T14:00:00Z") in _sent(api)
    assert _executions(api, "act-onb-2026")[0]["currentStepId"] == "exit"
    # the resumed execution goes on from the event's time, on the next move
    api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    (trial,) = _executions(api, "trial-conv-2026")
    assert (trial["status"], trial["currentStepId"]) == ("SUCCEEDED", "exit")
    assert not [s for s in _sent(api) if s[1] == "send-checkout-reminder"]


def test_an_event_at_a_waits_very_timeout_resumes_it_after_what_was_due_before(api):
    """Wake-ups due *at* the event's time run after it: an event at the wait's timeout
    resumes the wait (both ends inclusive) rather than being beaten by the timeout."""
    _trial_waiting_and_ana_in_her_wait(api)

    answer = api.post(EVENTS, json=_checkout("2026-06-05T14:00:00Z"), headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resumed"] == [_TRIAL]
    assert _now(api) == "2026-06-05T14:00:00Z"
    assert ("usr_plain_A•••", "send-reengage", "2026-06-04T14:00:00Z") in _sent(api)
    api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    assert not [s for s in _sent(api) if s[1] == "send-checkout-reminder"]


def test_an_event_ahead_of_the_clock_that_resumes_nothing_leaves_the_clock(api):
    """Only a resumed wait moves the clock: a goal dated ahead counts and waits there."""
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    activated = {"id": "evt-act", "name": "user.activated", "at": "2026-06-02T09:00:00Z"}
    activated |= {"properties": {}, "endUserId": "usr_plain_ana"}
    answer = api.post(EVENTS, json=activated, headers=OWNER).json()
    assert (answer["goalsCounted"], answer["resumed"]) == (1, [])
    assert _now(api) == "2026-06-01T14:00:00Z"


# --- 2: history holds a posted event at its own time -----------------------------------


@pytest.mark.parametrize(
    ("activated_at", "goals", "reengaged"),
    [("2026-05-31T12:00:00Z", 0, True), ("2026-06-02T12:00:00Z", 1, False)],
    ids=["before-the-window", "inside-the-window"],
)
def test_a_branch_judges_a_late_posted_event_at_its_own_time(api, activated_at, goals, reengaged):
    """Activation Onboarding branches at 06-04T14:00 on ``user.activated`` within 3 days.
    An activation dated 05-31, posted at 06-04T13:00, counted no goal (judged at its own
    time) but was kept in history at 06-04T13:00, so the branch took it as recent and
    skipped the re-engagement. History now holds it at 05-31: outside the window, as
    the goal said; one dated 06-02 and posted as late is inside both."""
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    assert api.post(ADVANCE, json={"to": "2026-06-04T13:00:00Z"}, headers=OWNER).status_code == 200
    activated = {"id": "evt-act", "name": "user.activated", "at": activated_at}
    activated |= {"properties": {}, "endUserId": "usr_plain_ana"}
    answer = api.post(EVENTS, json=activated, headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["goalsCounted"] == goals

    assert api.post(ADVANCE, json={"to": "2026-06-04T15:00:00Z"}, headers=OWNER).status_code == 200
    (row,) = _executions(api, "act-onb-2026")
    assert (row["status"], row["currentStepId"]) == ("SUCCEEDED", "exit")
    steps = [step for _, step, _ in _sent(api)]
    assert ("send-reengage" in steps) is reengaged, steps


# --- 3: the posted event's answer masks its eventId as it masks the names --------------


@pytest.mark.parametrize(
    ("event_id", "shown"),
    [
        ("evt-usr_plain_ana-1", "evt-usr_plain_A•••-1"),
        ("signup__ana.ribeiro@example.com", "signup__a•••@e•••.com"),
        ("evt-ribeiro-2", "evt-R•••-2"),
    ],
    ids=["end-user-id", "e-mail", "last-name"],
)
def test_a_posted_events_answer_masks_the_end_user_in_its_event_id(api, event_id, shown):
    """``POST /api/_sim/events`` masked the end user in ``started`` and ``resumed`` but
    echoed ``eventId`` as sent, so an id built from the end user's id (or e-mail, or
    name) showed them to every member. It is now shown as the event's part of the
    execution names in the same answer is."""
    posted = api.post(EVENTS, json=signup(event_id), headers=OWNER)
    assert posted.status_code == 200, posted.text
    answer = posted.json()
    assert answer["eventId"] == shown
    (started,) = answer["started"]
    assert started["executionArn"].endswith(f"__{shown}")  # one form, both places
    for raw in ("usr_plain_ana", "ana.ribeiro", "Ana", "Ribeiro", "ribeiro"):
        assert raw not in posted.text
    # a retry answers the same, masked again on the way out
    assert api.post(EVENTS, json=signup(event_id), headers=OWNER).json() == answer
    # an event that starts nothing is masked for its poster too
    activated = {**signup(f"{event_id}-act"), "name": "user.activated", "properties": {}}
    later = api.post(EVENTS, json={**activated, "endUserId": "usr_plain_ana"}, headers=OWNER)
    assert later.json()["eventId"] == f"{shown}-act"


def test_an_event_id_is_left_as_sent_only_where_the_product_backend_sent_it(api):
    """The internal start-execution route answers the product's backend, which sent the
    id, with the ARN as it is; members see the same execution's ARN masked. An id that
    holds nothing of the subject is shown as sent."""
    internal = api.post(START, json=signup("evt-usr_plain_ana-2"), headers=SYNC).json()
    assert internal["eventId"] == "evt-usr_plain_ana-2"
    assert internal["started"][0]["executionArn"].endswith("__usr_plain_ana__evt-usr_plain_ana-2")
    (row,) = _executions(api, "act-onb-2026")
    assert row["executionArn"].endswith("__usr_plain_A•••__evt-usr_plain_A•••-2")
    plain = signup("evt-usr_anon-1", end_user_id="usr_anon")
    assert api.post(EVENTS, json=plain, headers=OWNER).json()["eventId"] == "evt-usr_anon-1"


@pytest.mark.parametrize(
    ("event_id", "shown", "raw"),
    [
        ("signup__kwame.mensah@example.org", "signup__k•••@e•••.org", "kwame.mensah"),
        ("evt-kwame-1", "evt-K•••-1", "kwame"),
        ("call__7700900123", "call__•••23", "7700900123"),
        ("signup__jo.bloggs@partner.example", "signup__j•••@p•••.example", "jo.bloggs"),
    ],
    ids=["e-mail", "first-name", "phone-without-country-code", "someone-elses-e-mail"],
)
def test_an_event_id_is_masked_when_the_end_users_id_holds_nothing(api, event_id, shown, raw):
    """Kwame's id, ``usr_activates_day1``, holds no PII, so the names and the
    ``eventId`` were shown as they were: an event id holding his e-mail address reached
    every member, a viewer too, in the answer, the executions list and the outbox. The
    event's part is masked now whatever the end user's id is (his phone number without
    its country code is no value of his: the phone detector masks it)."""
    body = signup(event_id, end_user_id="usr_activates_day1")
    answer = api.post(EVENTS, json=body, headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["eventId"] == shown
    (started,) = answer.json()["started"]
    assert started["executionArn"].endswith(f"__usr_activates_day1__{shown}")
    assert api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER).status_code == 200  # the welcome
    shown_to_viewer = [
        api.get("/api/journeys/act-onb-2026/executions", headers=VIEWER).text,
        api.get("/api/_sim/outbox", headers=VIEWER).text,
    ]
    assert "usr_activates_day1" in shown_to_viewer[1]  # the outbox has his message
    for text in (answer.text, *shown_to_viewer):
        assert raw not in text.lower()
    internal = api.post(START, json=body, headers=SYNC).json()  # a retry, to the backend
    assert internal["started"][0]["executionArn"].endswith(f"__{event_id}")


def test_an_address_cut_short_in_a_shortened_name_is_masked(api):
    """A refused character (``:``) shortens the name with a hash, cutting the address in
    the event id to ``jo.bloggs@partner.exa``, which no detector takes for an address."""
    body = signup("signup:jo.bloggs@partner.example.org", end_user_id="usr_activates_day1")
    answer = api.post(EVENTS, json=body, headers=OWNER)
    assert answer.status_code == 200, answer.text
    (started,) = answer.json()["started"]
    (row,) = api.get("/api/journeys/act-onb-2026/executions", headers=VIEWER).json()
    for name in (started["executionArn"], row["executionName"], row["executionArn"]):
        assert "bloggs" not in name and "partner" not in name, name
    assert row["executionName"].startswith("act-onb-2026__v1__usr_activates_day1__")
    assert "bloggs" not in answer.text


# --- 4: serve --state undoes a write whose save failed ---------------------------------


@pytest.fixture
def served(tmp_path, monkeypatch):
    """The API as ``serve --state`` serves it (:class:`SaveAfterWrites` over a
    :class:`StateKeeper`), the acme project published, and a switch that makes the
    next saves fail as a full disk would."""
    import errno
    from dataclasses import replace

    from starlette.testclient import TestClient

    from simulator.api.app import create_app
    from simulator.api.middleware import SaveAfterWrites
    from simulator.backend import statefile
    from simulator.backend.service import Backend
    from simulator.backend.settings import ApiSettings
    from simulator.paths import fixtures_dir

    base = ApiSettings()
    backend = Backend.start(replace(base, aws=replace(base.aws, table_prefix="qa4-state")))
    path = tmp_path / "state.json"
    written = statefile.write_state

    def full(_path, _dumped):
        raise OSError(errno.ENOSPC, "No space left on device")

    def disk_full(on: bool) -> None:
        monkeypatch.setattr(statefile, "write_state", full if on else written)

    try:
        backend.load_project(fixtures_dir() / "acme", publish=True)
        keeper = statefile.StateKeeper(backend.store, path)
        keeper.save()
        with TestClient(SaveAfterWrites(create_app(backend), keeper)) as client:
            yield client, path, disk_full
    finally:
        backend.close()


def _saved_journeys(path) -> dict[str, dict]:
    """The journeys' summaries in the state file, by id."""
    import json

    from simulator.backend.statefile import read_state

    metas = [json.loads(item["meta"]["S"]) for item in read_state(path)["journeys"]["items"]]
    return {meta["id"]: meta for meta in metas}


def _saved_journey_ids(path) -> set[str]:
    return set(_saved_journeys(path))


def _refused(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "store_unavailable"
    assert "No space left on device" in answer.json()["error"]


def test_a_write_whose_save_failed_is_gone_and_no_later_save_brings_it_back(served):
    """The 503 said "not kept", but the journey stayed in memory, was listed, and the
    next successful write saved it to the file with its own."""
    client, path, disk_full = served
    disk_full(True)
    _refused(client.post("/api/journeys", json={"id": "refused", "name": "R"}, headers=OWNER))
    listed = {j["id"] for j in client.get("/api/journeys", headers=OWNER).json()}
    assert "refused" not in listed
    assert client.get("/api/journeys/refused", headers=OWNER).status_code == 404

    disk_full(False)
    created = client.post("/api/journeys", json={"id": "kept", "name": "K"}, headers=OWNER)
    assert created.status_code == 201, created.text
    saved = _saved_journey_ids(path)
    assert "kept" in saved and "refused" not in saved
    listed = {j["id"] for j in client.get("/api/journeys", headers=OWNER).json()}
    assert "kept" in listed and "refused" not in listed
    # the refused id is free: creating it again is a new journey, not a conflict
    again = client.post("/api/journeys", json={"id": "refused", "name": "R2"}, headers=OWNER)
    assert again.status_code == 201, again.text


def test_a_runtime_write_whose_save_failed_is_undone_and_a_retry_starts_afresh(served):
    """An event whose save failed left its execution, its stored answer and the clock's
    move in memory: the retry was answered from that answer (nothing new started) and
    the next save kept it all. Now the tables, the runtime's copies of them and Step
    Functions go back to the last save; the retry starts the execution and is kept."""
    client, path, disk_full = served
    disk_full(True)
    _refused(client.post(EVENTS, json=signup("evt-refused"), headers=OWNER))
    assert _executions(client, "act-onb-2026") == []
    _refused(client.post(ADVANCE, json={"by": "P1D"}, headers=OWNER))
    assert _now(client) == "2026-06-01T14:00:00Z"

    disk_full(False)
    retried = client.post(EVENTS, json=signup("evt-refused"), headers=OWNER)
    assert retried.status_code == 200, retried.text
    (started,) = retried.json()["started"]
    (row,) = _executions(client, "act-onb-2026")
    assert (row["executionArn"], row["status"]) == (started["executionArn"], "RUNNING")
    assert "evt-refused" in path.read_text()  # kept, this time

    # a refused advance that ran and ended the execution leaves it running, as saved
    disk_full(True)
    _refused(client.post(ADVANCE, json={"by": "P5D"}, headers=OWNER))
    (row,) = _executions(client, "act-onb-2026")
    assert (row["status"], row["currentStepId"]) == ("RUNNING", "send-welcome")
    assert _sent(client) == []
    disk_full(False)
    assert client.post(ADVANCE, json={"by": "P5D"}, headers=OWNER).status_code == 200
    (row,) = _executions(client, "act-onb-2026")
    assert (row["status"], row["currentStepId"]) == ("SUCCEEDED", "exit")
    assert [step for _, step, _ in _sent(client)] == ["send-welcome", "send-reengage"]


def test_a_rollback_undoes_only_the_refused_write_not_a_concurrent_one(served, monkeypatch):
    """Writes ran side by side: while one's save was failing, another's landed in
    memory; the rollback would take it too, and its own save then answered 201 for a
    journey that was gone. Writing requests now run one at a time, so the second waits
    for the first's rollback and is kept."""
    import threading

    from simulator.backend import statefile

    client, path, _disk_full = served
    entered, release = threading.Event(), threading.Event()
    written = statefile.write_state
    calls = []

    def first_fails_slowly(where, dumped):
        calls.append(where)
        if len(calls) == 1:
            entered.set()
            release.wait(10)
            raise OSError(28, "No space left on device")
        return written(where, dumped)

    monkeypatch.setattr(statefile, "write_state", first_fails_slowly)
    answers = {}

    def create(journey_id: str) -> None:
        body = {"id": journey_id, "name": journey_id}
        answers[journey_id] = client.post("/api/journeys", json=body, headers=OWNER)

    first = threading.Thread(target=create, args=("first",))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=create, args=("second",))
    second.start()
    second.join(0.3)
    waited = second.is_alive()
    meanwhile = {j["id"] for j in client.get("/api/journeys", headers=OWNER).json()}
    release.set()
    first.join(10)
    second.join(10)

    assert waited  # for the first write's save and rollback,
    assert "second" not in meanwhile  # before its route ran

    _refused(answers["first"])
    assert answers["second"].status_code == 201, answers["second"].text
    listed = {j["id"] for j in client.get("/api/journeys", headers=OWNER).json()}
    assert "second" in listed and "first" not in listed
    saved = _saved_journey_ids(path)
    assert "second" in saved and "first" not in saved


def test_a_write_without_a_body_waits_for_the_write_before_it(served, monkeypatch):
    """The lock is taken once the body is read; a request with no body has read its
    one empty message and takes it at once, before its route writes."""
    import threading

    from simulator.backend import statefile

    client, path, _disk_full = served
    entered, release = threading.Event(), threading.Event()
    written = statefile.write_state

    def first_waits(where, dumped):
        if not entered.is_set():
            entered.set()
            release.wait(10)
        return written(where, dumped)

    monkeypatch.setattr(statefile, "write_state", first_waits)
    answers = {}

    def post(name: str, path: str, **kwargs) -> None:
        answers[name] = client.post(path, headers=OWNER, **kwargs)

    body = {"id": "first", "name": "F"}
    first = threading.Thread(target=post, args=("create", "/api/journeys"), kwargs={"json": body})
    first.start()
    assert entered.wait(10)
    paused = threading.Thread(target=post, args=("pause", "/api/journeys/act-onb-2026/pause"))
    paused.start()
    paused.join(0.3)
    waited = paused.is_alive()
    meanwhile = client.get("/api/journeys/act-onb-2026", headers=OWNER).json()["status"]
    release.set()
    first.join(10)
    paused.join(10)

    assert waited and meanwhile == "active"  # its route had not run: it waited for the lock
    assert answers["create"].status_code == 201, answers["create"].text
    assert answers["pause"].status_code == 200, answers["pause"].text
    assert _saved_journeys(path)["act-onb-2026"]["status"] == "paused"


def test_a_client_slow_to_read_its_answer_holds_up_no_other_write(served):
    """The lock is let go once the write's save is done, before the answer's bytes go
    out: a client that does not read its answer (uvicorn's send then waits for the
    socket to drain) held up every write after it."""
    import json

    import anyio

    client, path, _disk_full = served
    app = client.app

    def request(journey_id: str):
        body = json.dumps({"id": journey_id, "name": journey_id}).encode()
        headers = [(b"authorization", OWNER["Authorization"].encode())]
        headers += [(b"content-type", b"application/json")]
        headers += [(b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http"}
        scope |= {"path": "/api/journeys", "raw_path": b"/api/journeys", "query_string": b""}
        scope |= {"root_path": "", "headers": headers, "server": ("t", 80), "client": ("c", 1)}
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            if messages:
                return messages.pop()
            await anyio.sleep_forever()

        return scope, receive

    async def scenario() -> list[int]:
        started, drained = anyio.Event(), anyio.Event()
        statuses: list[int] = []

        async def does_not_read(message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
                started.set()
            else:
                await drained.wait()  # the socket never drains

        async def reads(message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(app, *request("slow-reader"), does_not_read)
            with anyio.fail_after(10):
                await started.wait()
                await app(*request("other"), reads)
            drained.set()
        return statuses

    assert anyio.run(scenario) == [201, 201]
    assert "other" in path.read_text(encoding="utf-8")


def test_a_body_over_the_limit_is_refused_before_the_lock_and_buffered_no_further(served):
    """Reading the body before the lock keeps BodyGuard's limit: past it the answer is
    ``413 payload_too_large``, as without ``--state``, and nothing is saved."""
    client, path, _disk_full = served
    saved = path.read_bytes()
    big = {"id": "big", "name": "B", "description": "x" * (1 << 20)}
    answer = client.post("/api/journeys", json=big, headers=OWNER)
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "payload_too_large"
    declared = client.post(
        "/api/journeys", content=b"{}", headers={**OWNER, "Content-Length": str(2 << 20)}
    )
    assert declared.status_code == 413
    assert path.read_bytes() == saved


def test_a_save_whose_folder_cannot_be_synced_after_the_rename_is_kept(served, monkeypatch, caplog):
    """The folder's fsync, after the new file was renamed into place, failed the save:
    the write was answered 503 and undone in memory, but the file already held it, so
    a restart brought back a write the client was told was not kept. Once the rename
    is done the save is: the write is answered, kept in memory and on disk, and the
    folder that could not be synced is a warning."""
    import errno
    import os
    import stat

    from simulator.backend import statefile

    client, path, _disk_full = served
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(statefile.os, "fsync", fsync)
    answer = client.post("/api/journeys", json={"id": "renamed", "name": "R"}, headers=OWNER)
    assert answer.status_code == 201, answer.text
    assert client.get("/api/journeys/renamed", headers=OWNER).status_code == 200
    assert "renamed" in _saved_journey_ids(path)
    (warning,) = [r for r in caplog.records if r.name == "journeysim.state"]
    assert warning.levelname == "WARNING" and "Input/output error" in warning.getMessage()


def test_after_a_failed_rollback_writes_wait_for_it_and_no_save_carries_the_refused_one(
    served, monkeypatch
):
    """A rollback that failed was only logged: memory still held the refused write,
    and the next good save wrote it to the file. The keeper now owes the rollback and
    retries it before each write; while it fails, writes are 503 without running and
    reads go on; once it succeeds, the write runs and the refused one is gone."""
    from simulator.backend import statefile

    client, path, disk_full = served
    put_back = _refused_with_a_broken_rollback(client, disk_full, monkeypatch)

    held_up = client.post("/api/journeys", json={"id": "later", "name": "L"}, headers=OWNER)
    assert held_up.status_code == 503, held_up.text
    assert held_up.json()["code"] == "store_unavailable"
    assert "could not be undone yet" in held_up.json()["error"]
    assert client.get("/api/journeys/later", headers=OWNER).status_code == 404  # not run
    assert client.get("/api/journeys", headers=OWNER).status_code == 200  # reads go on
    assert "refused" not in _saved_journey_ids(path)

    monkeypatch.setattr(statefile, "put_back_tables", put_back)
    kept = client.post("/api/journeys", json={"id": "later", "name": "L"}, headers=OWNER)
    assert kept.status_code == 201, kept.text
    saved = _saved_journey_ids(path)
    assert "later" in saved and "refused" not in saved
    assert client.get("/api/journeys/refused", headers=OWNER).status_code == 404


def test_a_keeper_that_owes_a_rollback_does_it_before_it_saves(served, monkeypatch):
    """Not only through the API: a save with a rollback owed does it first, or raises
    without writing."""
    from simulator.backend import statefile
    from simulator.backend.tables import StoreFailure

    client, path, disk_full = served
    keeper = client.app.keeper
    put_back = _refused_with_a_broken_rollback(client, disk_full, monkeypatch)
    assert keeper.owes_rollback
    with pytest.raises(StoreFailure):
        keeper.save()
    assert "refused" not in _saved_journey_ids(path)
    monkeypatch.setattr(statefile, "put_back_tables", put_back)
    keeper.save()
    assert not keeper.owes_rollback and "refused" not in _saved_journey_ids(path)


def test_the_state_a_rollback_goes_back_to_costs_the_files_size(served, tmp_path):
    """The keeper held the last save as a parsed dump, ~3.5 times the file's size for
    as long as the server ran (0.82 MB of file after 300 events held 2.90 MB). It now
    holds the file's own bytes, which a rollback parses; after a restore, the store's
    tables encoded as a save writes them."""
    from dataclasses import replace

    from simulator.backend import statefile
    from simulator.backend.service import Backend
    from simulator.backend.settings import ApiSettings

    client, path, _disk_full = served
    keeper = client.app.keeper
    assert client.post(EVENTS, json=signup("evt-ana"), headers=OWNER).status_code == 200
    assert keeper.kept == path.read_bytes()

    base = ApiSettings()
    restarted = Backend.start(replace(base, aws=replace(base.aws, table_prefix="qa4-restored")))
    try:
        again = statefile.StateKeeper(restarted.store, path)
        assert again.restore()
        assert statefile.decode_state(again.kept) == statefile.read_state(path)
    finally:
        restarted.close()


# --- 5: an event posted ahead, before the wait it falls in began ------------------------


def _trial_started(api) -> None:
    properties = {"trialPlan": "growth", "trialDays": 14, "seats": 4}
    trial = {"id": "evt-trial", "name": "subscription.trial_started", "at": "2026-06-01T14:00:00Z"}
    trial["properties"] = {**properties, "endUserId": "usr_trial_checkout"}
    assert len(api.post(START, json=trial, headers=SYNC).json()["started"]) == 1


@pytest.mark.parametrize(
    ("clock_at_post", "checkout_at", "resumed"),
    [
        ("2026-06-01T14:00:00Z", "2026-06-04T00:00:00Z", True),
        ("2026-06-03T15:00:00Z", "2026-06-04T00:00:00Z", True),
        ("2026-06-01T14:00:00Z", "2026-06-03T14:00:00Z", True),
        ("2026-06-01T14:00:00Z", "2026-06-05T14:00:00Z", True),
        ("2026-06-01T14:00:00Z", "2026-06-03T13:59:00Z", False),
        ("2026-06-01T14:00:00Z", "2026-06-05T14:01:00Z", False),
    ],
    ids=["before-the-wait", "in-the-wait", "at-its-start", "at-its-timeout", "before", "after"],
)
def test_an_event_ahead_resumes_the_wait_it_falls_in_whenever_it_was_posted(
    api, clock_at_post, checkout_at, resumed
):
    """Trial Conversion waits for ``checkout.started`` from 06-03T14:00 to 06-05T14:00.
    A checkout dated 06-04T00:00 resumed the wait when posted at 06-03T15:00, but was
    dropped when posted at 06-01, before the wait began: the reminder went out at the
    timeout. The wait now finds it in the history when it begins and wakes at its
    time; both ends inclusive, as the dry-run judges a scripted event. Posting it moves
    no clock."""
    _trial_started(api)
    assert api.post(ADVANCE, json={"to": clock_at_post}, headers=OWNER).status_code == 200
    answer = api.post(EVENTS, json=_checkout(checkout_at), headers=OWNER)
    assert answer.status_code == 200, answer.text
    in_the_wait = clock_at_post > "2026-06-03"  # an open wait: the clock moves there
    assert _now(api) == (checkout_at if in_the_wait else clock_at_post)
    assert answer.json()["resumed"] == ([_TRIAL] if in_the_wait else [])

    api.post(ADVANCE, json={"to": "2026-06-07T00:00:00Z"}, headers=OWNER)
    (trial,) = _executions(api, "trial-conv-2026")
    sent = [step for _, step, _ in _sent(api)]
    assert ("send-checkout-reminder" in sent) is (not resumed), sent
    assert (trial["status"], trial["currentStepId"]) == ("SUCCEEDED", "exit")


def test_a_wait_that_an_event_posted_ahead_falls_in_wakes_at_the_events_time(api):
    """The wait is settled by the dispatch machinery, at a wake-up set at the event's
    time (the dispatch's ``wakeAt``), not at its timeout."""
    _trial_started(api)
    api.post(EVENTS, json=_checkout("2026-06-04T00:00:00Z"), headers=OWNER)
    answers = []
    api.backend.runtime.listeners.append(answers.append)
    assert api.post(ADVANCE, json={"to": "2026-06-03T15:00:00Z"}, headers=OWNER).status_code == 200
    (trial,) = _executions(api, "trial-conv-2026")
    assert trial["currentStepId"] == "wait-checkout"
    waiting = [a for a in answers if a.awaiting]
    assert [a.wake_at.isoformat() for a in waiting] == ["2026-06-04T00:00:00+00:00"]


_TWICE = {
    "id": "await-twice",
    "name": "await twice",
    "goalEventName": "g.done",
    "triggerContractId": "trig-signup",
    "steps": [
        {
            "id": "wait-a",
            "type": "wait",
            "untilEvent": {"eventName": "g.done", "timeout": "P1D", "timeoutNext": "exit"},
            "next": "wait-b",
        },
        {
            "id": "wait-b",
            "type": "wait",
            "untilEvent": {"eventName": "g.done", "timeout": "P1D", "timeoutNext": "exit"},
            "next": "exit",
        },
        {"id": "exit", "type": "exit"},
    ],
}


@pytest.mark.parametrize(
    ("second", "at_noon"), [(None, "wait-b"), ("2026-06-02T10:00:00Z", "exit")]
)
def test_an_event_found_in_the_history_resumes_one_wait_of_an_execution(api, second, at_noon):
    """One occurrence resumes one wait, as in the dry-run: the event that resumed
    ``wait-a`` at 06-01T20:00 is not taken again by ``wait-b``, which begins at that
    same instant; a second one, posted ahead too, resumes it."""
    created = api.post("/api/journeys", json=_TWICE, headers=OWNER)
    assert created.status_code in (200, 201), created.text
    assert api.post("/api/journeys/await-twice/publish", headers=OWNER).status_code == 200
    api.post(EVENTS, json=signup("evt-twice", end_user_id="usr_anon"), headers=OWNER)
    done = {"id": "evt-done", "name": "g.done", "at": "2026-06-01T20:00:00Z", "properties": {}}
    api.post(EVENTS, json={**done, "endUserId": "usr_anon"}, headers=OWNER)
    if second:
        again = {**done, "id": "evt-done-2", "at": second, "endUserId": "usr_anon"}
        assert api.post(EVENTS, json=again, headers=OWNER).json()["resumed"] == []

    api.post(ADVANCE, json={"to": "2026-06-02T12:00:00Z"}, headers=OWNER)
    (row,) = _executions(api, "await-twice")
    assert row["currentStepId"] == at_noon
    api.post(ADVANCE, json={"to": "2026-06-03T00:00:00Z"}, headers=OWNER)
    (row,) = _executions(api, "await-twice")
    assert (row["status"], row["currentStepId"]) == ("SUCCEEDED", "exit")


def _refused_with_a_broken_rollback(client, disk_full, monkeypatch):
    """Make a write's save fail and its rollback fail too; the real ``put_back_tables``,
    to put back when the test lets the rollback succeed again."""
    from simulator.backend import statefile
    from simulator.backend.tables import StoreFailure

    put_back = statefile.put_back_tables

    def broken(*_args, **_kwargs):
        raise StoreFailure("DynamoDB BatchWriteItem failed")

    disk_full(True)
    monkeypatch.setattr(statefile, "put_back_tables", broken)
    _refused(client.post("/api/journeys", json={"id": "refused", "name": "R"}, headers=OWNER))
    disk_full(False)
    return put_back
