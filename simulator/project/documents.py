"""One file of a project: its kind, text, parsed value, position map and model.

Reading a file never raises for a bad document: a file over 32 MiB, bad UTF-8, bad
JSON or YAML syntax, a repeated key, a top level that is not an object and model
errors all become ``invalid_document`` findings located in the file. Only a file that cannot
be read at all (permissions, a vanished file) raises ``InputError``.

Files are parsed by the C parsers (``load_json``, ``load_yaml``); the position map,
which only a finding needs, is computed on first use by re-reading the text with the
position-tracking parser, so a valid file never pays for it.

``peek_id`` is the cheap look at a file the loader uses to find which files of a folder
declare an id (``simulator.project.ids``): it reads the first bytes of a regular file
and never raises.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.codes import FindingCode
from simulator.errors import InputError
from simulator.findings import Finding, SourcePosition, make_finding
from simulator.project.ids import PEEK_BYTES, declared_id
from simulator.project.json_source import load_json, parse_json
from simulator.project.kinds import SOURCE_SUFFIXES, DocumentKind
from simulator.project.positions import (
    ParsedSource,
    Position,
    SourceSyntaxError,
    offsets_to_positions,
)
from simulator.project.references import references

if TYPE_CHECKING:
    from simulator.models import DocumentModel

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "SOURCE_SUFFIXES",
    "Document",
    "DocumentKind",
    "peek_id",
    "read_bounded",
    "read_document",
    "undecodable_at",
]

_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Document:
    """A project file as read: everything needed to report on it by line and column."""

    path: Path
    name: str
    """How reports name the file (relative to the folder the user works from)."""
    kind: DocumentKind
    text: str = ""
    data: Any = None
    """The parsed value; ``None`` when the file did not parse."""
    model: DocumentModel | None = None
    """The validated model; ``None`` when the file did not parse or validate, or was
    read without one (``read_document(..., build_model=False)``)."""

    @cached_property
    def parsed(self) -> ParsedSource:
        """The text read again with positions (values' and keys'); computed on first
        use, with empty maps when the file did not parse."""
        if self.data is None:
            return ParsedSource(value=None, positions={})
        if self.path.suffix in _YAML_SUFFIXES:
            from simulator.project.yaml_source import parse_yaml

            return parse_yaml(self.text)
        return parse_json(self.text)

    @property
    def positions(self) -> Mapping[str, Position]:
        """JSON pointer → where the value starts (1-based line and column)."""
        return self.parsed.positions

    @cached_property
    def references(self) -> list[tuple[DocumentKind, str]]:
        """``(kind, id)`` of the documents this one names (``simulator.project.references``)."""
        return references(self.kind, self.data)

    @property
    def id(self) -> str | None:
        """The document's id (``endUserId`` for subjects), when it has a usable one."""
        if self.model is not None:
            return getattr(self.model, "end_user_id", None) or getattr(self.model, "id", None)
        value = self.data.get(self.kind.id_key) if isinstance(self.data, dict) else None
        return value if isinstance(value, str) and value else None

    def locate(self, finding: Finding) -> Finding:
        """``finding`` with its ``source`` set to where its pointer starts in this file."""
        line, column = self.parsed.where(finding.path, at_key=finding.at_key)
        return finding.model_copy(
            update={"source": SourcePosition(file=self.name, line=line, column=column)}
        )


MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""Files larger than this are not parsed: a 10,000-step journey is about 2 MB, and a
path that never ends (a link to ``/dev/zero``) must not hang a CI job."""


def read_bounded(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes | None:
    """The bytes of ``path``, or ``None`` when it holds more than ``limit`` (read no
    further than that); ``OSError`` when it cannot be read."""
    with path.open("rb") as stream:
        raw = stream.read(limit + 1)
    return None if len(raw) > limit else raw


def peek_id(path: Path, kind: DocumentKind) -> str | None:
    """The id the first ``PEEK_BYTES`` of ``path`` declare (``declared_id``); ``None``
    when they do not show one, and for a file that cannot be read or is not a regular
    file (a link to a pipe or a device is not opened: it could block or never end)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as stream:
            raw = stream.read(PEEK_BYTES)
    except OSError:
        return None
    text = raw.decode("utf-8-sig", errors="replace")
    return declared_id(text, kind.id_key, yaml=path.suffix in _YAML_SUFFIXES)


def read_document(
    path: Path, kind: DocumentKind, name: str, *, build_model: bool = True
) -> tuple[Document, list[Finding]]:
    """Read, parse and validate one file; its problems come back as located findings.

    With ``build_model=False`` the model is neither built nor checked: for a journey
    that only goes through ``simulator.validation.validate``, which checks the parsed
    data itself (step by step) and reports the same findings.
    """
    try:
        raw = read_bounded(path)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}", location=name) from exc
    document = Document(path=path, name=name, kind=kind, text="")
    if raw is None:
        size = MAX_DOCUMENT_BYTES // (1024 * 1024)
        message = f"the file is larger than {size} MiB, far more than any {kind} needs"
        return document, [document.locate(make_finding(FindingCode.INVALID_DOCUMENT, message))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return document, [_undecodable(document, raw, exc)]
    del raw  # a big file is held once, as text
    document = replace(document, text=text)
    is_yaml = path.suffix in _YAML_SUFFIXES
    if is_yaml:  # PyYAML is imported for projects that have YAML files
        from simulator.project.yaml_source import load_yaml
    try:
        value = load_yaml(text) if is_yaml else load_json(text)
    except SourceSyntaxError as exc:
        language = "YAML" if is_yaml else "JSON"
        return document, [_syntax(document, f"invalid {language}: {exc.message}", exc)]
    document = replace(document, data=value)
    if not isinstance(value, dict):
        found = type(value).__name__
        message = f"a {kind} file holds one object; found {_JSON_NAMES.get(found, found)}"
        return document, [document.locate(make_finding(FindingCode.INVALID_DOCUMENT, message))]
    if not build_model:
        return document, []
    from pydantic import ValidationError

    from simulator.validation import pydantic_findings

    try:
        model = kind.model.model_validate(value)
    except ValidationError as exc:
        findings = pydantic_findings(exc, value, kind=kind.value.replace("-", " "), root=kind.model)
        return document, [document.locate(finding) for finding in findings]
    return replace(document, model=model), []


_JSON_NAMES = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "NoneType": "null",
}


def _syntax(document: Document, message: str, exc: SourceSyntaxError) -> Finding:
    source = SourcePosition(file=document.name, line=exc.line, column=exc.column)
    finding = make_finding(FindingCode.INVALID_DOCUMENT, message)
    return finding.model_copy(update={"source": source})


def undecodable_at(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    """Line and column (from 1, as an editor counts them) of the first byte of ``raw``
    that ``exc`` says is not UTF-8.

    >>> raw = ("café" + chr(10) + "  ok ").encode() + bytes([0xE9])
    >>> try:
    ...     raw.decode()
    ... except UnicodeDecodeError as exc:
    ...     undecodable_at(raw, exc)
    (2, 6)
    """
    before = raw[: exc.start].decode("utf-8-sig", errors="replace")
    [(line, column)] = offsets_to_positions(before, [len(before)])
    return line, column


def _undecodable(document: Document, raw: bytes, exc: UnicodeDecodeError) -> Finding:
    line, column = undecodable_at(raw, exc)
    message = f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)"
    return _syntax(document, message, SourceSyntaxError(message, line, column))
