"""``journeysim import-pinpoint``: exit codes, report, bundle, and a dry-run of the result."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from importers.pinpoint import bundle_schema, import_files
from simulator.paths import fixtures_dir

EXPECTED = "expected.json"


@pytest.fixture(scope="module")
def pinpoint(fixtures_dir: Path) -> Path:
    return fixtures_dir / "pinpoint"


def _args(pinpoint: Path, export: str, *more: str) -> list[str]:
    return [
        "import-pinpoint",
        str(pinpoint / export),
        "--templates",
        str(pinpoint / "templates"),
        "--segments",
        str(pinpoint / "segments.json"),
        *more,
    ]


def test_a_valid_export_exits_0_prints_the_report_and_writes_the_bundle(
    run_cli, pinpoint, tmp_path
):
    out = tmp_path / "bundle.json"
    result = run_cli(*_args(pinpoint, "all-activities.write-journey.json", "-o", str(out)))
    assert result.exit_code == 0, result.stderr
    assert "Pinpoint import report" in result.stdout
    for code in ("unsupported_channel_sms", "holdout_removed", "adaptive_branch_without_goal"):
        assert code in result.stdout
    assert "translated 1 journey" in result.stdout
    bundle = json.loads(out.read_text())
    assert list(jsonschema.Draft202012Validator(bundle_schema()).iter_errors(bundle)) == []
    assert bundle["format"] == "journeysim.import-bundle/v1"


def test_json_format_prints_the_report_as_json(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "welcome-series.get-journey.json", "--format", "json"))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["summary"]["journeys"] == 1
    assert document["source"]["journeyId"] == "0c4f8d2e6a1b4c3d9e7f5a2b8c1d4e6f"
    codes = {entry["code"] for entry in document["report"]}
    assert {"event_trigger", "evaluation_wait"} <= codes


def test_output_dash_writes_the_bundle_to_stdout_and_the_report_to_stderr(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "list-journeys.json", "-o", "-", "-f", "json"))
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["journeys"]) == 3
    assert json.loads(result.stderr)["summary"]["journeys"] == 3


@pytest.mark.parametrize("export", ["malformed.get-journey.json", "miscased.get-journey.json"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_malformed_export_exits_1_with_every_problem_at_its_location(
    run_cli, pinpoint, tmp_path, export, fmt
):
    out = tmp_path / "bundle.json"
    result = run_cli(*_args(pinpoint, export, "-o", str(out), "--format", fmt))
    assert result.exit_code == 1
    assert result.stderr.startswith("journeysim: error:") and "Traceback" not in result.stderr
    expected = json.loads((pinpoint / EXPECTED).read_text())["exports"][export]["problems"]
    if fmt == "json":
        report = json.loads(result.stdout)["report"]
        printed = {(e.get("location"), e["code"]) for e in report}
        assert {(p["location"], p["code"]) for p in expected} <= printed
        positions = [e["position"] for e in report if e["code"] == expected[0]["code"]]
        assert all(p["file"] == str(pinpoint / export) and p["line"] >= 1 for p in positions)
    else:
        rows = result.stdout.splitlines()
        for problem in expected:
            assert any(problem["location"] in row for row in rows), problem
            assert problem["code"] in result.stdout
        assert f"{pinpoint / export}:" in result.stdout
    assert not out.exists()


@pytest.mark.parametrize(
    ("export", "templates", "errors"),
    [
        ("malformed.get-journey.json", "templates", 12),
        ("missing-name.get-journey.json", "templates", 1),
        ("welcome-series.get-journey.json", "templates-malformed", 2),
    ],
)
def test_a_failed_import_says_nothing_was_written_and_writes_nothing(
    run_cli, pinpoint, tmp_path, export, templates, errors
):
    out, project = tmp_path / "bundle.json", tmp_path / "migrated"
    args = [str(pinpoint / export), "--templates", str(pinpoint / templates)]
    result = run_cli("import-pinpoint", *args, "-o", str(out), "--project", str(project))
    assert result.exit_code == 1
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"nothing written: not a valid Pinpoint export ({errors} error")
    assert "translated" not in last
    # The error line ends with the first problem's code, as every CLI error does.
    assert re.search(r"; nothing written \[[a-z_]+\]$", result.stderr.rstrip())
    assert not out.exists() and not project.exists()
    to_stdout = run_cli("import-pinpoint", *args, "-o", "-")
    assert to_stdout.exit_code == 1 and to_stdout.stdout == ""
    assert "nothing written: not a valid Pinpoint export" in to_stdout.stderr


def test_problems_are_placed_at_the_line_and_column_of_the_file(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "miscased.get-journey.json", "-f", "json"))
    lines = (pinpoint / "miscased.get-journey.json").read_text().splitlines()
    placed = [e for e in json.loads(result.stdout)["report"] if e["code"] == "miscased_key"]
    assert placed
    for entry in placed:
        line, column = entry["position"]["line"], entry["position"]["column"]
        text = lines[line - 1]
        key = entry["location"].rsplit("/", 1)[-1]
        assert f'"{key}": ' in text  # the mis-cased key is on that line...
        assert text.index(f'"{key}": ') + len(key) + 5 == column  # ...and its value starts there


def test_a_malformed_template_file_exits_1_located_in_that_file(run_cli, pinpoint, tmp_path):
    template = pinpoint / "templates-malformed" / "WelcomeEmail.json"
    out = tmp_path / "bundle.json"
    result = run_cli(
        "import-pinpoint",
        str(pinpoint / "welcome-series.get-journey.json"),
        "--templates",
        str(template.parent),
        "-o",
        str(out),
        "-f",
        "json",
    )
    assert result.exit_code == 1 and str(template) in result.stderr
    problems = [
        e for e in json.loads(result.stdout)["report"] if e.get("document") == str(template)
    ]
    assert {(e["location"], e["code"]) for e in problems} == {
        ("/EmailTemplateResponse/subject", "miscased_key"),
        ("/EmailTemplateResponse/TemplateType", "value_not_allowed"),
    }
    assert all(e["position"]["file"] == str(template) for e in problems)
    assert not out.exists()


def test_a_template_defined_twice_is_a_located_warning_not_a_silent_choice(
    run_cli, pinpoint, tmp_path
):
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (pinpoint / "templates").glob("*.json"):
        (templates / source.name).write_bytes(source.read_bytes())
    again = json.loads((templates / "WelcomeEmail.json").read_text())
    again["EmailTemplateResponse"]["Subject"] = "SECOND VERSION"
    (templates / "WelcomeEmail-v2.json").write_text(json.dumps(again, indent=2))
    out = tmp_path / "bundle.json"
    export = str(pinpoint / "welcome-series.get-journey.json")
    args = ["import-pinpoint", export, "--templates", str(templates), "-o", str(out)]
    result = run_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (entry,) = [e for e in json.loads(result.stdout)["report"] if e["code"] == "duplicate_template"]
    ignored = str(templates / "WelcomeEmail.json")
    assert entry["severity"] == "warning" and entry["position"]["file"] == ignored
    assert str(templates / "WelcomeEmail-v2.json") in entry["message"]
    sent = json.loads(out.read_text())["communications"]
    assert [c["subjectLine"] for c in sent if c["id"] == "email-welcome-email"] == [
        "SECOND VERSION"
    ]


def test_a_miscased_key_says_what_was_meant(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "miscased.get-journey.json", "-f", "json"))
    messages = [e["message"] for e in json.loads(result.stdout)["report"]]
    assert any("'Email'" in m and "did you mean 'EMAIL'?" in m for m in messages)
    assert any("'WAIT'" in m and "did you mean 'Wait'?" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "No such file"),
        ('{"Name": ', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"Name": "\\ud800"}', "half of a surrogate pair"),
    ],
)
def test_unreadable_input_exits_2_without_a_traceback(run_cli, tmp_path, content, needle):
    path = tmp_path / "export.json"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = run_cli("import-pinpoint", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("journeysim: error:") and needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_export_that_never_ends_exits_2_instead_of_hanging(run_cli):
    result = run_cli("import-pinpoint", "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero is larger than 32 MiB" in result.stderr


def test_a_json_syntax_error_is_located(run_cli, tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{\n  "Name": "x",\n  "Activities": {,}\n}')
    result = run_cli("import-pinpoint", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:18: not JSON: expected a key" in result.stderr


def test_a_missing_templates_folder_exits_2(run_cli, pinpoint, tmp_path):
    result = run_cli(
        "import-pinpoint",
        str(pinpoint / "welcome-series.get-journey.json"),
        "--templates",
        str(tmp_path / "nope"),
    )
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_an_unknown_format_is_a_usage_error(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "welcome-series.get-journey.json", "--format", "xml"))
    assert result.exit_code == 2 and "--format" in result.stderr


def test_the_bundle_schema_is_published_with_the_others(run_cli):
    result = run_cli("schema", "import-bundle")
    assert result.exit_code == 0
    assert (
        json.loads(result.stdout)["$id"]
        == "https://journeysim.dev/schemas/import-bundle.schema.json"
    )
    assert "import-bundle" in run_cli("schema").stdout


def test_a_translated_journey_validates_and_runs_through_simulate_synthetic(
    run_cli, pinpoint, tmp_path
):
    project = tmp_path / "project"
    imported = run_cli(
        *_args(pinpoint, "welcome-series.get-journey.json", "--project", str(project))
    )
    assert imported.exit_code == 0, imported.stderr
    validated = run_cli("validate", str(project))
    assert validated.exit_code == 0, validated.stdout
    journey = project / "journeys" / "0c4f8d2e6a1b4c3d9e7f5a2b8c1d4e6f.json"
    simulated = run_cli(
        "simulate",
        str(journey),
        "--synthetic",
        "--seed",
        "3",
        "--attr",
        "lifecycle=new",
        "-f",
        "json",
    )
    assert simulated.exit_code == 0, simulated.stderr
    trace = json.loads(simulated.stdout)
    assert trace["entry"]["decision"] == "entered"
    steps = [(s["stepId"], s["decision"]) for s in trace["steps"]]
    assert steps[0] == ("welcomeEmail", "executed")
    assert [s for s, _ in steps] == [
        "welcomeEmail", "wait2d", "openedSplit", "openedSplit-split", "digestEmail", "exit"
    ]  # fmt: skip
    assert all(decision == "executed" for _, decision in steps), steps
    subject = trace["steps"][0]["send"]["rendered"]["subjectLine"]
    assert subject.startswith("Welcome to Acme, ") and subject.endswith("!")


def test_a_dry_run_says_when_the_audience_is_an_import_placeholder(run_cli, pinpoint, tmp_path):
    project = tmp_path / "project"
    export, templates = pinpoint / "welcome-series.get-journey.json", pinpoint / "templates"
    imported = run_cli(
        "import-pinpoint", str(export), "--templates", str(templates), "--project", str(project)
    )  # no --segments: the audience becomes an empty static segment
    assert "segment_placeholder" in imported.stdout
    journey = project / "journeys" / "0c4f8d2e6a1b4c3d9e7f5a2b8c1d4e6f.json"
    simulated = run_cli("simulate", str(journey), "--synthetic")
    assert simulated.exit_code == 0, simulated.stderr
    assert "not_eligible (audience_mismatch)" in simulated.stdout
    shown = " ".join(simulated.stdout.split())  # as read, whatever the terminal's width
    assert "a static segment with no members: list its subjectIds" in shown


def test_the_project_is_never_overwritten(run_cli, pinpoint, tmp_path):
    project = tmp_path / "project"
    args = _args(pinpoint, "welcome-series.get-journey.json", "--project", str(project))
    assert run_cli(*args).exit_code == 0
    before = {p: p.read_text() for p in project.rglob("*.json")}
    again = run_cli(*args)
    assert again.exit_code == 2 and "refusing to overwrite" in again.stderr
    assert {p: p.read_text() for p in project.rglob("*.json")} == before


def test_an_id_the_project_holds_in_another_file_is_refused_before_writing(
    run_cli, pinpoint, tmp_path
):
    """Only file names were checked: the import wrote communications/email-welcome-email.json
    beside the project's own document of that id, exited 0, and validate then reported a
    duplicate id (the older file winning, so the journey sent the wrong message)."""
    project = tmp_path / "project"
    args = _args(pinpoint, "welcome-series.get-journey.json", "--project", str(project))
    assert run_cli(*args).exit_code == 0
    # keep the workspace and, under another name, one communication: only its id clashes
    imported = project / "communications" / "email-welcome-email.json"
    imported.rename(project / "communications" / "mine.json")
    for path in project.glob("*/*.json"):
        if path.name != "mine.json":
            path.unlink()
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = run_cli(*args)
    assert again.exit_code == 2, again.stderr
    assert "refusing to import communication 'email-welcome-email'" in again.stderr
    assert "communications/mine.json" in again.stderr
    assert again.stderr.rstrip().endswith("[would_overwrite]")
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("name", ["workspace.json", "workspace.yaml", "workspace.yml"])
def test_importing_into_a_project_keeps_its_workspace_file(run_cli, pinpoint, tmp_path, name):
    project = tmp_path / "project"
    project.mkdir()
    text = "id: acme\nprojectKey: pk_test_acme\nname: Acme\n"
    workspace = {"id": "acme", "projectKey": "pk_test_acme", "name": "Acme"}
    (project / name).write_text(json.dumps(workspace) if name.endswith(".json") else text)
    args = _args(pinpoint, "welcome-series.get-journey.json", "--project", str(project))
    assert run_cli(*args).exit_code == 0
    assert sorted(p.name for p in project.glob("workspace.*")) == [name]
    validated = run_cli("validate", str(project))
    assert validated.exit_code == 0, validated.stdout


# --- issue 9: shapes migrators have, reports that fit, goals on import -----------------

ALL_EXPORTS = sorted(json.loads((fixtures_dir() / "pinpoint" / EXPECTED).read_text())["exports"])


@pytest.mark.parametrize("export", ALL_EXPORTS)
def test_the_piped_report_fits_100_columns(run_cli, pinpoint, export):
    result = run_cli(*_args(pinpoint, export))
    assert result.exit_code in (0, 1)
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)
    assert not [line for line in lines if line != line.rstrip()]  # no padding to the width


def test_each_piped_finding_is_one_block_with_its_position_and_pointer(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "boto3-get-journey.json"))
    blocks = result.stdout.split("\n\n")
    (block,) = [b for b in blocks if "custom_endpoint_types" in b]
    head, *rest = block.splitlines()
    assert head == "warning  custom_endpoint_types  activity crm"
    assert all(line.startswith("  ") for line in rest)
    body = " ".join(line.strip() for line in rest)
    place = f"{pinpoint / 'boto3-get-journey.json'}:38:28 "
    assert body.startswith(place + "/JourneyResponse/Activities/crm/CUSTOM/EndpointTypes")
    assert body.endswith("the journeysim webhook runs once per subject")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("columns", "table"), [(160, True), (80, False)])
def test_on_a_terminal_the_report_fits_its_width(monkeypatch, pinpoint, columns, table):
    from simulator.cli.import_pinpoint import _print_report

    monkeypatch.setenv("COLUMNS", str(columns))
    run = import_files(
        pinpoint / "all-activities.write-journey.json",
        pinpoint / "templates",
        pinpoint / "segments.json",
    )
    stream = _Terminal()
    _print_report(run, "text", stream)
    text = re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue())
    assert max(len(line) for line in text.splitlines()) <= columns
    assert ("┃ severity" in text) is table
    assert "unsupported_channel_sms" in text


def test_a_malformed_export_counts_its_problems_as_the_report_does(run_cli, pinpoint):
    result = run_cli(*_args(pinpoint, "missing-name.get-journey.json"))
    assert result.exit_code == 1
    assert "1 problem in" in result.stderr
    assert result.stdout.count("\nerror  ") == 1
    assert "report: 1 error," in result.stdout
    assert "activity_not_translated" not in result.stdout


def test_goal_event_makes_the_reference_sample_validate(run_cli, pinpoint, tmp_path):
    without = run_cli(*_args(pinpoint, "reference-sample.journey-response.json", "-f", "json"))
    codes = {e["code"] for e in json.loads(without.stdout)["report"] if e["severity"] == "error"}
    assert codes == {"adaptive_branch_without_goal"}
    project = tmp_path / "migrated"
    imported = run_cli(
        *_args(pinpoint, "reference-sample.journey-response.json"),
        "--goal-event",
        "purchase",
        "--goal-window-days",
        "10",
        "--project",
        str(project),
    )
    assert imported.exit_code == 0, imported.stderr
    assert "report: 0 errors" in imported.stdout
    validated = run_cli("validate", str(project))
    assert validated.exit_code == 0, validated.stdout
    journey = json.loads(
        (project / "journeys" / "f0e1d2c3b4a5469788a9b0c1d2e3f4a5.json").read_text()
    )
    assert (journey["goalEventName"], journey["goalEventWindowDays"]) == ("purchase", 10)


def test_with_goal_event_the_random_split_warning_names_the_goal(run_cli, pinpoint):
    result = run_cli(
        *_args(pinpoint, "reference-sample.journey-response.json", "--goal-event", "purchase")
    )
    assert result.exit_code == 0, result.stderr
    block = result.stdout.split("random_split_adaptive", 1)[1].split("\n\n", 1)[0]
    message = " ".join(block.split())
    assert "on the journey's goal event 'purchase' (set on import)" in message
    assert "--goal-event" not in message and "needs goalEventName" not in message


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--goal-window-days", "7"], "--goal-window-days needs --goal-event"),
        (["--goal-event", "x", "--goal-window-days", "0"], "--goal-window-days"),
        (["--goal-event", " "], "--goal-event needs an event name"),
    ],
)
def test_bad_goal_options_are_usage_errors(run_cli, pinpoint, args, needle):
    result = run_cli(*_args(pinpoint, "reference-sample.journey-response.json"), *args)
    assert result.exit_code == 2 and needle in result.stderr


def test_the_command_says_what_it_wrote(run_cli, pinpoint, tmp_path):
    out, project = tmp_path / "bundle.json", tmp_path / "migrated"
    result = run_cli(
        *_args(
            pinpoint, "welcome-series.get-journey.json", "-o", str(out), "--project", str(project)
        )
    )
    assert result.exit_code == 0
    assert f"wrote the bundle to {out} (1 journey, " in result.stderr
    written = sorted(str(p.relative_to(project)) for p in project.rglob("*.json"))
    assert f"wrote {len(written)} files to {project}/: " in result.stderr
    assert all(name in result.stderr for name in written)
    assert f"next: journeysim validate {project}" in result.stderr
    nothing = run_cli(*_args(pinpoint, "welcome-series.get-journey.json"))
    assert "nothing written" in nothing.stderr and "-o bundle.json" in nothing.stderr


def test_a_boto3_dump_and_cli_input_json_import_with_exit_0(run_cli, pinpoint):
    for export in ("boto3-get-journey.json", "create-journey.cli-input.json"):
        result = run_cli(*_args(pinpoint, export, "-f", "json"))
        assert result.exit_code == 0, result.stdout
        assert json.loads(result.stdout)["summary"]["severities"]["error"] == 0


def test_template_request_bodies_do_not_abort_the_import(run_cli, pinpoint):
    result = run_cli(
        "import-pinpoint",
        str(pinpoint / "all-activities.write-journey.json"),
        "--templates",
        str(pinpoint / "templates-requests"),
        "--goal-event",
        "purchase",
    )
    assert result.exit_code == 0, result.stdout
    assert "template_request_body" in result.stdout and "file_skipped" in result.stdout
    assert "notes.txt" in result.stdout


def test_a_python_repr_export_exits_2_with_a_hint(run_cli, tmp_path):
    path = tmp_path / "journey.json"
    path.write_text("{'JourneyResponse': {'Name': 'x', 'LocalTime': True}}")
    result = run_cli("import-pinpoint", str(path))
    assert result.exit_code == 2
    assert "not JSON" in result.stderr and "json.dumps(response" in result.stderr


def test_the_json_report_lists_the_files_written_and_none_when_it_fails(
    run_cli, pinpoint, tmp_path
):
    out, project = tmp_path / "bundle.json", tmp_path / "migrated"
    good = run_cli(
        "import-pinpoint",
        str(pinpoint / "boto3-get-journey.json"),
        "-f",
        "json",
        "-o",
        str(out),
        "--project",
        str(project),
    )
    assert good.exit_code == 0
    written = json.loads(good.stdout)["written"]
    assert str(out) in written and str(project / "workspace.json") in written
    assert sorted(written) == sorted([str(out), *map(str, project.rglob("*.json"))])
    bad = run_cli(
        "import-pinpoint",
        str(pinpoint / "missing-name.get-journey.json"),
        "-f",
        "json",
        "-o",
        str(tmp_path / "other.json"),
    )
    assert bad.exit_code == 1 and json.loads(bad.stdout)["written"] == []
    assert not (tmp_path / "other.json").exists()


# --- journey limits: advice followed validates --------------------------------------------

_ADVICE = re.compile(r'set the workspace "?(dailyCap|frequencyCap|quietHours)"?:? (\{[^}]*\})')


@pytest.mark.parametrize(
    "limits",
    [
        None,  # the journey-settings fixture: every Limits member, QuietTime, OpenHours
        {"DailyCap": 0, "TimeframeCap": {"Cap": 0, "Days": 0}},  # the QA repro
        {"TimeframeCap": {"Cap": 5}},
        {"DailyCap": 100, "TimeframeCap": {"Cap": 100, "Days": 30}},
    ],
)
def test_the_workspace_advice_of_the_report_validates_when_followed(
    run_cli, pinpoint, tmp_path, limits
):
    """Every ``set the workspace ...`` the report advises is applied to the imported
    project's workspace.json (a value left to the reader, ``N``, as 1); the project
    must still validate. Advice read as a YAML flow mapping, so unquoted keys parse."""
    export = pinpoint / "journey-settings.get-journey.json"
    if limits is not None:
        wait = {"Wait": {"WaitTime": {"WaitFor": "P1D"}}}
        document = {"Name": "Caps", "StartActivity": "w", "Limits": limits}
        export = tmp_path / "caps.json"
        export.write_text(json.dumps({**document, "Activities": {"w": wait}}))
    project = tmp_path / "project"
    imported = run_cli("import-pinpoint", str(export), "--project", str(project), "-f", "json")
    assert imported.exit_code == 0, imported.stderr
    report = json.loads(imported.stdout)["report"]
    workspace_file = project / "workspace.json"
    workspace = json.loads(workspace_file.read_text())
    for entry in report:
        assert "None" not in entry["message"], entry
        found = _ADVICE.search(entry["message"])
        if found:
            workspace[found.group(1)] = yaml.safe_load(re.sub(r"\bN\b", "1", found.group(2)))
    workspace_file.write_text(json.dumps(workspace))
    validated = run_cli("validate", str(project))
    assert validated.exit_code == 0, validated.stdout


def test_a_from_address_that_is_not_an_email_is_reported_and_left_out(run_cli, pinpoint, tmp_path):
    """Communications now refuse a from that is not an e-mail address: the importer,
    which builds them, crashed on such a FromAddress; it reports it and drops it."""
    text = (pinpoint / "welcome-series.get-journey.json").read_text()
    export = tmp_path / "export.json"
    export.write_text(text.replace('"FromAddress": "hello@example.com"', '"FromAddress": "nope"'))
    out = tmp_path / "bundle.json"
    result = run_cli("import-pinpoint", str(export), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)["report"]
    dropped = [e for e in entries if "FromAddress 'nope'" in e["message"]]
    assert [e["code"] for e in dropped] and dropped[0]["code"] == "setting_not_translated"
    bundle = json.loads(out.read_text())
    assert all(c.get("from") != "nope" for c in bundle["communications"])
