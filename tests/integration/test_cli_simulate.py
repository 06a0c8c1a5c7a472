"""``journeysim simulate``: one subject through one journey file, text or JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.engine import DEFAULT_START


@pytest.fixture
def onboarding(acme_dir: Path) -> str:
    return str(acme_dir / "journeys" / "act-onb-2026.json")


def test_json_trace_of_a_project_subject(run_cli, onboarding):
    result = run_cli("simulate", onboarding, "--subject-id", "usr_plain_ana", "--format", "json")
    assert result.exit_code == 0, result.stderr
    trace = json.loads(result.stdout)
    # The id holds the subject's first name: it is masked by value like any other text.
    assert trace["journeyId"] == "act-onb-2026" and trace["subject"]["id"] == "usr_plain_A•••"
    assert [s["decision"] for s in trace["steps"]] == ["executed"] * 5
    assert "ana.ribeiro@example.com" not in result.stdout and "Ribeiro" not in result.stdout
    assert "usr_plain_ana" not in result.stdout


def test_text_timeline_is_the_default(run_cli, onboarding):
    result = run_cli("simulate", onboarding, "--subject-id", "usr_daily_cap_hit")
    assert result.exit_code == 0, result.stderr
    for expected in (
        "2026-06-01 14:00Z",
        "send-welcome",
        "skipped",
        "daily_cap_exceeded",
        "subject: C•••, your first dashboard is one step away",
        "outcome:",
    ):
        assert expected in result.stdout
    assert "Chloé" not in result.stdout
    # piped: 120 columns at most, and no cell padding left at the ends of lines
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 120
    assert [line for line in lines if line != line.rstrip()] == []


def test_a_subject_file_and_overrides(run_cli, onboarding, acme_dir):
    subject = str(acme_dir / "subjects" / "usr_holdout.json")
    blocked = json.loads(run_cli("simulate", onboarding, "--subject", subject, "-f", "json").stdout)
    assert blocked["entry"]["reason"] == "holdout_membership"
    result = run_cli(
        "simulate",
        onboarding,
        "--subject",
        subject,
        "--override",
        "holdout",
        "--override",
        "opt_out",
        "-f",
        "json",
    )
    assert result.exit_code == 0
    trace = json.loads(result.stdout)
    assert trace["entry"]["decision"] == "entered"
    assert trace["overridesApplied"] == ["holdout", "opt_out"]


def test_attr_pairs_make_a_synthetic_subject_with_json_values(run_cli, onboarding):
    result = run_cli(
        "simulate",
        onboarding,
        "--attr",
        "firstName=Zoe",
        "--attr",
        "seats=12",
        "--attr",
        "email=zoe@example.com",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    trace = json.loads(result.stdout)
    assert trace["subject"]["synthetic"] is True and trace["subject"]["id"].startswith("syn_")
    assert trace["subject"]["attributes"] == {
        "firstName": "Z•••",
        "seats": 12,
        "email": "z•••@e•••.com",
    }
    # A dry-run is the trigger firing at the start (SPEC §3.1): the sign-up event is
    # added, with the contract's required properties, so the subject enters.
    assert trace["entry"]["decision"] == "entered"
    assert trace["trigger"]["injected"] is True
    assert trace["trigger"]["at"] == "2026-06-01T14:00:00Z"
    assert set(trace["trigger"]["properties"]) == {"signupSource", "plan"}
    assert trace["steps"][0]["send"]["rendered"]["subjectLine"]


@pytest.mark.parametrize(
    ("pair", "said"),
    [
        ('plan={"tier": "free", "tier": "pro"}', "--attr plan: the key 'tier' is repeated"),
        ("seats=1e999", "--attr seats: 1e999 is too large: it would be infinite"),
    ],
)
def test_attr_json_that_would_not_mean_what_it_says_is_refused(run_cli, onboarding, pair, said):
    """A repeated key silently kept the last value; ``1e999`` became infinity, which
    passed ``seats gt 100`` and was shown as ``null`` in the trace."""
    result = run_cli("simulate", onboarding, "--attr", pair, "-f", "json")
    assert result.exit_code == 2
    assert said in result.stderr and result.stderr.rstrip().endswith("[usage_error]")
    assert result.stdout == ""


def test_an_entry_failure_names_the_failing_audience_leaf(run_cli, onboarding):
    result = run_cli("simulate", onboarding, "--subject-id", "usr_not_new_signup")
    assert result.exit_code == 0, result.stderr
    assert "not_eligible (audience_mismatch)" in result.stdout
    assert "audience leaf failed: event_fired user.signed_up within 30 days (at /of/0)" in (
        result.stdout
    )


def test_attr_overlays_a_project_subject(run_cli, onboarding):
    result = run_cli(
        "simulate",
        onboarding,
        "--subject-id",
        "usr_plain_ana",
        "--attr",
        "firstName=null",
        "-f",
        "json",
    )
    trace = json.loads(result.stdout)
    assert trace["steps"][0]["send"]["rendered"]["subjectLine"] == "Welcome to Acme Analytics, !"
    assert trace["steps"][0]["send"]["missingVariables"] == ["firstName"]
    assert trace["subject"]["id"] == "usr_plain_•••"  # "ana" is still in the e-mail address


def test_synthetic_enters_the_journey_and_synthetic_any_need_not(run_cli, onboarding):
    fitted = run_cli("simulate", onboarding, "--synthetic", "--seed", "1", "-f", "json")
    loose = run_cli("simulate", onboarding, "--synthetic-any", "--seed", "1", "-f", "json")
    assert fitted.exit_code == loose.exit_code == 0, fitted.stderr + loose.stderr
    assert json.loads(fitted.stdout)["entry"]["decision"] == "entered"
    # The fitted subject leaves the trigger to the dry-run; the unconstrained one keeps
    # the sign-up event Faker dated up to 40 days back.
    assert json.loads(fitted.stdout)["trigger"]["injected"] is True
    assert "injected" not in json.loads(loose.stdout)["trigger"]
    both = run_cli("simulate", onboarding, "--synthetic", "--synthetic-any")
    assert both.exit_code == 2 and "give one of --synthetic and --synthetic-any" in both.stderr


def test_synthetic_subjects_are_reproducible_from_the_seed(run_cli, onboarding):
    first = run_cli("simulate", onboarding, "--synthetic", "--seed", "5", "-f", "json")
    second = run_cli("simulate", onboarding, "--synthetic", "--seed", "5", "-f", "json")
    other = run_cli("simulate", onboarding, "--synthetic", "--seed", "6", "-f", "json")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout != other.stdout
    assert json.loads(first.stdout)["seed"] == 5


@pytest.mark.parametrize("flag", ["--synthetic", "--synthetic-any"])
def test_the_seed_a_synthetic_dry_run_prints_reproduces_it(run_cli, onboarding, flag):
    """Without --seed the header's seed is the one that made the subject: giving it
    back as --seed gives the same subject and the same trace."""
    first = run_cli("simulate", onboarding, flag)
    assert first.exit_code == 0, first.stderr
    printed = re.search(r"· seed (\d+)", first.stdout)
    assert printed is not None, first.stdout
    again = run_cli("simulate", onboarding, flag, "--seed", printed[1])
    assert again.stdout == first.stdout


def test_an_attribute_given_twice_is_a_usage_error_naming_it(run_cli, onboarding):
    """The last one silently won; neither value is quoted (it may be PII)."""
    for source in ((), ("--synthetic",), ("--subject-id", "usr_plain_ana")):
        result = run_cli(
            "simulate", onboarding, *source, "--attr", "plan=free", "--attr", "plan=pro"
        )
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            "journeysim: error: --attr plan is given twice: give each attribute once "
            "[usage_error]\n"
        )


def test_at_moves_the_virtual_start(run_cli, onboarding):
    result = run_cli(
        "simulate",
        onboarding,
        "--subject-id",
        "usr_plain_ana",
        "--at",
        "2026-06-02T01:30:00Z",
        "-f",
        "json",
    )
    trace = json.loads(result.stdout)
    assert trace["startedAt"] == "2026-06-02T01:30:00Z"
    # 21:30 in New York: the welcome e-mail waits for the end of quiet hours.
    assert trace["steps"][0]["decision"] == "deferred"
    default = json.loads(
        run_cli("simulate", onboarding, "--subject-id", "usr_plain_ana", "-f", "json").stdout
    )
    assert default["startedAt"] == DEFAULT_START.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subject-id", "usr_plain_ana", "--override", "nope"], "unknown override 'nope'"),
        (["--subject-id", "nobody"], "no subject 'nobody'"),
        (["--subject-id", "usr_plain_an"], "subjects/ (did you mean 'usr_plain_ana'?)"),
        ([], "no subject"),
        (["--subject-id", "usr_plain_ana", "--synthetic"], "give one of"),
        (["--subject-id", "usr_plain_ana", "--at", "tomorrow"], "--at"),
        (["--subject-id", "usr_plain_ana", "--at", "2026-06-01T14:00:00"], "UTC offset"),
        (["--attr", "novalue"], "NAME=VALUE"),
        (["--subject-id", "usr_plain_ana", "--format", "xml"], "text or json"),
        (["--synthetic", "--at", "9999-12-31T23:59:59Z"], "calendar"),
        (["--subject-id", "usr_plain_ana", "--at", "0001-01-01T00:00:00+14:00"], "calendar"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(run_cli, onboarding, args, message):
    result = run_cli("simulate", onboarding, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("after", ["garbage", "-P1D", "P9999Y"])
def test_a_subject_file_with_a_bad_future_event_exits_2_naming_it(
    run_cli, onboarding, tmp_path, after
):
    subject = tmp_path / "s.json"
    subject.write_text(
        json.dumps({"endUserId": "u1", "futureEvents": [{"name": "x", "after": after}]}),
        encoding="utf-8",
    )
    """Located in the file as ``validate`` locates it, with its code; ``--allow-invalid``
    (about the journey) does not make such a subject runnable."""
    for allow in ((), ("--allow-invalid",)):
        result = run_cli("simulate", onboarding, "--subject", str(subject), *allow)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"journeysim: error: {subject}:1:")
        assert f": not a valid subject: subject 'u1': future event 'x': {after!r}" in result.stderr
        assert result.stderr.endswith(" [invalid_duration]\n")


def test_a_project_subject_that_does_not_validate_is_named_not_the_journey(
    run_cli, acme_copy, edit_json, monkeypatch
):
    """``--subject-id`` of a subject file with a problem: the subject file is named, at
    the problem's line and column, with its code; not "the journey does not validate"
    (``validate JOURNEY`` finds nothing), and not with ``--allow-invalid`` either."""
    monkeypatch.chdir(acme_copy)
    subject = acme_copy / "subjects" / "usr_plain_ana.json"
    edit_json(subject, lambda s: s.update(futureEvents=[{"name": "x", "after": "soon"}]))
    journey = "journeys/act-onb-2026.json"
    for allow in ((), ("--allow-invalid",)):
        result = run_cli("simulate", journey, "--subject-id", "usr_plain_ana", *allow)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert "journey does not validate" not in result.stderr
        # named as on disk, so it can be opened; the message after it is masked
        assert result.stderr.startswith("journeysim: error: subjects/usr_plain_ana.json:")
        assert ": not a valid subject: subject 'usr_plain_A•••'" in result.stderr
        assert result.stderr.endswith(
            "'soon' is not an ISO-8601 duration (e.g. P3D, PT12H, P1W) [invalid_duration]\n"
        )
    assert run_cli("validate", journey).exit_code == 0


def test_unreadable_journey_or_subject_files_exit_2(run_cli, tmp_path, acme_dir, onboarding):
    missing = run_cli("simulate", str(tmp_path / "nope.json"), "--subject-id", "x")
    assert missing.exit_code == 2
    bad_subject = tmp_path / "s.json"
    bad_subject.write_text('{"endUserId": ""}', encoding="utf-8")
    result = run_cli("simulate", onboarding, "--subject", str(bad_subject))
    assert result.exit_code == 2 and "not a valid subject" in result.stderr
    not_a_journey = str(acme_dir / "segments" / "seg-new-signups.json")
    result = run_cli("simulate", not_a_journey, "--subject-id", "usr_plain_ana")
    assert result.exit_code == 2 and "not a journey" in result.stderr


_NOT_JOURNEYS = [
    ("communications/comm-welcome-email.json", "a communication"),
    ("triggers/trig-signup.json", "a trigger contract"),
    ("segments/seg-new-signups.json", "a segment"),
    ("subjects/usr_plain_ana.json", "a subject"),
]


@pytest.mark.parametrize(
    ("source", "kind", "folder"),
    [
        *((source, kind, "") for source, kind in _NOT_JOURNEYS),
        ("workspace.json", "a workspace", ""),
        # a workspace elsewhere would make its folder a project of its own
        *((source, kind, "drafts/") for source, kind in _NOT_JOURNEYS),
    ],
)
def test_a_document_that_is_not_a_journey_is_named_with_journeys_to_run(
    run_cli, acme_copy, monkeypatch, source, kind, folder
):
    """In its project folder or elsewhere (where its place does not say its kind), the
    file is named for what it is, and the project's journeys are offered instead."""
    monkeypatch.chdir(acme_copy)
    path = source
    if folder:
        path = f"{folder}{Path(source).name}"
        (acme_copy / folder).mkdir()
        (acme_copy / path).write_bytes((acme_copy / source).read_bytes())
    result = run_cli("simulate", path, "--synthetic")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(
        f"journeysim: error: {path} is {kind}, not a journey; simulate dry-runs a journey "
        "file, such as journeys/act-onb-2026.json, journeys/expansion-nudge-2026.json, "
    ), result.stderr


