"""Running a suite: selection, golden files on disk, and the results. The I/O shell
the CLI and the pytest plugin share.

A snapshot's golden file is read before the case runs; with ``update`` a changed or
missing one is written whole (through a temporary file and a rename) and the case
counts as passed if its expectations hold. Without ``update`` a golden file is never
written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from simulator.journeytests.loading import PreparedCase
from simulator.journeytests.runner import CaseResult, run_case

__all__ = ["execute", "run_cases"]


def execute(case: PreparedCase, *, update: bool = False) -> CaseResult:
    """Run one case with its golden file (written when ``update`` and it changed)."""
    golden = None
    if case.snapshot is not None and case.snapshot.is_file():
        golden = case.snapshot.read_text(encoding="utf-8")
    result = run_case(case, golden, update=update)
    if result.updated and result.trace is not None and case.snapshot is not None:
        _write(case.snapshot, result.trace.to_json())
    return result


def run_cases(
    cases: Iterable[PreparedCase],
    *,
    update: bool = False,
    select: Callable[[str], bool] | None = None,
    stop_first: bool = False,
) -> list[CaseResult]:
    """Run the selected cases in order (``stop_first``: stop after the first failure)."""
    results = []
    for case in cases:
        if select is not None and not select(case.id):
            continue
        result = execute(case, update=update)
        results.append(result)
        if stop_first and not result.passed:
            break
    return results


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
