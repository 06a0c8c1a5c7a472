"""``journeysim serve --state FILE`` over a real socket: every acknowledged write is
there after a SIGTERM and after a SIGKILL; a state file that cannot be trusted is
refused (exit 2, code and path) and left untouched; without ``--state`` the banner
says the state lives in memory only."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from simulator.backend.statefile import read_state

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
EDITOR = {"Authorization": "Bearer tok_editor_acme_ben"}


def _journeysim(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    for name in ("JOURNEYSIM_AWS_ENDPOINT_URL", "JOURNEYSIM_AWS_MODE", "JOURNEYSIM_TABLE_PREFIX"):
        env.pop(name, None)
    code = "from simulator.cli.app import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Server:
    """One ``journeysim serve`` process on 127.0.0.1 and a free port."""

    def __init__(self, *args: str) -> None:
        self.process = _journeysim("serve", "--host", "127.0.0.1", "--port", "0", *args)
        self.banner = self._read_banner()
        self.url = re.search(r"API:\s+(http://127\.0\.0\.1:\d+)/api/journeys", self.banner)[1]
        self.http = httpx.Client(base_url=self.url, timeout=20)

    def _read_banner(self) -> str:
        lines: queue.Queue = queue.Queue()

        def pump() -> None:
            for line in iter(self.process.stdout.readline, ""):
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen: list[str] = []
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                self.stop(signal.SIGKILL)
                pytest.fail(f"serve exited early: {''.join(seen)}{self.process.stderr.read()}")
            seen.append(line)
            if line.startswith("Serving until interrupted"):
                return "".join(seen)
        self.stop(signal.SIGKILL)
        pytest.fail(f"serve did not start within {STARTUP_SECONDS} s: {''.join(seen)}")

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        kwargs.setdefault("headers", OWNER)
        return self.http.request(method, path, **kwargs)

    def write(self, method: str, path: str, status: int = 200, **kwargs) -> dict:
        """An acknowledged write: the response arrived with the expected status."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, response.text[:400]
        return response.json()

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        if hasattr(self, "http"):
            self.http.close()
        return self.process.returncode


def everything(server: Server) -> dict:
    """What a client can read of every journey: list entries, each version and the
    draft, and the whole audit log."""
    listed = server.request("GET", "/api/journeys").json()
    seen: dict = {"list": listed}
    for entry in listed:
        path = f"/api/journeys/{entry['id']}"
        views = {"default": server.request("GET", path).json()}
        for number in range(1, (entry.get("latestVersion") or 0) + 1):
            views[number] = server.request("GET", path, params={"version": str(number)}).json()
        if entry.get("draft") is not None:
            views["draft"] = server.request("GET", path, params={"version": "draft"}).json()
        views["audit"] = server.request("GET", path + "/audit").json()
        seen[entry["id"]] = views
    return seen


def make_writes(server: Server) -> None:
    """Create, edit, publish, pause, archive, bump and dry-run, as two members."""
    steps = [
        {"id": "wait-1d", "type": "wait", "duration": "P1D", "next": "done"},
        {"id": "done", "type": "exit"},
    ]
    alpha = server.write("POST", "/api/journeys", 201, json={"id": "alpha", "name": "Alpha"})
    patch = {"updatedAt": alpha["updatedAt"], "description": "first edit", "steps": steps}
    server.write("PATCH", "/api/journeys/alpha", json=patch, headers=EDITOR)
    server.write("POST", "/api/journeys/alpha/publish")
    bumped = server.write("POST", "/api/journeys/alpha/draft", 201)
    patch = {"updatedAt": bumped["updatedAt"], "name": "Alpha v2"}
    server.write("PATCH", "/api/journeys/alpha", json=patch)
    beta = server.write("POST", "/api/journeys", 201, json={"id": "beta", "name": "Beta"})
    server.write("POST", "/api/journeys/beta/publish", headers=EDITOR)
    server.write("POST", "/api/journeys/beta/pause")
    server.write("POST", "/api/journeys/beta/archive")
    server.write("POST", "/api/journeys/act-onb-2026/publish")
    server.write("POST", "/api/journeys/act-onb-2026/pause")
    body = {"subjectId": "usr_quiet_tokyo", "overrides": ["holdout"]}
    server.write("POST", "/api/journeys/act-onb-2026/simulate", json=body)
    assert beta["status"] == "draft"