def test_a_journey_with_errors_exits_2(run_cli, tmp_path, acme_dir):
    import shutil

    project = tmp_path / "p"
    shutil.copytree(acme_dir, project)
    journey = project / "journeys" / "act-onb-2026.json"
    journey.write_text('{"id": "act-onb-2026", "steps": 3}', encoding="utf-8")
    result = run_cli("simulate", str(journey), "--subject-id", "usr_plain_ana")
    assert result.exit_code == 2 and "not a valid journey" in result.stderr
    # the finding's code, as validate reports it (it was unreadable_input: the file was read)
    assert result.stderr.rstrip().endswith("[invalid_document]"), result.stderr
    (project / "workspace.json").write_text('{"id": "acme"}', encoding="utf-8")
    result = run_cli("simulate", str(project / "journeys" / "win-back-2026.json"), "--attr", "a=1")
    assert result.exit_code == 2 and "workspace is not usable" in result.stderr
    assert result.stderr.rstrip().endswith("[invalid_document]"), result.stderr


def _validate_errors(run_cli, path: str) -> list[str]:
    """``validate PATH``'s errors as ``file:line:col: code: message``, in its order."""
    lines = run_cli("validate", path).stdout.splitlines()
    return [line.replace(": error ", ": ", 1) for line in lines if ": error " in line]


