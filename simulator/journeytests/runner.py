"""Running one prepared case: the dry-run, its expectations and its snapshot. Pure.

The trace is the one ``journeysim simulate`` prints for the same inputs: the case's
journey, subject, start, seed, overrides and arm statistics go to the engine's
public :func:`~simulator.engine.simulate` unchanged. Golden-file reading and writing
is the caller's (:mod:`simulator.journeytests.session`); here a snapshot is text in,
a verdict and a diff out.

A dry-run the engine stopped with a warning fails the case unless it expects
``outcome: {exited: false}`` (:func:`~simulator.journeytests.expectations.check_stopped`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import partial

from simulator.engine.trace import Trace
from simulator.errors import JourneySimError
from simulator.journeytests.checks import step_expectation_pointer
from simulator.journeytests.expectations import Failure, Prose, check_stopped, check_trace
from simulator.journeytests.loading import PreparedCase

__all__ = ["CaseResult", "run_case", "simulate_case", "snapshot_diff"]

_MAX_DIFF_LINES = 60


@dataclass(frozen=True)
class CaseResult:
    case: PreparedCase
    trace: Trace | None
    """``None`` when the dry-run could not run (see ``error``)."""
    failures: tuple[Failure, ...] = ()
    error: str | None = None
    """Why the dry-run could not run at all (the engine's input error)."""
    error_pointer: str | None = None
    """Where in the scenario file the cause of ``error`` is written (the case's ``at``
    for a start that leaves the calendar); the case itself when ``None``."""
    snapshot_diff: str | None = None
    """The golden file's diff, when the trace no longer matches it (or was updated)."""
    updated: bool = False
    """The golden file was (re)written (``--update``)."""

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None

    def error_where(self) -> tuple[str, int, int]:
        """``file, line, column`` of :attr:`error`'s cause."""
        return self.case.source.where(self.error_pointer or self.case.pointer)


def simulate_case(case: PreparedCase) -> Trace:
    """The dry-run of ``case``: exactly what ``simulate`` returns for its inputs."""
    from simulator.engine import simulate

    return simulate(
        case.journey,
        case.subject,
        world=case.world,
        overrides=case.overrides,
        at=case.at,
        seed=case.case.seed,
        arm_stats=case.arm_stats or None,
    )


def run_case(
    case: PreparedCase,
    golden: str | None = None,
    *,
    update: bool = False,
    update_flag: str = "--update",
) -> CaseResult:
    """Run ``case``; ``golden`` is the text of its snapshot file (``None``: none yet).
    ``update_flag`` is the option that accepts a snapshot (``--journeysim-update``
    under pytest), named in a snapshot failure."""
    try:
        trace = simulate_case(case)
    except JourneySimError as exc:
        at = exc.location == "at" and case.case.at is not None
        pointer = f"{case.pointer}/at" if at else None
        return CaseResult(case=case, trace=None, error=exc.message, error_pointer=pointer)
    # located where the file writes each expectation, by the rule its checks use
    written = partial(step_expectation_pointer, case.source.data, case.index)
    failures = check_trace(case.expect, trace, f"{case.pointer}/expect", written)
    failures += check_stopped(case.expect, trace, case.pointer)
    if case.snapshot is None:
        return CaseResult(case=case, trace=trace, failures=tuple(failures))
    text = trace.to_json()
    if golden == text:
        return CaseResult(case=case, trace=trace, failures=tuple(failures))
    diff = snapshot_diff(golden, text, case.snapshot_name or "snapshot")
    if update:
        return CaseResult(case, trace, tuple(failures), snapshot_diff=diff, updated=True)
    expected = Prose("the trace in its golden file" if golden is not None else "a golden file")
    actual = Prose("a different trace" if golden is not None else "no golden file")
    note = (
        f"run with {update_flag} to write it"
        if golden is None
        else f"see the diff; {update_flag} accepts it"
    )
    failure = Failure("snapshot", expected, actual, f"{case.pointer}/snapshot", note=note)
    return CaseResult(case, trace, (*failures, failure), snapshot_diff=diff)


def snapshot_diff(golden: str | None, text: str, name: str) -> str:
    """A unified diff from the golden text to the new one (at most 60 lines).

    >>> print(snapshot_diff('{"a": 1}\\n', '{"a": 2}\\n', "t.json"), end="")
    --- t.json (golden)
    +++ t.json (this run)
    @@ -1 +1 @@
    -{"a": 1}
    +{"a": 2}
    """
    lines = list(
        difflib.unified_diff(
            (golden or "").splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"{name} (golden)",
            f"{name} (this run)",
            n=2,
        )
    )
    if len(lines) > _MAX_DIFF_LINES:
        hidden = len(lines) - _MAX_DIFF_LINES
        lines = [*lines[:_MAX_DIFF_LINES], f"... {hidden} more diff lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
