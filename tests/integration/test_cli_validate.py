"""``journeysim validate``: findings at file:line:column, formats, and exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from simulator.codes import FindingCode, Severity, severity_of
from simulator.paths import fixtures_dir as bundled_fixtures

REPO = Path(__file__).resolve().parents[2]


def invalid_projects() -> list[Path]:
    """Every project under ``fixtures/invalid`` (each has an ``expected.json``)."""
    return sorted(path.parent for path in (bundled_fixtures() / "invalid").rglob("expected.json"))


def expected_findings(project: Path) -> list[dict]:
    """A project's ``expected.json``, always as a list."""
    expected = json.loads((project / "expected.json").read_text(encoding="utf-8"))
    return expected if isinstance(expected, list) else [expected]


def as_tuples(findings: list[dict]) -> list[tuple]:
    keys = ("code", "severity", "file", "line", "column", "path")
    return sorted(tuple(finding[key] for key in keys) for finding in findings)


def test_the_bundled_fixtures_validate_clean(run_cli, fixtures_dir: Path):
    result = run_cli("validate", str(fixtures_dir))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings in ")
    assert "invalid" not in result.stdout


@pytest.mark.parametrize(
    "project", invalid_projects(), ids=lambda p: p.relative_to(p.parents[1]).as_posix()
)
def test_each_invalid_project_reports_its_finding_where_it_is(
    run_cli, project: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(project)
    expected = expected_findings(project)
    result = run_cli("validate", ".", "--format", "json")
    report = json.loads(result.stdout)
    assert as_tuples(report["findings"]) == as_tuples(expected)
    has_error = any(finding["severity"] == "error" for finding in expected)
    assert result.exit_code == (1 if has_error else 0)
    assert run_cli("validate", ".", "--strict").exit_code == 1


def test_every_finding_code_has_an_invalid_project_of_its_own():
    # The per-project test above checks the projects there are; this one, that none is
    # missing: every code of SPEC §2, and every error code in a project of that name.
    projects = invalid_projects()
    found = {finding["code"] for project in projects for finding in expected_findings(project)}
    assert found == {code.value for code in FindingCode}
    named = {project.name for project in projects}
    errors = {code.value for code in FindingCode if severity_of(code) is Severity.ERROR}
    assert errors <= named


def test_text_output_names_file_line_and_column(run_cli, fixtures_dir: Path, monkeypatch):
    monkeypatch.chdir(fixtures_dir)
    project = Path("invalid") / "cycle_detected"
    [expected] = expected_findings(project)
    result = run_cli("validate", str(project))
    first, summary = result.stdout.splitlines()
    where = f"{(project / expected['file']).as_posix()}:{expected['line']}:{expected['column']}"
    assert first.startswith(f"{where}: error cycle_detected: ")
    assert summary == "1 error, 0 warnings in 3 files"
    assert result.exit_code == 1


def test_json_output_follows_the_published_report_schema(run_cli, fixtures_dir: Path):
    schema = json.loads(run_cli("schema", "validation-report").stdout)
    for path in (fixtures_dir / "acme", fixtures_dir / "invalid"):
        report = json.loads(run_cli("validate", str(path), "--format", "json").stdout)
        jsonschema.Draft202012Validator(schema).validate(report)
    assert report["summary"]["errors"] > 0 and report["ok"] is False


def test_junit_output_has_one_failure_per_error(run_cli, fixtures_dir: Path):
    invalid = str(fixtures_dir / "invalid")
    report = json.loads(run_cli("validate", invalid, "--format", "json").stdout)
    result = run_cli("validate", invalid, "--format", "junit")
    root = ET.fromstring(result.stdout)
    failures = list(root.iter("failure"))
    assert len(failures) == report["summary"]["errors"]
    assert {f.get("type") for f in failures} == {
        f["code"] for f in report["findings"] if f["severity"] == "error"
    }
    assert len(list(root.iter("testsuite"))) == report["summary"]["files"]
    assert result.exit_code == 1


def test_github_output_annotates_each_finding(run_cli, fixtures_dir: Path):
    invalid = fixtures_dir / "invalid"
    result = run_cli("validate", str(invalid / "unknown_step_reference"), "-f", "github")
    [expected] = expected_findings(invalid / "unknown_step_reference")
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1
    assert (
        f"line={expected['line']},col={expected['column']},title=unknown_step_reference::"
        in (errors[0])
    )
    assert errors[0].startswith("::error file=") and expected["file"] in errors[0]
    warned = run_cli("validate", str(invalid / "warnings" / "long_wait"), "-f", "github")
    assert warned.stdout.startswith("::warning file=") and warned.exit_code == 0


def test_a_wait_until_in_the_past_quotes_now_as_utc_whole_seconds(run_cli, fixtures_dir: Path):
    project = fixtures_dir / "invalid" / "warnings" / "wait_until_in_past"
    result = run_cli("validate", str(project))
    assert result.exit_code == 0
    (line,) = [line for line in result.stdout.splitlines() if "wait_until_in_past" in line]
    assert re.search(r"before now \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$", line), line


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_half_a_surrogate_pair_is_a_located_finding_in_every_format(
    run_cli, fixtures_dir: Path, tmp_path: Path, monkeypatch, fmt
):
    # "\\ud800" alone names no character: no UTF-8 report could print it.
    shutil.copytree(fixtures_dir / "invalid" / "cycle_detected", tmp_path / "p")
    journey = tmp_path / "p" / "journeys" / "activation-loop.json"
    journey.write_text(journey.read_text().replace('"wait-1d"', '"wait-1d\\ud800"', 1))
    monkeypatch.chdir(tmp_path / "p")
    result = run_cli("validate", ".", "--format", fmt)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    report = json.loads(run_cli("validate", ".", "--format", "json").stdout)
    [finding] = report["findings"]
    assert (finding["code"], finding["file"]) == (
        "invalid_document",
        "journeys/activation-loop.json",
    )
    assert "\\ud800, half of a surrogate pair" in finding["message"]
    assert finding["line"] > 1


def test_a_journey_file_reports_it_and_what_it_uses(run_cli, acme_dir: Path, monkeypatch):
    monkeypatch.chdir(acme_dir)
    result = run_cli("validate", "journeys/act-onb-2026.json", "--format", "json")
    files = {entry["file"] for entry in json.loads(result.stdout)["files"]}
    assert "journeys/act-onb-2026.json" in files and "workspace.json" in files
    assert not any(name.startswith("subjects/") for name in files)
    assert result.exit_code == 0


def test_output_file_gets_the_report_and_stdout_the_text(run_cli, acme_dir: Path, tmp_path):
    target = tmp_path / "report.xml"
    result = run_cli("validate", str(acme_dir), "--format", "junit", "-o", str(target))
    assert ET.parse(target).getroot().tag == "testsuites"
    assert result.stdout.startswith("0 errors, 0 warnings in ")
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("name", "words"), [("missing-folder/report.json", "No such file"), (".", "directory")]
)
def test_an_output_file_that_cannot_be_written_is_exit_2(
    run_cli, acme_dir: Path, tmp_path, name, words
):
    target = tmp_path / name
    result = run_cli("validate", str(acme_dir), "-f", "json", "-o", str(target))
    assert result.exit_code == 2
    # The message names the file asked for, not the temporary file written first.
    assert result.stderr.startswith(f"journeysim: error: {target}: ") and words in result.stderr
    assert not target.is_file() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "does-not-exist"], "no such file or folder"),
        (["validate"], "Missing argument"),
        (["validate", ".", "--format", "xml"], "--format must be text, json, junit or github"),
        (["validate", ".", "--no-such-flag"], "No such option"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(
    run_cli, tmp_path, monkeypatch, args, words
):
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", ".", "--no-such-flag"],
        ["no-such-command"],
        ["simulate", "j.json", "--attr", "a=1", "--seed", "abc"],
        ["run", "s.yaml", "-n", "abc"],
    ],
)
def test_typer_usage_errors_end_with_the_usage_error_code(run_cli, tmp_path, monkeypatch, args):
    # They used to end "Error: Missing argument 'PATH'." with no code, unlike the rest.
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args)
    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert re.fullmatch(r"journeysim: error: .+ \[usage_error\]", last), result.stderr
    assert "for help." in result.stderr  # the hint to --help is kept