def _break_onboarding(project: Path, edit_json, *, parses: bool) -> None:
    """Errors in act-onb-2026 (its audience, first by position, is the broken segment;
    a text window and a missing branch mode when it is not to parse) and in the segment
    it uses."""

    def journey(data):
        data["steps"][0]["next"] = "nowhere"
        data["steps"][1]["duration"] = "3 days"
        if not parses:
            data["goalEventWindowDays"] = "seven"
            del data["steps"][2]["mode"]

    edit_json(project / "journeys" / "act-onb-2026.json", journey)
    edit_json(
        project / "segments" / "seg-new-signups.json",
        lambda segment: segment["predicate"]["of"][0].update(withinDays="thirty"),
    )


@pytest.mark.parametrize("parses", [True, False])
def test_the_refusal_of_an_invalid_journey_agrees_with_validate(
    run_cli, acme_copy, edit_json, monkeypatch, parses
):
    """Its count, its first error (by position, as validate lists them), the files
    named from the current folder, and the hint to run validate; --allow-invalid says
    it cannot help when the file does not read as a journey."""
    _break_onboarding(acme_copy, edit_json, parses=parses)
    monkeypatch.chdir(acme_copy.parent)
    path = "acme/journeys/act-onb-2026.json"
    errors = _validate_errors(run_cli, path)
    assert len(errors) > 3 and "acme/segments/seg-new-signups.json:" in errors[-1]
    refused = run_cli("simulate", path, "--synthetic")
    assert refused.exit_code == 2 and refused.stdout == ""
    more = len(errors) - 1
    assert f": {errors[0]} (and {more} more problems); see journeysim validate {path}" in (
        refused.stderr
    )
    allowed = run_cli("simulate", path, "--synthetic", "--allow-invalid")
    if parses:
        assert allowed.exit_code == 0, allowed.stderr
    else:
        assert allowed.exit_code == 2 and f": {errors[0]} (and {more} more" in allowed.stderr
        assert "--allow-invalid does not help" in allowed.stderr


