"""A command given one journey file reports an id that two files of the project declare,
when the journey uses it, exactly as ``journeysim validate`` of the whole project does.

Two ``comm-welcome-email`` communications (or segments, or trigger contracts) make which
one a dry-run sends a silent choice, so ``validate JOURNEY`` fails on them and ``simulate``
refuses the journey. A duplicate among documents the journey does not use is not its
problem, and finding duplicates reads no sibling in full: broken siblings (huge, a
dangling link, unreadable) still change nothing (see test_cli_selective_loading.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from broken_siblings import BROKEN, add_broken_siblings, lock_locked_files

from simulator.paths import fixtures_dir
from simulator.project import documents as documents_module

JOURNEY = "journeys/act-onb-2026.json"
SIMULATE = ("simulate", JOURNEY, "--attr", "firstName=Ana", "--format", "json")
USED = [  # documents act-onb-2026 uses, one of each kind
    ("communication", "communications", "comm-welcome-email"),
    ("segment", "segments", "seg-new-signups"),
    ("trigger-contract", "triggers", "trig-signup"),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of acme, the working folder."""
    copy = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", copy)
    monkeypatch.chdir(copy)
    return copy


def duplicate(project: Path, folder: str, document_id: str, name: str) -> Path:
    """A copy of ``<folder>/<document_id>.json`` as ``<folder>/<name>`` (YAML for .yaml)."""
    source = project / folder / f"{document_id}.json"
    target = project / folder / name
    if target.suffix == ".yaml":
        data = json.loads(source.read_text())
        target.write_text(yaml.safe_dump(data, sort_keys=False))
    else:
        shutil.copyfile(source, target)
    return target


