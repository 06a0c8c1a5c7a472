"""The project loader: a folder of JSON/YAML files in, a ``World`` and journeys out.

Layout (SPEC §1.7)::

    <project>/workspace.json   (or .yaml / .yml)
    <project>/journeys/*        communications/*   segments/*   triggers/*   subjects/*

Only ``.json``, ``.yaml`` and ``.yml`` files directly inside those folders are
documents; anything else is ignored. Files are read in name order, so "the later
file" of two that share an id is the one whose name sorts later; the earlier one
wins and the later one gets an ``invalid_document`` finding at its id.

A bad document never raises: it becomes a located finding and is left out of the
``World``. When the workspace itself is unusable, ``world`` is ``None`` and the
journeys are still checked on their own (cross-document checks are skipped).

``load_project(root, files=...)`` reads only what a command given files needs: the
workspace, those files (a folder: the documents directly in it, or beneath it) and,
transitively, the documents they refer to (see ``simulator.project.references``),
so a broken sibling (huge, unreadable, a dangling link) is not its problem.
Decisions for that mode:

* a referenced document is looked for as ``<folder>/<id>.json`` (``.yaml``, ``.yml``)
  first and, when no such file holds that id, by reading the folder's other files;
  files the search cannot read are passed over (they are no file the user named);
* when the workspace lists no ``knownAttributes``, the subjects are read too, since the
  attributes seen on them are what templates may use;
* duplicate ids are reported among the documents read; ``journeysim validate`` of
  the whole project reports every one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from simulator.codes import FindingCode
from simulator.errors import InputError
from simulator.findings import Finding, make_finding
from simulator.project.documents import SOURCE_SUFFIXES, Document, DocumentKind, read_document

if TYPE_CHECKING:
    from simulator.models import Journey
    from simulator.world import World

__all__ = [
    "WORKSPACE_FILES",
    "LoadedProject",
    "find_project_root",
    "is_project",
    "load_project",
    "workspace_files",
]

WORKSPACE_FILES = ("workspace.json", "workspace.yaml", "workspace.yml")


def absolute(path: str | os.PathLike[str]) -> Path:
    """An absolute, ``..``-free path that keeps symlinks as the user named them."""
    return Path(os.path.abspath(path))


def workspace_files(folder: Path) -> list[Path]:
    """The workspace files directly in ``folder``, in preference order. When there is
    none, a folder with the name counts, so that a ``workspace.json`` made a folder by
    mistake is reported as one that cannot be read ("Is a directory"), not as missing."""
    files = [folder / name for name in WORKSPACE_FILES if (folder / name).is_file()]
    return files or [folder / name for name in WORKSPACE_FILES if (folder / name).exists()]


def is_project(folder: Path) -> bool:
    """Whether ``folder`` is a project folder (it holds a workspace file)."""
    return folder.is_dir() and bool(workspace_files(folder))


def find_project_root(path: str | os.PathLike[str]) -> Path:
    """The nearest folder at or above ``path`` that holds ``workspace.json``/``.yaml``/``.yml``.

    ``InputError`` when ``path`` does not exist or no such folder encloses it.
    """
    given = absolute(path)
    if not given.exists():
        raise InputError(f"{path}: no such file or folder", location=str(path))
    start = given if given.is_dir() else given.parent
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    raise InputError(
        f"{path} is not in a journeysim project: no workspace.json (or .yaml, .yml) "
        "in it or in any folder above it",
        location=str(path),
    )


@dataclass(frozen=True)
class LoadedProject:
    """Everything read from one project folder."""

    root: Path
    world: World | None
    """``None`` when the workspace document is unusable."""
    journeys: Mapping[str, Journey]
    """Journeys that parsed and validated as models, by id (the first file wins)."""
    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    """Located findings for files that did not parse or validate, and duplicate ids."""

    def document(self, file: Document | str | os.PathLike[str]) -> Document:
        """The document for a path (absolute or relative to the root) or report name."""
        if isinstance(file, Document):
            return file
        wanted = absolute(self.root / file) if not PurePath(file).is_absolute() else absolute(file)
        for document in self.documents:
            if document.path == wanted or document.name == str(file):
                return document
        raise KeyError(str(file))

    def paths(self) -> list[Path]:
        """The files read, one per document."""
        return [document.path for document in self.documents]

    def findings_of(self, document: Document) -> list[Finding]:
        """The loader's findings in ``document``'s file."""
        return [f for f in self.findings if f.source and f.source.file == document.name]

    def find(self, kind: DocumentKind, document_id: str) -> Document | None:
        """The (first) document of ``kind`` with this id."""
        return self._by_id.get((kind, document_id))

    @cached_property
    def _by_id(self) -> dict[tuple[DocumentKind, str], Document]:
        index: dict[tuple[DocumentKind, str], Document] = {}
        for document in self.documents:
            if document.id is not None:
                index.setdefault((document.kind, document.id), document)
        return index

    def of_kind(self, kind: DocumentKind) -> Iterator[Document]:
        return (document for document in self.documents if document.kind is kind)

    def locate(self, file: Document | str | os.PathLike[str], finding: Finding) -> Finding:
        """``finding`` with ``source`` set to where its pointer starts in ``file``."""
        return self.document(file).locate(finding)


def load_project(
    root: str | os.PathLike[str],
    *,
    relative_to: str | os.PathLike[str] | None = None,
    files: Iterable[str | os.PathLike[str]] | None = None,
    ids: Iterable[tuple[DocumentKind, str]] = (),
    journey_models: bool = True,
) -> LoadedProject:
    """Read the documents of the project at ``root``: all of them, or with ``files``,
    the workspace, those files and folders, the documents named by ``ids`` and what
    they all refer to (see the module docstring).

    Findings name files relative to ``relative_to`` (default: the project root) when
    they lie beneath it, else by absolute path. ``journey_models=False`` leaves
    journeys as parsed data (``model`` ``None``, ``journeys`` empty) for callers that
    only validate them. ``InputError`` only when the root is not a project or a file
    that must be read cannot be.
    """
    folder = absolute(root)
    if not folder.exists():
        raise InputError(f"{root}: no such folder", location=str(root))
    if not folder.is_dir():
        raise InputError(f"{root} is a file, not a project folder", location=str(root))
    if not is_project(folder):
        raise InputError(
            f"{root} is not a journeysim project folder: it has no workspace.json (or .yaml, .yml)",
            location=str(root),
        )
    base = absolute(relative_to) if relative_to is not None else folder
    workspace, *extras = workspace_files(folder)
    reader = _Reader(folder, base, journey_models)
    reader.read(workspace, DocumentKind.WORKSPACE)
    if files is None:
        for path, kind in _document_files(folder):
            reader.read(path, kind)
    else:
        reader.select([absolute(path) for path in files], ids)
    documents = reader.documents()
    findings = reader.findings
    # Extra workspace files are reported, not read: which one counts must be no guess.
    ignored = [Document(path=p, name=_name(p, base), kind=DocumentKind.WORKSPACE) for p in extras]
    message = f"a project has one workspace file; {workspace.name} is the one used"
    findings.extend(d.locate(make_finding(FindingCode.INVALID_DOCUMENT, message)) for d in ignored)
    documents[1:1] = ignored
    findings.extend(_duplicate_ids(documents))
    return LoadedProject(
        root=folder,
        world=_world(documents),
        journeys=_first_models(documents, DocumentKind.JOURNEY),
        documents=tuple(documents),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
    )


class _Reader:
    """Reads each file once and follows references on demand."""

    def __init__(self, folder: Path, base: Path, journey_models: bool) -> None:
        self.folder = folder
        self.base = base
        self.journey_models = journey_models
        self.read_files: dict[Path, Document | None] = {}
        self.findings: list[Finding] = []
        self.listed: dict[DocumentKind, list[Path]] = {}

    def read(self, path: Path, kind: DocumentKind, *, required: bool = True) -> Document | None:
        if path in self.read_files:
            return self.read_files[path]
        build = self.journey_models or kind is not DocumentKind.JOURNEY
        try:
            name = _name(path, self.base)
            document, problems = read_document(path, kind, name, build_model=build)
        except InputError:
            if required:
                raise
            self.read_files[path] = None
            return None
        self.read_files[path] = document
        self.findings.extend(problems)
        return document

    def documents(self) -> list[Document]:
        order = {kind: index for index, kind in enumerate(DocumentKind)}
        found = [d for d in self.read_files.values() if d is not None]
        return sorted(found, key=lambda d: (order[d.kind], d.path))

    def listing(self, kind: DocumentKind) -> list[Path]:
        if kind not in self.listed:
            self.listed[kind] = [path for path, _ in _document_files(self.folder, kinds=[kind])]
        return self.listed[kind]

    def select(self, paths: list[Path], ids: Iterable[tuple[DocumentKind, str]]) -> None:
        folders = [path for path in paths if path.is_dir()]
        for kind in DocumentKind:
            if kind.folder is None:
                continue
            whole = self.folder / kind.folder
            if any(whole.is_relative_to(wanted) for wanted in folders):
                for path in self.listing(kind):
                    self.read(path, kind)
        for path in paths:
            kind = self.kind_of(path)
            if kind is not None:
                self.read(path, kind)
        wanted = list(ids)
        workspace = next(iter(self.read_files.values())).model
        if workspace is not None and workspace.known_attributes is None:
            for path in self.listing(DocumentKind.SUBJECT):
                self.read(path, DocumentKind.SUBJECT, required=False)
        pending = [d for d in self.read_files.values() if d is not None]
        seen: set[tuple[DocumentKind, str]] = set()
        while pending or wanted:
            if pending:
                document = pending.pop()
                wanted.extend(document.references)
                continue
            key = wanted.pop()
            if key in seen:
                continue
            seen.add(key)
            found = self.find(*key)
            if found is not None:
                pending.append(found)

    def kind_of(self, path: Path) -> DocumentKind | None:
        """The kind of a file that is a project document by its place, else ``None``."""
        if path.suffix not in SOURCE_SUFFIXES or path.name.startswith("."):
            return None
        for kind in DocumentKind:
            if kind.folder is not None and path.parent == self.folder / kind.folder:
                return kind
        return None

    def find(self, kind: DocumentKind, document_id: str) -> Document | None:
        """The document of ``kind`` with this id: already read, at its conventional
        name, or found by reading the kind's folder; ``None`` when there is none."""
        for document in self.read_files.values():
            if document is not None and document.kind is kind and document.id == document_id:
                return document
        if kind.folder is None:
            return None
        if PurePath(document_id).name == document_id and not document_id.startswith("."):
            for suffix in SOURCE_SUFFIXES:
                path = self.folder / kind.folder / f"{document_id}{suffix}"
                if path in self.listing(kind):
                    document = self.read(path, kind)
                    if document is not None and document.id == document_id:
                        return document
        for path in self.listing(kind):
            document = self.read(path, kind, required=False)
            if document is not None and document.id == document_id:
                return document
        return None


