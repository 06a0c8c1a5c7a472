"""Project folders (SPEC §1.7): read JSON/YAML documents with their source positions,
build the ``World``, and report every problem at its file, line and column."""

from simulator.project.checks import referenced_documents, validate_project
from simulator.project.documents import (
    MAX_DOCUMENT_BYTES,
    SOURCE_SUFFIXES,
    Document,
    DocumentKind,
    read_bounded,
    read_document,
)
from simulator.project.json_source import parse_json
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
from simulator.project.yaml_source import parse_yaml

__all__ = [
    "MAX_DOCUMENT_BYTES",
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
    "find_project_root",
    "find_projects",
    "is_project",
    "load_project",
    "parse_json",
    "parse_yaml",
    "read_bounded",
    "read_document",
    "referenced_documents",
    "resolve_targets",
    "select_documents",
    "validate_paths",
    "validate_project",
    "workspace_files",
]