def test_every_acknowledged_write_survives_sigterm_and_sigkill(tmp_path):
    state = tmp_path / "served" / "state.json"
    state.parent.mkdir()
    server = Server("--state", str(state))
    try:
        assert f"state: new file {state}" in server.banner
        assert state.is_file() and oct(state.stat().st_mode & 0o777) == "0o600"
        make_writes(server)
        before = everything(server)
    finally:
        # uvicorn shuts down cleanly, then re-raises the signal it caught.
        assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
    assert before["beta"]["default"]["status"] == "archived"
    assert [e["action"] for e in before["act-onb-2026"]["audit"]][:3] == [
        "dry-run-override-applied",
        "simulate-with-real-user",
        "paused",
    ]

    server = Server("--state", str(state))
    try:
        assert f"state: restored from {state} (7 journeys)" in server.banner  # 5 + alpha, beta
        assert everything(server) == before
        # More acknowledged writes, the last one right before the kill: no clean shutdown.
        current = server.request("GET", "/api/journeys/alpha").json()
        patch = {"updatedAt": current["updatedAt"], "description": "edited before a crash"}
        server.write("PATCH", "/api/journeys/alpha", json=patch)
        server.write("POST", "/api/journeys", 201, json={"id": "gamma", "name": "Gamma"})
        before_last = everything(server)
        archived = server.write("POST", "/api/journeys/act-onb-2026/archive")
        server.stop(signal.SIGKILL)
    finally:
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL

    server = Server("--state", str(state))
    try:
        after = everything(server)
    finally:
        server.stop(signal.SIGTERM)
    assert after["alpha"]["draft"]["description"] == "edited before a crash"
    assert after["gamma"]["default"]["status"] == "draft"
    last = after.pop("act-onb-2026")
    assert last["default"]["status"] == "archived"
    assert last["default"]["updatedAt"] == archived["updatedAt"]
    assert last["audit"][0]["action"] == "archived"
    assert last["audit"][1:] == before_last["act-onb-2026"]["audit"]
    before_last.pop("act-onb-2026")
    list_without = [e for e in after.pop("list") if e["id"] != "act-onb-2026"]
    assert list_without == [e for e in before_last.pop("list") if e["id"] != "act-onb-2026"]
    assert after == before_last
    assert not list(state.parent.glob(".state.json.*.tmp"))  # no temporary file left
    # beside it only the (empty) lock file that keeps a second server away
    assert sorted(p.name for p in state.parent.iterdir()) == [".state.json.lock", "state.json"]


SYNC = {"Authorization": "Bearer sync_acme_local_only"}


def runtime_view(server: Server) -> dict:
    """What a client can read of the runtime: clock, executions, outbox and stats."""
    path = "/api/journeys/act-onb-2026"
    return {
        "clock": server.request("GET", "/api/_sim/clock").json(),
        "executions": server.request("GET", f"{path}/executions").json(),
        "outbox": server.request("GET", "/api/_sim/outbox").json(),
        "stats": server.request("GET", f"{path}/step-stats").json(),
        "impact": server.request("GET", f"{path}/calibrated-impact").json(),
        "audit": server.request("GET", f"{path}/audit").json(),
    }


def test_the_runtimes_tables_survive_a_sigkill_and_its_executions_go_on(tmp_path):
    """The runtime's own tables (``rt-*``: executions, wake-ups, outbox, counters, the
    clock, stored trigger answers) are kept like the store's: a SIGKILL right after an
    acknowledged clock move loses nothing, and the execution resumes where it was."""
    state = tmp_path / "state.json"
    signup = {
        "id": "evt-kept",
        "name": "user.signed_up",
        "at": "2026-06-01T14:00:00Z",
        "properties": {"endUserId": "usr_plain_ana", "signupSource": "ads", "plan": "trial"},
    }
    server = Server("--state", str(state))
    try:
        server.write("POST", "/api/journeys/act-onb-2026/publish")
        started = server.write(
            "POST", "/api/journeys/internal/start-execution", json=signup, headers=SYNC
        )
        assert len(started["started"]) == 1
        server.write("POST", "/api/_sim/clock/advance", json={"by": "P1D"})
        before = runtime_view(server)
        server.stop(signal.SIGKILL)
    finally:
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    assert before["executions"][0]["status"] == "RUNNING"
    assert [m["stepId"] for m in before["outbox"]["messages"]] == ["send-welcome"]

    server = Server("--state", str(state))
    try:
        assert runtime_view(server) == before
        again = server.write(
            "POST", "/api/journeys/internal/start-execution", json=signup, headers=SYNC
        )
        assert again == started  # the stored answer: the same event starts nothing new
        moved = server.write("POST", "/api/_sim/clock/advance", json={"by": "P5D"})
        after = runtime_view(server)
    finally:
        server.stop(signal.SIGTERM)
    assert moved["dispatched"] > 0 and after["clock"]["now"] == "2026-06-07T14:00:00Z"
    [execution] = after["executions"]
    assert (execution["status"], execution["currentStepId"]) == ("SUCCEEDED", "exit")
    assert [m["stepId"] for m in after["outbox"]["messages"]] == ["send-welcome", "send-reengage"]
    assert next(r for r in after["stats"] if r["stepId"] == "send-welcome")["executed"] == 1