def _name(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)


def _document_files(
    folder: Path, kinds: Iterable[DocumentKind] = DocumentKind
) -> Iterator[tuple[Path, DocumentKind]]:
    for kind in kinds:
        if kind.folder is None or not (folder / kind.folder).is_dir():
            continue
        try:
            entries = sorted((folder / kind.folder).iterdir())
        except OSError as exc:
            raise InputError(f"cannot list {folder / kind.folder}: {exc.strerror}") from exc
        for path in entries:
            # A dangling symlink is read (and fails loudly) rather than skipped in silence.
            readable = path.is_file() or path.is_symlink()
            if path.suffix in SOURCE_SUFFIXES and not path.name.startswith(".") and readable:
                yield path, kind


def _duplicate_ids(documents: list[Document]) -> Iterator[Finding]:
    first: dict[tuple[DocumentKind, str], Document] = {}
    for document in documents:
        if document.id is None:
            continue
        earlier = first.setdefault((document.kind, document.id), document)
        if earlier is not document:
            message = (
                f"duplicate {document.kind} id {document.id!r}: {earlier.name} already "
                "defines it (the first file wins)"
            )
            pointer = f"/{document.kind.id_key}"
            yield document.locate(make_finding(FindingCode.INVALID_DOCUMENT, message, pointer))


def _first_models(documents: list[Document], kind: DocumentKind) -> dict:
    models: dict = {}
    for document in documents:
        if document.kind is kind and document.model is not None:
            models.setdefault(document.id, document.model)
    return models


def _world(documents: list[Document]) -> World | None:
    from simulator.world import World

    workspace = next((d.model for d in documents if d.kind is DocumentKind.WORKSPACE), None)
    if workspace is None:
        return None
    return World(
        workspace=workspace,
        communications=_first_models(documents, DocumentKind.COMMUNICATION),
        segments=_first_models(documents, DocumentKind.SEGMENT),
        trigger_contracts=_first_models(documents, DocumentKind.TRIGGER_CONTRACT),
        subjects=_first_models(documents, DocumentKind.SUBJECT),
    )
