"""JSON Schemas (draft 2020-12) generated from the models, one per document kind plus
the validation report.

Generated on demand, never committed, so they cannot drift from the models;
``journeysim schema --out DIR`` writes them to files. Editors pick them up through a
document's ``$schema`` key, e.g. ``"$schema":
"https://journeysim.dev/schemas/journey.schema.json"``.

The schemas describe the *shape*, with the field rules the validator enforces where
JSON Schema can state them, from the same model field types (``minItems: 1`` on a
journey's steps, a ``pattern`` on quiet hours' ``HH:MM``, ``"type": "integer"`` and
the bounds of integer fields); the validator (``journeysim validate``) checks the rest
(references, cycles, durations, templates) and two field rules no schema can state:
an integer written ``5.0`` (JSON Schema counts it as an integer; journeysim refuses it,
said in a ``$comment``, see ``simulator.models.base.Integer``) and a time-zone name the
zone database does not know (examples, no enum: see ``simulator.models.base.TimeZone``).

Two touches on top of pydantic's output: a discriminated union's tag (a step's
``type``, a branch's ``mode``, a predicate's ``kind``) is marked required in each
alternative, because journeysim refuses a step without one, and the OpenAPI-only
``discriminator`` keyword and the per-property titles (``"Armid"``) are dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.project.kinds import DocumentKind

if TYPE_CHECKING:  # the models are imported when a schema is asked for
    from pydantic import BaseModel

__all__ = [
    "BUNDLE_KIND",
    "JOURNEY_TEST_KIND",
    "REPORT_KIND",
    "SCHEMA_BASE",
    "SCHEMA_KINDS",
    "schema_for",
    "schema_id",
]

SCHEMA_BASE = "https://journeysim.dev/schemas/"
REPORT_KIND = "validation-report"
BUNDLE_KIND = "import-bundle"
JOURNEY_TEST_KIND = "journey-test"
SCHEMA_KINDS: tuple[str, ...] = (
    *(kind.value for kind in DocumentKind),
    REPORT_KIND,
    BUNDLE_KIND,
    JOURNEY_TEST_KIND,
)
"""Every published schema, by kind name."""
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DESCRIPTIONS = {
    DocumentKind.WORKSPACE.value: "A journeysim workspace file (workspace.json).",
    DocumentKind.JOURNEY.value: "A journeysim journey file (journeys/*.json).",
    DocumentKind.COMMUNICATION.value: "A journeysim communication (communications/*.json).",
    DocumentKind.SEGMENT.value: "A journeysim segment, or audience (segments/*.json).",
    DocumentKind.TRIGGER_CONTRACT.value: "A journeysim trigger contract (triggers/*.json).",
    DocumentKind.SUBJECT.value: "A journeysim subject for dry-runs (subjects/*.json).",
    REPORT_KIND: "The JSON output of `journeysim validate --format json` (version 1).",
    BUNDLE_KIND: "A Pinpoint import bundle (`journeysim import-pinpoint -o FILE`).",
    JOURNEY_TEST_KIND: "A journeysim scenario file (*.journeytest.yaml, `journeysim test`).",
}


def schema_id(kind: str) -> str:
    """The ``$id`` of a kind's schema.

    >>> schema_id("journey")
    'https://journeysim.dev/schemas/journey.schema.json'
    """
    return f"{SCHEMA_BASE}{kind}.schema.json"


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (one of ``SCHEMA_KINDS``; ``KeyError`` otherwise)."""
    if kind not in SCHEMA_KINDS:
        raise KeyError(kind)
    if kind == REPORT_KIND:
        from simulator.reporting.model import ValidationReport

        generated = _generate(ValidationReport, "serialization")
    elif kind == BUNDLE_KIND:
        from importers.pinpoint.bundle import ImportBundle

        generated = _generate(ImportBundle, "validation")
    elif kind == JOURNEY_TEST_KIND:
        from simulator.journeytests.model import ScenarioFile

        generated = _generate(ScenarioFile, "validation")
    else:
        generated = _generate(DocumentKind(kind).model, "validation")
    return {
        "$schema": _DIALECT,
        "$id": schema_id(kind),
        "title": generated.pop("title", kind),
        "description": _DESCRIPTIONS[kind],
        **generated,
    }


def _generate(model: type[BaseModel], mode: str) -> dict[str, Any]:
    from simulator.docstrings import add_field_docstrings, describe, models_under

    schema = model.model_json_schema(by_alias=True, mode=mode)  # type: ignore[arg-type]
    definitions = schema.get("$defs", {})
    describe(schema, model)
    add_field_docstrings(definitions, models_under(model))
    _require_tags(schema, definitions)
    return _tidy(schema)


def _require_tags(node: Any, definitions: dict[str, Any]) -> None:
    """Mark each discriminated union's tag required in every alternative."""
    if isinstance(node, dict):
        tag = node.get("discriminator", {}).get("propertyName")
        if tag and "oneOf" in node:
            for name in _leaf_refs(node["oneOf"]):
                required = definitions[name].setdefault("required", [])
                if tag not in required:
                    required.insert(0, tag)
        for value in node.values():
            _require_tags(value, definitions)
    elif isinstance(node, list):
        for value in node:
            _require_tags(value, definitions)


def _leaf_refs(alternatives: list[Any]) -> list[str]:
    names = []
    for alternative in alternatives:
        if "$ref" in alternative:
            names.append(alternative["$ref"].rsplit("/", 1)[-1])
        else:
            names.extend(_leaf_refs(alternative.get("oneOf", [])))
    return names


_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains")


def _tidy(schema: Any, *, is_property: bool = False) -> Any:
    """Drop ``discriminator`` everywhere and the generated title of each property."""
    if not isinstance(schema, dict):
        return schema
    tidied = {}
    for key, value in schema.items():
        if key == "discriminator" or (is_property and key == "title"):
            continue
        if key in _SCHEMA_MAPS:
            value = {
                name: _tidy(sub, is_property=key == "properties") for name, sub in value.items()
            }
        elif key in _SCHEMA_LISTS:
            value = [_tidy(sub) for sub in value]
        elif key in _SCHEMA_VALUES:
            value = _tidy(value)
        tidied[key] = value
    return tidied
