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