def id_position(path: Path) -> tuple[int, int]:
    """Line and column (from 1) where the value of the file's top-level id starts."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith(("id:", '  "id":')):
            value = line.split(":", 1)[1].lstrip()
            return number, len(line) - len(value) + 1
    raise AssertionError(f"no id line in {path}")


def report(run_cli, *paths: str) -> tuple[int, dict]:
    result = run_cli("validate", *paths, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def located(finding: dict) -> tuple:
    return finding["file"], finding["line"], finding["column"], finding["code"], finding["message"]


@pytest.mark.parametrize("kind, folder, document_id", USED, ids=[u[0] for u in USED])
@pytest.mark.parametrize("name", ["zz-copy.json", "aa-copy.json", "copy.yaml"])
def test_a_duplicate_of_a_used_document_fails_validate_and_simulate(
    run_cli, project, kind, folder, document_id, name
):
    copy = duplicate(project, folder, document_id, name)
    original = project / folder / f"{document_id}.json"
    later = max(copy, original)  # the first file (by name) wins; the later one is reported
    whole_code, whole = report(run_cli, ".")
    expected = [located(f) for f in whole["findings"]]
    assert whole_code == 1 and len(expected) == 1

    code, alone = report(run_cli, JOURNEY)
    assert code == 1
    assert [located(f) for f in alone["findings"]] == expected
    file, line, column, finding_code, message = expected[0]
    assert (file, finding_code) == (later.relative_to(project).as_posix(), "invalid_document")
    assert (line, column) == id_position(later)
    assert message.startswith(f"duplicate {kind} id {document_id!r}: ")
    assert {copy.name, original.name} <= {Path(f["file"]).name for f in alone["files"]}
    text = run_cli("validate", JOURNEY).stdout
    assert f"{file}:{line}:{column}: error invalid_document: {message}" in text

    result = run_cli(*SIMULATE)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"the journey does not validate: {file}:{line}:{column}: invalid_document: " in (
        result.stderr
    )
    assert "[invalid_document]" in result.stderr
    assert run_cli(*SIMULATE, "--allow-invalid").exit_code == 0


def test_a_duplicate_of_a_document_the_journey_does_not_use_is_not_its_problem(run_cli, project):
    used = json.dumps(json.loads((project / JOURNEY).read_text()))
    assert '"comm-winback-survey-email"' not in used and '"seg-churned-customers"' not in used
    duplicate(project, "communications", "comm-winback-survey-email", "copy.json")
    duplicate(project, "segments", "seg-churned-customers", "copy.yaml")
    assert report(run_cli, ".")[0] == 1
    code, alone = report(run_cli, JOURNEY)
    assert (code, alone["findings"]) == (0, [])
    assert not {"copy.json", "copy.yaml"} & {Path(f["file"]).name for f in alone["files"]}
    assert run_cli(*SIMULATE).exit_code == 0


def test_a_file_that_only_begins_like_a_duplicate_is_not_one(run_cli, project):
    """Its first bytes name the id, but it does not parse: the whole project reports a
    syntax error in it and no duplicate, and so, to the journey, it is nobody."""
    source = (project / "communications" / "comm-welcome-email.json").read_text()
    (project / "communications" / "broken-copy.json").write_text(source[: len(source) // 2])
    whole_code, whole = report(run_cli, ".")
    assert whole_code == 1 and {f["code"] for f in whole["findings"]} == {"invalid_document"}
    assert all(f["file"] == "communications/broken-copy.json" for f in whole["findings"])
    code, alone = report(run_cli, JOURNEY)
    assert (code, alone["findings"]) == (0, [])
    assert "communications/broken-copy.json" not in {f["file"] for f in alone["files"]}


def test_broken_siblings_beside_a_duplicate_change_nothing(run_cli, project, monkeypatch):
    duplicate(project, "communications", "comm-welcome-email", "zz-copy.json")
    expected = run_cli("validate", JOURNEY)
    expected_simulate = run_cli(*SIMULATE)
    assert expected.exit_code == 1
    for folder in ("communications", "segments", "triggers"):
        add_broken_siblings(project / folder, '{"id": "comm-welcome-email"}')
    lock_locked_files(monkeypatch)
    read: list[str] = []
    bounded = documents_module.read_bounded

    def spy(path: Path, *args, **kwargs):
        read.append(path.name)
        return bounded(path, *args, **kwargs)

    monkeypatch.setattr(documents_module, "read_bounded", spy)
    result = run_cli("validate", JOURNEY)
    assert (result.exit_code, result.stdout, result.stderr) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )
    simulated = run_cli(*SIMULATE)
    assert (simulated.exit_code, simulated.stderr) == (
        expected_simulate.exit_code,
        expected_simulate.stderr,
    )
    assert "zz-copy.json" in read
    assert not set(BROKEN) & set(read)


def test_a_journey_id_declared_by_an_earlier_file_is_the_later_files_error(run_cli, project):
    """Two files with one journey id: the earlier (by name) is the journey the project
    uses, so the file asked for is in error when it is the later one, and clean when it
    is the earlier; the other file's own problems are never the asked file's."""
    earlier = project / "journeys" / "aa-copy.json"
    data = json.loads((project / JOURNEY).read_text())
    data["steps"][0]["next"] = "nowhere"  # the earlier copy is broken besides
    earlier.write_text(json.dumps(data, indent=2))
    whole = report(run_cli, ".")[1]["findings"]
    duplicate_found = [located(f) for f in whole if f["file"] == JOURNEY]
    assert len(duplicate_found) == 1 and "aa-copy.json already defines it" in duplicate_found[0][4]

    code, alone = report(run_cli, JOURNEY)
    assert code == 1 and [located(f) for f in alone["findings"]] == duplicate_found
    assert duplicate_found[0][1:3] == id_position(project / JOURNEY)
    result = run_cli(*SIMULATE)
    assert result.exit_code == 2 and f"{JOURNEY}:{duplicate_found[0][1]}:" in result.stderr

    earlier.unlink()
    shutil.copyfile(project / JOURNEY, project / "journeys" / "zz-copy.json")
    assert report(run_cli, ".")[0] == 1
    code, alone = report(run_cli, JOURNEY)
    assert (code, alone["findings"]) == (0, [])
    assert run_cli(*SIMULATE).exit_code == 0
