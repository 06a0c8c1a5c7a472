"""Journeys API latency in-process, against the bare DynamoDB calls each operation needs.

    python benchmarks/bench_api.py [--iterations 200]

The API runs on moto in-process (the default) with the bundled fixtures plus copies, 50
journeys in all. Each operation goes through the whole stack: HTTP in-process (the
Starlette test client), auth, validation, the backend, boto3, moto. Its *floor* is the
same sequence of boto3 DynamoDB calls made directly on the same client, under the same
moto, with payloads of the same size, measured in the same run:

=========  ============================================================================
operation  floor (bare boto3 calls)
=========  ============================================================================
list       Query of the journeys table, projected to ``meta`` (50 items)
get        GetItem of the journey item (metadata + draft blob)
PATCH      GetItem, conditional PutItem, UpdateItem (audit ``list_append``)
publish    GetItem, TransactWriteItems (version put-if-absent + journey), UpdateItem
simulate   GetItem (a synthetic subject: the world is cached, nothing is audited)
=========  ============================================================================

The ratio p50 ÷ floor p50 is what the API adds on top of its storage round trips
(HTTP, JSON, pydantic, validation at publish, the dry-run engine for simulate). For
scale, the last line times ``GET /api/workspace``, which makes no DynamoDB call: that is
the in-process HTTP transport (the test client, the event loop, the thread pool that
runs sync routes) every request pays.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="Using `httpx`")

from simulator.api.testing import api_client  # noqa: E402
from simulator.backend.records import encode_blob  # noqa: E402

JOURNEYS = 50


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(
    action: Callable[[], object], iterations: int, before: Callable[[], object] | None = None
):
    samples = []
    for _ in range(iterations):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def check(response, status: int = 200):
    if response.status_code != status:
        raise SystemExit(f"unexpected {response.status_code}: {response.text[:300]}")
    return response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    n = parser.parse_args().iterations
    with api_client() as api:
        owner = api.auth("owner")
        template = check(api.get("/api/journeys/act-onb-2026", headers=owner))
        body = {k: template[k] for k in ("name", "audienceId", "triggerContractId", "steps")}
        for i in range(JOURNEYS - len(check(api.get("/api/journeys", headers=owner)))):
            check(
                api.post("/api/journeys", json={**body, "id": f"bench-{i:02d}"}, headers=owner), 201
            )
        store, db = api.backend.store, api.backend.store.db
        journey_key = {"ws": {"S": "acme"}, "id": {"S": "bench-00"}}
        item = db.get_item(TableName=store.journeys_table, Key=journey_key)["Item"]
        rows: list[tuple[str, tuple[float, float], tuple[float, float]]] = []

        # list ----------------------------------------------------------------------------
        api_t = timed(lambda: check(api.get("/api/journeys", headers=owner)), n)
        floor = timed(
            lambda: db.query(
                TableName=store.journeys_table,
                KeyConditionExpression="ws = :ws",
                ExpressionAttributeValues={":ws": {"S": "acme"}},
                ProjectionExpression="meta",
            ),
            n,
        )
        rows.append(("list (50 journeys)", api_t, floor))

        # get -----------------------------------------------------------------------------
        api_t = timed(lambda: check(api.get("/api/journeys/bench-00", headers=owner)), n)
        floor = timed(lambda: db.get_item(TableName=store.journeys_table, Key=journey_key), n)
        rows.append(("get", api_t, floor))

        # PATCH ---------------------------------------------------------------------------
        state = {"updatedAt": check(api.get("/api/journeys/bench-01", headers=owner))["updatedAt"]}

        def patch():
            response = check(
                api.patch(
                    "/api/journeys/bench-01",
                    json={"updatedAt": state["updatedAt"], "description": "benchmarked"},
                    headers=owner,
                )
            )
            state["updatedAt"] = response["updatedAt"]

        api_t = timed(patch, n)
        entry = {"S": '{"seq":1,"timestamp":"2026-06-01T00:00:00.000000Z","actor":"usr_owner_ada",'
                      '"action":"edited","metadata":{"fields":["description"]}}'}  # fmt: skip
        floor_state = {"n": 0}

        def bare_patch():
            floor_state["n"] += 1
            seq = floor_state["n"]
            key = {"ws": {"S": "acme"}, "id": {"S": "floor-patch"}}
            db.get_item(TableName=store.journeys_table, Key=key, ConsistentRead=True)
            db.put_item(
                TableName=store.journeys_table,
                Item={**item, **key, "updatedAt": {"S": str(seq)}, "auditSeq": {"N": str(seq)}},
                ConditionExpression="attribute_not_exists(id) OR updatedAt = :u",
                ExpressionAttributeValues={":u": {"S": str(seq - 1)}},
            )
            db.update_item(
                TableName=store.audit_table,
                Key={"journey": {"S": "acme#floor-patch"}, "page": {"N": str((seq - 1) // 25)}},
                UpdateExpression="SET entries = list_append(if_not_exists(entries, :e), :new)",
                ExpressionAttributeValues={":e": {"L": []}, ":new": {"L": [entry]}},
            )

        floor = timed(bare_patch, n)
        rows.append(("PATCH", api_t, floor))

        # publish -------------------------------------------------------------------------
        publishes = max(20, n // 4)
        check(api.post("/api/journeys/bench-02/publish", headers=owner))
        api_t = timed(
            lambda: check(api.post("/api/journeys/bench-02/publish", headers=owner)),
            publishes,
            before=lambda: check(api.post("/api/journeys/bench-02/draft", headers=owner), 201),
        )
        blob = encode_blob(body)
        version_state = {"n": 0}

        def bare_publish():
            version_state["n"] += 1
            number = version_state["n"]
            key = {"ws": {"S": "acme"}, "id": {"S": "floor-publish"}}
            db.get_item(TableName=store.journeys_table, Key=key, ConsistentRead=True)
            db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": store.versions_table,
                            "Item": {
                                "journey": {"S": "acme#floor-publish"},
                                "version": {"N": str(number)},
                                "doc": {"B": blob},
                                "meta": {"S": "{}"},
                            },
                            "ConditionExpression": "attribute_not_exists(version)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": store.journeys_table,
                            "Item": {**item, **key, "updatedAt": {"S": str(number)}},
                        }
                    },
                ]
            )
            db.update_item(
                TableName=store.audit_table,
                Key={"journey": {"S": "acme#floor-publish"}, "page": {"N": str(number // 25)}},
                UpdateExpression="SET entries = list_append(if_not_exists(entries, :e), :new)",
                ExpressionAttributeValues={":e": {"L": []}, ":new": {"L": [entry]}},
            )

        floor = timed(bare_publish, publishes)
        rows.append(("publish", api_t, floor))

        # simulate ------------------------------------------------------------------------
        run = {"subjectAttributes": {"firstName": "Ana", "email": "ana@example.com",
                                     "signedUpAt": "2026-05-30T10:00:00Z"}}  # fmt: skip
        api_t = timed(
            lambda: check(api.post("/api/journeys/bench-03/simulate", json=run, headers=owner)), n
        )
        floor = timed(lambda: db.get_item(TableName=store.journeys_table, Key=journey_key), n)
        rows.append(("simulate (synthetic)", api_t, floor))

        transport = timed(lambda: check(api.get("/api/workspace", headers=owner)), n)

    print(f"Journeys API in-process, moto in-process, {n} iterations ({publishes} publishes)")
    print(
        f"{'operation':<22}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}{'floor p95':>11}{'ratio':>8}"
    )
    for name, (p50, p95), (f50, f95) in rows:
        print(f"{name:<22}{p50:>9.2f}{p95:>9.2f}{f50:>11.2f}{f95:>11.2f}{p50 / f50:>7.1f}x")
    label = "(no DynamoDB call)"
    print(f"{label:<22}{transport[0]:>9.2f}{transport[1]:>9.2f}   in-process HTTP only")


if __name__ == "__main__":
    main()
