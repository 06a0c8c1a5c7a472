"""The state file in-process: a dump is every table under the store's prefix, not a
list of the store's tables, so a table the runtime adds (with a secondary index and
binary values, say) comes back from a restore as it was, under any prefix."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest

from simulator.backend.service import Backend
from simulator.backend.settings import ApiSettings
from simulator.backend.statefile import (
    StateFileError,
    StateKeeper,
    dump_tables,
    read_state,
    restore_tables,
    write_state,
)

OWNER_TOKEN = "tok_owner_acme_ada"


def _backend(prefix: str) -> Backend:
    base = ApiSettings()
    return Backend.start(replace(base, aws=replace(base.aws, table_prefix=prefix)))


def _runtime_table(backend: Backend) -> str:
    """A table the store does not know, as the runtime might create it."""
    db = backend.store.db
    name = f"{backend.store.session.settings.table_prefix}-executions"
    db.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "arn", "AttributeType": "S"},
            {"AttributeName": "journey", "AttributeType": "S"},
            {"AttributeName": "startedAt", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "arn", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-journey",
                "KeySchema": [
                    {"AttributeName": "journey", "KeyType": "HASH"},
                    {"AttributeName": "startedAt", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for i in range(30):
        db.put_item(
            TableName=name,
            Item={
                "arn": {"S": f"arn:exec:{i}"},
                "journey": {"S": "act-onb-2026"},
                "startedAt": {"N": str(1_700_000_000 + i)},
                "blob": {"B": bytes([i, 0, 255])},
                "arms": {"L": [{"M": {"id": {"S": "a"}, "n": {"N": "1.5"}}}, {"NULL": True}]},
                "flags": {"SS": ["x", "y"]},
                "ok": {"BOOL": i % 2 == 0},
            },
        )
    return name


def test_every_table_under_the_prefix_round_trips_under_another_prefix(tmp_path):
    source = _backend("statefile-a")
    try:
        source.load_project(_acme())
        _runtime_table(source)
        path = tmp_path / "state.json"
        StateKeeper(source.store, path).save()
        dumped = dump_tables(source.store)
    finally:
        source.close()
    assert set(dumped) == {"journeys", "versions", "audit", "documents", "members", "executions"}

    target = _backend("statefile-b")
    try:
        restored = StateKeeper(target.store, path).restore()
        assert restored == sum(len(entry["items"]) for entry in dumped.values())
        assert dump_tables(target.store) == dumped
        db = target.store.db
        index = db.describe_table(TableName="statefile-b-executions")["Table"]
        assert [i["IndexName"] for i in index["GlobalSecondaryIndexes"]] == ["by-journey"]
        by_journey = db.query(
            TableName="statefile-b-executions",
            IndexName="by-journey",
            KeyConditionExpression="journey = :j AND startedAt >= :t",
            ExpressionAttributeValues={":j": {"S": "act-onb-2026"}, ":t": {"N": "1700000025"}},
        )["Items"]
        assert sorted(item["blob"]["B"][0] for item in by_journey) == [25, 26, 27, 28, 29]
        from simulator.backend.auth import Actor
        from simulator.models import Role

        member = target.directory.authenticate(OWNER_TOKEN)
        assert member.role is Role.OWNER
        actor = Actor("acme", "usr_owner_ada", Role.OWNER)
        assert {j.id for j in target.list_journeys(actor)} >= {"act-onb-2026"}
    finally:
        target.close()


def test_a_table_keyed_otherwise_in_the_store_is_refused(tmp_path):
    backend = _backend("statefile-c")
    try:
        dumped = dump_tables(backend.store)
        dumped["journeys"]["keySchema"] = [{"AttributeName": "other", "KeyType": "HASH"}]
        with pytest.raises(ValueError, match="keyed"):
            restore_tables(backend.store, dumped)
    finally:
        backend.close()


def test_concurrent_saves_leave_the_newest_state_and_one_file(tmp_path):
    from simulator.api.testing import api_client

    path = tmp_path / "state.json"
    with api_client() as client:
        keeper = StateKeeper(client.backend.store, path)
        headers = {"Authorization": f"Bearer {OWNER_TOKEN}"}

        def create(i: int) -> None:
            body = {"id": f"concurrent-{i}", "name": "C"}
            assert client.post("/api/journeys", json=body, headers=headers).status_code == 201
            keeper.save()

        threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    tables = read_state(path)
    saved = {json.loads(item["meta"]["S"])["id"] for item in tables["journeys"]["items"]}
    assert {f"concurrent-{i}" for i in range(8)} <= saved
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_missing_file_is_a_fresh_start_and_a_folder_is_refused(tmp_path):
    assert read_state(tmp_path / "absent.json") is None
    with pytest.raises(StateFileError, match=r"is a folder.*\[invalid_state_file\]"):
        read_state(tmp_path)


def _acme():
    from simulator.paths import fixtures_dir

    return fixtures_dir() / "acme"


def test_loading_the_project_on_a_restored_state_leaves_erased_subjects_out(tmp_path):
    """The tombstone erasure keeps is in the state; the project's file is not changed,
    so a fresh store (no tombstone) loads the subject, and the restored one does not."""
    path = tmp_path / "state.json"
    source = _backend("statefile-erase-a")
    try:
        assert source.load_project(_acme()).forgotten == 0
        keeper = StateKeeper(source.store, path)
        source.runtime.ensure()  # its tables, as the API's first runtime call makes them
        assert source.runtime.forget_end_user("acme", "usr_plain_ana")["erased"]["profiles"] == 1
        keeper.save()
    finally:
        source.close()

    target = _backend("statefile-erase-b")
    try:
        StateKeeper(target.store, path).restore()
        assert target.load_project(_acme()).forgotten == 1
        subjects = target.directory.world("acme").subjects
        assert "usr_plain_ana" not in subjects and "usr_quiet_tokyo" in subjects
        assert target.directory.subject("acme", "usr_plain_ana") is None
        keys = {key for key, _ in target.store.document_items("acme")}
        assert "subject#usr_plain_ana" not in keys and "subject#usr_quiet_tokyo" in keys
    finally:
        target.close()

    fresh = _backend("statefile-erase-c")
    try:
        assert fresh.load_project(_acme()).forgotten == 0
        assert fresh.directory.subject("acme", "usr_plain_ana") is not None
    finally:
        fresh.close()


def test_a_restart_keeps_the_documents_the_api_wrote_and_refreshes_the_projects(tmp_path):
    """What a load on a restored state takes from where: the documents import-bundle
    created or replaced from the state (a project file of the same id, changed or gone,
    does not matter), every other one from the project (refreshed, or deleted with its
    file). A document imported as the workspace held it stays the project's. It used to
    take every document from the project, losing the imports."""
    import shutil

    from simulator.runtime.imports import import_bundle

    project = tmp_path / "project"
    shutil.copytree(_acme(), project)
    path = tmp_path / "state.json"
    imported = {
        "format": "journeysim.import-bundle/v1",
        "communications": [
            _communication("comm-imported", "Imported"),
            _communication("comm-newsletter-may", "Replaced by the import"),
        ],
        "segments": [{"id": "seg-imported", "name": "I", "kind": "static", "subjectIds": []}],
        "triggerContracts": [
            {
                "id": "trig-imported",
                "name": "I",
                "eventName": "imp",
                "versionAt": "2026-01-01T00:00:00Z",
            }
        ],
    }
    source = _backend("statefile-docs-a")
    try:
        source.load_project(project)
        keeper = StateKeeper(source.store, path)
        # as the workspace holds it: nothing changes, and it stays the project's
        same = source.directory.world("acme").communications["comm-product-update-june"]
        imported["communications"].append(same.to_wire())
        import_bundle(source, "acme", {"bundle": imported, "replace": True})
        keeper.save()
    finally:
        source.close()
    (project / "communications" / "comm-newsletter-may.json").unlink()
    (project / "communications" / "comm-webinar-invite.json").unlink()
    edited = project / "communications" / "comm-product-update-june.json"
    edited.write_text(
        json.dumps({**json.loads(edited.read_text()), "subjectLine": "Edited in the project"})
    )

    target = _backend("statefile-docs-b")
    try:
        StateKeeper(target.store, path).restore()
        target.load_project(project)
        world = target.directory.world("acme")
        comms = world.communications
        assert comms["comm-imported"].subject_line == "Imported"
        assert comms["comm-newsletter-may"].subject_line == "Replaced by the import"
        assert comms["comm-product-update-june"].subject_line == "Edited in the project"
        assert "comm-webinar-invite" not in comms and "comm-welcome-email" in comms
        assert "seg-imported" in world.segments and "trig-imported" in world.trigger_contracts
        target.directory.forget()
        assert target.directory.world("acme") == world  # what was served is what is stored
    finally:
        target.close()


def _communication(id_: str, subject: str) -> dict:
    return {
        "id": id_,
        "name": subject,
        "kind": "marketing",
        "channels": ["email"],
        "version": 1,
        "subjectLine": subject,
        "body": "Hello {{ firstName }}",
    }


def test_a_write_whose_state_cannot_be_saved_is_not_acknowledged(tmp_path):
    from starlette.testclient import TestClient

    from simulator.api.app import create_app
    from simulator.api.middleware import SaveAfterWrites

    folder = tmp_path / "gone"
    folder.mkdir()
    backend = _backend("statefile-d")
    try:
        backend.load_project(_acme())
        keeper = StateKeeper(backend.store, folder / "state.json")
        with TestClient(SaveAfterWrites(create_app(backend), keeper)) as client:
            headers = {"Authorization": f"Bearer {OWNER_TOKEN}"}
            body = {"id": "saved", "name": "S"}
            assert client.post("/api/journeys", json=body, headers=headers).status_code == 201
            assert read_state(folder / "state.json") is not None
            (folder / "state.json").unlink()
            folder.rmdir()
            body = {"id": "unsaved", "name": "U"}
            response = client.post("/api/journeys", json=body, headers=headers)
            assert response.status_code == 503
            assert response.json()["code"] == "store_unavailable"
            assert "could not be saved" in response.json()["error"]
            assert client.get("/api/journeys", headers=headers).status_code == 200  # reads go on
    finally:
        backend.close()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda tables: tables["extra"]["items"].append({"other": {"S": "x"}}),  # no key
        lambda tables: tables["extra"]["items"].append({"id": {"N": "not a number"}}),
        lambda tables: tables["extra"]["keySchema"][0].pop("KeyType"),
        lambda tables: tables["extra"].update(attributeDefinitions=[]),
    ],
    ids=["item-without-key", "bad-number", "key-without-type", "key-undefined"],
)
def test_a_checksummed_file_dynamodb_refuses_is_an_invalid_state_file(tmp_path, spoil):
    """Written by hand with a fresh checksum, such a file passed every check of the
    file itself and failed as an internal error (StoreFailure, ClientError, KeyError)."""
    table = {
        "keySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "attributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "items": [{"id": {"S": "a"}}],
    }
    tables = {"extra": table}
    spoil(tables)
    path = tmp_path / "state.json"
    write_state(path, tables)
    written = path.read_bytes()
    backend = _backend(f"statefile-spoiled-{len(written)}")
    try:
        with pytest.raises(StateFileError, match=r"cannot be restored: .*\[invalid_state_file\]"):
            StateKeeper(backend.store, path).restore()
    finally:
        backend.close()
    assert path.read_bytes() == written
