"""Reading scenario files: find them, parse them with positions, check them, prepare cases.

The I/O shell of journey tests. A scenario file is ``*.journeytest.yaml`` (or ``.yml``,
``.json``) anywhere inside a project folder (conventionally ``tests/`` beside
``journeys/``); its journeys, subjects and communications are those of the nearest
enclosing project (the folder holding ``workspace.json``).

Finding files (``journeysim test PATH...``, default ``.``): a scenario file is itself;
a folder is searched beneath, not entering hidden folders or folders named ``invalid``,
``node_modules`` or ``__pycache__`` unless that folder is the one given (as
``journeysim validate`` does, so deliberately broken examples are not run by a plain
``journeysim test .``).

Golden files are checked against every scenario file of the project, not only those
of the run (:func:`project_case_files`): ``journeysim test one.journeytest.yaml
--update`` and pytest, which loads one file at a time, must refuse a golden file that
is a subject file another scenario file reads, or that a case of another file already
has, as a run of the whole project does. "Every scenario file of the project" is every
one beneath its folder, in the order ``journeysim test`` finds them, except in hidden
folders, ``node_modules`` and ``__pycache__``; folders named ``invalid`` are entered:
they are not run unless named, but a subject file one of their cases reads is still
a file the project's cases read, and ``--update`` must not write over it.

Nothing here raises for a bad scenario file: syntax errors, shape errors and
references to things the project does not have all come back as located
:class:`~simulator.journeytests.problems.Problem` values. ``InputError`` only for a
path that does not exist, a scenario file outside any project, or a file that cannot
be read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.codes import JourneyTestCode, Override
from simulator.durations import parse_timestamp
from simulator.errors import InputError
from simulator.journeytests.checks import case_journey_id, check_scenarios
from simulator.journeytests.goldens import (
    CaseFiles,
    golden_clash,
    shared_golden_files,
    snapshot_path,
)
from simulator.journeytests.model import (
    SCENARIO_SUFFIXES,
    Case,
    Expectations,
    ScenarioFile,
    SubjectSpec,
    listed_steps,
)
from simulator.journeytests.problems import Problem
from simulator.models import Journey, Subject
from simulator.project import (
    SKIPPED_FOLDERS,
    DocumentKind,
    LoadedProject,
    SourceSyntaxError,
    find_project_root,
    first_error,
    journey_errors,
    load_project,
    not_a_valid_subject,
    parse_json,
    parse_yaml,
    read_bounded,
    read_document,
    subject_problems,
    undecodable_at,
)
from simulator.project.positions import ParsedSource, Position
from simulator.validation import pydantic_findings
from simulator.world import World

__all__ = [
    "SCENARIO_SUFFIXES",
    "CaseFiles",
    "PreparedCase",
    "ScenarioSource",
    "Suite",
    "find_scenario_files",
    "is_scenario_file",
    "load_scenario_file",
    "load_suite",
    "project_case_files",
    "shared_golden_files",
]


def is_scenario_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file name marks a scenario file.

    >>> is_scenario_file("tests/onboarding.journeytest.yaml"), is_scenario_file("x.yaml")
    (True, False)
    """
    return os.fspath(path).endswith(SCENARIO_SUFFIXES)


@dataclass(frozen=True)
class ScenarioSource:
    """One scenario file as read: enough to report on it by line and column."""

    path: Path
    name: str
    """How reports name the file (relative to the folder the user works from)."""
    data: Any = None
    positions: Mapping[str, Position] = field(default_factory=dict)
    project: LoadedProject | None = None

    def where(self, pointer: str) -> tuple[str, int, int]:
        """``(file, line, column)`` of a pointer into this file."""
        located = Problem(JourneyTestCode.INVALID_SCENARIO, "", pointer).located(
            self.name, self.positions
        )
        return located.file, located.line, located.column


