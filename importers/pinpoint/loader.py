"""The I/O shell of the Pinpoint importer: read export files, write bundles and projects.

Reading: the journey export is one JSON file; ``--templates`` is a folder of template
exports (every ``*.json`` in it; any other file is skipped with a ``file_skipped``
warning, hidden files silently); ``--segments`` is a segment export file or a folder
of them. A folder is read in sorted file-name order, which is the order the
translator's "first one wins" rule for a template or segment defined twice follows.
Anything that cannot be read or is not JSON raises
:class:`~simulator.errors.InputError` (exit code 2) with the file and, for JSON
syntax errors, the line and column, plus a hint when the text is a JavaScript object
literal or a Python ``repr`` (``print(response)`` instead of ``json.dumps``), the two
near-misses migrators paste most. Files that are JSON but not Pinpoint exports are
the translator's business: they become report entries, which :class:`ImportRun`
places at a line and column of the file they point into.

Writing: :func:`write_project` lays a bundle out as a journeysim project folder
(SPEC §1.7), so ``journeysim validate`` and ``simulate`` can run on it directly. It
refuses to overwrite any existing file, and checks that before writing anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.pinpoint.bundle import ImportBundle, ReportEntry
from importers.pinpoint.checks import IMPORT_WORKSPACE, template_attributes
from importers.pinpoint.translator import translate
from simulator.codes import ImportCode, import_severity_of
from simulator.errors import InputError
from simulator.files import write_all
from simulator.models import DEFAULT_PII_ATTRIBUTES, DocumentModel
from simulator.project.documents import MAX_DOCUMENT_BYTES, read_bounded
from simulator.project.json_source import parse_json
from simulator.project.loader import workspace_files
from simulator.project.positions import Position, SourceSyntaxError, lookup
from simulator.schemas import schema_id

__all__ = [
    "EXPORT",
    "ImportRun",
    "SourceFile",
    "import_files",
    "not_json_hint",
    "project_files",
    "read_source",
    "read_sources",
    "write_project",
]

EXPORT = "export"
"""The document name the journey export goes by in the report."""


@dataclass(frozen=True)
class SourceFile:
    """A JSON file as read: its value and where each JSON pointer starts in it."""

    path: Path
    value: Any
    positions: Mapping[str, Position] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class ImportRun:
    """A translation and the files it came from."""

    bundle: ImportBundle
    report: list[ReportEntry]
    sources: Mapping[str, SourceFile]
    """Document name (``export``, template and segment file names) → the file."""

    def position(self, entry: ReportEntry) -> tuple[Path, int, int] | None:
        """The file, line and column an entry's location points at, when in an input file."""
        source = self.sources.get(entry.document or "")
        if source is None or entry.location is None:
            return None
        line, column = lookup(source.positions, entry.location)
        return source.path, line, column


