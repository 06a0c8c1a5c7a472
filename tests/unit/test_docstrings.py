"""Field docstrings reach the generated schemas, not the models' import."""

from __future__ import annotations

from simulator.docstrings import field_docstrings, models_of, models_under
from simulator.models import Journey, Workspace
from simulator.models.base import DocumentModel, Model
from simulator.schemas import schema_for


def test_models_are_built_without_reading_their_sources():
    # use_attribute_docstrings would set these when the class is made.
    assert Workspace.model_fields["holdout_pct"].description is None
    assert Journey.model_fields["schema_url"].description is None


def test_schemas_describe_fields_with_their_docstrings():
    docs = field_docstrings(Workspace)
    properties = schema_for("workspace")["properties"]
    assert docs["schema_url"] == "JSON Schema URL for editors; ignored by journeysim."
    assert properties["$schema"]["description"] == docs["schema_url"]  # inherited field
    described = [name for name in docs if name in Workspace.model_fields]
    assert described and all(
        "description" in properties[Workspace.model_fields[name].alias or name]
        for name in described
    )


def test_nested_definitions_are_described_too():
    definitions = schema_for("journey")["$defs"]
    described = {
        name
        for name, d in definitions.items()
        for p in d.get("properties", {}).values()
        if "description" in p
    }
    assert described, "some step or predicate field has a docstring"


def test_models_are_found_under_a_model_and_among_subclasses():
    under = set(models_under(Journey))
    assert Journey in under and len(under) > 5
    assert {DocumentModel, Workspace, Journey} <= set(models_of(Model))
