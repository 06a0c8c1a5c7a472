"""The project loader: documents, world, and every bad file as a located finding."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from simulator.codes import FindingCode
from simulator.errors import InputError
from simulator.findings import make_finding
from simulator.project import (
    DocumentKind,
    find_project_root,
    load_project,
    validate_project,
)


@pytest.fixture
def project(fixtures_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of a small, valid-but-for-one-typo project."""
    copy = tmp_path / "project"
    shutil.copytree(fixtures_dir / "invalid" / "unknown_step_reference", copy)
    (copy / "expected.json").unlink()
    return copy


def only_finding(loaded):
    assert len(loaded.findings) == 1, loaded.findings
    finding = loaded.findings[0]
    return finding.code, finding.source.file, finding.source.line, finding.source.column


def test_the_example_project_loads_into_a_world(acme_dir: Path):
    loaded = load_project(acme_dir)
    assert loaded.findings == ()
    world = loaded.world
    assert world.workspace.id == loaded.document("workspace.json").id
    assert len(world.communications) == len(list((acme_dir / "communications").iterdir()))
    assert len(world.segments) == len(list((acme_dir / "segments").iterdir()))
    assert len(world.trigger_contracts) == len(list((acme_dir / "triggers").iterdir()))
    assert len(world.subjects) == len(list((acme_dir / "subjects").iterdir()))
    assert set(loaded.journeys) == {p.stem for p in (acme_dir / "journeys").iterdir()}
    journey = loaded.document("journeys/act-onb-2026.json")
    assert journey.kind is DocumentKind.JOURNEY and journey.positions[""] == (1, 1)


def test_project_root_is_the_nearest_folder_with_a_workspace_file(acme_dir: Path):
    journey = acme_dir / "journeys" / "act-onb-2026.json"
    assert find_project_root(journey) == acme_dir
    assert find_project_root(acme_dir / "journeys") == acme_dir
    assert find_project_root(acme_dir) == acme_dir


def test_no_project_and_no_path_are_input_errors(tmp_path: Path):
    with pytest.raises(InputError, match="not in a journeysim project"):
        find_project_root(tmp_path)
    with pytest.raises(InputError, match="no such file or folder"):
        find_project_root(tmp_path / "missing.json")
    with pytest.raises(InputError, match="not a journeysim project folder"):
        load_project(tmp_path)


def test_a_workspace_file_that_is_a_folder_is_unreadable_not_missing(project: Path):
    (project / "workspace.json").unlink()
    (project / "workspace.json").mkdir()
    assert find_project_root(project / "journeys") == project
    with pytest.raises(InputError, match=r"cannot read workspace\.json: Is a directory"):
        load_project(project)


def test_a_json_syntax_error_is_a_finding_at_its_position(project: Path):
    journey = project / "journeys" / "onboarding-typo.json"
    text = journey.read_text().replace('"type": "wait",', '"type": "wait"', 1)
    journey.write_text(text)
    loaded = load_project(project)
    line = text.splitlines().index('      "type": "wait"') + 2  # the next key is the surprise
    expected = (FindingCode.INVALID_DOCUMENT, "journeys/onboarding-typo.json", line, 7)
    assert only_finding(loaded) == expected
    assert "expected ',' or '}'" in loaded.findings[0].message
    assert loaded.world is not None and loaded.journeys == {}


def test_a_repeated_key_is_invalid_rather_than_silently_dropped(project: Path):
    trigger = project / "triggers" / "trig-signup.json"
    text = trigger.read_text().replace('"name": "User signed up",', '"name": "A",\n  "name": "B",')
    trigger.write_text(text)
    loaded = load_project(project)
    assert only_finding(loaded) == (FindingCode.INVALID_DOCUMENT, "triggers/trig-signup.json", 5, 3)
    assert "duplicate key 'name'" in loaded.findings[0].message
    assert loaded.world.trigger_contracts == {}


def test_a_model_error_points_at_the_field(project: Path):
    trigger = project / "triggers" / "trig-signup.json"
    trigger.write_text(trigger.read_text().replace('"2026-01-15T10:00:00Z"', '"yesterday"'))
    loaded = load_project(project)
    assert only_finding(loaded) == (
        FindingCode.INVALID_DOCUMENT,
        "triggers/trig-signup.json",
        7,
        16,
    )
    assert loaded.findings[0].path == "/versionAt"


