"""The published JSON Schemas: valid draft 2020-12, and true to the documents."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from simulator.project import DocumentKind, load_project
from simulator.schemas import SCHEMA_KINDS, schema_for, schema_id

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_for(kind))


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_each_schema_is_draft_2020_12_with_its_id(kind):
    schema = schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DIALECT
    assert schema["$id"] == f"https://journeysim.dev/schemas/{kind}.schema.json"
    assert "discriminator" not in json.dumps(schema)


def test_every_example_file_validates_against_the_schema_it_names(acme_dir: Path):
    by_id = {schema_id(kind): kind for kind in SCHEMA_KINDS}
    loaded = load_project(acme_dir)
    assert loaded.documents
    for document in loaded.documents:
        named = document.data["$schema"]
        assert by_id[named] == document.kind.value, document.name
        errors = [e.message for e in validator(by_id[named]).iter_errors(document.data)]
        assert errors == [], document.name


def test_document_schemas_allow_schema_key_and_refuse_unknown_keys():
    journey = {"$schema": schema_id("journey"), "id": "j", "name": "J"}
    assert validator("journey").is_valid(journey)
    assert not validator("journey").is_valid({**journey, "nmae": "typo"})


def test_a_step_needs_its_type_and_a_branch_its_mode():
    steps = validator("journey")
    exit_only = {"id": "j", "name": "J", "steps": [{"id": "e", "type": "exit"}]}
    assert steps.is_valid(exit_only)
    assert not steps.is_valid({**exit_only, "steps": [{"id": "e"}]})
    branch = {"id": "b", "type": "branch", "arms": [{"armId": "x", "next": "e"}]}
    assert not steps.is_valid({**exit_only, "steps": [branch]})
    assert steps.is_valid({**exit_only, "steps": [{**branch, "mode": "adaptive"}]})


def test_every_document_kind_has_a_schema():
    assert {kind.value for kind in DocumentKind} < set(SCHEMA_KINDS)
    with pytest.raises(KeyError):
        schema_for("nope")


_WORKSPACE = {"id": "w", "projectKey": "pk", "name": "W"}
_JOURNEY = {"id": "j", "name": "J", "triggerContractId": "t"}


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("workspace", {**_WORKSPACE, "quietHours": {"start": "25:00"}}),
        ("workspace", {**_WORKSPACE, "quietHours": {"end": "8:00"}}),
        ("workspace", {**_WORKSPACE, "quietHours": {"start": "24:00"}}),
        ("journey", {**_JOURNEY, "steps": []}),
        ("journey", {**_JOURNEY, "goalEventWindowDays": 7.5}),
        ("workspace", {**_WORKSPACE, "holdoutPct": "5"}),
    ],
    ids=["hour-25", "one-digit-hour", "hour-24", "no-steps", "fraction", "string"],
)
def test_documents_the_validator_refuses_the_schema_refuses_too(kind, document):
    assert not validator(kind).is_valid(document)
    found = validate_documents({"workspace": _WORKSPACE, kind: document}, kind)
    assert any(f.code.value == "invalid_document" for f in found), found


def validate_documents(documents: dict, kind: str) -> list:
    """The validator's findings for ``documents[kind]`` (the journey validator, or the
    workspace model's, as the project loader reports it)."""
    from pydantic import ValidationError

    from simulator.models import Workspace
    from simulator.validation import validate
    from simulator.validation.document import pydantic_findings

    if kind == "journey":
        return validate(documents["journey"])
    try:
        Workspace.model_validate(documents["workspace"])
    except ValidationError as exc:
        return pydantic_findings(exc, documents["workspace"], kind="workspace")
    return []


def test_what_a_schema_cannot_state_it_says_in_words():
    # JSON Schema's integer is any number without a fraction, 5.0 included, and no
    # keyword tells 5.0 from 5; journeysim refuses 5.0. The schema carries the rule
    # as a $comment on every integer (simulator.models.base.Integer).
    workspace, journey = schema_for("workspace"), schema_for("journey")
    assert validator("workspace").is_valid({**_WORKSPACE, "holdoutPct": 5.0})
    assert validate_documents({"workspace": {**_WORKSPACE, "holdoutPct": 5.0}}, "workspace")
    assert "5.0" in workspace["properties"]["holdoutPct"]["$comment"]
    window = journey["properties"]["goalEventWindowDays"]["anyOf"][0]
    assert window["type"] == "integer" and "5.0" in window["$comment"]
    # Time zones: no enum (the zone set is the machine's); an example and the words.
    zone = workspace["$defs"]["QuietHours"]["properties"]["timezone"]
    assert "enum" not in zone and "Europe/Paris" in zone["examples"]
    assert "zone database" in zone["description"]
    subject_zone = schema_for("subject")["properties"]["timezone"]
    assert "zone database" in subject_zone["description"]


def test_journey_steps_and_clock_times_are_constrained_in_the_schema():
    journey, workspace = schema_for("journey"), schema_for("workspace")
    assert journey["properties"]["steps"]["minItems"] == 1
    start = workspace["$defs"]["QuietHours"]["properties"]["start"]
    assert start["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    checks = validator("workspace")
    assert checks.is_valid({**_WORKSPACE, "quietHours": {"start": "23:59", "end": "00:00"}})