def read_source(path: Path) -> SourceFile:
    """Read one JSON file (``InputError`` when missing, unreadable, over 32 MiB or not JSON).

    Stricter than ``json.loads``: a repeated key in one object is refused (AWS never
    writes one, and keeping either value would silently drop the other).
    """
    try:
        raw = read_bounded(path)
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder, not a JSON file", location=str(path)) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot read {path}: {reason}", location=str(path)) from exc
    if raw is None:
        size = MAX_DOCUMENT_BYTES // (1024 * 1024)
        raise InputError(f"{path} is larger than {size} MiB: not an export", location=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text", location=str(path)) from exc
    try:
        parsed = parse_json(text)
    except SourceSyntaxError as exc:
        where = f"{path}:{exc.line}:{exc.column}"
        hint = not_json_hint(text)
        message = f"{where}: not JSON: {exc.message}" + (f" ({hint})" if hint else "")
        raise InputError(message, location=where) from exc
    return SourceFile(path, parsed.value, parsed.positions)


_JS = re.compile(
    r"^\s*(?:(?:export\s+default|module\.exports\s*=|(?:const|let|var)\s+\w+\s*=)|//|/\*)"
    r"|^\s*\{\s*[A-Za-z_$][\w$]*\s*:",
    re.MULTILINE,
)
_PYTHON = re.compile(
    r"""^\s*\{\s*'[^']*'\s*:|:\s*(?:None|True|False)\s*[,}]|datetime\.datetime\("""
)


def not_json_hint(text: str) -> str | None:
    """What a text that is not JSON probably is, and how to get JSON from it.

    >>> not_json_hint("{'JourneyResponse': {'Name': 'x', 'LocalTime': False}}")[:31]
    'this looks like a Python repr ('
    >>> not_json_hint("const journey = {Name: 'x'}")[:29]
    'this looks like JavaScript (a'
    >>> not_json_hint('{"Name": }') is None
    True
    """
    head = text[:4096]
    if _PYTHON.search(head):
        return (
            "this looks like a Python repr (print(response)), not JSON: write it with "
            "json.dumps(response, indent=2, default=str)"
        )
    if _JS.search(head):
        return (
            "this looks like JavaScript (an object literal), not JSON: write it with "
            "JSON.stringify(value, null, 2)"
        )
    return None


def read_sources(path: Path, skipped: list[ReportEntry] | None = None) -> dict[str, SourceFile]:
    """Every ``*.json`` of a folder (or the one file ``path``), keyed by path.

    Other entries of the folder are appended to ``skipped`` as ``file_skipped`` warnings
    (hidden ones, such as ``.DS_Store``, are not).
    """
    if path.is_file():
        return {str(path): read_source(path)}
    if not path.is_dir():
        raise InputError(f"{path} does not exist", location=str(path))
    files = sorted(path.iterdir())
    chosen = [file for file in files if file.suffix.lower() == ".json" and file.is_file()]
    for file in files:
        if file not in chosen and not file.name.startswith(".") and skipped is not None:
            skipped.append(_skipped(file))
    return {str(file): read_source(file) for file in chosen}


def _skipped(file: Path) -> ReportEntry:
    if file.is_symlink() and not file.exists():
        what = "a link that leads to no file (dangling, or a loop)"
    elif file.is_dir():
        what = "a folder"
    elif file.suffix.lower() == ".json":
        what = "not a regular file"  # a FIFO or a device: nothing to read a template from
    else:
        what = "not a .json file"
    message = (
        f"{file} is {what}: skipped (exports are the JSON the AWS CLI prints, e.g. "
        "`aws pinpoint get-email-template --template-name NAME > NAME.json`)"
    )
    code = ImportCode.FILE_SKIPPED
    return ReportEntry(severity=import_severity_of(code), code=code.value, message=message)


def import_files(
    export: Path,
    templates: Path | None = None,
    segments: Path | None = None,
    *,
    goal_event: str | None = None,
    goal_window_days: int | None = None,
) -> ImportRun:
    """Read the files and translate them (see :func:`importers.pinpoint.translate`).

    Files skipped in the folders come first in the report.
    """
    journey = read_source(export)
    skipped: list[ReportEntry] = []
    template_files = read_sources(templates, skipped) if templates is not None else {}
    segment_files = read_sources(segments, skipped) if segments is not None else {}
    bundle, report = translate(
        journey.value,
        {name: source.value for name, source in template_files.items()},
        {name: source.value for name, source in segment_files.items()},
        goal_event=goal_event,
        goal_window_days=goal_window_days,
    )
    report = [*skipped, *report]
    bundle = bundle.model_copy(update={"report": report})
    sources = {EXPORT: journey, **template_files, **segment_files}
    return ImportRun(bundle, report, sources)


def project_files(bundle: ImportBundle, root: Path) -> dict[Path, str]:
    """The files :func:`write_project` writes for the bundle under ``root``: path to text.

    An existing workspace file (``.json``, ``.yaml`` or ``.yml``) is kept (importing
    into a project); otherwise a ``workspace.json`` is planned whose ``knownAttributes``
    are the PII defaults plus every attribute the templates read.
    """
    files: dict[Path, dict[str, Any]] = {}
    if not workspace_files(root):
        known = sorted({*DEFAULT_PII_ATTRIBUTES, *template_attributes(bundle)})
        workspace = IMPORT_WORKSPACE.model_copy(update={"known_attributes": known})
        files[root / "workspace.json"] = _document(workspace, "workspace")
    groups = (
        ("journeys", bundle.journeys, "journey"),
        ("communications", bundle.communications, "communication"),
        ("segments", bundle.segments, "segment"),
        ("triggers", bundle.trigger_contracts, "trigger-contract"),
    )
    for folder, documents, kind in groups:
        names: set[str] = set()
        for document in documents:
            name = _file_name(document.id, names)
            files[root / folder / name] = _document(document, kind)
    return {
        path: json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        for path, content in files.items()
    }


def _ids_taken(planned: Mapping[Path, str], root: Path) -> list[str]:
    """The planned documents whose id a document of the same kind already holds in the
    project at ``root`` under another file name (``communications/welcome.json`` beside
    the planned ``communications/email-welcome-email.json``, both ``email-welcome``):
    written, they would be duplicates that ``validate`` reports, the older one winning."""
    from simulator.project import DocumentKind, load_project

    if not workspace_files(root):  # a new folder, or not a project yet: nothing to clash with
        return []
    kinds = {kind.folder: kind for kind in DocumentKind if kind.folder}
    held = {(d.kind, d.id): d for d in load_project(root).documents if d.id is not None}
    taken = []
    for path, text in planned.items():
        kind = kinds.get(path.parent.name)
        if kind is None:
            continue
        document_id = json.loads(text).get(kind.id_key)
        existing = held.get((kind, document_id))
        if existing is not None:
            taken.append(f"{kind.value} {document_id!r} (the project's {existing.name})")
    return taken


def write_project(
    bundle: ImportBundle, root: Path, files: Mapping[Path, str] | None = None
) -> list[Path]:
    """Write the bundle's documents as a project under ``root``; the files written.

    ``files`` is what :func:`project_files` planned (computed here when not given: a
    caller that checks the plan first passes it). No file is ever overwritten
    (``InputError`` before writing any), and the files appear all together or not at
    all (:func:`simulator.files.write_all`).
    """
    planned = project_files(bundle, root) if files is None else files
    existing = [str(path) for path in planned if path.exists()]
    if existing:
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        shown = ", ".join(existing[:3]) + more
        raise InputError(
            f"refusing to overwrite {shown}: nothing written; import into an empty or new "
            "folder, or move those files away first",
            code="would_overwrite",
            location=str(root),
        )
    taken = _ids_taken(planned, root)
    if taken:
        more = f" and {len(taken) - 3} more" if len(taken) > 3 else ""
        raise InputError(
            f"refusing to import {', '.join(taken[:3])}{more}: the project already has "
            "that id in another file, and the first file would win; nothing written. "
            "Rename or move the project's document first",
            code="would_overwrite",
            location=str(root),
        )
    write_all(planned, make_folders=True)
    return list(planned)


def _document(model: DocumentModel, kind: str) -> dict[str, Any]:
    return {"$schema": schema_id(kind), **model.to_wire()}


def _file_name(document_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]", "_", document_id).strip(".") or "document"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.lower())
    return f"{name}.json"
