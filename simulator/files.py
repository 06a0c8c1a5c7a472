"""Writing files whole or not at all: what every command, the TUI and the importer use.

A file is written under a temporary name beside its target and renamed into place,
so a reader never sees half of it and a failed write (disk full, no permission, an
interrupt) leaves whatever was there before. :func:`write_all` does the same for a
set of files: all of them appear, or none (and no folder made for them stays).

A path is written as a shell's ``>`` writes it. Through a symbolic link, the file
it points to is written (the link stays a link; a dangling one gets its file made).
A path that is no regular file (a FIFO, ``/dev/null``, a terminal) is opened and
written directly, since it cannot be replaced: a rename over it would put a regular
file where the device or pipe was; a path naming one of this process's descriptors
(``/dev/stdout``, ``/dev/fd/3``) is written through that descriptor, so a pipe gets
the text and a file the shell opened for appending is appended to. As for ``>``, a
file without write permission is refused, and so is a path whose folder does not
exist as written (``gone/../out.json``); two paths of one call naming the same file
are refused too. A new file gets the permissions the user's umask gives (not
``mkstemp``'s 0600); a file written over keeps its own.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

__all__ = ["UnwritableOutput", "write_all", "write_atomically"]


class UnwritableOutput(OSError):
    """A file the user asked for could not be written (the CLI's ``unwritable_output``:
    not ``unreadable_input``, which is about what it reads)."""

    code = "unwritable_output"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename. Its folder must
    exist, as for a shell's ``>``: a mistyped ``-o`` folder is an error, not made."""
    write_all({path: text})


def write_all(texts: Mapping[Path, str], *, make_folders: bool = False) -> None:
    """Write every file of ``texts`` (path to text) or none of them; with
    ``make_folders``, the folders they need are made (and removed again on failure).

    Each is written beside its target under a temporary name; only when all are
    written are they renamed into place (a rename within a folder does not fail
    short of the folder vanishing meanwhile). On a failure, or an interrupt (Ctrl-C)
    at any point, the temporary files, the new files already renamed into place and
    the folders made for them are removed, and the error names the user's path, never
    the temporary file beside it. (A file written over cannot be given its old text
    back; the project writer never writes over one.)
    """
    made: list[Path] = []
    temporaries: list[Path] = []  # each listed before it is made: an interrupt leaks none
    fresh: set[Path] = set()  # the targets no file was at
    placed: list[Path] = []  # new files renamed into place, listed before the rename
    staged: dict[Path, tuple[Path, Path]] = {}  # the user's path: (temporary, target)
    streams: dict[Path, tuple[str, int | None]] = {}  # path: (text, descriptor or None)
    targets: dict[Path, Path] = {}  # the file written: the user's path naming it
    new_mode = 0o666 & ~_umask()
    try:
        for path, text in texts.items():
            try:
                descriptor = _descriptor(path)
                kind = "special" if descriptor is not None else _kind(path)
                if kind == "folder":  # caught before any rename: os.replace would fail late
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
                if kind == "special":
                    streams[path] = (text, descriptor)
                    continue
                if kind == "file" and not os.access(path, os.W_OK):  # as ``>`` refuses it
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
                if not make_folders:  # its folder as the kernel finds it: no ``gone/..``
                    os.stat(os.path.dirname(path) or ".")
                target = Path(os.path.realpath(path))  # through links, as ``>`` writes
                if target in targets:
                    message = f"the same file as {targets[target]}, written once"
                    raise OSError(errno.EINVAL, message, str(path))
                targets[target] = path
                folder = target.parent
                for parent in reversed([folder, *folder.parents]) if make_folders else ():
                    if not parent.exists():
                        made.append(parent)  # first: an interrupt in mkdir leaves none
                        try:
                            parent.mkdir()
                        except FileExistsError:  # made meanwhile, by another: not ours
                            made.pop()
                handle, temporary = _create_beside(target, temporaries)
                staged[path] = (temporary, target)
                if kind is None:
                    fresh.add(target)
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                    stream.write(text)
                os.chmod(temporary, target.stat().st_mode & 0o7777 if kind else new_mode)
            except OSError as exc:
                raise _naming(path, exc) from exc
        for path, (text, descriptor) in streams.items():  # before the renames: no undoing
            try:
                _write_stream(path, text, descriptor)
            except OSError as exc:
                raise _naming(path, exc) from exc
        for path, (temporary, target) in staged.items():
            if target in fresh:
                placed.append(target)
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise _naming(path, exc) from exc
    except BaseException:
        for leftover in [*temporaries, *placed]:
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        for folder in reversed(made):
            with suppress(OSError):
                folder.rmdir()
        raise


def _create_beside(target: Path, temporaries: list[Path]) -> tuple[int, Path]:
    """A new temporary file beside ``target``, opened for writing: its descriptor and
    path. The path joins ``temporaries`` before the file is made, so that an interrupt
    arriving as the file is made (where ``tempfile.mkstemp`` would lose its name)
    still has it removed."""
    import secrets  # here, not at the top: most commands write no file

    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        temporaries.append(temporary)
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), temporary
        except FileExistsError:  # another's file: not ours to remove
            temporaries.pop()
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


_DESCRIPTOR = re.compile(r"/dev/fd/(\d+)|/proc/(?:self|thread-self|\d+)/fd/(\d+)")
_STANDARD = {"/dev/stdout": 1, "/dev/stderr": 2}


def _descriptor(path: Path) -> int | None:
    """The open descriptor of this process that ``path`` names (``/dev/stdout``,
    ``/dev/fd/N``, ``/proc/self/fd/N``, or a link leading to one), else ``None``.
    Such a path is written through the descriptor itself: opening it again would
    truncate a file the shell opened for appending (``>> ci.log``), and resolving it
    gives ``pipe:[N]``, no path at all."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on a chain of links
        if current in _STANDARD:
            return _STANDARD[current]
        found = _DESCRIPTOR.fullmatch(current)
        if found is not None:
            if found.group(0).startswith("/proc/") and not found.group(0).startswith(
                ("/proc/self/", "/proc/thread-self/", f"/proc/{os.getpid()}/")
            ):
                return None  # another process's descriptor: a path like any other
            return int(found.group(1) or found.group(2))
        if not os.path.islink(current):
            return None
        current = os.path.join(os.path.dirname(current), os.readlink(current))
        current = os.path.abspath(current)
    return None


def _write_stream(path: Path, text: str, descriptor: int | None) -> None:
    """Write ``text`` into a FIFO, a device or an open descriptor, in place."""
    if descriptor is None:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        return
    for standard in (sys.stdout, sys.stderr):  # what was printed before comes first
        with suppress(Exception):
            standard.flush()
    with open(descriptor, "w", encoding="utf-8", newline="", closefd=False) as stream:
        stream.write(text)


def _kind(path: Path) -> str | None:
    """``None`` (nothing there yet), ``"file"``, ``"folder"`` or ``"special"`` (a FIFO,
    a device, a socket: anything a rename must not replace), through links."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "special"


def _naming(path: Path, exc: OSError) -> UnwritableOutput:
    """``exc`` about ``path``: the user named it, never the temporary file beside it."""
    return UnwritableOutput(exc.errno, exc.strerror or str(exc), str(path))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