def test_a_subject_file_s_problems_are_reported_first_by_position(run_cli, onboarding, tmp_path):
    subject = tmp_path / "s.json"
    subject.write_text(
        '{"endUserId": "u1",\n "timezone": "Mars/Olympus",\n'
        ' "channelPreferences": {"email": "yes"}}',
        encoding="utf-8",
    )
    result = run_cli("simulate", onboarding, "--subject", str(subject))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"journeysim: error: {subject}:2:")
    assert "(and 1 more problem)" in result.stderr


def test_demo_prints_a_synthetic_dry_run_through_onboarding(run_cli):
    result = run_cli("demo")
    assert "Dry-run" in result.stdout and "act-onb-2026" in result.stdout
    assert "synthetic subject syn_" in result.stdout
    assert "send-welcome" in result.stdout and "ada@example.com" not in result.stdout


def test_a_journey_validate_rejects_is_refused_unless_allowed(run_cli, acme_copy, edit_json):
    path = acme_copy / "journeys" / "act-onb-2026.json"
    edit_json(path, lambda journey: journey["steps"][1].update(duration="P3X"))
    refused = run_cli("simulate", str(path), "--subject-id", "usr_plain_ana")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "does not validate" in refused.stderr
    assert re.search(
        r"act-onb-2026\.json:\d+:\d+: invalid_duration: wait step 'wait-3d'", refused.stderr
    )
    assert "--allow-invalid" in refused.stderr
    assert refused.stderr.endswith(" [invalid_duration]\n")  # the first error's code
    allowed = run_cli(
        "simulate", str(path), "--subject-id", "usr_plain_ana", "--allow-invalid", "-f", "json"
    )
    assert allowed.exit_code == 0
    [wait] = [step for step in json.loads(allowed.stdout)["steps"] if step["stepId"] == "wait-3d"]
    assert wait["decision"] == "failed"


