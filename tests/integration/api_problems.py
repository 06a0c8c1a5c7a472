"""Checks shared by the API tests: the common error detail form
(``{"in", "path", "message", "type", ...}``, simulator.backend.errors.problem)."""

from __future__ import annotations

from typing import Any

FORM = {"in", "path", "message", "type"}


def only_problem(response: Any, status: int, code: str) -> dict:
    """The one detail of an error answer with this status and code, in the common form."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    (detail,) = body["details"]
    assert set(detail) >= FORM, detail
    return detail