def test_the_documents_an_import_wrote_survive_a_sigkill(tmp_path):
    """A restart loaded the project's documents over the kept state: what import-bundle
    created was gone, and what it replaced was the project's file again."""
    state = tmp_path / "state.json"
    documents = ("communications", "segments", "trigger-contracts")
    email = {"kind": "marketing", "channels": ["email"], "subjectLine": "Hi", "body": "Hello"}
    bundle = {
        "format": "journeysim.import-bundle/v1",
        "journeys": [{"id": "imported", "name": "I", "triggerContractId": "trig-imported"}],
        "communications": [
            {"id": "comm-imported", "name": "I", **email},
            {"id": "comm-welcome-email", "name": "Replaced", **email},
        ],
        "segments": [{"id": "seg-imported", "name": "I", "kind": "static", "subjectIds": []}],
        "triggerContracts": [
            {"id": "trig-imported", "name": "I", "eventName": "i", "versionAt": "2026-01-01T00:00Z"}
        ],
    }
    server = Server("--state", str(state))
    try:
        body = {"bundle": bundle, "replace": True}
        server.write("POST", "/api/journeys/internal/import-bundle", json=body, headers=SYNC)
        before = {kind: server.request("GET", f"/api/{kind}").json() for kind in documents}
        server.stop(signal.SIGKILL)
    finally:
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    welcome = next(d for d in before["communications"] if d["id"] == "comm-welcome-email")
    assert welcome["name"] == "Replaced"

    server = Server("--state", str(state))
    try:
        assert {kind: server.request("GET", f"/api/{kind}").json() for kind in documents} == before
    finally:
        server.stop(signal.SIGTERM)


def test_without_state_the_banner_says_it_lives_in_memory_only():
    server = Server()
    try:
        assert "state: in memory only, lost when the server stops" in server.banner
        assert "--state FILE" in server.banner
    finally:
        server.stop()


@pytest.fixture(scope="module")
def good_state(tmp_path_factory) -> bytes:
    """A real state file's bytes, written in-process by the same code serve uses."""
    from simulator.api.testing import api_client
    from simulator.backend.statefile import StateKeeper

    path = tmp_path_factory.mktemp("state") / "state.json"
    with api_client() as client:
        client.post("/api/journeys", json={"id": "kept", "name": "Kept"}, headers=OWNER)
        StateKeeper(client.backend.store, path).save()
    return path.read_bytes()