def test_a_communication_that_does_not_parse_is_named_not_dropped(
    run_cli, acme_copy, break_welcome_email
):
    # Before: the broken file was left out and the send failed unknown_communication.
    break_welcome_email(acme_copy)
    journey = acme_copy / "journeys" / "act-onb-2026.json"
    result = run_cli("simulate", str(journey), "--subject-id", "usr_plain_ana")
    assert result.exit_code == 2
    assert "communications/comm-welcome-email.yaml:" in result.stderr
    assert "invalid_document" in result.stderr
    assert "(and 1 more problem)" in result.stderr  # not "1 more problems"


def test_a_start_at_the_end_of_the_calendar_is_bad_input_not_an_internal_error(run_cli, onboarding):
    """``--synthetic --at 9999-12-30T20:00:00Z`` failed as an internal OverflowError
    while the subject was fitted (its scripted events fall after the start)."""
    result = run_cli("simulate", onboarding, "--synthetic", "--at", "9999-12-30T20:00:00Z")
    assert result.exit_code == 2
    assert "leaves the calendar (years 1 to 9999): give an earlier start" in result.stderr
    assert "internal" not in result.stderr and "Overflow" not in result.stderr


def test_a_start_before_year_1_in_utc_is_told_to_start_later(run_cli, onboarding):
    """``--at 0001-01-01T00:00:00+05:00`` (year 0 in UTC) was told to start earlier."""
    result = run_cli(
        "simulate", onboarding, "--subject-id", "usr_plain_ana", "--at", "0001-01-01T00:00:00+05:00"
    )
    assert result.exit_code == 2
    assert "leaves the calendar (years 1 to 9999): give a later start" in result.stderr