def test_a_top_level_that_is_not_an_object_is_one_finding_at_1_1(project: Path):
    (project / "segments").mkdir()
    (project / "segments" / "list.yaml").write_text("- a\n- b\n")
    loaded = load_project(project)
    assert only_finding(loaded) == (FindingCode.INVALID_DOCUMENT, "segments/list.yaml", 1, 1)
    assert "found an array" in loaded.findings[0].message


def test_bytes_that_are_not_utf8_are_a_finding_where_they_are(project: Path):
    (project / "segments").mkdir()
    (project / "segments" / "latin1.json").write_bytes(b'{\n  "name": "Caf\xe9"\n}')
    loaded = load_project(project)
    assert only_finding(loaded) == (FindingCode.INVALID_DOCUMENT, "segments/latin1.json", 2, 15)
    assert "not UTF-8" in loaded.findings[0].message


def test_a_later_file_reusing_an_id_is_reported_and_the_first_wins(project: Path):
    triggers = project / "triggers"
    text = (triggers / "trig-signup.json").read_text()
    (triggers / "trig-zzz.json").write_text(text.replace("User signed up", "Impostor"))
    loaded = load_project(project)
    assert only_finding(loaded) == (FindingCode.INVALID_DOCUMENT, "triggers/trig-zzz.json", 3, 9)
    assert "trig-signup.json already defines it" in loaded.findings[0].message
    assert loaded.world.trigger_contracts["trig-signup"].name == "User signed up"


def test_a_second_workspace_file_is_reported_and_ignored(project: Path):
    (project / "workspace.yaml").write_text("id: other\n")
    loaded = load_project(project)
    assert only_finding(loaded) == (FindingCode.INVALID_DOCUMENT, "workspace.yaml", 1, 1)
    assert loaded.world.workspace.id == "fixture-unknown-step-reference"


def test_a_broken_workspace_leaves_no_world_but_journeys_are_still_checked(project: Path):
    workspace = project / "workspace.json"
    workspace.write_text(workspace.read_text().replace('"projectKey"', '"projectKee"'))
    loaded = load_project(project)
    assert loaded.world is None
    codes = {(f.code, f.source.file) for f in validate_project(loaded)}
    assert (FindingCode.INVALID_DOCUMENT, "workspace.json") in codes
    assert (FindingCode.UNKNOWN_STEP_REFERENCE, "journeys/onboarding-typo.json") in codes


def test_a_dangling_symlink_is_unreadable_input(project: Path):
    (project / "journeys" / "gone.json").symlink_to(project / "nowhere.json")
    with pytest.raises(InputError, match=r"cannot read journeys/gone\.json"):
        load_project(project)


def test_file_names_are_relative_to_the_folder_asked_for(project: Path, tmp_path: Path):
    loaded = load_project(project, relative_to=tmp_path)
    assert loaded.document("journeys/onboarding-typo.json").name == (
        "project/journeys/onboarding-typo.json"
    )
    elsewhere = load_project(project, relative_to=project / "journeys")
    assert elsewhere.document("workspace.json").name == str(project / "workspace.json")


def test_locate_falls_back_to_the_nearest_existing_ancestor(project: Path):
    loaded = load_project(project)
    missing = make_finding(FindingCode.INVALID_DOCUMENT, "missing", "/steps/1/rules/0/nope")
    located = loaded.locate("journeys/onboarding-typo.json", missing)
    assert (located.source.line, located.source.column) == (
        loaded.document("journeys/onboarding-typo.json").positions["/steps/1/rules/0"]
    )


def test_validate_project_sorts_and_uses_now_only_when_given(fixtures_dir: Path):
    project = fixtures_dir / "invalid" / "warnings" / "wait_until_in_past"
    loaded = load_project(project)
    assert validate_project(loaded) == []
    findings = validate_project(loaded, datetime(2026, 6, 1, tzinfo=UTC))
    assert [f.code for f in findings] == [FindingCode.WAIT_UNTIL_IN_PAST]
    assert validate_project(loaded, datetime(2019, 1, 1, tzinfo=UTC)) == []


def test_a_byte_order_mark_does_not_shift_columns(project: Path):
    trigger = project / "triggers" / "trig-signup.json"
    plain = load_project(project).document("triggers/trig-signup.json").positions
    trigger.write_bytes(b"\xef\xbb\xbf" + trigger.read_bytes())
    loaded = load_project(project)
    assert loaded.document("triggers/trig-signup.json").positions == plain
    assert "trig-signup" in loaded.world.trigger_contracts
