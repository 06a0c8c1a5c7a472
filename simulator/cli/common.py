"""What every command shares: errors to stderr with a code and exit code 2, never a
traceback, and output files written whole or not at all (:mod:`simulator.files`).

Every ``Path`` argument and option of the commands says ``readable=False``: Typer's
default check answers an unreadable file with "Invalid value for 'PATH': path is not
readable" and no code, before the command runs; the commands' own reading reports it
as every other input error, ``cannot read FILE: Permission denied [unreadable_input]``.
"""

from __future__ import annotations

import gc
import io
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from simulator.errors import InputError, JourneySimError, UsageError
from simulator.files import UnwritableOutput, write_atomically  # write_atomically: re-exported

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_SEED",
    "ReportOutput",
    "chosen",
    "emit_report",
    "fail",
    "number",
    "output_path",
    "reader_gone",
    "refuse_to_overwrite",
    "seed_option",
    "shown_path",
    "user_errors",
    "whole_writes_to_stdout",
    "without_cycle_collector",
    "write_atomically",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
"""Findings that fail the run (errors, or warnings with ``--strict``)."""
EXIT_USAGE = 2
"""Usage error or unreadable input."""


def fail(message: str, *, code: str, exit_code: int = EXIT_USAGE) -> NoReturn:
    """Print ``journeysim: error: <message> [<code>]`` to stderr and exit with ``exit_code``.

    ``code`` is the stable error code (SPEC's codes, the API's ``code`` field): the
    same failure names the same code on the command line and over HTTP, so a script
    can match on it rather than on wording. The message already says where (a file,
    ``file:line:col`` or an option), as every raise site writes it.
    """
    typer.echo(f"journeysim: error: {message} [{code}]", err=True)
    raise typer.Exit(exit_code)


def number(
    kind: type[int] | type[float] = int,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Callable[[str], int | float]:
    """The ``parser=`` of a numeric option, in journeysim's words: Typer's own check
    says pydantic's ``Input should be a valid integer, unable to parse string as an
    integer``; this says ``--seed: must be a whole number, not 'abc'`` (and the bounds,
    ``must be at least 1``), which the command line shows as any usage error.

    >>> number(minimum=1)("12")
    12
    >>> try:
    ...     number(minimum=1)("1.5")
    ... except typer.BadParameter as refused:
    ...     print(refused.message)
    must be a whole number, not '1.5'
    """
    words = "a whole number" if kind is int else "a number"

    def parse(text: str | int | float) -> int | float:
        if isinstance(text, int | float) and not isinstance(text, bool):
            value = kind(text)
        else:
            try:
                value = kind(str(text).strip())
            except ValueError:
                raise typer.BadParameter(f"must be {words}, not {str(text)!r}") from None
            if kind is float and not math.isfinite(value):  # nan, inf: not a percentage
                raise typer.BadParameter(f"must be {words}, not {str(text)!r}")
        given = _number_text(value)
        if minimum is not None and value < minimum:
            raise typer.BadParameter(f"must be at least {_number_text(minimum)}, not {given}")
        if maximum is not None and value > maximum:
            raise typer.BadParameter(f"must be at most {_number_text(maximum)}, not {given}")
        return value

    return parse


def _number_text(value: float) -> str:
    """``12``, ``9007199254740991``, ``99.5``: an integer whole, a float without ``.0``."""
    return str(value) if isinstance(value, int) else f"{value:.15g}"


MAX_SEED = 2**53 - 1
"""The largest ``--seed``: the API's ``seed`` bound (:data:`simulator.backend.wire.Seed`,
kept equal by a test), the largest integer every JSON reader of a trace reads exactly."""


def seed_option() -> Callable[[str], int | float]:
    """The ``parser=`` of every ``--seed``: a whole number from 0 to :data:`MAX_SEED`."""
    return number(minimum=0, maximum=MAX_SEED)


def output_path(raw: str) -> Path:
    """The ``-o`` value as a path, given to Typer as the options' ``parser``: ``-`` is
    stdout, and a file named ``-`` is written as ``./-`` (pathlib reads that as ``-``
    too, so it becomes the absolute path of ``-`` in the working folder).

    >>> output_path("-"), output_path("out/report.xml")
    (PosixPath('-'), PosixPath('out/report.xml'))
    >>> output_path("./-") == Path.cwd() / "-"
    True
    """
    path = Path(raw)
    return path if raw == "-" or path != Path("-") else Path.cwd() / raw


ReportOutput = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE.",
        readable=False,
        parser=output_path,
    ),
]
"""The ``-o FILE`` option of the commands that write a report (validate, test)."""


