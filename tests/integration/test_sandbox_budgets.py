"""Template payloads end as template errors, quickly and in little memory, end to end.

Issue 8, done-when 1: every payload of ``fixtures/sandbox/limit-payloads.yaml`` (the
bytes family and the budget table) sits in the body of a communication that a journey
sends first; ``journeysim simulate`` and the API dry-run must answer with that send
``failed`` for ``template_error`` and the journey moving on, within one second more
than a harmless dry-run and with under 50 MB of extra memory, measured in a fresh
interpreter (``budget_probe.py``: wall time, ``tracemalloc`` peak, peak RSS growth).
A real ``journeysim serve`` keeps answering other requests while payloads run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from simulator.paths import fixtures_dir

HERE = Path(__file__).resolve().parent
PAYLOADS = [
    item
    for group in yaml.safe_load((fixtures_dir() / "sandbox" / "limit-payloads.yaml").read_text())
    for item in group["payloads"]
]
EXTRA_SECONDS = 1.0
"""A payload may take at most this much longer than the harmless baseline dry-run."""
EXTRA_BYTES = 50 * 1024 * 1024
"""...and allocate at most this much more (the unbounded attacks took gigabytes)."""
PROBE_TIMEOUT = 600


def _payload_ids() -> list[str]:
    return [f"payload-{index:02d}" for index in range(len(PAYLOADS))]


def _write_payload(root: Path, journey_id: str, template: str) -> None:
    """Activation Onboarding as ``journey_id``, its welcome e-mail's body ``template``."""
    journey = json.loads((root / "journeys" / "act-onb-2026.json").read_text())
    welcome = json.loads((root / "communications" / "comm-welcome-email.json").read_text())
    comm_id = f"comm-{journey_id}"
    communication = {**welcome, "id": comm_id, "subjectLine": "Hello", "body": template}
    (root / "communications" / f"{comm_id}.json").write_text(json.dumps(communication))
    steps = [dict(step) for step in journey["steps"]]
    steps[0]["communicationId"] = comm_id
    document = {**journey, "id": journey_id, "name": f"Payload {journey_id}", "steps": steps}
    (root / "journeys" / f"{journey_id}.json").write_text(json.dumps(document))


def _example_project(root: Path) -> Path:
    """The example project with Activation Onboarding as its only journey."""
    shutil.copytree(fixtures_dir() / "acme", root)
    for path in (root / "journeys").iterdir():
        if path.name != "act-onb-2026.json":
            path.unlink()
    return root


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> Path:
    """``all/``: one project holding every payload journey (the API loads it once);
    ``payload-NN/``: one project per payload (the CLI loads a project per command)."""
    base = tmp_path_factory.mktemp("payloads")
    everything = _example_project(base / "all")
    for journey_id, item in zip(_payload_ids(), PAYLOADS, strict=True):
        _write_payload(everything, journey_id, item["template"])
        _write_payload(_example_project(base / journey_id), journey_id, item["template"])
    return base


def _probe(mode: str, root: Path) -> tuple[dict, dict[str, dict], int]:
    completed = subprocess.run(
        [sys.executable, str(HERE / "budget_probe.py"), mode, str(root), *_payload_ids()],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    rows = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    baseline, *measured, growth = rows
    return baseline, {row["journey"]: row for row in measured}, growth["maxrss_growth"]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["cli", "api"])
