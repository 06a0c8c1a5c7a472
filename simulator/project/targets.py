"""What a list of command-line paths asks to validate: projects and files within them.

Rules (also in ``journeysim validate --help``):

* a project folder (it holds ``workspace.json``/``.yaml``/``.yml``): the whole project;
* a document file: that file, found in its enclosing project; for a journey, also the
  documents it refers to, each with any other file that declares its id (see
  ``referenced_documents``; a duplicate id is the journey's problem too);
* a folder inside a project: every document beneath it;
* any other folder: every project found beneath it. The walk does not enter hidden
  folders or folders named ``invalid`` (collections of deliberately broken projects,
  like ``fixtures/invalid/``) unless that folder is the one given; folders without a
  workspace file are searched but are not projects themselves.

A path that does not exist, a folder with no project in or around it, a file that
is not a project document and a folder the search cannot list are ``InputError``
(exit code 2): a project the search could not see must not pass for a clean one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from simulator.errors import InputError
from simulator.project.checks import referenced_documents
from simulator.project.documents import SOURCE_SUFFIXES, Document
from simulator.project.loader import LoadedProject, absolute, find_project_root, is_project

__all__ = ["SKIPPED_FOLDERS", "Target", "find_projects", "resolve_targets", "select_documents"]

SKIPPED_FOLDERS = frozenset({"invalid", "node_modules", "__pycache__"})
"""Folder names a search for projects does not enter (unless given explicitly)."""


@dataclass(frozen=True)
class Target:
    """One project to load, and which of its files were asked for."""

    root: Path
    paths: frozenset[Path] | None = None
    """Files and folders asked for inside the project; ``None`` for the whole project."""

    def wants(self, path: Path) -> bool:
        """Whether ``path`` (absolute) was asked for, directly or through a folder."""
        if self.paths is None:
            return True
        return any(path == wanted or path.is_relative_to(wanted) for wanted in self.paths)


def find_projects(folder: Path) -> Iterator[Path]:
    """Project folders at or beneath ``folder``, in name order, not searching inside a
    project, hidden folders or ``SKIPPED_FOLDERS``. ``InputError`` for a folder the
    search would enter but cannot list."""
    for current, subfolders, _ in os.walk(folder, onerror=_unlistable):
        here = Path(current)
        if is_project(here):
            subfolders.clear()
            yield here
            continue
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        )


def _unlistable(error: OSError) -> NoReturn:
    where = error.filename if error.filename is not None else "a folder"
    message = f"cannot list {where}: {error.strerror or error}"
    raise InputError(message, location=str(where)) from error


def resolve_targets(paths: Sequence[str | os.PathLike[str]]) -> list[Target]:
    """The projects (and files within them) that ``paths`` name, merged per project."""
    merged: dict[Path, set[Path] | None] = {}
    for target in (t for given in paths for t in _targets_of(given)):
        if target.paths is None or merged.get(target.root, set()) is None:
            merged[target.root] = None
        else:
            merged.setdefault(target.root, set()).update(target.paths)
    return [
        Target(root, None if wanted is None else frozenset(wanted))
        for root, wanted in merged.items()
    ]


def _targets_of(given: str | os.PathLike[str]) -> Iterable[Target]:
    path = absolute(given)
    if not path.exists():
        # a link to nothing (dangling, or a loop of links) exists as a name: say what it is
        what = "a link that leads to no file (dangling, or a loop)" if path.is_symlink() else ""
        said = f" is {what}" if what else ": no such file or folder"
        raise InputError(f"{given}{said}", location=str(given))
    if path.is_file():
        if path.suffix not in SOURCE_SUFFIXES:
            raise InputError(
                f"{given} is not a journeysim document (expected a .json, .yaml or .yml file)",
                location=str(given),
            )
        return [Target(find_project_root(path), frozenset({path}))]
    if is_project(path):
        return [Target(path)]
    projects = [Target(project) for project in find_projects(path)]
    if projects:
        return projects
    try:
        root = find_project_root(path)
    except InputError:
        raise InputError(
            f"{given} holds no journeysim project: no workspace.json (or .yaml, .yml) in it, "
            "beneath it or above it",
            location=str(given),
        ) from None
    return [Target(root, frozenset({path}))]


def select_documents(loaded: LoadedProject, target: Target) -> list[Document]:
    """The documents of ``loaded`` that ``target`` asks for, with, for each journey asked
    for, the documents it refers to. ``InputError`` for a file that is in the project
    folder but is not one of its documents (say ``journeys/old/x.json``)."""
    if target.paths is None:
        return list(loaded.documents)
    known = {document.path for document in loaded.documents}
    for path in target.paths:
        if path.is_file() and path not in known:
            raise InputError(
                f"{path} is not a document of the project at {loaded.root}: documents are "
                "its workspace file and the .json/.yaml/.yml files directly in journeys/, "
                "communications/, segments/, triggers/ and subjects/",
                location=str(path),
            )
    selected: dict[Path, Document] = {}
    for document in loaded.documents:
        if target.wants(document.path):
            for related in referenced_documents(loaded, document):
                selected.setdefault(related.path, related)
    return [document for document in loaded.documents if document.path in selected]