def chosen(value: str, choices: Sequence[str], option: str = "--format") -> str:
    """``value`` as one of ``choices`` (case does not matter), or a UsageError naming them.

    Options with a fixed set of values are plain strings checked here rather than
    Typer choices, so that every command words the refusal the same way (Typer's own
    reads "Value error, 'xml' is not one of ...") and carries a code.

    >>> chosen("JSON", ("text", "json"))
    'json'
    """
    folded = value.casefold()
    if folded in choices:
        return folded
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    raise UsageError(f"{option} must be {listed}, not {value!r}", location=option)


@contextmanager
def user_errors(mask: Callable[[str], str] | None = None) -> Iterator[None]:
    """Turn every exception into a message on stderr and exit code 2 (no traceback);
    ``mask`` (a subject's masker, say) rewrites the message first."""
    shown = mask or (lambda message: message)
    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter, typer.TyperException):
        raise
    except JourneySimError as exc:
        fail(shown(exc.message), code=exc.code)
    except BrokenPipeError:
        reader_gone()
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        code = exc.code if isinstance(exc, UnwritableOutput) else InputError.code
        fail(shown(f"{where}{exc.strerror or exc}"), code=code)
    except Exception as exc:  # a bug: still no traceback for the user, but say so
        from simulator.codes import ApiErrorCode

        message = f"internal error ({type(exc).__name__}: {exc}); please report it"
        fail(shown(message), code=ApiErrorCode.INTERNAL_ERROR)


def emit_report(report: str, output: Path | None, log: str | None = None) -> None:
    """Give a command's ``report`` where ``-o`` says. No ``-o``: to stdout. ``-o FILE``:
    written to FILE (whole or not at all), and ``log`` (the text report beside a
    machine format, for the job's log) to stdout. ``-o -``: stdout, as ``-`` means for
    any shell tool, and ``log`` to stderr, so the machine format on stdout stays
    parseable (as ``import-pinpoint -o -`` puts its bundle on stdout, its report on
    stderr)."""
    import typer

    if output is None or str(output) == "-":
        typer.echo(report, nl=False)
        if output is not None and log is not None:
            typer.echo(log, nl=False, err=True)
        return
    write_atomically(output, report)
    if log is not None:
        typer.echo(log, nl=False)


def refuse_to_overwrite(
    output: Path | None,
    read: Iterable[Path | str],
    writes: Iterable[Path | str] = (),
    projects: Iterable[Path | str] = (),
) -> None:
    """A UsageError (``would_overwrite``) when ``-o output`` is one of the files the
    command ``read`` or ``writes`` besides it: a report written over the journey it is
    about (a slip in the shell's history, ``-o`` and the path swapped) would lose that
    file for good, and one written over a file the command makes would lose that one.

    Called after loading and before anything is written, with every file the command
    read (the files given and the documents loaded through them, so a folder named on
    the command line is covered file by file; folders themselves are skipped: ``-o``
    naming one fails as any unwritable output does). Files are compared as the file
    system sees them (a link or another spelling of the same file counts); where one
    does not exist yet, by its resolved path. ``-`` is stdout.

    ``projects`` are the project folders the command reads or writes: ``-o`` is refused
    on their workspace file (any of its names) and inside their document folders too,
    where a report would be another document (a broken one, or a duplicate id) the
    next command trips over, though this command did not read that file.
    """
    if output is None or str(output) == "-" or os.path.isdir(output):
        return
    for path, verb in [*((p, "reads") for p in read), *((p, "writes") for p in writes)]:
        if not os.path.isdir(path) and _same_file(output, path):
            same = os.path.abspath(path) == os.path.abspath(output)
            also = "" if same else f" ({shown_path(path)})"
            raise UsageError(
                f"-o {output} is a file this command {verb}{also}: nothing written; "
                "give -o another file",
                code="would_overwrite",
                location="--output",
            )
    for root in projects:
        place = _project_place(output, root)
        if place is not None:
            raise UsageError(
                f"-o {output} is {place} of the project {shown_path(root)}: nothing written; "
                "give -o another file",
                code="would_overwrite",
                location="--output",
            )


