"""The DynamoDB store and the backend underneath the routes, on moto in-process."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from simulator.backend import ApiSettings, Backend
from simulator.backend.auth import Actor
from simulator.backend.errors import Unauthorized
from simulator.backend.records import AuditEntry, JourneyStatus, VersionRecord
from simulator.backend.store import AUDIT_PAGE_SIZE, StaleWrite
from simulator.backend.wire import CreateJourney
from simulator.models import Role
from simulator.paths import fixtures_dir


@pytest.fixture
def backend():
    settings = ApiSettings()
    settings = replace(settings, aws=replace(settings.aws, table_prefix="store-test"))
    started = Backend.start(settings)
    started.load_project(fixtures_dir() / "acme")
    yield started
    started.close()


OWNER = Actor("acme", "usr_owner_ada", Role.OWNER)


def test_five_tables_under_the_prefix_and_creation_is_idempotent(backend):
    names = set(backend.store.db.list_tables()["TableNames"])
    kinds = {"journeys", "versions", "audit", "documents", "members"}
    assert {f"store-test-{kind}" for kind in kinds} <= names
    backend.store.ensure_tables()  # again: no error, nothing lost
    assert backend.store.journey("acme", "act-onb-2026") is not None


def test_a_stale_replace_writes_nothing(backend):
    record = backend.store.journey("acme", "act-onb-2026")
    changed = replace(record, name="Changed", updated_at="2030-01-01T00:00:00.000000Z")
    backend.store.replace_journey(changed, None, expected=record)
    with pytest.raises(StaleWrite):
        backend.store.replace_journey(replace(changed, name="Lost"), None, expected=record)
    assert backend.store.journey("acme", "act-onb-2026").name == "Changed"


def test_publish_is_atomic_and_versions_are_written_once(backend):
    record = backend.store.journey("acme", "act-onb-2026")
    version = VersionRecord(1, record.draft, "2026-06-01T00:00:00.000000Z", "usr_owner_ada")
    pointer = replace(
        record,
        status=JourneyStatus.ACTIVE,
        latest_version=1,
        has_draft=False,
        draft=None,
        updated_at="2026-06-01T00:00:00.000000Z",
    )
    backend.store.publish(pointer, version, expected=record)
    assert backend.store.version("acme", "act-onb-2026", 1).journey == record.draft

    # Version 1 exists: a second publish of "version 1" must change nothing at all,
    # even though its journey condition holds.
    current = backend.store.journey("acme", "act-onb-2026")
    other = replace(version, journey=record.draft.model_copy(update={"name": "Imposter"}))
    with pytest.raises(StaleWrite):
        backend.store.publish(replace(current, name="Imposter"), other, expected=current)
    assert backend.store.version("acme", "act-onb-2026", 1).journey.name == record.draft.name
    assert backend.store.journey("acme", "act-onb-2026") == current


def test_audit_pages_are_read_newest_first_across_page_boundaries(backend):
    store = backend.store
    count = AUDIT_PAGE_SIZE * 3 + 7
    entries = [
        AuditEntry(n, f"t{n:05d}", "system", "edited", {"n": n}) for n in range(1, count + 1)
    ]
    store.append_audit("acme", "audit-probe", entries[:50])
    store.append_audit("acme", "audit-probe", entries[50:])
    newest = store.audit("acme", "audit-probe", newest=count, limit=40)
    assert [e.seq for e in newest] == list(range(count, count - 40, -1))
    middle = store.audit("acme", "audit-probe", newest=30, limit=200)
    assert [e.seq for e in middle] == list(range(30, 0, -1))
    assert store.audit("acme", "audit-probe", newest=0, limit=200) == []


def test_workspaces_are_isolated_and_reloading_keeps_edits(backend, tmp_path):
    other = tmp_path / "globex"
    shutil.copytree(fixtures_dir() / "acme", other)
    workspace = json.loads((other / "workspace.json").read_text())
    workspace.update(
        id="globex",
        members=[{"userId": "gil", "role": "owner", "token": "tok_globex_gil"}],
        syncApiKey="sync_globex_only",  # acme's would open either workspace's runtime
    )
    (other / "workspace.json").write_text(json.dumps(workspace))
    report = backend.load_project(other)
    assert set(report.created) == {e["id"] for e in backend.store.journeys("globex")}

    backend.create_journey(OWNER, CreateJourney(id="acme-only", name="Only in acme"))
    assert "acme-only" not in {e["id"] for e in backend.store.journeys("globex")}
    assert backend.store.journey("globex", "acme-only") is None

    again = backend.load_project(fixtures_dir() / "acme")
    assert again.created == () and "act-onb-2026" in again.kept
    assert backend.store.journey("acme", "acme-only") is not None


def test_reloading_a_workspace_replaces_its_members(backend, tmp_path):
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    workspace = json.loads((project / "workspace.json").read_text())
    workspace["members"] = [{"userId": "usr_new", "role": "viewer", "token": "tok_rotated_cy"}]
    (project / "workspace.json").write_text(json.dumps(workspace))
    backend.load_project(project)
    assert backend.directory.authenticate("tok_rotated_cy").user_id == "usr_new"
    with pytest.raises(Unauthorized):
        backend.directory.authenticate("tok_owner_acme_ada")


def test_publish_on_load_publishes_the_valid_journeys(tmp_path):
    settings = ApiSettings()
    settings = replace(settings, aws=replace(settings.aws, table_prefix="publish-on-load"))
    backend = Backend.start(settings)
    try:
        report = backend.load_project(fixtures_dir() / "acme", publish=True)
        assert set(report.published) == set(report.created) and not report.refused
        statuses = {e["status"] for e in backend.store.journeys("acme")}
        assert statuses == {"active"}
    finally:
        backend.close()


def test_an_app_started_from_settings_loads_its_project_and_stops_its_mock():
    from simulator.api import create_app
    from simulator.api.testing import ApiClient as TestClient

    settings = replace(ApiSettings(), project=fixtures_dir() / "acme")
    app = create_app(settings)
    with TestClient(app) as client:
        listed = client.get("/api/journeys", headers={"Authorization": "Bearer tok_viewer_acme_cy"})
        assert listed.status_code == 200 and len(listed.json()) == 5
    assert app.state.backend.store.session._mock is None  # closed at shutdown


def test_an_unreachable_store_is_a_503_with_the_envelope():
    from simulator.api import create_app
    from simulator.api.testing import ApiClient as TestClient
    from simulator.backend import MotoServer

    server = MotoServer().start()
    settings = replace(ApiSettings(), aws=ApiSettings().aws.with_endpoint(server.endpoint_url))
    backend = Backend.start(settings)
    try:
        backend.load_project(fixtures_dir() / "acme")
        with TestClient(create_app(backend)) as client:
            headers = {"Authorization": "Bearer tok_owner_acme_ada"}
            assert client.get("/api/journeys", headers=headers).status_code == 200
            server.stop()
            response = client.get("/api/journeys", headers=headers)
        assert response.status_code == 503
        assert response.json()["code"] == "store_unavailable"
    finally:
        server.stop()
        backend.close()


def test_a_journey_the_api_would_refuse_is_reported_and_the_rest_still_load(backend, tmp_path):
    # The project format allows any name length; the API's create body caps it at 200.
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    path = project / "journeys" / "act-onb-2026.json"
    journey = json.loads(path.read_text())
    workspace = json.loads((project / "workspace.json").read_text())
    # A workspace the fixture has not loaded (with a secret of its own: acme's is acme's).
    workspace.update(id="long-names", members=[], syncApiKey="sync_long_names")
    (project / "workspace.json").write_text(json.dumps(workspace))
    journey["name"] = "N" * 300
    path.write_text(json.dumps(journey))
    report = backend.load_project(project)
    assert report.refused == {"act-onb-2026": "invalid_request"}
    assert "act-onb-2026" not in report.created and len(report.created) == 4
    assert backend.store.journey("long-names", "act-onb-2026") is None


def test_an_unexpected_failure_is_a_500_with_the_envelope_and_no_traceback(backend):
    from simulator.api import create_app
    from simulator.api.testing import ApiClient as TestClient

    def broken(actor):
        raise RuntimeError("secret internals")

    backend.list_journeys = broken
    owner = {"Authorization": "Bearer tok_owner_acme_ada"}
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        response = client.get("/api/journeys", headers=owner)
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal error",
        "code": "internal_error",
        "status": 500,
        "details": [],
    }


def _other_workspace(tmp_path, **changes):
    other = tmp_path / "globex"
    shutil.copytree(fixtures_dir() / "acme", other)
    workspace = json.loads((other / "workspace.json").read_text())
    workspace.update({"id": "globex", "syncApiKey": "sync_globex_only", **changes})
    (other / "workspace.json").write_text(json.dumps(workspace))
    return other


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"members": [{"userId": "gil", "role": "owner", "token": "tok_viewer_acme_cy"}]}, "0/"),
        ({"members": [{"userId": "gil", "role": "owner", "token": "sync_acme_local_only"}]}, "0/"),
        ({"members": [], "syncApiKey": "tok_owner_acme_ada"}, "syncApiKey"),
        ({"members": [], "syncApiKey": "sync_acme_local_only"}, "syncApiKey"),
    ],
    ids=["member-token", "token-is-their-key", "key-is-their-token", "same-key"],
)
def test_a_workspace_cannot_load_with_another_workspaces_credential(
    backend, tmp_path, changes, place
):
    from simulator.errors import DocumentError

    with pytest.raises(DocumentError) as caught:
        backend.load_project(_other_workspace(tmp_path, **changes))
    assert caught.value.code == "invalid_document" and place in caught.value.message
    assert "another workspace" in caught.value.message and "acme" not in caught.value.message
    # Nothing of globex was written, and acme's credentials still name acme's members.
    assert "globex" not in backend.directory.known_workspaces()
    assert backend.directory.authenticate("tok_viewer_acme_cy").role is Role.VIEWER
    from simulator.runtime.service import RuntimeService

    assert RuntimeService(backend).internal_workspace("sync_acme_local_only") == "acme"