def unreadable_setups():
    def not_a_project(root: Path) -> Path:
        return root.parent / "empty"

    def dangling_symlink(root: Path) -> Path:
        (root / "journeys" / "gone.json").symlink_to(root / "nowhere.json")
        return root

    def stray_file(root: Path) -> Path:
        (root / "journeys" / "drafts").mkdir()
        (root / "journeys" / "drafts" / "x.json").write_text("{}")
        return root / "journeys" / "drafts" / "x.json"

    return [
        (not_a_project, "holds no journeysim project"),
        (dangling_symlink, "cannot read journeys/gone.json"),
        (stray_file, "is not a document of the project"),
    ]


@pytest.mark.parametrize(("setup", "words"), unreadable_setups())
def test_unreadable_input_exits_2(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch, setup, words
):
    root = tmp_path / "project"
    shutil.copytree(acme_dir, root)
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(root)
    result = run_cli("validate", str(setup(root)))
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_file_system_error_while_reading_exits_2(run_cli, acme_dir: Path, monkeypatch):
    real = Path.open

    def refuse(path: Path, *args, **kwargs):
        if path.name == "trig-signup.json":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    result = run_cli("validate", str(acme_dir))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "Permission denied" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_document_that_never_ends_is_a_finding_not_a_hang(
    run_cli, fixtures_dir: Path, tmp_path: Path, monkeypatch
):
    shutil.copytree(fixtures_dir / "invalid" / "cycle_detected", tmp_path / "p")
    (tmp_path / "p" / "journeys" / "zero.json").symlink_to("/dev/zero")
    monkeypatch.chdir(tmp_path / "p")
    result = run_cli("validate", ".", "--format", "json")
    assert result.exit_code == 1
    located = {
        (f["code"], f["file"], f["line"], f["column"])
        for f in json.loads(result.stdout)["findings"]
    }
    assert ("invalid_document", "journeys/zero.json", 1, 1) in located
    assert "larger than 32 MiB" in result.stdout