@dataclass(frozen=True)
class PreparedCase:
    """A case ready to run: every reference resolved, nothing left to read."""

    source: ScenarioSource
    index: int
    case: Case
    journey: Journey
    world: World
    subject: Subject
    at: datetime | None
    arm_stats: Mapping[str, Mapping[str, Any]]
    """Branch id → arm id → :class:`~simulator.engine.ArmStats`."""
    snapshot: Path | None
    subject_file: Path | None = None
    """The subject file the case reads (``subject: {file: ...}``), if any."""

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def id(self) -> str:
        """``file::case name``, as reports and pytest name the case."""
        return f"{self.source.name}::{self.case.name}"

    @property
    def snapshot_name(self) -> str | None:
        """How reports name the golden file (beside the scenario file's report name)."""
        if self.snapshot is None:
            return None
        folder = self.source.path.parent
        if not self.snapshot.is_relative_to(folder):
            return str(self.snapshot)
        return (Path(self.source.name).parent / self.snapshot.relative_to(folder)).as_posix()

    @property
    def pointer(self) -> str:
        return f"/cases/{self.index}"

    @property
    def files(self) -> CaseFiles:
        """The files the case reads and writes."""
        return CaseFiles(
            self.source.path, self.source.name, self.index, self.name, self.subject_file,
            self.snapshot,
        )  # fmt: skip

    @property
    def expect(self) -> Expectations:
        return self.case.expect

    @property
    def overrides(self) -> list[Override]:
        return list(self.case.overrides)


@dataclass(frozen=True)
class Suite:
    cases: tuple[PreparedCase, ...]
    problems: tuple[Problem, ...]
    """Located problems of every file; a suite with problems is not run."""
    projects: tuple[LoadedProject, ...]
    files: tuple[ScenarioSource, ...]

    def read_paths(self) -> list[Path]:
        """Every file the suite reads: scenario, project, golden and subject files."""
        cases = [path for case in self.cases for path in (case.snapshot, case.subject_file)]
        documents = [path for project in self.projects for path in project.paths()]
        return [*(source.path for source in self.files), *documents, *filter(None, cases)]


def find_scenario_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The scenario files ``paths`` name (see the module docstring), in name order."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.exists():
            raise InputError(f"{given}: no such file or folder", location=str(given))
        if path.is_file():
            if not is_scenario_file(path):
                raise InputError(
                    f"{given} is not a scenario file (expected *{', *'.join(SCENARIO_SUFFIXES)})",
                    location=str(given),
                )
            found[path] = None
        else:
            found.update(dict.fromkeys(_beneath(path)))
    return list(found)


def _beneath(folder: Path, skipped: frozenset[str] = SKIPPED_FOLDERS) -> Iterator[Path]:
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and name not in skipped
        )
        for name in sorted(files):
            if is_scenario_file(name) and not name.startswith("."):
                yield Path(current) / name


def load_suite(
    paths: Sequence[str | os.PathLike[str]],
    *,
    relative_to: str | os.PathLike[str] | None = None,
) -> Suite:
    """Every case of the scenario files ``paths`` name, or the problems that stop them."""
    files = find_scenario_files(paths)
    if not files:
        named = " ".join(os.fspath(p) for p in paths)
        raise InputError(f"no scenario files (*{SCENARIO_SUFFIXES[0]}) in {named}")
    projects: dict[Path, LoadedProject] = {}
    claims: dict[Path, tuple[CaseFiles, ...]] = {}
    cases: list[PreparedCase] = []
    problems: list[Problem] = []
    sources: list[ScenarioSource] = []
    base = Path(os.path.abspath(relative_to or Path.cwd()))
    for path in files:
        root = find_project_root(path)
        if root not in projects:
            projects[root] = load_project(root, relative_to=base)
            claims[root] = project_case_files(root, relative_to=base)
        name = _report_name(path, base)
        source, prepared, found = load_scenario_file(path, name, projects[root], claims[root])
        sources.append(source)
        cases.extend(prepared)
        problems.extend(found)
    # across the run's files, wherever they are (each file's clashes with its project's
    # scenario files are among its problems already)
    everyone = [claim for found in claims.values() for claim in found]
    problems.extend(p for p in shared_golden_files(cases, everyone) if p not in problems)
    return Suite(tuple(cases), tuple(problems), tuple(projects.values()), tuple(sources))


