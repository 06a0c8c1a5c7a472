"""The pytest plugin (entry point ``pytest11``): scenario files become pytest items.

Every ``*.journeytest.yaml`` (``.yml``, ``.json``) file pytest meets while collecting
becomes a file node with one item per case, named by the case (``file::case name``),
so ``-k``, ``-x``, ``--junitxml`` and pytest-xdist (``-n``) work as for any test.
A failed case shows each failed expectation at its ``file:line:column``, expected
against actual, with the trace excerpt around the step; an invalid scenario file is
a collection error listing its problems by ``file:line:column``.

``--journeysim-update`` writes changed or missing snapshot golden files (as
``journeysim test --update`` does, but item by item: pytest runs each case on its own,
so a failure part-way keeps the golden files earlier items wrote). Golden files are
checked against every scenario file of the project, not only the one collected: a
golden file that another file's case reads as its subject file, or that a case of
another file already has, makes the file a collection error, as ``journeysim test``
refuses it.

In a run that meets no scenario file the plugin does nothing: it adds one option and
looks at file names, and imports journeysim's engine only when it collects a scenario
file. As ``journeysim test`` does, it does not collect scenario files inside folders
named ``invalid``, ``node_modules`` or ``__pycache__`` unless that folder (or a path
beneath it) is named on the command line.

journeysim's own test suite runs ``tests/`` (``testpaths``), so the example scenarios
of ``fixtures/acme/tests/`` run when named (``pytest fixtures/acme/tests``), and
pass when a run of the whole checkout (``pytest .``) collects them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "JourneyTestFailed",
    "ScenarioFileItem",
    "ScenarioItem",
    "pytest_addoption",
    "pytest_collect_file",
]

_SUFFIXES = (".journeytest.yaml", ".journeytest.yml", ".journeytest.json")
# The same names as simulator.project.SKIPPED_FOLDERS, not imported: this module must
# stay cheap to import in every pytest run.
_SKIPPED = frozenset({"invalid", "node_modules", "__pycache__"})
_PROJECTS = pytest.StashKey[dict]()
_CASE_FILES = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("journeysim", "journeysim journey tests")
    group.addoption(
        "--journeysim-update",
        action="store_true",
        default=False,
        help="write changed or missing snapshot golden files of journey test cases",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not file_path.name.endswith(_SUFFIXES) or _skipped(file_path, parent.config):
        return None
    return ScenarioFileItem.from_parent(parent, path=file_path)


def _skipped(path: Path, config: pytest.Config) -> bool:
    hidden = [p for p in path.parents if p.name in _SKIPPED]
    if not hidden:
        return False
    named = [Path(str(arg).split("::")[0]).absolute() for arg in config.args]
    return not any(arg.is_relative_to(folder) for folder in hidden for arg in named)


class JourneyTestFailed(Exception):
    """A case whose trace did not meet its expectations (carries the result)."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.case.id)
        self.result = result


class _InvalidScenarioFile(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class ScenarioFileItem(pytest.File):
    """One scenario file: its cases are the items."""

    def collect(self) -> Any:
        from simulator.errors import JourneySimError
        from simulator.journeytests.loading import load_scenario_file
        from simulator.journeytests.problems import problem_line

        try:
            project, project_cases = self._project()
            name = _name(self.path, self.config.rootpath)
            source, cases, problems = load_scenario_file(self.path, name, project, project_cases)
        except JourneySimError as exc:
            raise _InvalidScenarioFile([str(exc.message)]) from None
        if problems:
            raise _InvalidScenarioFile([problem_line(p) for p in problems])
        for case in cases:
            line = source.where(case.pointer)[1]
            yield ScenarioItem.from_parent(self, name=case.name, case=case, line=line)

    def _project(self) -> tuple[Any, Any]:
        """The file's project, and what every scenario file of it reads and writes
        (pytest loads one file at a time: its golden files are checked against them
        all), both read once per project and run."""
        from simulator.journeytests.loading import project_case_files
        from simulator.project import find_project_root, load_project

        root = find_project_root(self.path)
        projects = self.config.stash.setdefault(_PROJECTS, {})
        case_files = self.config.stash.setdefault(_CASE_FILES, {})
        if root not in projects:
            projects[root] = load_project(root, relative_to=self.config.rootpath)
            case_files[root] = project_case_files(root, relative_to=self.config.rootpath)
        return projects[root], case_files[root]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, _InvalidScenarioFile):
            return "invalid scenario file:\n" + "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo)


class ScenarioItem(pytest.Item):
    """One case of a scenario file."""

    def __init__(self, *, case: Any, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.line = line

    def runtest(self) -> None:
        from simulator.journeytests.session import execute

        update = self.config.getoption("journeysim_update")
        result = execute(self.case, update=update, update_flag="--journeysim-update")
        if not result.passed:
            raise JourneyTestFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, JourneyTestFailed):
            from simulator.journeytests.report import failure_lines

            return "\n".join(failure_lines(excinfo.value.result))
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"journey test: {self.name}"


def _name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