def run_module(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_real_process_validates_the_fixtures_folder():
    clean = run_module("validate", "fixtures/")
    assert clean.returncode == 0, clean.stderr
    broken = run_module("validate", "fixtures/invalid/cycle_detected", "-f", "github")
    assert broken.returncode == 1 and broken.stdout.startswith("::error file=fixtures/invalid/")
    missing = run_module("validate", "no/such/path")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "no such file or folder" in missing.stderr and "Traceback" not in missing.stderr


def test_the_installed_console_script_validates_too(fixtures_dir: Path):
    script = shutil.which("journeysim") or str(Path(sys.executable).with_name("journeysim"))
    if not Path(script).exists():
        pytest.skip("the journeysim console script is not installed (pip install -e .)")
    done = subprocess.run(
        [script, "validate", str(fixtures_dir / "invalid" / "warnings" / "long_wait"), "--strict"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and "warning long_wait" in done.stdout


def test_an_astronomical_wait_is_an_invalid_duration_not_an_internal_error(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch
):
    shutil.copytree(acme_dir, tmp_path / "p")
    journey = tmp_path / "p" / "journeys" / "act-onb-2026.json"
    text = journey.read_text()
    journey.write_text(text.replace('"duration": "P3D"', '"duration": "P99999999999D"', 1))
    monkeypatch.chdir(tmp_path / "p")
    result = run_cli("validate", "journeys/act-onb-2026.json", "--format", "json")
    assert result.exit_code == 1, result.stderr
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert finding["code"] == "invalid_duration" and finding["line"] > 1
    assert "longer than 1000 years" in finding["message"]


def test_a_subjects_future_event_after_is_checked_where_it_is_written(
    run_cli, acme_copy: Path, edit_json
):
    # A dry-run of this subject would refuse the duration; validate says so first.
    project = acme_copy
    edit_json(
        project / "subjects" / "usr_plain_ana.json",
        lambda s: s.update(futureEvents=[{"name": "user.activated", "after": "3 days"}]),
    )
    result = run_cli("validate", str(project), "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["path"]) == ("invalid_duration", "/futureEvents/0/after")
    assert finding["file"].endswith("subjects/usr_plain_ana.json")
    assert "'3 days' is not an ISO-8601 duration" in finding["message"]


def test_a_reference_to_a_document_that_does_not_validate_says_so(
    run_cli, acme_copy: Path, edit_json, break_welcome_email
):
    # It exists: "does not exist (did you mean <another one>?)" would send the user
    # looking for a typo that is not there.
    project = acme_copy
    edit_json(
        project / "segments" / "seg-new-signups.json", lambda s: s.update(kindd=s.pop("kind"))
    )
    break_welcome_email(project)
    journey = project / "journeys" / "act-onb-2026.json"
    result = run_cli("validate", str(journey), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    by_code = {f["code"]: f for f in findings}
    segment_ref, comm_ref = by_code["unknown_segment"], by_code["unknown_communication"]
    assert "segments/seg-new-signups.json does not validate" in segment_ref["message"]
    assert "comm-welcome-email.yaml does not validate" in comm_ref["message"]
    assert "did you mean" not in segment_ref["message"] + comm_ref["message"]
    # The broken files' own errors are part of the journey's report.
    files = {Path(f["file"]).relative_to(project).as_posix() for f in findings}
    assert {"segments/seg-new-signups.json", "communications/comm-welcome-email.yaml"} <= files


def test_an_unknown_field_is_located_at_its_key_not_its_value(
    run_cli, acme_copy: Path, monkeypatch
):
    """``"goalEvnetName": "x"`` was reported where ``"x"`` starts; the key is what is
    wrong, so an editor's cursor should land on it (JSON, YAML, top level and step)."""
    journey = acme_copy / "journeys" / "act-onb-2026.json"
    lines = journey.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(6, '  "goalEvnetName": "x",\n')
    lines.insert(12, '      "nxt": "exit",\n')  # inside the first step, after its "id"
    journey.write_text("".join(lines), encoding="utf-8")
    monkeypatch.chdir(acme_copy)
    result = run_cli("validate", ".")
    assert "journeys/act-onb-2026.json:7:3: error invalid_document: journey: unknown field" in (
        result.stdout
    )
    assert "journeys/act-onb-2026.json:13:7: error invalid_document: step 'send-welcome': " in (
        result.stdout
    )


def test_an_unknown_field_in_yaml_is_located_at_its_key(run_cli, tmp_path: Path, monkeypatch):
    project = tmp_path / "p"
    shutil.copytree(bundled_fixtures() / "invalid" / "yaml_unknown_step_reference", project)
    journey = project / "journeys" / "onboarding-yaml.yaml"
    text = journey.read_text(encoding="utf-8")
    journey.write_text(text.replace("    duration: P1D\n", "    duratoin:   P1D\n"), "utf-8")
    monkeypatch.chdir(project)
    result = run_cli("validate", ".")
    assert "journeys/onboarding-yaml.yaml:9:5: error invalid_document: step 'wait-1d': " in (
        result.stdout
    ), result.stdout


def test_an_unreadable_file_leaves_its_project_out_but_hides_no_other_findings(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch
):
    """A dangling link in project a stopped the whole run: project b's errors were not
    shown, and --format json printed nothing. b is reported now, a is named on stderr,
    and the run still exits 2."""
    for name in ("a", "b"):
        shutil.copytree(acme_dir, tmp_path / "all" / name)
    (tmp_path / "all" / "a" / "journeys" / "gone.json").symlink_to(tmp_path / "nowhere.json")
    journey = tmp_path / "all" / "b" / "journeys" / "act-onb-2026.json"
    journey.write_text(journey.read_text().replace('"next": "wait-3d"', '"next": "nowhere"', 1))
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "all", "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [f["code"] for f in report["findings"]] == ["unknown_step_reference"]
    assert {entry["file"].split("/")[1] for entry in report["files"]} == {"b"}
    assert "cannot read all/a/journeys/gone.json" in result.stderr
    assert "[unreadable_input]" in result.stderr


@pytest.mark.parametrize("target", ["elsewhere.json", "loop.json"], ids=["dangling", "loop"])
def test_a_path_given_that_is_a_link_to_nothing_says_so(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch, target
):
    """A dangling link or a loop of links given on the command line was 'no such file
    or folder', though ls shows it: it says what it is."""
    shutil.copytree(acme_dir, tmp_path / "p")
    (tmp_path / "p" / "journeys" / "loop.json").symlink_to("loop.json")
    (tmp_path / "p" / "journeys" / "link.json").symlink_to(target)
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "p/journeys/link.json")
    assert result.exit_code == 2
    assert "p/journeys/link.json is a link that leads to no file" in result.stderr


def test_a_project_without_journeys_is_clean_but_said_to_hold_none(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch
):
    """With journeys/ emptied, --strict passed in silence: a CI job checking nothing."""
    shutil.copytree(acme_dir, tmp_path / "p")
    shutil.rmtree(tmp_path / "p" / "journeys")
    shutil.rmtree(tmp_path / "p" / "tests")
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "p", "--strict")
    assert result.exit_code == 0
    assert "warning: p holds no journeys (p/journeys/ is empty or missing)" in result.stderr
    # a folder inside the project asked for: no journeys were meant, nothing said
    assert "warning" not in run_cli("validate", "p/segments").stderr