def _damaged(good: bytes) -> dict[str, bytes]:
    document = json.loads(good)
    edited = json.loads(good)
    journeys = edited["tables"]["journeys"]["items"]
    journeys[0]["meta"]["S"] = journeys[0]["meta"]["S"].replace('"draft"', '"active"', 1)
    unknown = dict(document, version=99)
    return {
        "truncated": good[: len(good) // 2],
        "cut-at-the-last-byte": good[:-1],
        "empty": b"",
        "edited": json.dumps(edited).encode(),
        "not-a-state-file": b'{"journeys": []}',
        "binary": bytes(range(256)),
        "unknown-version": json.dumps(unknown).encode(),
    }


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "cut-at-the-last-byte",
        "empty",
        "edited",
        "not-a-state-file",
        "binary",
        "unknown-version",
    ],
)
def test_a_state_file_that_cannot_be_trusted_is_refused_and_left_untouched(
    tmp_path, good_state, damage
):
    state = tmp_path / "state.json"
    content = _damaged(good_state)[damage]
    state.write_bytes(content)
    process = _journeysim("serve", "--port", "0", "--state", str(state))
    try:
        stdout, stderr = process.communicate(timeout=STARTUP_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 2, stdout + stderr
    assert stderr.startswith(f"journeysim: error: {state}: ")
    assert stderr.count("invalid_state_file") == 1, stderr  # the code once, at the end
    assert stderr.rstrip().endswith("[invalid_state_file]") and "left as it is" in stderr
    assert "Traceback" not in stderr and "Serving" not in stdout
    assert state.read_bytes() == content
    assert sorted(tmp_path.iterdir()) == [state]  # and no lock file left beside it


def test_the_good_state_file_itself_is_accepted(tmp_path, good_state):
    state = tmp_path / "state.json"
    state.write_bytes(good_state)
    server = Server("--state", str(state))
    try:
        assert server.request("GET", "/api/journeys/kept").status_code == 200
    finally:
        server.stop()


def test_state_needs_an_existing_folder(tmp_path):
    state = tmp_path / "missing" / "state.json"
    process = _journeysim("serve", "--port", "0", "--state", str(state))
    _, stderr = process.communicate(timeout=STARTUP_SECONDS)
    assert process.returncode == 2
    assert f"the folder {state.parent} does not exist" in stderr


def test_state_through_a_link_needs_the_folder_the_link_points_into(tmp_path):
    """The folder was checked beside the link: a link into a missing folder passed,
    and failed on ``.state.json.lock: No such file or directory [unreadable_input]``,
    an internal file the user never named."""
    missing = tmp_path / "missing"
    link = tmp_path / "state.json"
    link.symlink_to(missing / "state.json")
    process = _journeysim("serve", "--port", "0", "--state", str(link))
    _, stderr = process.communicate(timeout=STARTUP_SECONDS)
    assert process.returncode == 2
    assert f"--state {link}: the folder {missing} does not exist" in stderr
    assert ".lock" not in stderr


def test_a_second_server_on_the_same_state_file_is_refused(tmp_path):
    """Two servers on one state file each saved their store over the other's: the
    acknowledged writes of the first one saved were lost, without a word."""
    state = tmp_path / "state.json"
    server = Server("--state", str(state))
    try:
        server.write("POST", "/api/journeys", 201, json={"id": "kept", "name": "Kept"})
        saved = state.read_bytes()
        second = _journeysim("serve", "--host", "127.0.0.1", "--port", "0", "--state", str(state))
        _, stderr = second.communicate(timeout=STARTUP_SECONDS)
        assert second.returncode == 2, stderr
        assert "another journeysim serve keeps this state file" in stderr
        assert stderr.rstrip().endswith("[state_file_in_use]")
        assert state.read_bytes() == saved
    finally:
        server.stop(signal.SIGKILL)
    # the lock goes with the process, even killed: the next server starts
    restarted = Server("--state", str(state))
    try:
        assert restarted.request("GET", "/api/journeys/kept").status_code == 200
    finally:
        restarted.stop()


def test_a_state_file_behind_a_link_is_written_through_it_and_locked_as_itself(tmp_path):
    """A save used to rename a regular file over the link, so the link's file and the
    real one split into two states, and the lock was the link's name's: a second
    server on the real file started beside the first."""
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    link.symlink_to(real.name)
    server = Server("--state", str(link))
    try:
        server.write("POST", "/api/journeys", 201, json={"id": "kept", "name": "Kept"})
        assert link.is_symlink() and read_state(real) is not None
        assert "kept" in real.read_text(encoding="utf-8")
        second = _journeysim("serve", "--host", "127.0.0.1", "--port", "0", "--state", str(real))
        _, stderr = second.communicate(timeout=STARTUP_SECONDS)
        assert second.returncode == 2 and stderr.rstrip().endswith("[state_file_in_use]")
    finally:
        server.stop()


def test_a_client_that_stalls_halfway_through_its_body_holds_up_no_other_write(tmp_path):
    """Writing requests take a lock (one at a time, so a rollback undoes only the
    refused write), and they took it before the body was read: uvicorn has no timeout
    for a body still on its way, so one client that sent half a body stalled every
    write. The body is now read whole before the lock is taken."""
    import socket

    server = Server("--state", str(tmp_path / "state.json"))
    stalled = socket.create_connection((server.http.base_url.host, server.http.base_url.port))
    try:
        body = b'{"id": "stalled", "name": "S"}'
        stalled.sendall(
            b"POST /api/journeys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok_owner_acme_ada"
            b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % len(body)
            + body[:7]
        )
        time.sleep(0.3)  # the server has read the headers and the first bytes
        other = {"id": "other", "name": "O"}
        other = server.request("POST", "/api/journeys", json=other, timeout=5)
        assert other.status_code == 201, other.text
        assert "other" in (tmp_path / "state.json").read_text(encoding="utf-8")
        # the stalled upload, once complete, is served and kept like any other
        stalled.settimeout(20)
        stalled.sendall(body[7:])
        assert stalled.recv(65536).startswith(b"HTTP/1.1 201 ")
        assert server.request("GET", "/api/journeys/stalled").status_code == 200
    finally:
        stalled.close()
        server.stop()
