"""How every command fails: one stderr line, ending with a stable code; option values
refused the same way everywhere; files never lost to a closed pipe; --version."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import simulator
from simulator.files import write_all

ACT_ONB = "journeys/act-onb-2026.json"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "no-such.json"], "unreadable_input"),
        (["schema", "jounrey"], "usage_error"),
        (["simulate", "{acme}/" + ACT_ONB, "--subject-id", "nobody"], "not_found"),
        (["simulate", "{acme}/" + ACT_ONB, "--attr", "no-equals-sign"], "usage_error"),
        (["run", "no-such.scenario.yaml"], "unreadable_input"),
        (["serve", "--project", "no-such-folder"], "unreadable_input"),
    ],
)
def test_every_error_line_ends_with_its_code(run_cli, acme_dir, args, code):
    result = run_cli(*(arg.format(acme=acme_dir) for arg in args))
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("journeysim: error: ") and line.endswith(f" [{code}]")


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        (["validate", "{acme}"], "text, json, junit or github"),
        (["simulate", "{acme}/" + ACT_ONB, "--synthetic"], "text or json"),
        (["import-pinpoint", "{pinpoint}/boto3-get-journey.json"], "text or json"),
        (["test", "{acme}"], "text, json, junit or github"),
        (["run", "no-such.scenario.yaml"], "text or json"),
    ],
)
def test_an_unknown_format_is_refused_in_the_same_words_by_every_command(
    run_cli, acme_dir, fixtures_dir, command, choices
):
    places = {"acme": acme_dir, "pinpoint": fixtures_dir / "pinpoint"}
    result = run_cli(*(arg.format(**places) for arg in command), "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr == (
        f"journeysim: error: --format must be {choices}, not 'xml' [usage_error]\n"
    )


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["simulate", "{acme}/" + ACT_ONB, "--synthetic", "--seed", "abc"],
         "'--seed': must be a whole number, not 'abc'"),
        (["simulate", "{acme}/" + ACT_ONB, "--synthetic", "--seed", "-1"],
         "'--seed': must be at least 0, not -1"),
        (["simulate", "{acme}/" + ACT_ONB, "--synthetic", "--seed", str(2**53)],
         f"'--seed': must be at most {2**53 - 1}, not {2**53}"),
        (["run", "no-such.scenario.yaml", "-n", "1.5"],
         "'--population' / '-n': must be a whole number, not '1.5'"),
        (["import-pinpoint", "{pinpoint}/boto3-get-journey.json", "--goal-window-days", "x"],
         "'--goal-window-days': must be a whole number, not 'x'"),
        (["import-pinpoint", "{pinpoint}/boto3-get-journey.json", "--goal-window-days", "0"],
         "'--goal-window-days': must be at least 1, not 0"),
        (["serve", "--port", "http"], "'--port': must be a whole number, not 'http'"),
        (["serve", "--port", "9" * 400], f"'--port': must be at most 65535, not {'9' * 400}"),
        (["test", "{acme}", "--fail-under", "1234567.5"],
         "'--fail-under': must be at most 100, not 1234567.5"),
    ],
)  # fmt: skip
def test_a_bad_number_says_what_it_must_be_not_pydantics_words(
    run_cli, acme_dir, fixtures_dir, command, said
):
    """Typer 0.29 passed "Input should be a valid integer, unable to parse string as an
    integer" on; the seed's bounds are the API's (a trace's seed must read exactly)."""
    places = {"acme": acme_dir, "pinpoint": fixtures_dir / "pinpoint"}
    result = run_cli(*(arg.format(**places) for arg in command))
    assert result.exit_code == 2
    assert f"journeysim: error: Invalid value for {said} [usage_error]" in result.stderr
    assert "Input should" not in result.stderr


def test_the_cli_seed_bound_is_the_apis():
    from pydantic import TypeAdapter, ValidationError

    from simulator.backend.wire import Seed
    from simulator.cli.common import MAX_SEED

    assert TypeAdapter(Seed).validate_python(MAX_SEED) == MAX_SEED
    with pytest.raises(ValidationError):
        TypeAdapter(Seed).validate_python(MAX_SEED + 1)


