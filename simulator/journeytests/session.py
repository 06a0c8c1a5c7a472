"""Running a suite: selection, golden files on disk, and the results. The I/O shell
the CLI and the pytest plugin share.

A snapshot's golden file is read before the case runs; with ``update`` a changed or
missing one is written (with the folders it needs) and the case counts as passed if
its expectations hold. Without ``update`` a golden file is never written.
:func:`run_cases` writes a run's golden files together once every case has run, all or
none (:func:`simulator.files.write_all`): a snapshot that cannot be written (its folder
is a file, its path a folder) leaves every golden file as it was, and the error names
that snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from simulator.files import UnwritableOutput, write_all
from simulator.journeytests.loading import PreparedCase
from simulator.journeytests.runner import CaseResult, run_case

__all__ = ["execute", "run_cases"]


def execute(
    case: PreparedCase, *, update: bool = False, update_flag: str = "--update"
) -> CaseResult:
    """Run one case with its golden file (written when ``update`` and it changed);
    ``update_flag`` is the option a snapshot failure tells the user to pass."""
    result, golden = _run(case, update=update, update_flag=update_flag)
    _write(golden, {case.snapshot: case.snapshot_name})
    return result


def run_cases(
    cases: Iterable[PreparedCase],
    *,
    update: bool = False,
    select: Callable[[str], bool] | None = None,
    stop_first: bool = False,
) -> list[CaseResult]:
    """Run the selected cases in order (``stop_first``: stop after the first failure),
    then write the golden files ``update`` changed, all of them or none."""
    results = []
    golden: dict[Path, str] = {}
    for case in cases:
        if select is not None and not select(case.id):
            continue
        result, written = _run(case, update=update)
        results.append(result)
        golden.update(written)
        if stop_first and not result.passed:
            break
    _write(golden, {r.case.snapshot: r.case.snapshot_name for r in results})
    return results


def _write(golden: dict[Path, str], names: dict[Path | None, str | None]) -> None:
    """Write the golden files; an error names the file as reports do (``names``)."""
    try:
        write_all(golden, make_folders=True)
    except UnwritableOutput as exc:
        shown = names.get(Path(exc.filename)) or exc.filename
        raise UnwritableOutput(exc.errno, exc.strerror, shown) from exc


def _run(
    case: PreparedCase, *, update: bool, update_flag: str = "--update"
) -> tuple[CaseResult, dict[Path, str]]:
    """The case's result, and its golden file to write (none unless ``update`` changed it)."""
    golden = None
    if case.snapshot is not None and case.snapshot.is_file():
        golden = case.snapshot.read_text(encoding="utf-8")
    result = run_case(case, golden, update=update, update_flag=update_flag)
    if result.updated and result.trace is not None and case.snapshot is not None:
        return result, {case.snapshot: result.trace.to_json()}
    return result, {}
