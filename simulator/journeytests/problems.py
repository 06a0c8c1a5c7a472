"""Why a scenario file cannot run: a code, a message and where in the file.

A :class:`Problem` is made with a JSON pointer into the scenario file and located
(``file:line:column``) from the file's position map, as validation findings are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from simulator.codes import JourneyTestCode
from simulator.project.positions import Position, locate

__all__ = ["Problem", "problem_line"]


@dataclass(frozen=True)
class Problem:
    code: JourneyTestCode
    message: str
    pointer: str = ""
    """JSON pointer into the scenario file (``/cases/0/expect/path/2``)."""
    file: str = ""
    line: int = 1
    column: int = 1
    at_key: bool = False
    """Whether the problem is the key at ``pointer`` (an unknown field), not its value."""

    def located(
        self,
        file: str,
        positions: Mapping[str, Position],
        key_positions: Mapping[str, Position] | None = None,
    ) -> Problem:
        """This problem at the place its pointer starts in ``file`` (its key's place,
        from ``key_positions``, when it is about the key)."""
        keys = key_positions if self.at_key else None
        line, column = locate(positions, self.pointer, keys)
        return replace(self, file=file, line=line, column=column)

    def to_wire(self) -> dict:
        return {
            "code": self.code.value,
            "message": self.message,
            "path": self.pointer,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }


def problem_line(problem: Problem) -> str:
    """``file:line:column: error code: message``, like ``journeysim validate``.

    >>> problem_line(Problem(JourneyTestCode.UNKNOWN_STEP, "no step 'x'", "", "t.yaml", 3, 9))
    "t.yaml:3:9: error unknown_step: no step 'x'"
    """
    return f"{problem.file}:{problem.line}:{problem.column}: error {problem.code.value}: " + (
        problem.message
    )
