"""Project folders (SPEC §1.7): read JSON/YAML documents with their source positions,
build the ``World``, and report every problem at its file, line and column.

The names below are imported on first use (PEP 562), so that importing one light
part (``simulator.project.kinds``, say, for the CLI's help) does not import the
loader, the models and the validator with it.
"""

from __future__ import annotations

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
    from simulator.project.checks import (
        first_error,
        journey_errors,
        not_a_valid_subject,
        referenced_documents,
        subject_problems,
        validate_project,
    )
    from simulator.project.documents import (
        MAX_DOCUMENT_BYTES,
        SOURCE_SUFFIXES,
        Document,
        DocumentKind,
        peek_id,
        read_bounded,
        read_document,
        undecodable_at,
    )
    from simulator.project.ids import PEEK_BYTES, declared_id
    from simulator.project.json_source import load_json, parse_json
    from simulator.project.loader import (
        WORKSPACE_FILES,
        LoadedProject,
        find_project_root,
        is_project,
        load_project,
        workspace_files,
    )
    from simulator.project.positions import ParsedSource, Position, SourceSyntaxError
    from simulator.project.runs import ValidationRun, validate_paths
    from simulator.project.targets import (
        SKIPPED_FOLDERS,
        Target,
        find_projects,
        resolve_targets,
        select_documents,
    )
    from simulator.project.yaml_source import load_yaml, parse_yaml

_HOMES = {
    "MAX_DOCUMENT_BYTES": "documents",
    "PEEK_BYTES": "ids",
    "SKIPPED_FOLDERS": "targets",
    "SOURCE_SUFFIXES": "kinds",
    "WORKSPACE_FILES": "loader",
    "Document": "documents",
    "DocumentKind": "kinds",
    "LoadedProject": "loader",
    "ParsedSource": "positions",
    "Position": "positions",
    "SourceSyntaxError": "positions",
    "Target": "targets",
    "ValidationRun": "runs",
    "declared_id": "ids",
    "find_project_root": "loader",
    "first_error": "checks",
    "find_projects": "targets",
    "is_project": "loader",
    "journey_errors": "checks",
    "load_json": "json_source",
    "load_project": "loader",
    "load_yaml": "yaml_source",
    "not_a_valid_subject": "checks",
    "parse_json": "json_source",
    "parse_yaml": "yaml_source",
    "peek_id": "documents",
    "read_bounded": "documents",
    "read_document": "documents",
    "referenced_documents": "checks",
    "resolve_targets": "targets",
    "select_documents": "targets",
    "subject_problems": "checks",
    "undecodable_at": "documents",
    "validate_paths": "runs",
    "validate_project": "checks",
    "workspace_files": "loader",
}

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "PEEK_BYTES",
    "SKIPPED_FOLDERS",
    "SOURCE_SUFFIXES",
    "WORKSPACE_FILES",
    "Document",
    "DocumentKind",
    "LoadedProject",
    "ParsedSource",
    "Position",
    "SourceSyntaxError",
    "Target",
    "ValidationRun",
    "declared_id",
    "find_project_root",
    "find_projects",
    "first_error",
    "is_project",
    "journey_errors",
    "load_json",
    "load_project",
    "load_yaml",
    "not_a_valid_subject",
    "parse_json",
    "parse_yaml",
    "peek_id",
    "read_bounded",
    "read_document",
    "referenced_documents",
    "resolve_targets",
    "select_documents",
    "subject_problems",
    "undecodable_at",
    "validate_paths",
    "validate_project",
    "workspace_files",
]


__getattr__, __dir__ = _exports(__name__, _HOMES)