def _report_name(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)


def project_case_files(
    root: Path, *, relative_to: str | os.PathLike[str] | None = None
) -> tuple[CaseFiles, ...]:
    """The files every case of every scenario file of the project at ``root`` reads and
    writes (which files: the module docstring), in the order they are found; files are
    named relative to ``relative_to`` (default: the current folder). A file that cannot
    be read or parsed, and a case or field that is not of its shape, add nothing: its
    own run reports it."""
    base = Path(os.path.abspath(relative_to or Path.cwd()))
    found: list[CaseFiles] = []
    for path in _beneath(Path(os.path.abspath(root)), SKIPPED_FOLDERS - {"invalid"}):
        found.extend(_written_case_files(path, _report_name(path, base)))
    return tuple(found)


def _written_case_files(path: Path, name: str) -> list[CaseFiles]:
    try:
        parsed = _parse(path, name)
    except InputError:
        return []
    data = parsed.value if isinstance(parsed, ParsedSource) else None
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list):
        return []
    found = []
    for index, raw in enumerate(cases):
        if not isinstance(raw, dict):
            continue
        case_name = raw.get("name") if isinstance(raw.get("name"), str) else ""
        subject = raw.get("subject")
        file = subject.get("file") if isinstance(subject, dict) else None
        subject_file = path.parent / file if isinstance(file, str) and file else None
        snapshot = raw.get("snapshot")
        golden = (
            snapshot_path(path, case_name, snapshot)
            if snapshot is True or (isinstance(snapshot, str) and snapshot)
            else None
        )
        found.append(CaseFiles(path, name, index, case_name, subject_file, golden))
    return found


def load_scenario_file(
    path: Path,
    name: str,
    project: LoadedProject,
    project_cases: Sequence[CaseFiles] | None = None,
) -> tuple[ScenarioSource, list[PreparedCase], list[Problem]]:
    """Read, check and prepare one scenario file of ``project``. ``project_cases`` are
    the files the cases of every scenario file of the project read and write
    (:func:`project_case_files`; found here, named relative to the current folder, when
    not given): a golden file is checked against them all, not only this file's."""
    source = ScenarioSource(path=path, name=name, project=project)
    parsed = _parse(path, name)
    if isinstance(parsed, Problem):
        return source, [], [parsed]
    data, positions, keys = parsed.value, parsed.positions, parsed.key_positions
    source = ScenarioSource(path=path, name=name, data=data, positions=positions, project=project)
    if not isinstance(data, dict):
        message = "a scenario file holds one object with a cases list"
        return (
            source,
            [],
            [Problem(JourneyTestCode.INVALID_SCENARIO, message).located(name, positions)],
        )
    try:
        scenario = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        findings = pydantic_findings(exc, _as_read(data), kind="journey test", root=ScenarioFile)
        problems = [
            Problem(JourneyTestCode.INVALID_SCENARIO, message, pointer, at_key=f.at_key)
            for f in findings
            for pointer, message in [_unwrapped(f.path, f.message, data)]
        ]
        valid = _valid_cases(data)
        if valid is not None:
            # The well-formed cases are checked and prepared too: their unknown steps
            # and missing subject files come in this run, not after the shapes are mended.
            partial, indices = valid
            problems += _checked(partial, data, project, indices)
            _prepared(source, partial, indices, problems)
        located = [p.located(name, positions, keys) for p in problems]
        return source, [], sorted(located, key=lambda p: (p.line, p.column))
    problems = _checked(scenario, data, project)
    if project.world is None:
        message = "the project's workspace is not usable (journeysim validate says why)"
        problems.append(Problem(JourneyTestCode.INVALID_SCENARIO, message))
    prepared = _prepared(source, scenario, range(len(scenario.cases)), problems)
    if project_cases is None:
        project_cases = project_case_files(project.root)
    problems += shared_golden_files(prepared, project_cases)
    located = [p.located(name, positions) for p in problems]
    return source, prepared, sorted(located, key=lambda p: (p.line, p.column))


