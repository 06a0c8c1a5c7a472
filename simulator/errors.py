"""The one exception tree of journeysim.

::

    JourneySimError (Exception)              code, status (HTTP), message
    ├── UsageError (ValueError)              bad flags or arguments       400 / exit 2
    │   └── UnknownOverrideError             override not in the set     400
    ├── InputError (ValueError)              unreadable or unparsable     400 / exit 2
    │   └── DocumentError                    file parsed but is not a valid document
    ├── NotFoundError (LookupError)          no such journey/subject/...  404
    ├── JourneyValidationError (ValueError)  validation findings block it 400
    └── TemplateError (ValueError)           template cannot be rendered  400

Packages add subclasses (the API its 401/403/409 errors) under these roots, so
every error anywhere carries a stable ``code`` and an HTTP ``status``; the CLI
maps ``status`` < 500 to exit code 2 (usage, input) or 1 (findings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DocumentError",
    "InputError",
    "JourneySimError",
    "JourneyValidationError",
    "NotFoundError",
    "TemplateError",
    "UnknownOverrideError",
    "UsageError",
]


class JourneySimError(Exception):
    """Root of every journeysim error: a human message plus a stable code."""

    code: str = "journeysim_error"
    status: int = 500

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        location: str | None = None,
        details: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.location = location
        """Where it went wrong: ``file:line:col`` or a JSON pointer."""
        self.details = list(details)

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.message} [{self.code}]"


class UsageError(JourneySimError, ValueError):
    code = "usage_error"
    status = 400


class UnknownOverrideError(UsageError):
    code = "unknown_override"


class InputError(JourneySimError, ValueError):
    code = "unreadable_input"
    status = 400


class DocumentError(InputError):
    code = "invalid_document"


class NotFoundError(JourneySimError, LookupError):
    code = "not_found"
    status = 404


class JourneyValidationError(JourneySimError, ValueError):
    code = "validation_failed"
    status = 400


class TemplateError(JourneySimError, ValueError):
    code = "template_error"
    status = 400
