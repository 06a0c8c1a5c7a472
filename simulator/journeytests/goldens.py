"""Golden files of journey tests: where each case's is, and which ones ``--update``
must refuse to write.

``--update`` writes golden files, so one must be no file the project reads
(:func:`golden_clash`), no subject file a case reads, and not another case's
(:func:`shared_golden_files`). :class:`CaseFiles` is what one case of a scenario file
reads and writes, as written, valid or not: the loader gathers them for every scenario
file of the project, so a run of one file refuses what a run of them all would.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.codes import JourneyTestCode
from simulator.journeytests.model import SCENARIO_SUFFIXES
from simulator.journeytests.problems import Problem
from simulator.project import SOURCE_SUFFIXES, DocumentKind

if TYPE_CHECKING:
    from simulator.journeytests.loading import PreparedCase

__all__ = ["CaseFiles", "golden_clash", "shared_golden_files", "snapshot_path"]


@dataclass(frozen=True)
class CaseFiles:
    """The files one case of a scenario file reads (its subject file) and writes (its
    golden file), read from the file as written, valid or not."""

    scenario: Path
    file: str
    """How reports name the scenario file."""
    index: int
    name: str
    """The case's name (as written; ``""`` when it has none)."""
    subject_file: Path | None
    snapshot: Path | None

    @property
    def place(self) -> tuple[str, int]:
        """The case's identity across runs: its scenario file (links resolved) and index."""
        return _file_key(self.scenario), self.index


def shared_golden_files(
    cases: Sequence[PreparedCase], project_cases: Sequence[CaseFiles] = ()
) -> list[Problem]:
    """One problem for each of ``cases`` whose golden file an earlier case already has
    (two names with one slug, ``Plain Ana`` and ``plain-ana``; one ``snapshot`` path
    twice; ``a.journeytest.yaml`` and ``a.journeytest.yml`` with a case of one name):
    ``--update`` would write one over the other and the next run fail. Paths are
    compared without case, as a case-insensitive file system (macOS, Windows) would see
    them. The problem is in the later case's own file, at its snapshot.

    A golden file that is some case's subject file is refused too: ``--update`` would
    write a trace over the subject.

    The other cases are ``cases`` and ``project_cases`` (every scenario file of the
    project, :func:`project_case_files`), in the project's order (cases it does not
    hold after it, in run order): a run of one file refuses what a run of them all
    would. Only ``cases`` get problems: the others are reported when they run."""
    claims = list(project_cases)
    running = {case.files.place: case for case in cases}
    places = {claim.place: n for n, claim in enumerate(claims)}
    for case in cases:
        place = case.files.place
        if place in places:
            claims[places[place]] = case.files  # as prepared: the paths the run uses
        else:
            places[place] = len(claims)
            claims.append(case.files)
    readers: dict[str, CaseFiles] = {}
    for claim in claims:
        if claim.subject_file is not None:
            readers.setdefault(_file_key(claim.subject_file), claim)
    first: dict[str, CaseFiles] = {}
    problems: list[Problem] = []
    for claim in claims:
        if claim.snapshot is None:
            continue
        key = _file_key(claim.snapshot)
        case = running.get(claim.place)
        reader = readers.get(key)
        if reader is not None:
            if case is not None:
                of = f" of {reader.file}" if reader.place[0] != claim.place[0] else ""
                message = (
                    f"the golden file {case.snapshot_name} is the subject file of case "
                    f"{reader.name!r}{of}: --update would write over it; give snapshot "
                    "another path"
                )
                problems.append(_golden_problem(case, message))
            continue
        earlier = first.setdefault(key, claim)
        if earlier is claim or case is None:
            continue
        by = f"case {earlier.name!r}"
        if earlier.place[0] != claim.place[0]:
            by += f" of {earlier.file}"
        message = (
            f"case {case.name!r} would share its golden file {case.snapshot_name} with {by}: "
            "rename one of them or give snapshot a path of its own"
        )
        problems.append(_golden_problem(case, message))
    return problems


def _golden_problem(case: PreparedCase, message: str) -> Problem:
    problem = Problem(JourneyTestCode.INVALID_SCENARIO, message, f"{case.pointer}/snapshot")
    return problem.located(case.source.name, case.source.positions)


def _file_key(path: Path) -> str:
    """A file's identity: links resolved, and without case (as a case-insensitive file
    system sees it)."""
    return os.path.normcase(os.path.realpath(path)).casefold()


def snapshot_path(path: Path, name: str, snapshot: bool | str) -> Path | None:
    """The golden file of the case ``name`` of the scenario file ``path`` (``snapshot``
    as the case gives it), or ``None``."""
    if snapshot is False:
        return None
    if isinstance(snapshot, str):
        return path.parent / snapshot
    stem = path.name
    for suffix in SCENARIO_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return path.parent / "__snapshots__" / stem / f"{_slug(name)}.json"


def golden_clash(golden: Path, root: Path) -> str | None:
    """Why ``golden`` cannot be a golden file of the project at ``root``, or ``None``.

    ``--update`` writes golden files, so one must not be a file the project reads: a
    path such as ``../journeys/act-onb-2026.json`` once overwrote the journey with its
    own trace. A golden file lives inside the project (links resolved), outside the
    workspace file and the document folders (``journeys/``, ``subjects/``, ...: a new
    file there would be loaded as a document), and is no scenario file."""
    resolved = Path(os.path.realpath(golden))
    home = Path(os.path.realpath(root))
    if not resolved.is_relative_to(home):
        return f"is outside the project ({home}); keep golden files in it"
    parts = resolved.relative_to(home).parts
    workspace = {f"workspace{suffix}" for suffix in SOURCE_SUFFIXES}
    folders = {kind.folder for kind in DocumentKind}
    if parts and (parts[0] in folders if len(parts) > 1 else parts[0] in workspace):
        return f"is in the project's documents ({parts[0]}); the project would read it"
    if resolved.name.endswith(SCENARIO_SUFFIXES):
        return "is a scenario file"
    return None


def _slug(name: str) -> str:
    """A file name for a case name.

    >>> _slug("Team plan: gets the sales intro!")
    'team-plan-gets-the-sales-intro'
    """
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "case"