def _project_place(output: Path | str, root: Path | str) -> str | None:
    """Where in the project at ``root`` ``output`` is, when a file there is read as a
    document: ``"a workspace file"`` or ``"in the journeys/ folder"`` (a ``.json``,
    ``.yaml`` or ``.yml`` file beneath a document folder); else ``None`` (a JUnit
    ``report.xml`` in ``journeys/`` is no document, and is not refused)."""
    from simulator.project import SOURCE_SUFFIXES, WORKSPACE_FILES, DocumentKind

    if any(_same_file(output, os.path.join(root, name)) for name in WORKSPACE_FILES):
        return "a workspace file"
    written = Path(os.path.realpath(output))
    if written.suffix not in SOURCE_SUFFIXES:
        return None
    for folder in filter(None, (kind.folder for kind in DocumentKind)):
        if written.is_relative_to(os.path.realpath(os.path.join(root, folder))):
            return f"in the {folder}/ folder"
    return None


def _same_file(one: Path | str, other: Path | str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(one) == os.path.realpath(other)


def shown_path(path: Path | str) -> str:
    """``path`` as the CLI shows paths: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def reader_gone() -> NoReturn:
    """Stdout's reader closed the pipe (``journeysim ... | head -1``): stop quietly, as
    Unix tools do, with exit code 1 (Python's advice; the reader has what it wanted).

    Standard output is pointed at ``/dev/null`` first, so that the interpreter's final
    flush of what is still buffered does not fail a second time ("Exception ignored
    ... BrokenPipeError"). Files a command writes are written before it prints, so a
    closed pipe never costs one (``import-pinpoint -o x | head -1`` still writes x).
    """
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    with suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_FINDINGS)


def whole_writes_to_stdout() -> None:
    """Make every write to a piped stdout whole, or a BrokenPipeError (so
    :func:`reader_gone`'s exit code 1).

    When the reader leaves while a large write waits on the pipe (``| head -1`` of a
    4 MB bundle), the system call returns the part that went in, and Python's buffered
    stdout takes that for the whole: the rest is dropped without an error and the
    command exits 0. Only pipes and sockets do this; a terminal or a file keeps
    Python's own stdout.
    """
    import stat
    import sys

    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # no stdout, or a test's stand-in
        return
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return
    sys.stdout.flush()
    piped = sys.stdout
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_WholeWrites(piped.fileno())),
        encoding=piped.encoding,
        errors=piped.errors,
        line_buffering=piped.line_buffering,
    )


class _WholeWrites(io.RawIOBase):
    """A descriptor whose ``write`` writes all it is given, or raises."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor

    def fileno(self) -> int:
        return self._descriptor

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        while view:
            view = view[os.write(self._descriptor, view) :]
        return len(data)


@contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Run the block with Python's cycle collector off (reference counting still frees
    everything as usual), and restore it after.

    Parsed documents are millions of small, acyclic, long-lived objects: on a 30 MB
    journey the collector's repeated passes over them took about half of a
    ``journeysim validate``. A command runs once and exits, and loading and validating
    make no garbage cycles that grow with the input, so nothing piles up meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
