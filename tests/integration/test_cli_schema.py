"""``journeysim schema``: list, print and write the published JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from simulator.schemas import SCHEMA_KINDS


def test_without_a_kind_it_lists_every_kind_with_its_id(run_cli):
    result = run_cli("schema")
    assert result.exit_code == 0
    listed = [line.split() for line in result.stdout.splitlines()]
    assert [kind for kind, _ in listed] == list(SCHEMA_KINDS)
    assert all(url == f"https://journeysim.dev/schemas/{kind}.schema.json" for kind, url in listed)


def test_a_kind_prints_its_schema_as_json(run_cli):
    result = run_cli("schema", "journey")
    schema = json.loads(result.stdout)
    assert schema["$id"] == "https://journeysim.dev/schemas/journey.schema.json"
    assert "$schema" in schema["properties"]


def test_out_writes_every_schema_and_a_fixture_validates_against_its_file(
    run_cli, tmp_path: Path, acme_dir: Path
):
    result = run_cli("schema", "--out", str(tmp_path / "schemas"))
    assert result.exit_code == 0
    written = {path.name for path in (tmp_path / "schemas").iterdir()}
    assert written == {f"{kind}.schema.json" for kind in SCHEMA_KINDS}
    journey = json.loads((acme_dir / "journeys" / "act-onb-2026.json").read_text())
    name = journey["$schema"].rsplit("/", 1)[-1]
    schema = json.loads((tmp_path / "schemas" / name).read_text())
    jsonschema.Draft202012Validator(schema).validate(journey)


def test_out_with_a_kind_writes_just_that_one(run_cli, tmp_path: Path):
    run_cli("schema", "segment", "--out", str(tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == ["segment.schema.json"]


def test_an_unknown_kind_is_a_usage_error(run_cli):
    result = run_cli("schema", "jounrey")
    assert result.exit_code == 2
    assert "unknown schema kind 'jounrey'" in result.stderr and result.stdout == ""


def test_out_that_is_a_file_is_unwritable_output_and_keeps_the_file(run_cli, tmp_path: Path):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    result = run_cli("schema", "--out", str(taken))
    assert result.exit_code == 2
    assert result.stderr == (
        f"journeysim: error: --out {taken} is a file, not a folder [unwritable_output]\n"
    )
    assert taken.read_text() == "mine"


def test_out_writes_every_schema_or_none_and_makes_missing_folders(run_cli, tmp_path: Path):
    """One schema that cannot be written (its name is taken by a folder) leaves no other
    written; otherwise ``--out a/b`` makes the folders, as mkdir -p."""
    blocked = tmp_path / "blocked"
    (blocked / "segment.schema.json").mkdir(parents=True)
    result = run_cli("schema", "--out", str(blocked))
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith(
        "segment.schema.json: Is a directory [unwritable_output]"
    )
    assert [p.name for p in blocked.iterdir()] == ["segment.schema.json"]
    deep = tmp_path / "new" / "schemas"
    made = run_cli("schema", "journey", "--out", str(deep))
    assert made.exit_code == 0 and made.stdout == f"{deep / 'journey.schema.json'}\n"
    assert json.loads((deep / "journey.schema.json").read_text())["title"]
