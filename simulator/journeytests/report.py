"""Output of ``journeysim test``: text, JSON, JUnit XML and GitHub annotations. Pure.

The same results render in every format:

* ``text``: one line per scenario file with a character per case (``.`` passed,
  ``F`` failed, ``U`` golden file updated and every expectation held), then, per
  failed case, each failed expectation as ``file:line:column: message`` (the place
  the expectation is written) with the trace excerpt around the step, then
  ``N passed, M failed`` (and, after ``--exitfirst`` stopped the run, ``K not run``).
* ``json``: ``{"version": 1, "ok", "summary", "cases": [...], "coverage"?}``
  (``summary``: ``cases``, ``passed``, ``failed``, ``notRun``); each
  case has ``id``, ``name``, ``file``, ``line``, ``column``, ``journeyId``, ``outcome``
  (``passed``/``failed``) and ``failures`` (``expectation``, ``message``,
  ``expected``, ``actual``, ``stepId``, ``file``, ``line``, ``column``); a case whose
  dry-run could not run has ``error`` and ``errorLocation`` (where its cause is
  written: the case's ``at`` for a start that leaves the calendar).
* ``junit``: a ``<testsuite>`` per scenario file, a ``<testcase>`` per case, one
  ``<failure>`` per failed case (listing all its failed expectations).
* ``github``: one ``::error`` workflow command per failed expectation, at its place in
  the scenario file, then the summary line.

Problems that stop a run (an invalid scenario file) render the same ways; their
lines look like ``journeysim validate``'s.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from simulator.journeytests.coverage import COUNTED_KINDS, KINDS, JourneyCoverage
from simulator.journeytests.excerpt import excerpt
from simulator.journeytests.expectations import Failure
from simulator.journeytests.problems import Problem, problem_line
from simulator.journeytests.runner import CaseResult
from simulator.reporting.github import escape_data, escape_property

__all__ = [
    "FORMATS",
    "Locate",
    "below",
    "coverage_table",
    "coverage_wire",
    "percent",
    "render_problems",
    "render_results",
    "summary_line",
    "total_fraction",
    "total_percent",
]

FORMATS = ("text", "json", "junit", "github")
Locate = Callable[[JourneyCoverage, str], tuple[str, int, int]]
"""``(journey's coverage, pointer) → (file, line, column)`` in the journey file."""


def summary_line(results: Sequence[CaseResult], not_run: int = 0) -> str:
    """``3 passed, 1 failed`` (and ``, 2 golden files updated``; ``, 4 not run
    (stopped at the first failure)`` when ``--exitfirst`` left cases out)."""
    failed = sum(not r.passed for r in results)
    parts = [f"{len(results) - failed} passed"]
    if failed:
        parts.append(f"{failed} failed")
    if not_run:
        parts.append(f"{not_run} not run (stopped at the first failure)")
    updated = sum(r.updated for r in results)
    if updated:
        parts.append(f"{updated} golden file{'s' if updated != 1 else ''} updated")
    return ", ".join(parts)


def failure_where(result: CaseResult, failure: Failure) -> tuple[str, int, int]:
    return result.case.source.where(failure.pointer)


def failure_lines(result: CaseResult) -> list[str]:
    """What a failed case shows: each failed expectation, its trace excerpt, the diff."""
    lines: list[str] = []
    if result.error is not None:
        file, line, column = result.error_where()
        lines.append(f"{file}:{line}:{column}: the dry-run could not run: {result.error}")
    for failure in result.failures:
        file, line, column = failure_where(result, failure)
        lines.append(f"{file}:{line}:{column}: {failure.message}")
        if result.trace is not None and failure.expectation != "snapshot":
            lines.extend(f"    {text}" for text in excerpt(result.trace, failure.record))
    if result.snapshot_diff:
        lines.extend(f"    {text}" for text in result.snapshot_diff.splitlines())
    return lines


def _text(results: Sequence[CaseResult], coverage: str | None, not_run: int = 0) -> str:
    lines: list[str] = []
    by_file: dict[str, list[CaseResult]] = {}
    for result in results:
        by_file.setdefault(result.case.source.name, []).append(result)
    for name, group in by_file.items():
        marks = "".join("F" if not r.passed else "U" if r.updated else "." for r in group)
        lines.append(f"{name} {marks}")
    failed = [r for r in results if not r.passed]
    if failed:
        lines += ["", "FAILURES"]
        for result in failed:
            lines += ["", f"___ {result.case.id} ___", *failure_lines(result)]
    updated = [r for r in results if r.updated]
    for result in updated:
        diff = (result.snapshot_diff or "").splitlines()
        lines += ["", f"updated {result.case.snapshot_name}", *diff]
    if coverage:
        lines += ["", coverage.rstrip("\n")]
    lines += ["", summary_line(results, not_run)]
    return "\n".join(lines) + "\n"


def _case_wire(result: CaseResult) -> dict[str, Any]:
    file, line, column = result.case.source.where(result.case.pointer)
    failures = []
    for failure in result.failures:
        f_file, f_line, f_column = failure_where(result, failure)
        failures.append(
            {
                "expectation": failure.expectation,
                "message": failure.message,
                "expected": failure.expected,
                "actual": failure.actual,
                "stepId": failure.step_id,
                "file": f_file,
                "line": f_line,
                "column": f_column,
            }
        )
    wire: dict[str, Any] = {
        "id": result.case.id,
        "name": result.case.name,
        "file": file,
        "line": line,
        "column": column,
        "journeyId": result.case.journey.id,
        "outcome": "passed" if result.passed else "failed",
        "failures": failures,
    }
    if result.error is not None:
        e_file, e_line, e_column = result.error_where()
        wire["error"] = result.error
        wire["errorLocation"] = {"file": e_file, "line": e_line, "column": e_column}
    if result.case.snapshot is not None:
        wire["snapshot"] = {"updated": result.updated, "diff": result.snapshot_diff}
    return wire


def _json(results: Sequence[CaseResult], coverage: dict | None, not_run: int = 0) -> str:
    failed = sum(not r.passed for r in results)
    summary = {"cases": len(results), "passed": len(results) - failed, "failed": failed}
    report: dict[str, Any] = {
        "version": 1,
        "ok": failed == 0,
        "summary": {**summary, "notRun": not_run},
        "cases": [_case_wire(r) for r in results],
    }
    if coverage is not None:
        report["coverage"] = coverage
    return json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"


def _junit(results: Sequence[CaseResult]) -> str:
    from simulator.reporting.junit import _clean

    root = ET.Element("testsuites", name="journeysim test")
    by_file: dict[str, list[CaseResult]] = {}
    for result in results:
        by_file.setdefault(result.case.source.name, []).append(result)
    for name, group in by_file.items():
        failures = sum(not r.passed for r in group)
        suite = ET.SubElement(
            root, "testsuite", name=_clean(name), tests=str(len(group)),
            failures=str(failures), errors="0", skipped="0",
        )  # fmt: skip
        for result in group:
            case = ET.SubElement(
                suite, "testcase", classname=_clean(_classname(name)),
                name=_clean(result.case.name), file=_clean(name),
            )  # fmt: skip
            if not result.passed:
                first = result.failures[0].message if result.failures else result.error or ""
                failure = ET.SubElement(case, "failure", type="journey_test", message=_clean(first))
                failure.text = _clean("\n".join(failure_lines(result)))
    root.set("tests", str(len(results)))
    root.set("failures", str(sum(not r.passed for r in results)))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _classname(file: str) -> str:
    stem = file.rsplit("/", 1)[-1].split(".journeytest.")[0]
    return f"journeysim.{stem}"


def _github(results: Sequence[CaseResult], not_run: int = 0) -> str:
    lines = []
    for result in results:
        if result.error is not None:
            lines.append(_command(*result.error_where(), result.case.name, result.error))
        for failure in result.failures:
            lines.append(
                _command(*failure_where(result, failure), result.case.name, failure.message)
            )
    lines.append(summary_line(results, not_run))
    return "\n".join(lines) + "\n"


def _command(file: str, line: int, column: int, title: str, message: str) -> str:
    props = {"file": file, "line": str(line), "col": str(column), "title": title}
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::error {listed}::{escape_data(message)}"


def render_results(
    results: Sequence[CaseResult],
    fmt: str,
    *,
    coverage: Sequence[JourneyCoverage] | None = None,
    locate: Locate | None = None,
    not_run: int = 0,
) -> str:
    """``results`` in ``fmt`` (one of :data:`FORMATS`), with the coverage when given;
    ``not_run`` counts the selected cases ``--exitfirst`` did not run."""
    if fmt == "json":
        wire = coverage_wire(coverage, locate) if coverage is not None and locate else None
        return _json(results, wire, not_run)
    if fmt == "junit":
        return _junit(results)
    if fmt == "github":
        return _github(results, not_run)
    table = coverage_table(coverage, locate) if coverage is not None and locate else None
    return _text(results, table, not_run)


def render_problems(problems: Sequence[Problem], fmt: str) -> str:
    """The problems that stop a run, in ``fmt``."""
    if fmt == "json":
        wire = {"version": 1, "ok": False, "problems": [p.to_wire() for p in problems]}
        return json.dumps(wire, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        lines = [_command(p.file, p.line, p.column, p.code.value, p.message) for p in problems]
        return "\n".join([*lines, _problem_summary(problems)]) + "\n"
    if fmt == "junit":
        from simulator.reporting.junit import _clean

        # One test case per scenario file that could not run, in error: JUnit readers
        # (Jenkins, GitLab) count test cases, and a bare <error> in a suite of 0 tests
        # reads as nothing wrong. The file's problems are the error's text.
        by_file: dict[str, list[Problem]] = {}
        for problem in problems:
            by_file.setdefault(problem.file, []).append(problem)
        root = ET.Element("testsuites", name="journeysim test", tests=str(len(by_file)))
        root.set("failures", "0")
        root.set("errors", str(len(by_file)))
        for file, found in by_file.items():
            suite = ET.SubElement(
                root, "testsuite", name=_clean(file), tests="1", failures="0", errors="1",
                skipped="0",
            )  # fmt: skip
            case = ET.SubElement(
                suite, "testcase", classname=_clean(_classname(file)),
                name="scenario file", file=_clean(file),
            )  # fmt: skip
            error = ET.SubElement(case, "error", type=found[0].code.value)
            error.set("message", _clean(problem_line(found[0])))
            error.text = _clean("\n".join(problem_line(p) for p in found))
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    return "\n".join([*(problem_line(p) for p in problems), _problem_summary(problems)]) + "\n"


def _problem_summary(problems: Sequence[Problem]) -> str:
    files = len({p.file for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    return (
        f"{len(problems)} {noun} in {files} scenario file{'s' if files != 1 else ''}; nothing ran"
    )


def percent(covered: int, total: int) -> float:
    """Coverage in percent for display, one decimal, rounded **down**: a percentage
    shown never overstates the coverage, so ``100.0`` means every item is covered
    (1399 of 1400 is ``99.9``, not ``100.0``). Nothing to cover is 100 %. Compare with
    :func:`total_fraction`, not with this.

    >>> percent(2, 3), percent(1399, 1400), percent(7, 10), percent(0, 0)
    (66.6, 99.9, 70.0, 100.0)
    """
    return 100.0 if total == 0 else (1000 * covered // total) / 10


def total_fraction(coverage: Sequence[JourneyCoverage]) -> Fraction:
    """The exact share of the counted items covered (``1`` when there are none), which
    ``--fail-under`` is compared with: a rounded percentage would let ``--fail-under
    100`` pass with a branch uncovered.

    >>> total_fraction([])
    Fraction(1, 1)
    """
    covered = sum(c.counted[0] for c in coverage)
    total = sum(c.counted[1] for c in coverage)
    return Fraction(covered, total) if total else Fraction(1)


def below(coverage: Sequence[JourneyCoverage], fail_under: float) -> bool:
    """Whether the coverage is below ``fail_under`` percent, exactly: the threshold is
    read as the decimal it was written as (``99.9`` is 999/1000, not the binary float
    nearest it).

    >>> below([], 100), below([], 100.5)
    (False, True)
    """
    return total_fraction(coverage) < Fraction(repr(float(fail_under))) / 100


def total_percent(coverage: Sequence[JourneyCoverage]) -> float:
    """The total coverage for display (:func:`percent`)."""
    covered = sum(c.counted[0] for c in coverage)
    total = sum(c.counted[1] for c in coverage)
    return percent(covered, total)


def coverage_wire(coverage: Sequence[JourneyCoverage], locate: Locate | None) -> dict[str, Any]:
    """The coverage as JSON data (what ``--format json`` embeds under ``coverage``)."""
    journeys = []
    for entry in coverage:
        kinds = {}
        for kind in KINDS:
            covered, total = entry.counts(kind)
            kinds[kind] = {"covered": covered, "total": total}
        uncovered = []
        for item in entry.uncovered:
            file, line, column = locate(entry, item.pointer) if locate else (entry.file, 1, 1)
            uncovered.append(
                {"kind": item.kind, "item": item.label, "path": item.pointer,
                 "file": file, "line": line, "column": column}
            )  # fmt: skip
        covered, total = entry.counted
        journeys.append(
            {"journeyId": entry.journey_id, "file": entry.file, "cases": entry.cases, **kinds,
             "percent": percent(covered, total), "uncovered": uncovered}
        )  # fmt: skip
    covered = sum(c.counted[0] for c in coverage)
    total = sum(c.counted[1] for c in coverage)
    return {
        "counted": list(COUNTED_KINDS),
        "percent": percent(covered, total),
        "covered": covered,
        "total": total,
        "journeys": journeys,
    }


_SINGULAR = {"steps": "step", "branches": "branch", "waits": "wait", "gates": "gate"}


def coverage_table(coverage: Sequence[JourneyCoverage], locate: Locate | None) -> str:
    """The coverage table, then each uncovered item at its ``file:line:column``."""
    wire = coverage_wire(coverage, locate)
    # A journey is named by its id; when two projects tested together have journeys of
    # one id, every row is named by its journey file instead, so the rows tell apart.
    ids = [j["journeyId"] for j in wire["journeys"]]
    named = "file" if len(set(ids)) < len(ids) else "journeyId"
    width = max([len("journey"), *(len(j[named]) for j in wire["journeys"])])
    header = f"{'journey':<{width}}  cases  steps    branches  waits    gates    cover"
    lines = ["journey coverage (steps, branches and waits; gates listed apart)", header]
    for j in wire["journeys"]:
        cells = [f"{j[k]['covered']}/{j[k]['total']}" for k in KINDS]
        lines.append(
            f"{j[named]:<{width}}  {j['cases']:>5}  {cells[0]:<8} {cells[1]:<9} "
            f"{cells[2]:<8} {cells[3]:<8} {j['percent']:>5.1f}%"
        )
    lines.append(f"{'TOTAL':<{width}}  {'':>5}  {'':<8} {'':<9} {'':<8} {'':<8} "
                 f"{wire['percent']:>5.1f}%")  # fmt: skip
    missing = [j for j in wire["journeys"] if j["uncovered"]]
    if missing:
        lines.append("uncovered:")
    for j in missing:
        if not j["cases"]:  # every item of the journey: one line says it better
            first = j["uncovered"][0]
            where = f"{first['file']}:1:1"
            lines.append(f"  {where}: no case runs journey {j['journeyId']}")
            continue
        for item in j["uncovered"]:
            where = f"{item['file']}:{item['line']}:{item['column']}"
            kind = _SINGULAR[item["kind"]]
            lines.append(f"  {where}: {kind} {item['item']} ({j['journeyId']})")
    return "\n".join(lines) + "\n"