def test_the_format_is_read_whatever_its_case(run_cli, acme_dir):
    result = run_cli("validate", str(acme_dir), "--format", "JSON")
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"] is True


def test_version_prints_the_installed_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"journeysim {simulator.__version__}\n"
    assert importlib.metadata.version("journeysim") == simulator.__version__


def test_an_attr_of_nan_stays_text_rather_than_becoming_null(run_cli, acme_dir):
    result = run_cli("simulate", str(acme_dir / ACT_ONB), "--attr", "score=NaN", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["subject"]["attributes"]["score"] == "NaN"


def test_a_closed_pipe_costs_neither_the_file_nor_a_traceback(fixtures_dir, tmp_path):
    """``journeysim import-pinpoint EXPORT -o FILE | head -0``: the reader is gone before
    the report is printed; the bundle is written all the same, and the command stops
    quietly."""
    out = tmp_path / "bundle.json"
    export = fixtures_dir / "pinpoint" / "boto3-get-journey.json"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went away before the first line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "simulator.cli", "import-pinpoint", str(export), "-o", str(out)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert json.loads(out.read_text())["journeys"]


@pytest.fixture(scope="module")
def large_export(fixtures_dir, tmp_path_factory) -> Path:
    """A ``list-journeys`` export of 150 copies of a fixture journey (distinct ids):
    its bundle, and the report of the project made from it, outgrow a pipe's buffer."""
    journey = json.loads(
        (fixtures_dir / "pinpoint" / "welcome-series.get-journey.json").read_text()
    )
    items = [
        {**journey["JourneyResponse"], "Id": f"j{n:03d}", "Name": f"Journey {n}"}
        for n in range(150)
    ]
    export = tmp_path_factory.mktemp("large") / "list-journeys.json"
    export.write_text(json.dumps({"JourneysResponse": {"Item": items}}))
    return export


def test_a_reader_that_stops_after_the_first_bytes_gives_exit_code_1(large_export, tmp_path):
    """``journeysim ... | head -1`` of more than the pipe holds: what the reader left
    unread is cut off, and the command says so with exit code 1 (it exited 0, the
    rest of a large write dropped without an error). Every command's stdout is made
    so in ``main()``; a 13 MB bundle on stdout is surely more than a pipe holds (a
    report of a few hundred kilobytes may fit in one and be all written before the
    reader leaves, which no writer can tell from a read)."""
    journeysim = [sys.executable, "-m", "simulator.cli"]
    args = ["import-pinpoint", str(large_export), "-o", "-"]
    with (tmp_path / "stderr").open("w+") as stderr:
        reading = subprocess.Popen([*journeysim, *args], stdout=subprocess.PIPE, stderr=stderr)
        assert reading.stdout.read(1) == b"{"
        reading.stdout.close()  # the reader is gone after its first bytes
        assert reading.wait(timeout=120) == 1
        stderr.seek(0)
        assert "Traceback" not in stderr.read()


def test_importing_over_an_earlier_import_names_the_files_and_says_what_to_do(
    run_cli, fixtures_dir, tmp_path
):
    export = str(fixtures_dir / "pinpoint" / "boto3-get-journey.json")
    assert run_cli("import-pinpoint", export, "--project", str(tmp_path)).exit_code == 0
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    again = run_cli("import-pinpoint", export, "--project", str(tmp_path))
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.stderr and "nothing written" in again.stderr
    assert "new folder" in again.stderr and again.stderr.rstrip().endswith("[would_overwrite]")
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_write_all_writes_every_file_or_none(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder is wanted")
    first = tmp_path / "new" / "deep" / "first.json"
    with pytest.raises(OSError) as raised:
        write_all({first: "{}", blocker / "second.json": "{}"}, make_folders=True)
    assert raised.value.filename == str(blocker / "second.json")
    assert not (tmp_path / "new").exists()  # neither the first file nor its folders
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_write_all_leaves_a_folder_someone_else_made_meanwhile(tmp_path, monkeypatch):
    """A folder made by another process between the look and the mkdir is not this
    write's: when the write fails, its clean-up must not remove it."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder is wanted")
    theirs = tmp_path / "theirs"
    real_mkdir = Path.mkdir

    def raced(path: Path, *args, **kwargs):
        if path == theirs:
            real_mkdir(path)  # the other process wins the race
            raise FileExistsError(17, "File exists", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", raced)
    with pytest.raises(OSError):
        write_all({theirs / "a.json": "{}", blocker / "b.json": "{}"}, make_folders=True)
    assert theirs.is_dir()  # empty, but theirs


def test_write_all_keeps_the_previous_file_when_another_write_fails(tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    (tmp_path / "blocker").write_text("a file where a folder is wanted")
    with pytest.raises(OSError):
        write_all({kept: "new", tmp_path / "blocker" / "x.json": "{}"})
    assert kept.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "kept.json"]  # no temps


def _interrupted_after(calls: int, real):
    """``real``, done, then a Ctrl-C (as a SIGINT lands when the system call returns)
    on its ``calls``-th call."""
    count = 0

    def call(*args, **kwargs):
        nonlocal count
        done = real(*args, **kwargs)
        count += 1
        if count == calls:
            raise KeyboardInterrupt
        return done

    return call


@pytest.mark.parametrize("call", ["open", "replace"])
@pytest.mark.parametrize("calls", [1, 3])
def test_an_interrupted_write_all_leaves_nothing_behind(tmp_path, monkeypatch, call, calls):
    """Ctrl-C as a temporary file is made (``mkstemp`` lost its name) or after some
    files were renamed into place: no temporary file, no new file, no new folder."""
    project = tmp_path / "project"
    texts = {project / "journeys" / f"j{n}.json": "{}" for n in range(5)}
    monkeypatch.setattr(os, call, _interrupted_after(calls, getattr(os, call)))
    with pytest.raises(KeyboardInterrupt):
        write_all(texts, make_folders=True)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_import_leaves_the_project_as_it_was(
    run_cli, acme_copy, fixtures_dir, monkeypatch
):
    """Ctrl-C halfway through ``import-pinpoint --project``: exit 130, and the project
    holds what it held, no temporary file and no half of the import."""
    before = {path: path.read_bytes() for path in acme_copy.rglob("*") if path.is_file()}
    export = fixtures_dir / "pinpoint" / "list-journeys.json"
    monkeypatch.setattr(os, "replace", _interrupted_after(3, os.replace))
    result = run_cli("import-pinpoint", str(export), "--project", str(acme_copy))
    monkeypatch.undo()
    assert result.exit_code == 130
    assert {path: path.read_bytes() for path in acme_copy.rglob("*") if path.is_file()} == before


def test_write_all_writes_through_a_link_and_into_a_fifo_as_a_shell_does(tmp_path):
    """A rename used to put a regular file where the link, the FIFO (or, as root,
    ``/dev/stdout``) was: the file the link named kept its old text, a reader waiting
    on the FIFO never got the report, and the device was gone."""
    import threading

    real, link, dangling = tmp_path / "real.xml", tmp_path / "link.xml", tmp_path / "new.xml"
    real.write_text("old")
    real.chmod(0o640)
    link.symlink_to(real.name)
    dangling.symlink_to("made.xml")
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_all({link: "through the link", dangling: "made", fifo: "into the pipe"})
    reader.join(timeout=10)
    assert link.is_symlink() and real.read_text() == "through the link"
    assert real.stat().st_mode & 0o777 == 0o640  # a file written over keeps its mode
    assert dangling.is_symlink() and (tmp_path / "made.xml").read_text() == "made"
    assert got == ["into the pipe"] and fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo.xml",
        "link.xml",
        "made.xml",
        "new.xml",
        "real.xml",
    ]  # no temporary file left


def test_o_dev_stdout_reaches_a_pipe_and_appends_to_a_redirected_file(acme_dir, tmp_path):
    """Resolving ``/dev/stdout`` gave ``pipe:[N]`` (the write failed, exit 2) or the
    shell's file, which a rename then replaced: the lines before it were lost."""
    command = [sys.executable, "-m", "simulator.cli", "validate", str(acme_dir), "-f", "json"]
    piped = subprocess.run([*command, "-o", "/dev/stdout"], capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    report, log = piped.stdout.split("}\n0 errors")  # the report, then the text log
    assert json.loads(report + "}")["ok"] is True and log.startswith(", 0 warnings")
    log_file = tmp_path / "ci.log"
    log_file.write_text("line from before\n")
    with log_file.open("a") as appending:
        run = subprocess.run([*command, "-o", "/dev/stdout"], stdout=appending, text=True)
    assert run.returncode == 0
    lines = log_file.read_text().splitlines()
    assert lines[0] == "line from before" and lines[1] == "{" and lines[-1].startswith("0 errors")


def test_write_all_refuses_what_a_shell_would_refuse(tmp_path):
    """``realpath`` made ``gone/../x`` and ``file/../x`` writable, and two names of one
    file in one call silently kept the last text."""
    (tmp_path / "file.txt").write_text("")
    for path in (tmp_path / "gone" / ".." / "x.json", tmp_path / "file.txt" / ".." / "y.json"):
        with pytest.raises(OSError) as raised:
            write_all({path: "{}"})
        assert raised.value.filename == str(path)
    first, link = tmp_path / "a.json", tmp_path / "b.json"
    link.symlink_to(first.name)
    with pytest.raises(OSError, match="the same file as"):
        write_all({first: "A", link: "B"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json", "file.txt"]


@pytest.mark.parametrize("command", [["validate", "."], ["test", "tests"]])
def test_o_dash_is_stdout_and_the_log_goes_to_stderr(run_cli, acme_dir, monkeypatch, command):
    # ``-o -`` used to write a file named "-" in the working folder.
    monkeypatch.chdir(acme_dir)
    result = run_cli(*command, "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True  # the report alone: parseable
    last = result.stderr.splitlines()[-1]  # the text log's summary, on stderr
    assert re.fullmatch(r"0 errors, 0 warnings in \d+ files|\d+ passed", last), last
    assert not (acme_dir / "-").exists()


@pytest.mark.parametrize(
    "command",
    [["validate", "."], ["test", "tests"], ["import-pinpoint", "PINPOINT"]],
)
def test_o_dot_slash_dash_writes_a_file_named_dash(run_cli, acme_copy, monkeypatch, command):
    # pathlib reads ``./-`` as ``-``, so a file named "-" could not be named at all.
    export = (
        Path(__file__).parents[2] / "fixtures" / "pinpoint" / "all-activities.write-journey.json"
    )
    command = [str(export) if part == "PINPOINT" else part for part in command]
    monkeypatch.chdir(acme_copy)
    result = run_cli(*command, "-f", "json", "-o", "./-")
    assert result.exit_code == 0, result.stderr
    written = (acme_copy / "-").read_text()
    assert json.loads(written)  # the report (or the bundle), as JSON
    assert written not in result.stdout  # and not on stdout


def test_an_output_that_cannot_be_written_is_not_called_unreadable_input(
    run_cli, acme_dir, tmp_path
):
    result = run_cli("validate", str(acme_dir), "-f", "json", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("[unwritable_output]"), result.stderr


def assert_refused_as_overwriting(result, target: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"journeysim: error: -o {target} is a file this command reads")
    assert result.stderr.endswith(": nothing written; give -o another file [would_overwrite]\n")


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["validate", "journeys/act-onb-2026.json", "-f", "junit"], "journeys/act-onb-2026.json"),
        (["validate", "."], "workspace.json"),  # read through the folder given
        (["validate", "journeys/act-onb-2026.json"], "segments/seg-new-signups.json"),  # used
        (["test", "tests/trial.journeytest.yaml"], "tests/trial.journeytest.yaml"),
        (["test", "tests"], "journeys/trial-conv-2026.json"),
        (["test", "tests/renewal.journeytest.yaml", "-f", "json"], "{golden}"),
        (["test", "tests/onboarding.journeytest.yaml", "-f", "json"], "tests/subjects/qa-bot.json"),
    ],
)
def test_o_never_overwrites_a_file_the_command_reads(
    run_cli, acme_dir, tmp_path, monkeypatch, command, target
):
    """``-o`` naming one of the inputs (the path and ``-o`` swapped, a slip in the shell's
    history) is refused before anything is written: the input is kept byte for byte."""
    import shutil

    project = tmp_path / "acme"
    shutil.copytree(acme_dir, project)
    monkeypatch.chdir(project)
    golden = next((project / "tests" / "__snapshots__" / "renewal").glob("*.json"))
    target = target.format(golden=golden.relative_to(project))
    before = (project / target).read_bytes()
    assert_refused_as_overwriting(run_cli(*command, "-o", target), target)
    assert (project / target).read_bytes() == before


def test_o_is_not_a_golden_file_update_is_about_to_write(run_cli, acme_dir, tmp_path, monkeypatch):
    import shutil

    project = tmp_path / "acme"
    shutil.copytree(acme_dir, project)
    monkeypatch.chdir(project)
    golden = next((project / "tests" / "__snapshots__" / "renewal").glob("*.json"))
    golden.unlink()  # --update would write it again
    target = str(golden.relative_to(project))
    result = run_cli("test", "tests/renewal.journeytest.yaml", "--update", "-o", target)
    assert_refused_as_overwriting(result, target)
    assert not golden.exists()


def test_o_naming_a_folder_given_is_unwritable_output_not_an_input(run_cli, acme_dir, monkeypatch):
    monkeypatch.chdir(acme_dir)
    result = run_cli("validate", ".", "-o", ".")
    assert result.exit_code == 2
    assert result.stderr == "journeysim: error: .: Is a directory [unwritable_output]\n"


def test_import_pinpoint_o_is_not_a_file_project_writes(run_cli, fixtures_dir, tmp_path):
    out = tmp_path / "out"
    export = fixtures_dir / "pinpoint" / "boto3-get-journey.json"
    target = out / "workspace.json"
    result = run_cli("import-pinpoint", str(export), "--project", str(out), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"journeysim: error: -o {target} is a file this command writes")
    assert not out.exists()


def test_import_pinpoint_o_never_overwrites_the_export(run_cli, fixtures_dir, tmp_path):
    import shutil

    export = tmp_path / "export.json"
    shutil.copyfile(fixtures_dir / "pinpoint" / "boto3-get-journey.json", export)
    before = export.read_bytes()
    assert_refused_as_overwriting(
        run_cli("import-pinpoint", str(export), "-o", str(export)), str(export)
    )
    assert export.read_bytes() == before


def _files(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    ("command", "target", "place"),
    [
        (["import-pinpoint", "EXPORT", "--project", "."], "workspace.json", "a workspace file"),
        (["import-pinpoint", "EXPORT", "--project", "."], ACT_ONB, "in the journeys/ folder"),
        (["import-pinpoint", "EXPORT", "--project", "."], "triggers/new.json", "in the triggers/"),
        (["validate", ACT_ONB, "-f", "json"], "journeys/trial-conv-2026.json", "in the journeys/"),
        (["validate", ACT_ONB, "-f", "json"], "subjects/usr_plain_ana.json", "in the subjects/"),
        (["validate", ACT_ONB], "workspace.yaml", "a workspace file"),
        (["test", "tests/trial.journeytest.yaml"], "journeys/report.json", "in the journeys/"),
    ],
)
def test_o_is_never_a_document_of_the_project_the_command_reads_or_writes(
    run_cli, acme_copy, fixtures_dir, monkeypatch, command, target, place
):
    """A report or bundle written where the project keeps its documents replaces one
    (or becomes a broken one), though the command did not read that file: refused,
    and nothing is written anywhere (not even the files ``--project`` would add)."""
    export = str(fixtures_dir / "pinpoint" / "welcome-series.get-journey.json")
    monkeypatch.chdir(acme_copy)
    before = _files(acme_copy)
    result = run_cli(*(export if part == "EXPORT" else part for part in command), "-o", target)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"journeysim: error: -o {target} is {place}")
    assert result.stderr.endswith(": nothing written; give -o another file [would_overwrite]\n")
    assert _files(acme_copy) == before


def test_o_may_be_a_file_that_is_no_document_inside_a_document_folder(
    run_cli, acme_copy, monkeypatch
):
    """Only files the loader reads as documents are refused: a JUnit report.xml
    beside the journeys is no journey."""
    monkeypatch.chdir(acme_copy)
    result = run_cli("validate", ACT_ONB, "-f", "junit", "-o", "journeys/report.xml")
    assert result.exit_code == 0, result.stderr
    assert (acme_copy / "journeys" / "report.xml").read_text().startswith("<?xml")


@pytest.mark.parametrize("target", ["{project}/workspace.json", "{project}/journeys/x.json"])
def test_import_pinpoint_o_is_not_in_a_new_project_folder(run_cli, fixtures_dir, tmp_path, target):
    export = fixtures_dir / "pinpoint" / "boto3-get-journey.json"
    project = tmp_path / "new"
    output = target.format(project=project)
    result = run_cli("import-pinpoint", str(export), "--project", str(project), "-o", output)
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("[would_overwrite]")
    assert not project.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{acme}/journeys/act-onb-2026.json"],
        ["simulate", "{acme}/journeys/act-onb-2026.json", "--synthetic"],
        ["simulate", "{acme}/journeys/act-onb-2026.json", "--subject", "{subject}"],
        ["test", "{acme}/tests/trial.journeytest.yaml"],
        ["import-pinpoint", "{pinpoint}/boto3-get-journey.json"],
        ["run", "{scenario}"],
    ],
)
def test_a_file_the_user_cannot_read_is_unreadable_input_naming_it(
    run_cli, acme_dir, fixtures_dir, monkeypatch, command
):
    """What a user without read permission sees (the test runs as root, who may read
    anything, so both the access check and the read are refused by hand): the command's
    own error line with its code, not Typer's "path is not readable" with none."""
    places = {
        "acme": acme_dir,
        "pinpoint": fixtures_dir / "pinpoint",
        "subject": acme_dir / "subjects" / "usr_plain_ana.json",
        "scenario": next(fixtures_dir.rglob("*.scenario.yaml")),
    }
    command = [arg.format(**places) for arg in command]
    denied = Path(command[-1] if command[-2] == "--subject" else command[1])
    real_open, real_access = Path.open, os.access

    def refuse(path, *args, **kwargs):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode, **kw: Path(path) != denied and real_access(path, mode, **kw),
    )
    result = run_cli(*command)
    assert result.exit_code == 2, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("journeysim: error: ") and line.endswith(" [unreadable_input]"), line
    assert denied.name in line and "Permission denied" in line


def test_no_path_parameter_lets_typer_check_readability(cli_app):
    """Typer's own check would answer an unreadable file with "path is not readable"
    and no code, before the command could say it in its own words (above)."""
    import typing

    from typer.models import ParameterInfo

    found, checked = [], []
    for command in cli_app.registered_commands:
        hints = typing.get_type_hints(command.callback, include_extras=True)
        for name, hint in hints.items():
            infos = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, ParameterInfo)]
            if infos and "Path" in str(typing.get_args(hint)[0]):
                found.append(f"{command.name} {name}")
                if infos[0].readable:
                    checked.append(f"{command.name} {name}")
    assert len(found) >= 14, found
    assert checked == []
