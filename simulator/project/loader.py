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

* a referenced document is every file of its kind's folder that declares its id, so
  that two files declaring it are reported (the ``invalid_document`` duplicate finding
  the whole project gives, in the later file) rather than one being used in silence.
  Which files declare an id is known without parsing them: the file named for it
  (``<id>.json``, ``.yaml``, ``.yml``) is read, and of the others only the first
  ``PEEK_BYTES`` (``simulator.project.ids``); only those that declare the id there are
  read in full, and kept when they really do. A file the look cannot read, a pipe or
  a device is passed over, so a broken sibling never changes the outcome;
* the trade-off: a duplicate whose id comes after its first ``PEEK_BYTES`` is not seen
  (``journeysim validate`` of the whole project reports it). When no file shows the id
  that way, the folder's other files are read in full and kept, one by one, until one
  declares it (a document under another name, with a long head); when none does, the
  reference is unknown (an error anyway) and the ids read are what a "did you mean"
  suggests;
* a journey file asked for is the journey it holds: when an earlier file of
  ``journeys/`` (in name order, the one the project uses) declares the same id, the
  file asked for gets the duplicate finding; when only later files do, the duplicates
  are theirs (the file asked for is the journey that counts) and they are not read;
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
from simulator.project.documents import (
    SOURCE_SUFFIXES,
    Document,
    DocumentKind,
    peek_id,
    read_document,
)

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
        """The (first) document of ``kind`` with this id: the one that counts."""
        declaring = self.declaring(kind, document_id)
        return declaring[0] if declaring else None

    def declaring(self, kind: DocumentKind, document_id: str) -> list[Document]:
        """Every document of ``kind`` with this id, in file order: the first counts, the
        others are duplicates (each has a finding)."""
        return self._by_id.get((kind, document_id), [])

    @cached_property
    def _by_id(self) -> dict[tuple[DocumentKind, str], list[Document]]:
        index: dict[tuple[DocumentKind, str], list[Document]] = {}
        for document in self.documents:
            if document.id is not None:
                index.setdefault((document.kind, document.id), []).append(document)
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
        self.loaded: dict[Path, tuple[Document, list[Finding]] | None] = {}
        """Every file read in full, kept or not; ``None`` for one that could not be."""
        self.kept: dict[Path, Document] = {}
        """The files that are documents of the result."""
        self.peeked: dict[Path, str | None] = {}
        self.findings: list[Finding] = []
        self.listed: dict[DocumentKind, list[Path]] = {}

    def read(
        self,
        path: Path,
        kind: DocumentKind,
        *,
        required: bool = True,
        declaring: str | None = None,
    ) -> Document | None:
        """The document of ``path``, kept with its findings; with ``declaring``, only
        when it declares that id (else ``None``, and it stays out of the result)."""
        loaded = self.load(path, kind, required=required)
        if loaded is None:
            return None
        document, problems = loaded
        if declaring is not None and document.id != declaring:
            return None
        if path not in self.kept:
            self.kept[path] = document
            self.findings.extend(problems)
        return document

    def load(
        self, path: Path, kind: DocumentKind, *, required: bool = True
    ) -> tuple[Document, list[Finding]] | None:
        if path not in self.loaded:
            build = self.journey_models or kind is not DocumentKind.JOURNEY
            try:
                self.loaded[path] = read_document(
                    path, kind, _name(path, self.base), build_model=build
                )
            except InputError:
                if required:
                    raise
                self.loaded[path] = None
        return self.loaded[path]

    def peek(self, path: Path, kind: DocumentKind) -> str | None:
        if path not in self.peeked:
            self.peeked[path] = peek_id(path, kind)
        return self.peeked[path]

    def documents(self) -> list[Document]:
        order = {kind: index for index, kind in enumerate(DocumentKind)}
        return sorted(self.kept.values(), key=lambda d: (order[d.kind], d.path))

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
        asked = []
        for path in paths:
            kind = self.kind_of(path)
            if kind is not None:
                asked.append(self.read(path, kind))
        for document in asked:
            if document is not None and document.kind is DocumentKind.JOURNEY:
                self.findings.extend(self.shadowed(document))
        wanted = list(ids)
        workspace = next(iter(self.kept.values())).model
        if workspace is not None and workspace.known_attributes is None:
            for path in self.listing(DocumentKind.SUBJECT):
                self.read(path, DocumentKind.SUBJECT, required=False)
        pending = list(self.kept.values())
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

    def shadowed(self, journey: Document) -> Iterator[Finding]:
        """The duplicate finding for a journey file asked for when an earlier file of
        its folder declares its id (and is not itself read: then ``_duplicate_ids``
        reports it). That file is read to be sure, but stays out of the result: its
        own problems and references are not the asked file's."""
        if journey.id is None or journey.path not in self.listing(DocumentKind.JOURNEY):
            return
        for path in self.listing(DocumentKind.JOURNEY):
            if path >= journey.path:
                return
            if path in self.kept or self.peek(path, DocumentKind.JOURNEY) != journey.id:
                continue
            loaded = self.load(path, DocumentKind.JOURNEY, required=False)
            if loaded is not None and loaded[0].id == journey.id:
                yield _duplicate(journey, loaded[0])
                return

    def kind_of(self, path: Path) -> DocumentKind | None:
        """The kind of a file that is a project document by its place, else ``None``."""
        if path.suffix not in SOURCE_SUFFIXES or path.name.startswith("."):
            return None
        for kind in DocumentKind:
            if kind.folder is not None and path.parent == self.folder / kind.folder:
                return kind
        return None

    def find(self, kind: DocumentKind, document_id: str) -> Document | None:
        """The first (by file name) of the documents of ``kind`` that declare this id,
        all of which are kept, so that a duplicate is reported; ``None`` when there is
        none. See the module docstring for how they are found."""
        if kind.folder is not None:
            listing = self.listing(kind)
            named = [path for path in listing if path.stem == document_id]
            for path in named:  # a file named for the id is read whatever it holds
                self.read(path, kind)
            others = [path for path in listing if path not in named]
            for path in others:
                if self.peek(path, kind) == document_id:
                    self.read(path, kind, required=False, declaring=document_id)
            if not self.declaring(kind, document_id):
                # None shows the id: read the others, kept (a validator's "did you mean"
                # suggests their ids), until one declares it after all.
                for path in others:
                    document = self.read(path, kind, required=False)
                    if document is not None and document.id == document_id:
                        break
        found = self.declaring(kind, document_id)
        return min(found, key=lambda document: document.path) if found else None

    def declaring(self, kind: DocumentKind, document_id: str) -> list[Document]:
        return [d for d in self.kept.values() if d.kind is kind and d.id == document_id]


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
            yield _duplicate(document, earlier)


def _duplicate(document: Document, earlier: Document) -> Finding:
    """The finding, at ``document``'s id, that ``earlier`` already declares that id."""
    message = (
        f"duplicate {document.kind} id {document.id!r}: {earlier.name} already "
        "defines it (the first file wins)"
    )
    pointer = f"/{document.kind.id_key}"
    return document.locate(make_finding(FindingCode.INVALID_DOCUMENT, message, pointer))


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