def _case_of(pointer: str) -> int | None:
    """The index of the case a problem's pointer is inside, or ``None`` for a problem of
    the file's own.

    >>> _case_of("/cases/3/expect/path/2"), _case_of("/cases/12"), _case_of("/journey")
    (3, 12, None)
    """
    found = re.match(r"/cases/(\d+)(?:/|$)", pointer)
    return int(found.group(1)) if found else None


def _checked(
    scenario: ScenarioFile, data: Any, project: LoadedProject, indices: Sequence[int] | None = None
) -> list[Problem]:
    """The problems of what ``scenario`` refers to in ``project`` (journeys, steps,
    subjects, ...); ``indices`` as :func:`~simulator.journeytests.checks.check_scenarios`
    takes them."""
    invalid = _invalid_journeys(project, {case_journey_id(scenario, c) for c in scenario.cases})
    return check_scenarios(
        scenario,
        data,
        journeys=project.journeys,
        invalid_journeys=invalid,
        world=project.world,
        indices=indices,
    )


def _prepared(
    source: ScenarioSource,
    scenario: ScenarioFile,
    indices: Sequence[int],
    problems: list[Problem],
) -> list[PreparedCase]:
    """The cases of ``scenario`` (at ``indices`` of the file) prepared to run; what only
    preparing finds (a subject file that is missing or invalid, a golden path that is a
    folder) is added to ``problems``, so that it comes in the same run as the rest.

    Cases with problems of their own are not prepared, nor those that run the file's
    journey when it is what is wrong, nor any when the workspace is unusable."""
    project = source.project
    if project is None or project.world is None:
        return []
    troubled = {_case_of(problem.pointer) for problem in problems}
    file_journey_unusable = any(problem.pointer == "/journey" for problem in problems)
    prepared: list[PreparedCase] = []
    for index, case in zip(indices, scenario.cases, strict=True):
        if index in troubled and case.subject.file is not None:
            # not run, but its subject file's problem comes in this run with the rest
            where = f"/cases/{index}/subject"
            if not any(problem.pointer.startswith(where) for problem in problems):
                read = _subject_file(source, case.subject.file, where)
                if isinstance(read, Problem):
                    problems.append(read)
        if index in troubled or (case.journey is None and file_journey_unusable):
            continue
        result = _prepare(source, scenario, index, case)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            prepared.append(result)
    return prepared


def _valid_cases(data: dict[str, Any]) -> tuple[ScenarioFile, list[int]] | None:
    """The cases whose shape is valid, as a scenario file of their own, and their
    indices in the file, in a file where others' is not: one run reports the problems
    of both, rather than the well-formed cases' only once every shape is mended.
    ``None`` when the file's own fields (``journey``, the ``cases`` list) are what is
    wrong, or no case is well formed."""
    cases = data.get("cases")
    if not isinstance(cases, list):
        return None
    valid: list[tuple[int, Any]] = []
    for index, raw in enumerate(cases):
        try:
            Case.model_validate(raw)
        except ValidationError:
            continue
        valid.append((index, raw))
    if not valid:
        return None
    try:
        scenario = ScenarioFile.model_validate({**data, "cases": [raw for _, raw in valid]})
    except ValidationError:
        return None
    return scenario, [index for index, _ in valid]


