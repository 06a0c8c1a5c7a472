"""Validating what a list of paths names: the I/O shell behind ``journeysim validate``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from simulator.errors import InputError
from simulator.findings import Finding
from simulator.project.checks import validate_project
from simulator.project.documents import Document
from simulator.project.kinds import DocumentKind
from simulator.project.loader import LoadedProject, load_project
from simulator.project.targets import resolve_targets, select_documents

__all__ = ["ValidationRun", "validate_paths"]


@dataclass(frozen=True)
class ValidationRun:
    projects: tuple[LoadedProject, ...]
    checked: tuple[Document, ...]
    """The documents reported on, in project then file order."""
    findings: tuple[Finding, ...]
    """Located findings in the checked documents, sorted by file, line and column."""
    without_journeys: tuple[Path, ...] = ()
    """Projects validated whole that hold no journey at all (an empty or missing
    ``journeys/`` folder, or a file of that name): clean, but most likely not what
    the run was meant to check, so the command says so."""
    unreadable: tuple[InputError, ...] = ()
    """Why each project (or file) that could not be read was left out: the others are
    still checked, and the command exits 2 after reporting them."""

    def checked_files(self) -> list[tuple[str, str, str | None]]:
        """``(file, kind, id)`` of each checked document, as reports list them."""
        return [(document.name, document.kind.value, document.id) for document in self.checked]

    def read_paths(self) -> list[Path]:
        """Every file read: the documents checked and those they refer to."""
        return [path for project in self.projects for path in project.paths()]


def validate_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    now: datetime | None = None,
    relative_to: str | os.PathLike[str] | None = None,
) -> ValidationRun:
    """Validate the projects and files that ``paths`` name (see ``simulator.project.targets``).

    ``InputError`` when a path is missing or names no project: the command line is
    wrong, and nothing is checked. A file that cannot be read (a dangling link, no
    permission) leaves its project out, in :attr:`ValidationRun.unreadable`, and the
    other projects are still checked: one broken file does not hide the findings of
    the rest. Files asked for bring the documents they refer to and nothing else (see
    ``load_project``); journeys are validated from their data, never built as models.
    """
    projects: list[LoadedProject] = []
    checked: list[Document] = []
    findings: list[Finding] = []
    unreadable: list[InputError] = []
    without_journeys: list[Path] = []
    for target in resolve_targets(paths):
        try:
            loaded = load_project(
                target.root, relative_to=relative_to, files=target.paths, journey_models=False
            )
        except InputError as exc:
            unreadable.append(exc)
            continue
        selected = select_documents(loaded, target)
        if target.paths is None and not any(
            document.kind is DocumentKind.JOURNEY for document in loaded.documents
        ):
            without_journeys.append(target.root)
        names = {document.name for document in selected}
        projects.append(loaded)
        checked.extend(selected)
        findings.extend(f for f in validate_project(loaded, now) if f.source.file in names)
    return ValidationRun(
        projects=tuple(projects),
        checked=tuple(checked),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        without_journeys=tuple(without_journeys),
        unreadable=tuple(unreadable),
    )
