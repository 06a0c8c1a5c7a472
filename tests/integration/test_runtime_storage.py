"""The runtime's storage (simulator/runtime/kv.py): tables mirrored in memory, written
in batches before each public call returns, read back by a new runtime."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from simulator.backend.service import Backend
from simulator.backend.tables import StoreFailure, write_batch
from simulator.engine.stepper import ExecutionState
from simulator.paths import fixtures_dir
from simulator.runtime.kv import KvTable, RecordTooLarge, flush
from simulator.runtime.runtime import InboundEvent, Runtime

WS = "acme"
OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)
EVENT = InboundEvent(
    "evt-1",
    "user.signed_up",
    T0,
    {"signupSource": "ads", "plan": "trial", "endUserId": "usr_plain_ana"},
)


@pytest.fixture
def backend():
    backend = Backend.start()
    backend.load_project(fixtures_dir() / "acme", publish=True)
    yield backend
    backend.close()


def stored(backend, kind: str) -> dict[tuple[str, str], object]:
    """What DynamoDB itself holds in a runtime table (no mirror involved)."""
    db = backend.store.db
    name = f"{backend.store.session.settings.table_prefix}-rt-{kind}"
    items = db.scan(TableName=name, ConsistentRead=True)["Items"]
    return {
        (i["pk"]["S"], i["sk"]["S"]): json.loads(i["b"]["S"]) if "b" in i else int(i["n"]["N"])
        for i in items
    }


def test_every_write_of_a_public_call_is_in_dynamodb_when_it_returns(backend):
    runtime = backend.runtime
    runtime.ensure()
    arn = runtime.start_execution(WS, EVENT).execution_arns()[0]
    name = arn.rsplit(":", 1)[1]
    executions = stored(backend, "executions")
    assert executions[(f"{WS}#act-onb-2026", name)]["status"] == "RUNNING"
    assert stored(backend, "counters")[(f"{WS}#act-onb-2026", "execseq")] == 1
    assert len(stored(backend, "wakeups")) == 1

    runtime.advance_clock(T0 + timedelta(days=10))
    record = stored(backend, "executions")[(f"{WS}#act-onb-2026", name)]
    assert record["status"] == "SUCCEEDED"
    assert stored(backend, "wakeups") == {}
    outbox = stored(backend, "outbox")
    assert outbox and all(m["endUserId"] == "usr_plain_ana" for m in outbox.values())


def test_a_new_runtime_reads_what_an_earlier_one_wrote(backend):
    first = backend.runtime
    first.ensure()
    first.start_execution(WS, EVENT)
    first.advance_clock(T0 + timedelta(hours=1))

    second = Runtime(Backend(backend.store))  # a restart: a new backend over the tables
    second.ensure()
    assert second.now() == first.now()
    assert second.executions(WS, "act-onb-2026") == first.executions(WS, "act-onb-2026")
    assert second.step_stats(WS, _journey(backend)) == first.step_stats(WS, _journey(backend))
    assert second.start_execution(WS, EVENT).to_wire() == first.start_execution(WS, EVENT).to_wire()


def test_a_direct_dispatch_replaces_the_pending_wake_up(backend):
    runtime = backend.runtime
    runtime.ensure()
    name = runtime.start_execution(WS, EVENT).execution_arns()[0].rsplit(":", 1)[1]
    runtime.dispatch(WS, "act-onb-2026", name)
    wakeups = stored(backend, "wakeups")
    assert len(wakeups) == 1
    (pointer,) = wakeups.values()
    state = ExecutionState.from_wire(
        runtime.tables["executions"].get(f"{WS}#act-onb-2026", name)["state"]
    )
    assert pointer["at"] == state.wake_at.isoformat()


def test_the_mirror_batches_writes_and_keeps_the_last_write_of_a_key(backend):
    table = KvTable(backend.store.session, "counters")
    table.ensure()
    assert table.add("p", "n") == 1 and table.add("p", "n", 4) == 5
    table.put("p", "b#1", {"x": 1})
    table.put("p", "b#2", {"x": 2})
    table.delete("p", "b#2")
    assert not table.put("p", "b#1", {"x": 9}, if_absent=True)
    assert [k for k, _ in table.items("p", "b#")] == ["b#1"]
    assert stored(backend, "counters") == {}  # nothing written before the flush
    assert flush([table]) == 3  # n, b#1 and b#2's delete: one request each
    assert stored(backend, "counters") == {("p", "n"): 5, ("p", "b#1"): {"x": 1}}
    for n in range(60):  # more than one BatchWriteItem's 25
        table.put("q", f"{n:03d}", n)
    assert flush([table]) == 60
    assert len(stored(backend, "counters")) == 62


def _journey(backend):
    return backend.store.version(WS, "act-onb-2026", 1).journey


def mirrored(runtime, kind: str) -> dict[tuple[str, str], object]:
    """What the runtime's mirror of a table holds."""
    table = runtime.tables[kind]
    return {(pk, sk): table.get(pk, sk) for pk, sk in table.partitions() if table.get(pk, sk)}