def _invalid_journeys(project: LoadedProject, used: set[str | None]) -> dict[str, str]:
    """Why each journey the cases use cannot be tested, by id: its file did not make a
    journey, or it has errors ``journeysim validate`` reports. A journey that does not
    validate is not tested (``simulate`` refuses it too, without ``--allow-invalid``):
    a case that passed or failed on it would say nothing of the journey meant."""
    reasons: dict[str, str] = {}
    for document in project.of_kind(DocumentKind.JOURNEY):
        journey_id = document.id
        if journey_id is None and document.data is None:
            journey_id = document.path.stem  # a file that does not parse, named for its id
            if journey_id in project.journeys:
                continue
        if journey_id is None or journey_id not in used or journey_id in reasons:
            continue
        if document.model is not None and project.journeys.get(journey_id) is not document.model:
            continue  # a second file with the id: the project's journey is the first one
        errors = journey_errors(project, document)
        if document.data is None:
            what = f"the file {document.name} does not parse"
            reasons[journey_id] = f"journey {journey_id!r}: {what}: {first_error(errors)}"
        elif errors:
            reasons[journey_id] = (
                f"journey {journey_id!r} does not validate: {first_error(errors)}; fix it to "
                f"test it (journeysim validate {document.name})"
            )
    return reasons


def _parse(path: Path, name: str) -> ParsedSource | Problem:
    def problem(message: str, line: int = 1, column: int = 1) -> Problem:
        return Problem(JourneyTestCode.INVALID_SCENARIO, message, "", name, line, column)

    try:
        raw = read_bounded(path)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}", location=name) from exc
    if raw is None:
        return problem("the file is larger than 32 MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return problem(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", *undecodable_at(raw, exc)
        )
    is_json = path.name.endswith(".json")
    try:
        parsed = parse_json(text) if is_json else parse_yaml(text)
    except SourceSyntaxError as exc:
        language = "JSON" if is_json else "YAML"
        return problem(f"invalid {language}: {exc.message}", exc.line, exc.column)
    return parsed


