"""Validating a loaded project: every journey and every other document, located.

The pure validator works on documents and JSON pointers; this module runs it over a
``LoadedProject`` and turns each finding's pointer into the file, line and column
where the pointed-at value starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from simulator.codes import FindingCode
from simulator.findings import Finding, make_finding
from simulator.project.documents import Document, DocumentKind
from simulator.project.loader import LoadedProject

__all__ = [
    "invalid_documents",
    "journey_errors",
    "not_a_valid_subject",
    "referenced_documents",
    "subject_problems",
    "validate_project",
]


def validate_project(loaded: LoadedProject, now: datetime | None = None) -> list[Finding]:
    """All findings of the project: the loader's, each journey's and the other
    documents' (templates, segment predicates), located and sorted by file, line,
    column. ``now`` is the moment ``wait_until_in_past`` compares with (skipped when
    ``None``).

    A journey is validated from its parsed data (``validate`` checks it step by step
    against the models); its model, when the loader built one, is not dumped back to
    data for that."""
    from simulator.validation import ValidationContext, validate, validate_world

    invalid = invalid_documents(loaded)
    context = ValidationContext(world=loaded.world, now=now, invalid=invalid)
    found: dict[tuple, Finding] = {}

    def add(document: Document, findings: Iterable[Finding]) -> None:
        for finding in findings:
            located = finding if finding.source else document.locate(finding)
            key = (located.source.file, located.code, located.path, located.message)
            found.setdefault(key, located)

    for finding in loaded.findings:  # already located
        key = (finding.source.file, finding.code, finding.path, finding.message)
        found.setdefault(key, finding)
    for document in loaded.of_kind(DocumentKind.JOURNEY):
        if isinstance(document.data, dict):
            # A journey whose model failed still goes through the validator, which
            # reports what it can; the loader's identical findings are not repeated.
            add(document, validate(document.data, context))
    if loaded.world is not None:
        for (kind, document_id), findings in validate_world(
            loaded.world, now, invalid=invalid
        ).items():
            document = loaded.find(_kind(kind), document_id)
            if document is not None:
                add(document, findings)
    return sorted(found.values(), key=Finding.sort_key)


def journey_errors(loaded: LoadedProject, document: Document) -> list[Finding]:
    """The errors ``validate`` reports in one journey's file, located and in file order:
    the loader's, then the validator's (a reference to a missing or broken document is
    one of them, at the step that makes it). Errors inside the documents it refers to
    (a communication's template) are those documents' own and are not included."""
    from simulator.codes import Severity
    from simulator.validation import ValidationContext, validate

    found = {(f.code, f.path, f.message): f for f in loaded.findings_of(document)}
    if isinstance(document.data, dict):
        context = ValidationContext(world=loaded.world, invalid=invalid_documents(loaded))
        for finding in validate(document.data, context):
            found.setdefault(
                (finding.code, finding.path, finding.message), document.locate(finding)
            )
    errors = [f for f in found.values() if f.severity is Severity.ERROR]
    return sorted(errors, key=Finding.sort_key)


def subject_problems(document: Document, findings: Iterable[Finding]) -> list[Finding]:
    """The errors that keep a subject document out of a dry-run, located: the loader's
    ``findings`` for it, and when its model was built, what ``validate`` reports of
    its scripted events (``validate_subject``), in file order. Empty when it can be
    dry-run."""
    from simulator.codes import Severity
    from simulator.models import Subject
    from simulator.validation.subjects import validate_subject

    problems = [finding for finding in findings if finding.severity is Severity.ERROR]
    if isinstance(document.model, Subject):
        problems += map(document.locate, validate_subject(document.model))
    elif not problems:
        message = "the file is not a subject document"
        problems.append(document.locate(make_finding(FindingCode.INVALID_DOCUMENT, message)))
    return sorted(problems, key=Finding.sort_key)


def first_error(errors: list[Finding]) -> str:
    """The first of a document's ``errors`` as the CLI names it before refusing to use
    the document: ``file:line:col: code: message (and N more problems)``.

    >>> first_error([])
    'it could not be read'
    """
    if not errors:
        return "it could not be read"
    return _first_of(errors, f"{errors[0].code.value}: ")


def not_a_valid_subject(problems: list[Finding], mask: Callable[[str], str] = str) -> str:
    """How the CLI says it, at the first problem: ``file:line:col: not a valid subject:
    <message> (and N more problems)``; the code goes in the caller's ``[code]``. ``mask``
    rewrites what follows the location (the subject's values it may quote), never the
    file's name: a location names a file one can open."""
    return _first_of(problems, "not a valid subject: ", mask)


def _first_of(findings: list[Finding], lead: str, mask: Callable[[str], str] = str) -> str:
    """``file:line:col: <lead><message> (and N more problems)`` for the first finding."""
    from simulator.wording import counted

    first, more = findings[0], len(findings) - 1
    source = first.source
    where = f"{source.file}:{source.line}:{source.column}: " if source else ""
    others = f" (and {counted(more, 'more problem')})" if more else ""
    return where + mask(f"{lead}{first.message}{others}")


_REFERABLE = {
    DocumentKind.COMMUNICATION: "communication",
    DocumentKind.SEGMENT: "segment",
    DocumentKind.TRIGGER_CONTRACT: "trigger_contract",
}


def invalid_documents(loaded: LoadedProject) -> dict[str, dict[str, str]]:
    """Kind → id → file of the communications, segments and trigger contracts that did
    not validate (the world lacks them), so that a journey naming one is told that
    file is broken rather than that the document does not exist. A file that does not
    even parse has no id to read: its name (``comm-welcome-email.yaml``) stands for it,
    as project files are named by their ids."""
    invalid: dict[str, dict[str, str]] = {}
    for document in loaded.documents:
        kind = _REFERABLE.get(document.kind)
        if kind is None or document.model is not None:
            continue
        document_id = document.id or (document.path.stem if document.data is None else None)
        if document_id is not None:
            invalid.setdefault(kind, {}).setdefault(document_id, document.name)
    return invalid


def _unparsed(loaded: LoadedProject, kind: DocumentKind, document_id: str) -> Document | None:
    """A file of ``kind`` named for ``document_id`` that does not parse (it has no id)."""
    for document in loaded.of_kind(kind):
        if document.data is None and document.path.stem == document_id:
            return document
    return None


def _kind(kind: Any) -> DocumentKind:
    text = str(getattr(kind, "value", kind)).replace("_", "-")
    return DocumentKind("trigger-contract" if text == "triggerContract" else text)


def referenced_documents(loaded: LoadedProject, document: Document) -> list[Document]:
    """``document`` plus the documents whose problems can affect it: for a journey, the
    workspace, its audience and the segments it names (with the segments those
    name, transitively), its trigger contract and the communications it sends. Each
    comes with every other document that declares its id: a duplicate makes which one
    the journey uses a question, so it is the journey's problem too (the references
    followed are those of the first, the one that counts)."""
    if document.kind is not DocumentKind.JOURNEY:
        return [document]
    related = [document, *loaded.of_kind(DocumentKind.WORKSPACE)]
    pending = list(document.references)
    seen: set[tuple[DocumentKind, str]] = set()
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        declaring = loaded.declaring(*key)
        found = declaring[0] if declaring else _unparsed(loaded, *key)
        if found is not None:
            related.extend(declaring or [found])
            pending.extend(found.references)
    unique = {id(d): d for d in related}
    return list(unique.values())
