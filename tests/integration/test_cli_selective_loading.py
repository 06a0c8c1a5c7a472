"""A command given one file loads the workspace and what that file refers to, nothing else.

A broken sibling (huge, a dangling symlink, unreadable) is not its problem: it is never
read, and the command prints and exits exactly as it does without it. Asked for the
whole project, the same siblings still fail loudly (tests in test_cli_validate.py).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from broken_siblings import add_broken_siblings, lock_locked_files

from simulator.paths import fixtures_dir
from simulator.project import documents as documents_module
from simulator.project import load_project

JOURNEY = "journeys/act-onb-2026.json"
COMMANDS = [
    ("validate", JOURNEY),
    ("validate", JOURNEY, "--format", "json"),
    ("simulate", JOURNEY, "--subject-id", "usr_plain_ana", "--format", "json"),
    ("simulate", JOURNEY, "--attr", "firstName=Ana"),
]


@pytest.fixture
def projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two copies of acme: one as it is, one with broken siblings in ``journeys/``."""
    alone, crowded = tmp_path / "alone", tmp_path / "crowded"
    for project in (alone, crowded):
        shutil.copytree(fixtures_dir() / "acme", project)
    add_broken_siblings(crowded / "journeys")
    lock_locked_files(monkeypatch)
    return alone, crowded


@pytest.fixture
def read_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the loader reads, in order."""
    names: list[str] = []
    real = documents_module.read_bounded

    def spy(path: Path, *args, **kwargs):
        names.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(documents_module, "read_bounded", spy)
    return names


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_broken_siblings_change_neither_output_nor_exit_code(
    run_cli, projects, monkeypatch, read_files, args
):
    alone, crowded = projects
    monkeypatch.chdir(alone)
    expected = run_cli(*args)
    assert expected.exit_code == 0, expected.stderr
    read_files.clear()
    monkeypatch.chdir(crowded)
    result = run_cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )
    assert not {"huge.json", "gone.json", "locked.json"} & set(read_files)


def test_the_whole_project_still_reports_the_broken_siblings(run_cli, projects, monkeypatch):
    _, crowded = projects
    monkeypatch.chdir(crowded)
    result = run_cli("validate", ".")
    assert result.exit_code == 2 and "cannot read journeys/gone.json" in result.stderr


def test_a_journey_file_reads_only_the_documents_it_names(acme_dir: Path, read_files):
    journey = acme_dir / JOURNEY
    data = json.loads(journey.read_text())
    loaded = load_project(acme_dir, files=[journey])
    sends = {step["communicationId"] for step in data["steps"] if step["type"] == "send"}
    named = {f"{name}.json" for name in (*sends, data["triggerContractId"], data["audienceId"])}
    assert named <= set(read_files)
    assert read_files[:2] == ["workspace.json", "act-onb-2026.json"]
    assert not any(name.startswith("usr_") for name in read_files)  # no subjects
    assert sorted(read_files) == sorted({d.path.name for d in loaded.documents})
    assert len(read_files) < len(list(acme_dir.rglob("*.json"))) / 3


def test_a_document_under_another_file_name_is_still_found(run_cli, tmp_path, monkeypatch):
    project = tmp_path / "p"
    shutil.copytree(fixtures_dir() / "acme", project)
    comms = project / "communications"
    (comms / "comm-welcome-email.json").rename(comms / "welcome.json")
    monkeypatch.chdir(project)
    report = json.loads(run_cli("validate", JOURNEY, "--format", "json").stdout)
    assert report["ok"] and "communications/welcome.json" in {f["file"] for f in report["files"]}


def test_an_unknown_reference_beside_an_unreadable_file_is_a_finding(
    run_cli, projects, monkeypatch
):
    _, crowded = projects
    journey = crowded / JOURNEY
    journey.write_text(journey.read_text().replace('"comm-welcome-email"', '"comm-nowhere"', 1))
    (crowded / "communications" / "locked.json").write_text("{}")
    (crowded / "communications" / "gone.json").symlink_to(crowded / "nowhere.json")
    monkeypatch.chdir(crowded)
    result = run_cli("validate", JOURNEY, "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert result.exit_code == 1 and codes == {"unknown_communication"}


def invalid_journey_files() -> list[Path]:
    invalid = fixtures_dir() / "invalid"
    return sorted(p for p in invalid.rglob("journeys/*") if p.suffix in (".json", ".yaml", ".yml"))


@pytest.mark.parametrize(
    "journey", invalid_journey_files(), ids=lambda p: p.relative_to(p.parents[2]).as_posix()
)
def test_one_file_gets_the_findings_the_whole_project_gives_its_documents(
    run_cli, journey: Path, monkeypatch
):
    project = journey.parent.parent
    monkeypatch.chdir(project)
    name = journey.relative_to(project).as_posix()
    alone = json.loads(run_cli("validate", name, "--format", "json").stdout)
    whole = json.loads(run_cli("validate", ".", "--format", "json").stdout)
    files = {entry["file"] for entry in alone["files"]}
    expected = [without_clock(f) for f in whole["findings"] if f["file"] in files]
    assert expected == [without_clock(f) for f in alone["findings"]]


def without_clock(finding: dict) -> dict:
    """The finding without the wall-clock instant ``wait_until_in_past`` quotes."""
    return {**finding, "message": re.sub(r"now \([^)]*\)", "now", finding["message"])}