def _as_read(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each case's ``expect.steps`` as the model reads it (a step
    expectation written as one object wrapped in a list), for walking pydantic's
    error locations: they carry the list index, which the file's own data has no
    place for, so a walk through ``data`` stopped at the step id. An unknown field was
    then said to be the step id and a bad value named no field; :func:`_unwrapped`
    drops the index again."""
    cases = data.get("cases")
    if not isinstance(cases, list):
        return data
    read: list[Any] = []
    for case in cases:
        expect = case.get("expect") if isinstance(case, dict) else None
        if isinstance(expect, dict) and "steps" in expect:
            expect = {**expect, "steps": listed_steps(expect["steps"])}
            case = {**case, "expect": expect}
        read.append(case)
    return {**data, "cases": read}


def _unwrapped(pointer: str, message: str, data: Any) -> tuple[str, str]:
    """A pointer into a step expectation written as one object (``steps: {a: {...}}``)
    carries the list index the model wraps it in (:func:`_as_read`); drop it, from the
    pointer and from the field the message names, so both name the file's keys and
    the problem reads as it does for the list form."""
    parts = pointer.split("/")
    # /cases/<i>/expect/steps/<id>/0/...
    if len(parts) >= 7 and parts[1] == "cases" and parts[3:5] == ["expect", "steps"]:
        try:
            written = data["cases"][int(parts[2])]["expect"]["steps"][_unescape(parts[5])]
        except (KeyError, IndexError, TypeError, ValueError):
            return pointer, message
        if isinstance(written, dict) and parts[6] == "0":
            kept = parts[:6] + parts[7:]
            # the message names the field or, for a bad key, the mapping holding it
            field = "/".join(_unescape(part) for part in parts[1:7])
            named = "/".join(_unescape(part) for part in parts[1:6])
            if f"{field}/" in message:
                field, named = f"{field}/", f"{named}/"
            return "/".join(kept), message.replace(field, named, 1)
    return pointer, message


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _prepare(
    source: ScenarioSource, scenario: ScenarioFile, index: int, case: Case
) -> PreparedCase | Problem:
    from simulator.engine import DEFAULT_START, ArmStats

    project = source.project
    assert project is not None and project.world is not None  # checked by the caller
    journey = project.journeys[case_journey_id(scenario, case) or ""]
    at = parse_timestamp(case.at) if case.at else None
    fit = (journey, at or DEFAULT_START)
    subject = _subject(source, case.subject, project.world, f"/cases/{index}/subject", fit)
    if isinstance(subject, Problem):
        return subject
    if case.future_events:
        future = [*subject.future_events, *case.future_events]
        subject = subject.model_copy(update={"future_events": future})
    arm_stats = {
        branch: {arm: ArmStats(s.subjects_reached, s.goal_events) for arm, s in arms.items()}
        for branch, arms in case.arm_stats.items()
    }
    snapshot = snapshot_path(source.path, case.name, case.snapshot)
    if snapshot is not None:
        message = None
        clash = golden_clash(snapshot, project.root)
        if clash is not None:
            message = f"the golden file {os.path.normpath(snapshot)} {clash}"
            if isinstance(case.snapshot, str):
                message = f"snapshot {case.snapshot!r}: {message}"
        elif snapshot.is_dir():
            message = f"snapshot {case.snapshot!r} names a folder ({snapshot}); give a file path"
            if case.snapshot is True:
                message = f"the snapshot's golden file {snapshot} is a folder; move it away"
        if message is not None:
            return Problem(JourneyTestCode.INVALID_SCENARIO, message, f"/cases/{index}/snapshot")
    return PreparedCase(
        source=source,
        index=index,
        case=case,
        journey=journey,
        world=project.world,
        subject=subject,
        at=at,
        arm_stats=arm_stats,
        snapshot=snapshot,
        subject_file=source.path.parent / case.subject.file if case.subject.file else None,
    )


def _subject_file(source: ScenarioSource, file: str, where: str) -> Subject | Problem:
    """The subject of the case's ``subject.file``, or the problem that keeps it from
    being one (``where`` is the case's subject pointer).

    The file must lie inside the project (links resolved), as golden files must: a
    scenario file from a pull request could otherwise name ``/etc/passwd`` or a key
    file, and the "not a valid subject" problem would show a piece of it."""
    path = source.path.parent / file
    home = source.project.root if source.project is not None else source.path.parent
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(home)):
        message = f"{file} is outside the project ({home}); keep subject files in it"
        return Problem(JourneyTestCode.INVALID_SUBJECT, message, f"{where}/file")
    if path.is_dir():
        message = f"{file} is a folder, not a subject file (looked at {path})"
        return Problem(JourneyTestCode.INVALID_SUBJECT, message, f"{where}/file")
    if not path.is_file():
        message = f"no subject file {file} (looked for {path})"
        return Problem(JourneyTestCode.INVALID_SUBJECT, message, f"{where}/file")
    document, findings = read_document(path, DocumentKind.SUBJECT, file)
    problems = subject_problems(document, findings)  # what a dry-run would refuse
    if problems:
        return Problem(
            JourneyTestCode.INVALID_SUBJECT, not_a_valid_subject(problems), f"{where}/file"
        )
    assert isinstance(document.model, Subject)
    return document.model


def _subject(
    source: ScenarioSource,
    spec: SubjectSpec,
    world: World,
    where: str,
    fit: tuple[Journey, datetime],
) -> Subject | Problem:
    from simulator.engine import faker_subjects, synthetic_subject, with_attributes

    overlay = dict(spec.attributes or {})
    if spec.id is not None:
        base = world.subjects[spec.id]
    elif spec.file is not None:
        read = _subject_file(source, spec.file, where)
        if isinstance(read, Problem):
            return read
        base = read
    elif spec.synthetic == "any":
        base = faker_subjects(spec.seed or 0, 1)[0]
    elif spec.synthetic:
        from simulator.engine.fitting import fitted_subject

        base = fitted_subject(fit[0], world, spec.seed or 0, fit[1])
    else:
        return synthetic_subject(overlay)
    return with_attributes(base, overlay)