def test_an_item_over_dynamodbs_limit_is_refused_before_the_mirror(backend):
    table = KvTable(backend.store.session, "executions")
    table.ensure()
    with pytest.raises(RecordTooLarge) as refused:
        table.put("p", "big", {"note": "x" * 420_000})
    assert refused.value.code == "payload_too_large" and refused.value.status == 413
    assert refused.value.details[0]["size"] > refused.value.details[0]["limit"]
    assert table.get("p", "big") is None and table.partitions() == []
    assert flush([table]) == 0


def test_an_oversized_event_is_413_every_time_and_starts_nothing():
    from simulator.api.testing import api_client

    body = {
        "id": "evt-big",
        "name": "user.signed_up",
        "at": "2026-06-01T14:00:00Z",
        "properties": {**EVENT.properties, "note": "x" * 420_000},
    }
    sync = {"Authorization": "Bearer sync_acme_local_only"}
    with api_client(publish=True) as client:
        for _ in range(2):
            answer = client.post("/api/journeys/internal/start-execution", json=body, headers=sync)
            assert answer.status_code == 413, answer.text
            assert answer.json()["code"] == "payload_too_large"
        executions = client.get("/api/journeys/act-onb-2026/executions", headers=OWNER)
        assert executions.status_code == 200 and executions.json() == []


def test_after_a_failed_flush_memory_follows_dynamodb(backend, monkeypatch):
    import simulator.runtime.kv as kv

    runtime = backend.runtime
    runtime.ensure()
    real = kv.write_batch

    def half_written(call, batch):  # the first table's writes land, then DynamoDB fails
        first = next(iter(batch))
        real(call, {first: batch[first]})
        raise StoreFailure("DynamoDB batch_write_item failed: InternalServerError")

    monkeypatch.setattr(kv, "write_batch", half_written)
    with pytest.raises(StoreFailure):
        runtime.start_execution(WS, EVENT)
    monkeypatch.setattr(kv, "write_batch", real)
    for kind in ("executions", "wakeups", "subjects", "triggers", "counters"):
        assert mirrored(runtime, kind) == stored(backend, kind), kind
    assert runtime.now() == T0

    arn = runtime.start_execution(WS, EVENT).execution_arns()[0]  # the retry starts it
    name = arn.rsplit(":", 1)[1]
    assert stored(backend, "executions")[(f"{WS}#act-onb-2026", name)]["status"] == "RUNNING"
    assert runtime.dispatch(WS, *runtime.execution_by_arn(WS, arn)).status == "RUNNING"


def test_the_audit_is_appended_even_when_the_tables_flush_fails(backend, monkeypatch):
    import simulator.runtime.runtime as module

    runtime = backend.runtime
    runtime.ensure()
    appended = []
    original = runtime._flush_audit
    monkeypatch.setattr(runtime, "_flush_audit", lambda: (appended.append(1), original()))

    def failing(tables):
        raise StoreFailure("DynamoDB batch_write_item failed: unreachable")

    monkeypatch.setattr(module, "flush", failing)
    with pytest.raises(StoreFailure):
        runtime.start_execution(WS, EVENT)
    assert appended == [1] and runtime._pending_audit == {}


def test_unprocessed_writes_are_retried_a_bounded_number_of_times_with_backoff():
    calls, waits = [], []

    def never_done(operation, **kwargs):
        calls.append(kwargs["RequestItems"])
        return {"UnprocessedItems": kwargs["RequestItems"]}

    request = {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "p"}}}}]}
    with pytest.raises(StoreFailure, match="1 batch writes unprocessed after 3 retries"):
        write_batch(never_done, request, retries=3, sleep=waits.append)
    assert len(calls) == 4 and waits == [0.05, 0.1, 0.2]

    answers = iter([{"UnprocessedItems": request}, {}])
    write_batch(lambda operation, **kwargs: next(answers), request, sleep=waits.append)
    assert waits[-1] == 0.05


def test_the_journey_list_is_read_consistently_and_its_generation_counts_every_write(backend):
    import threading

    store = backend.store
    sent = []
    original = store._call
    store._call = lambda operation, **kwargs: (
        sent.append((operation, kwargs)),
        original(operation, **kwargs),
    )[1]
    try:
        assert [j["id"] for j in store.journeys(WS)]
    finally:
        store._call = original
    queries = [kwargs for operation, kwargs in sent if operation == "query"]
    assert queries and all(kwargs.get("ConsistentRead") is True for kwargs in queries)

    before = store.journeys_generation
    threads = [
        threading.Thread(target=lambda: [store._journeys_changing() for _ in range(2000)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.journeys_generation == before + 8000


def test_items_are_chosen_when_called_and_partitions_is_a_list(backend):
    table = KvTable(backend.store.session, "outbox")
    table.ensure()
    table.put("p", "a", {"n": 1})
    chosen = table.items("p")
    table.put("p", "b", {"n": 2})  # after the call, before the first next()
    table.delete("p", "a")
    assert list(chosen) == [("a", {"n": 1})]
    keys = table.partitions()
    assert keys == [("p", "b")]
    for pk, sk in keys:
        table.delete(pk, sk)  # deleting while going through the list is safe
    assert table.partitions() == []
