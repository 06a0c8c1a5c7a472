"""The runtime's storage (simulator/runtime/kv.py): tables mirrored in memory, written
in batches before each public call returns, read back by a new runtime."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from simulator.backend.service import Backend
from simulator.engine.stepper import ExecutionState
from simulator.paths import fixtures_dir
from simulator.runtime.kv import KvTable, flush
from simulator.runtime.runtime import InboundEvent, Runtime

WS = "acme"
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
    runtime = Runtime(backend)
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
    first = Runtime(backend)
    first.ensure()
    first.start_execution(WS, EVENT)
    first.advance_clock(T0 + timedelta(hours=1))

    second = Runtime(backend)
    second.ensure()
    assert second.now() == first.now()
    assert second.executions(WS, "act-onb-2026") == first.executions(WS, "act-onb-2026")
    assert second.step_stats(WS, _journey(backend)) == first.step_stats(WS, _journey(backend))
    assert second.start_execution(WS, EVENT).to_wire() == first.start_execution(WS, EVENT).to_wire()


def test_a_direct_dispatch_replaces_the_pending_wake_up(backend):
    runtime = Runtime(backend)
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
