"""``journeysim serve`` over a real socket: start it on 127.0.0.1, read a token and the
URL it prints, list the fixture journeys with that token; always terminate it."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from simulator.paths import fixtures_dir
from simulator.project import load_project

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def _lines(stream, sink: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        sink.put(line)
    sink.put(None)


def _journeysim(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    code = "from simulator.cli.app import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _read_banner(process: subprocess.Popen) -> list[str]:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            pytest.fail(f"serve exited early: {''.join(seen)}{process.stderr.read()}")
        seen.append(line)
        if line.startswith("Serving until interrupted"):
            return seen
    pytest.fail(f"serve did not start within {STARTUP_SECONDS} s: {''.join(seen)}")


def test_serve_lists_the_fixture_journeys_over_a_socket():
    process = _journeysim("serve", "--host", "127.0.0.1", "--port", "0")
    try:
        banner = "".join(_read_banner(process))
        url = re.search(r"API:\s+(http://127\.0\.0\.1:\d+)/api/journeys", banner).group(1)
        token = re.search(r"viewer\s+\S+\s+(\S+)", banner).group(1)
        assert token == "tok_viewer_acme_cy"
        assert f"docs: {url}/docs" in banner

        response = httpx.get(
            f"{url}/api/journeys", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 200
        expected = set(load_project(fixtures_dir() / "acme").journeys)
        assert {entry["id"] for entry in response.json()} == expected

        refused = httpx.get(f"{url}/api/journeys", timeout=10)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
        assert httpx.get(f"{url}/openapi.json", timeout=10).status_code == 200
    finally:
        _stop(process)
    assert process.returncode is not None


def test_serve_refuses_a_port_in_use():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        process = _journeysim("serve", "--port", str(port))
        try:
            _, stderr = process.communicate(timeout=STARTUP_SECONDS)
        finally:
            _stop(process)
    assert process.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in stderr


def test_serve_refuses_a_workspace_whose_credentials_repeat():
    # Two members with one token, and a member token that is the syncApiKey: the
    # server would hand the shared token to either member, so it does not start.
    project = fixtures_dir() / "invalid" / "shared_credentials"
    process = _journeysim("serve", "--project", str(project), "--port", "0")
    try:
        stdout, stderr = process.communicate(timeout=STARTUP_SECONDS)
    finally:
        _stop(process)
    assert process.returncode == 2, stdout + stderr
    assert "members/1/token: the same token as members/0/token" in stderr
    assert "syncApiKey: the same value as members/2/token" in stderr
    assert "tok_shared_123" not in stdout + stderr
    assert "sync_fixture_only" not in stdout + stderr