def test_every_payload_fails_its_send_quickly_and_in_little_memory(projects, mode):
    baseline, measured, rss_growth_kb = _probe(mode, projects)
    assert baseline["first_step"]["decision"] == "executed", baseline
    assert set(measured) == set(_payload_ids())
    slow, heavy, wrong = [], [], []
    for journey_id, item in zip(_payload_ids(), PAYLOADS, strict=True):
        row = measured[journey_id]
        first = row["first_step"]
        if row["seconds"] > baseline["seconds"] + EXTRA_SECONDS:
            slow.append((item["template"], round(row["seconds"], 2)))
        if row["peak_bytes"] > baseline["peak_bytes"] + EXTRA_BYTES:
            heavy.append((item["template"], row["peak_bytes"] // 2**20))
        failed = (first["decision"], first.get("reason")) == ("failed", "template_error")
        if item["mentions"] is not None and not failed:
            wrong.append((item["template"], first))
        elif failed:
            assert item["mentions"] is None or item["mentions"] in first["send"]["error"].lower()
        # The journey moves on past the failed send.
        assert row["steps"][:2] == ["send-welcome", "wait-3d"], (journey_id, row["steps"])
    assert not slow, f"payloads slower than the baseline + {EXTRA_SECONDS} s: {slow}"
    assert not heavy, f"payloads above {EXTRA_BYTES // 2**20} MB extra (MB): {heavy}"
    assert not wrong, f"payloads that did not fail as template_error: {wrong}"
    assert rss_growth_kb * 1024 < EXTRA_BYTES, f"peak RSS grew by {rss_growth_kb} kB"


def test_the_probe_would_see_an_unbounded_allocation(tmp_path):
    """The memory measurement is real: appending 99 kB strings until the storage budget
    (1 MB) stops the render shows up as at least that megabyte."""
    big = "{% set l = [] %}{% for i in range(200) %}{{ l.append('a' * 99000) }}{% endfor %}x"
    _write_payload(_example_project(tmp_path / "payload-00"), "payload-00", big)
    completed = subprocess.run(
        [sys.executable, str(HERE / "budget_probe.py"), "cli", str(tmp_path), "payload-00"],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT,
        check=True,
    )
    rows = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    assert rows[1]["peak_bytes"] > 0.9 * 1024 * 1024  # at least the first appended string


# --- a real server keeps answering ---------------------------------------------------

REPO = HERE.parents[1]
STARTUP_SECONDS = 60
OTHER_REQUEST_SECONDS = 2.0
"""How long a plain request may take while a payload dry-run runs beside it (before the
limits, one payload held the server for 20 s)."""


def _serve(project: Path) -> tuple[subprocess.Popen, str, dict[str, str]]:
    env = {"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    code = "from simulator.cli.app import main; main()"
    args = ["serve", "--project", str(project), "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    banner: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    reader = threading.Thread(target=lambda: banner.extend(iter(process.stdout.readline, "")))
    reader.daemon = True
    reader.start()
    while time.monotonic() < deadline and not any("Serving until" in x for x in banner):
        if process.poll() is not None:
            pytest.fail(f"serve exited early: {''.join(banner)}")
        time.sleep(0.1)
    text = "".join(banner)
    url = re.search(r"API:\s+(http://127\.0\.0\.1:\d+)/api/journeys", text)
    if url is None:
        _stop(process)
        pytest.fail(f"serve did not start within {STARTUP_SECONDS} s: {text}")
    tokens = dict(re.findall(r"^\s+(owner|editor|viewer)\s+\S+\s+(\S+)$", text, re.MULTILINE))
    return process, url.group(1), tokens


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.mark.slow
def test_served_api_answers_other_requests_while_payloads_run(projects):
    process, url, tokens = _serve(projects / "all")
    owner = {"Authorization": f"Bearer {tokens['owner']}"}
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    try:
        with httpx.Client(base_url=url, timeout=60) as client, ThreadPoolExecutor(2) as pool:
            assert client.get("/api/journeys", headers=viewer).status_code == 200  # warm
            for journey_id, item in zip(_payload_ids(), PAYLOADS, strict=True):
                dry_run = pool.submit(
                    client.post,
                    f"/api/journeys/{journey_id}/simulate",
                    json={"subjectId": "usr_plain_ana"},
                    headers=owner,
                )
                started = time.perf_counter()
                other = pool.submit(client.get, "/api/journeys/act-onb-2026", headers=viewer)
                answered = other.result()
                waited = time.perf_counter() - started
                assert answered.status_code == 200 and answered.json()["id"] == "act-onb-2026"
                assert waited < OTHER_REQUEST_SECONDS, (item["template"], waited)
                response = dry_run.result()
                assert response.status_code == 200, (item["template"], response.text)
                first = response.json()["steps"][0]
                if item["mentions"] is not None:
                    assert (first["decision"], first["reason"]) == ("failed", "template_error")
    finally:
        _stop(process)


def test_validate_reports_templates_that_cannot_compile_as_findings(run_cli, tmp_path):
    """Validation compiles every payload without crashing, and a template Python cannot
    even compile (a 5,000-digit integer literal) is a finding, not an internal error, as
    is each payload reading an attribute the sandbox always blocks."""
    root = _example_project(tmp_path / "acme")
    for journey_id, item in zip(_payload_ids(), PAYLOADS, strict=True):
        _write_payload(root, journey_id, item["template"])
    _write_payload(root, "huge-literal", "{{ " + "9" * 5000 + " }}")
    result = run_cli("validate", str(root), "--format", "json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    ids = zip(_payload_ids(), PAYLOADS, strict=True)
    invalid = [f"comm-{journey_id}.json" for journey_id, item in ids if item.get("invalid")]
    assert [(f["code"], Path(f["file"]).name) for f in errors] == [
        ("template_syntax_error", name) for name in ["comm-huge-literal.json", *invalid]
    ]
    assert "Exceeds the limit" in errors[0]["message"]
    assert all("the sandbox blocks attribute" in f["message"] for f in errors[1:])


BYTES_PAYLOADS = [
    item["template"]
    for group in yaml.safe_load((fixtures_dir() / "sandbox" / "limit-payloads.yaml").read_text())
    if group["group"].startswith("bytes")
    for item in group["payloads"]
]


def test_a_viewers_dry_run_of_an_editors_draft_with_a_bytes_webhook_body():
    """The issue's scenario: an editor saves a draft whose webhook body is a payload; a
    viewer's dry-run of it answers 200 at once, the webhook step failed, the rest run."""
    from simulator.api.testing import api_client

    path = "/api/journeys/renewal-qbr-2026"
    with api_client() as api:
        for template in BYTES_PAYLOADS:
            draft = api.get(path, headers=api.auth("editor")).json()
            steps = [
                {**step, "bodyTemplate": template} if step["type"] == "webhook" else step
                for step in draft["steps"]
            ]
            saved = api.patch(
                path,
                json={"updatedAt": draft["updatedAt"], "steps": steps},
                headers=api.auth("editor"),
            )
            assert saved.status_code == 200, saved.text
            started = time.perf_counter()
            response = api.post(
                f"{path}/simulate",
                json={"subjectId": "usr_renewal_qbr"},
                headers=api.auth("viewer"),
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (template, response.text)
            steps_run = {step["stepId"]: step for step in response.json()["steps"]}
            webhook = steps_run["notify-crm"]
            assert (webhook["decision"], webhook["reason"]) == ("failed", "template_error")
            assert "wait-7d" in steps_run, template
            assert elapsed < 1 + EXTRA_SECONDS, (template, elapsed)
