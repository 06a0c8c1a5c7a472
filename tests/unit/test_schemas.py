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