def test_a_start_whose_goal_window_passes_the_calendar_end_still_gives_a_trace(run_cli, onboarding):
    """The goal window (7 days) of a start on 9999-12-30 ends past year 9999; that was
    refused as leaving the calendar although nothing of the walk does."""
    result = run_cli(
        "simulate", onboarding, "--subject-id", "usr_plain_ana", "--at", "9999-12-30T20:00:00Z"
    )
    assert result.exit_code == 0, result.stderr
    assert "start 9999-12-30 20:00Z" in result.stdout
    assert "goal user.activated within 7 days: not converted" in result.stdout


def test_a_folder_is_refused_naming_the_journey_files_meant(run_cli, acme_dir, monkeypatch):
    """``simulate . --subject-id x`` said "cannot read .: Is a directory"."""
    monkeypatch.chdir(acme_dir)
    result = run_cli("simulate", ".", "--subject-id", "usr_plain_ana")
    assert result.exit_code == 2
    assert result.stderr == (
        "journeysim: error: . is a folder; simulate dry-runs one journey file, such as "
        "journeys/act-onb-2026.json, journeys/expansion-nudge-2026.json, "
        "journeys/renewal-qbr-2026.json, ... [usage_error]\n"
    )


@pytest.mark.parametrize(
    "value", ["[" * 1000 + "]" * 1000, '{"a":' * 300 + "1" + "}" * 300], ids=["list", "object"]
)
def test_an_attr_nested_deeper_than_any_document_may_be_is_a_usage_error(
    run_cli, onboarding, value
):
    """Files stop at 200 levels; --attr had no limit: a RecursionError or pydantic's
    'Maximum serialization depth exceeded' came out as internal_error."""
    result = run_cli("simulate", onboarding, "--attr", f"a={value}", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == (
        "journeysim: error: --attr a: its JSON value nests deeper than 200 levels, "
        "as no document may [usage_error]\n"
    )


def test_a_subject_file_that_does_not_validate_is_named_as_on_disk(run_cli, acme_copy: Path):
    """The first name in usr_plain_ana's file name was masked like her attributes:
    subjects/usr_plain_A•••.json, a file no one can open. Her values stay masked."""
    subject = acme_copy / "subjects" / "usr_plain_ana.json"
    data = json.loads(subject.read_text())
    subject.write_text(json.dumps({**data, "timezone": "Nowhere/X"}, indent=2))
    journey = acme_copy / "journeys" / "act-onb-2026.json"
    result = run_cli("simulate", str(journey), "--subject-id", "usr_plain_ana")
    assert result.exit_code == 2
    assert "usr_plain_ana.json:" in result.stderr and "A•••" not in result.stderr
    assert "unknown IANA time zone 'Nowhere/X'" in result.stderr
