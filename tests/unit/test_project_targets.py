"""Which projects and files a list of command-line paths asks to validate."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from simulator.errors import InputError
from simulator.project import (
    DocumentKind,
    Target,
    find_projects,
    load_project,
    resolve_targets,
    select_documents,
    validate_paths,
)


def test_a_tree_search_skips_invalid_folders_unless_given(fixtures_dir: Path):
    assert list(find_projects(fixtures_dir)) == [fixtures_dir / "acme"]
    invalid = fixtures_dir / "invalid"
    found = list(find_projects(invalid))
    assert found == sorted(p.parent for p in invalid.rglob("expected.json"))
    assert invalid / "warnings" / "long_wait" in found


def test_a_journey_file_brings_the_documents_it_refers_to(acme_dir: Path):
    journey = acme_dir / "journeys" / "act-onb-2026.json"
    [target] = resolve_targets([journey])
    assert target == Target(acme_dir, frozenset({journey}))
    loaded = load_project(acme_dir)
    selected = {(d.kind, d.id) for d in select_documents(loaded, target)}
    data = loaded.document(journey).data
    assert (DocumentKind.JOURNEY, "act-onb-2026") in selected
    assert (DocumentKind.WORKSPACE, loaded.world.workspace.id) in selected
    assert (DocumentKind.SEGMENT, data["audienceId"]) in selected
    assert (DocumentKind.TRIGGER_CONTRACT, data["triggerContractId"]) in selected
    sends = {s["communicationId"] for s in data["steps"] if s["type"] == "send"}
    assert sends and {(DocumentKind.COMMUNICATION, c) for c in sends} <= selected
    assert not any(kind is DocumentKind.SUBJECT for kind, _ in selected)
    assert not any(kind is DocumentKind.JOURNEY and i != "act-onb-2026" for kind, i in selected)


def test_segments_named_by_the_audience_are_followed(acme_dir: Path):
    journey = acme_dir / "journeys" / "act-onb-2026.json"
    audience = json.loads(journey.read_text())["audienceId"]
    named = re.findall(
        r'"segmentId": "([^"]+)"', (acme_dir / "segments" / f"{audience}.json").read_text()
    )
    assert named, "the example audience should compose another segment"
    run = validate_paths([journey])
    segments = {d.id for d in run.checked if d.kind is DocumentKind.SEGMENT}
    assert {audience, *named} <= segments


def test_a_folder_inside_a_project_means_the_documents_beneath_it(acme_dir: Path):
    [target] = resolve_targets([acme_dir / "segments"])
    selected = select_documents(load_project(acme_dir), target)
    assert {d.kind for d in selected} == {DocumentKind.SEGMENT}
    assert len(selected) == len(list((acme_dir / "segments").iterdir()))


def test_paths_in_one_project_merge_and_the_whole_project_wins(acme_dir: Path):
    one, two = sorted((acme_dir / "journeys").iterdir())[:2]
    assert resolve_targets([one, two]) == [Target(acme_dir, frozenset({one, two}))]
    assert resolve_targets([one, acme_dir, two]) == [Target(acme_dir)]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda root: root / "missing", "no such file or folder"),
        (lambda root: root.parent / "empty", "holds no journeysim project"),
        (lambda root: root / "workspace.txt", "not a journeysim document"),
        (lambda root: root / "journeys" / "old" / "x.json", "is not a document of the project"),
    ],
)
def test_paths_that_name_nothing_to_validate_are_input_errors(
    acme_dir: Path, tmp_path: Path, make, words
):
    root = tmp_path / "project"
    shutil.copytree(acme_dir, root)
    (root / "workspace.txt").write_text("notes")
    (tmp_path / "empty").mkdir()
    (root / "journeys" / "old").mkdir()
    (root / "journeys" / "old" / "x.json").write_text("{}")
    with pytest.raises(InputError, match=words):
        validate_paths([make(root)])


def test_a_folder_the_search_cannot_list_is_an_input_error(
    fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Skipping it would pass the run while a broken project in it went unchecked.
    shutil.copytree(fixtures_dir / "acme", tmp_path / "acme")
    shutil.copytree(fixtures_dir / "invalid" / "cycle_detected", tmp_path / "locked" / "broken")
    locked = tmp_path / "locked"
    real = os.scandir

    def refuse(path=".", *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", refuse)
    with pytest.raises(InputError, match=f"cannot list {re.escape(str(locked))}: Permission"):
        validate_paths([tmp_path])
