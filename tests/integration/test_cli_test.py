"""``journeysim test``: the acme scenarios, broken journeys, invalid scenario files,
output formats, selection, coverage and snapshots."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


@pytest.fixture
def acme_copy(acme_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the acme project (with its scenarios) as the working folder."""
    copy = tmp_path / "acme"
    shutil.copytree(acme_dir, copy)
    monkeypatch.chdir(copy)
    return copy


def edit_journey(project: Path, journey_id: str, change) -> None:
    path = project / "journeys" / f"{journey_id}.json"
    journey = json.loads(path.read_text(encoding="utf-8"))
    change({step["id"]: step for step in journey["steps"]}, journey)
    path.write_text(json.dumps(journey, indent=2), encoding="utf-8")


def test_the_acme_scenarios_pass_with_full_step_and_branch_coverage(run_cli, acme_dir: Path):
    result = run_cli("test", str(acme_dir), "--coverage", "--fail-under", "100", "-f", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["summary"]["failed"] == 0
    coverage = report["coverage"]
    assert coverage["percent"] == 100.0
    journeys = {j["journeyId"]: j for j in coverage["journeys"]}
    assert set(journeys) == {
        "act-onb-2026", "expansion-nudge-2026", "renewal-qbr-2026", "trial-conv-2026",
        "win-back-2026",
    }  # fmt: skip
    for entry in journeys.values():
        for kind in ("steps", "branches", "waits"):
            assert entry[kind]["covered"] == entry[kind]["total"], (entry["journeyId"], kind)
    assert journeys["trial-conv-2026"]["waits"] == {"covered": 2, "total": 2}


def test_fail_under_100_fails_when_one_branch_of_thousands_is_uncovered(run_cli, acme_copy: Path):
    """700 branches, one rule never taken: 2100 of 2101 items, which rounded to 100.0 %
    and passed ``--fail-under 100``."""
    for path in [*(acme_copy / "journeys").iterdir(), *(acme_copy / "tests").glob("*.yaml")]:
        path.unlink()
    steps = [
        {"id": f"b{n}", "type": "branch", "mode": "conditional",
         "rules": [{"when": {"kind": "attribute", "name": "seats", "op": "eq",
                             "value": 12345 if n == 699 else 1},
                    "next": f"b{n + 1}" if n < 699 else "exit"}],
         "defaultNext": f"b{n + 1}" if n < 699 else "exit"}
        for n in range(700)
    ]  # fmt: skip
    chain = {"id": "chain", "name": "Chain", "steps": [*steps, {"id": "exit", "type": "exit"}]}
    (acme_copy / "journeys" / "chain.json").write_text(json.dumps(chain), encoding="utf-8")
    case = (
        "  - name: {0} seats\n    subject: {{attributes: {{seats: {0}}}}}\n"
        "    overrides: [holdout]\n"
    )
    write(
        acme_copy,
        "chain.journeytest.yaml",
        "journey: chain\ncases:\n" + case.format(1) + case.format(2),
    )
    result = run_cli("test", "tests", "--coverage", "--fail-under", "100")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "100.0%" not in result.stdout and "1399/1400" in result.stdout
    assert "TOTAL" in result.stdout and " 99.9%" in result.stdout
    assert "99.9% (2100 of 2101 items) is below --fail-under 100" in result.stderr
    assert run_cli("test", "tests", "--fail-under", "99.95").exit_code == 0


def test_coverage_is_per_journey_of_each_project_when_projects_share_journey_ids(
    run_cli, acme_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Two copies of acme, the second with only its trial scenarios: its other journeys
    were dropped from the table and its trial cases counted toward the first's."""
    for name in ("a", "b"):
        shutil.copytree(acme_dir, tmp_path / name)
    for path in (tmp_path / "b" / "tests").glob("*.journeytest.yaml"):
        if path.name != "trial.journeytest.yaml":
            path.unlink()
    monkeypatch.chdir(tmp_path)
    result = run_cli("test", "a", "b", "--coverage", "-f", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    journeys = {j["file"]: j for j in json.loads(result.stdout)["coverage"]["journeys"]}
    assert len(journeys) == 10
    trial_a, trial_b = (
        journeys["a/journeys/trial-conv-2026.json"],
        journeys["b/journeys/trial-conv-2026.json"],
    )
    assert trial_a["journeyId"] == trial_b["journeyId"] == "trial-conv-2026"
    assert trial_a["cases"] == trial_b["cases"] == 7  # each its own project's, not 14
    onboarding = journeys["b/journeys/act-onb-2026.json"]
    assert onboarding["cases"] == 0 and onboarding["percent"] == 0.0
    assert {item["file"] for item in onboarding["uncovered"]} == {"b/journeys/act-onb-2026.json"}
    assert journeys["a/journeys/act-onb-2026.json"]["percent"] == 100.0
    text = run_cli("test", "a", "b", "--coverage").stdout
    rows = [line.split()[0] for line in text.splitlines() if "/journeys/" in line and "%" in line]
    assert rows[0] == "a/journeys/act-onb-2026.json" and "b/journeys/act-onb-2026.json" in rows
    assert "  b/journeys/act-onb-2026.json:1:1: no case runs journey act-onb-2026" in text
    assert run_cli("test", "a", "b", "--fail-under", "100").exit_code == 1


def test_the_acme_scenarios_show_every_expectation_kind(acme_dir: Path):
    text = "\n".join(p.read_text() for p in sorted((acme_dir / "tests").glob("*.journeytest.yaml")))
    kinds = [
        "entry:", "decision:", "reason:", "path:", "pathContains:", "occurrence:", "gates:",
        "rule:", "arm:", "resumedBy:", "next:", "sends:", "step:", "communication:", "channel:",
        "subjectContains:", "subjectMatches:", "bodyContains:", "bodyMatches:",
        "noMissingVariables:", "missingVariables:", "exitStep:", "exited:", "goalConverted:",
        "snapshot:", "overrides:", "futureEvents:", "armStats:", "at:", "seed:", "file:",
        "synthetic:", "attributes:",
    ]  # fmt: skip
    assert [kind for kind in kinds if kind not in text] == []


def swap_rule_and_default(steps: dict, _journey: dict) -> None:
    branch = steps["branch-team-size"]
    rule = branch["rules"][0]
    rule["next"], branch["defaultNext"] = branch["defaultNext"], rule["next"]


def shorten_the_checkout_wait(steps: dict, _journey: dict) -> None:
    steps["wait-checkout"]["untilEvent"]["timeout"] = "PT1H"


def drop_the_reengagement(steps: dict, _journey: dict) -> None:
    # The send is bypassed, not deleted: a scenario naming a step the journey no longer
    # has is an invalid scenario (exit 2), tested with the invalid files.
    steps["branch-activated"]["defaultNext"] = "exit"


@pytest.mark.parametrize(
    ("journey_id", "change", "expected"),
    [
        (
            "trial-conv-2026",
            swap_rule_and_default,
            "steps.branch-team-size.next at step 'branch-team-size': "
            "expected 'send-sales-intro', got 'offer-subject-test'",
        ),
        (
            "trial-conv-2026",
            shorten_the_checkout_wait,
            "steps.wait-checkout.resumedBy at step 'wait-checkout': "
            "expected 'event', got 'timeout'",
        ),
        (
            "act-onb-2026",
            drop_the_reengagement,
            "path at step 'exit': expected ['send-welcome', 'wait-3d', 'branch-activated', "
            "'send-reengage', 'exit'], got ['send-welcome', 'wait-3d', 'branch-activated', 'exit']",
        ),
    ],
    ids=["swap-rules", "change-a-wait", "drop-a-send"],
)
def test_breaking_a_journey_fails_a_case_naming_expectation_actual_and_step(
    run_cli, acme_copy: Path, journey_id, change, expected
):
    edit_journey(acme_copy, journey_id, change)
    result = run_cli("test", ".")
    assert result.exit_code == 1, result.stdout
    assert expected in result.stdout
    assert "> 2026-06-0" in result.stdout  # the trace excerpt marks the step


def test_an_invalid_scenario_file_exits_2_with_file_line_column(run_cli, acme_dir: Path):
    invalid = acme_dir / "tests" / "invalid"
    expected = json.loads((invalid / "expected.json").read_text())
    for name, problems in expected.items():
        result = run_cli("test", str(invalid / name), "--format", "json")
        assert result.exit_code == 2, name
        report = json.loads(result.stdout)
        found = sorted((p["code"], p["line"], p["column"]) for p in report["problems"])
        assert found == sorted(tuple(p) for p in problems), name
        assert all(p["file"].endswith(name) for p in report["problems"])


def test_problem_lines_look_like_validate(run_cli, acme_dir: Path, monkeypatch):
    monkeypatch.chdir(acme_dir)
    result = run_cli("test", "tests/invalid/unknown-step.journeytest.yaml")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == (
        "tests/invalid/unknown-step.journeytest.yaml:6:28: error unknown_step: journey "
        "'act-onb-2026' has no step 'wait-3days' (did you mean 'wait-3d'?)"
    )


def test_problems_suggest_the_name_meant(run_cli, acme_dir: Path):
    invalid = acme_dir / "tests" / "invalid"
    messages = {}
    for name in ("not-applicable.journeytest.yaml", "unknown-key.journeytest.yaml"):
        result = run_cli("test", str(invalid / name), "--format", "json")
        messages |= {p["code"]: p["message"] for p in json.loads(result.stdout)["problems"]}

    assert messages["unknown_communication"] == (
        "no communication 'comm-trial-welcom' in the project "
        "(did you mean 'comm-trial-welcome-email'?)"
    )
    assert (
        "unknown field 'expext' (did you mean 'expect'? allowed: " in (messages["invalid_scenario"])
    )


def test_an_invalid_journey_is_one_problem_however_many_cases_run_it(run_cli, acme_copy: Path):
    edit_journey(acme_copy, "act-onb-2026", lambda steps, _: steps["exit"].update(foo=1))
    result = run_cli("test", "tests/onboarding.journeytest.yaml", "--format", "json")

    assert result.exit_code == 2
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["line"]) for p in problems] == [("invalid_journey", 4)]
    assert "step 'exit': unknown field 'foo'" in problems[0]["message"]
    validate = run_cli("validate", "journeys/act-onb-2026.json")
    assert "step 'exit': unknown field 'foo' (allowed: id, type)" in validate.stdout


def test_a_folder_named_invalid_is_skipped_unless_given(run_cli, acme_dir: Path):
    assert run_cli("test", str(acme_dir / "tests")).exit_code == 0
    assert run_cli("test", str(acme_dir / "tests" / "invalid")).exit_code == 2


def test_bad_paths_and_usage_exit_2(run_cli, tmp_path: Path, acme_dir: Path):
    assert run_cli("test", str(tmp_path / "missing")).exit_code == 2
    empty = run_cli("test", str(tmp_path))
    assert empty.exit_code == 2 and "no scenario files" in empty.stderr
    assert run_cli("test", str(acme_dir), "--format", "xml").exit_code == 2
    assert run_cli("test", str(acme_dir), "-k", "and").exit_code == 2
    assert run_cli("test", str(acme_dir), "-k", "no-such-case").exit_code == 2


def test_k_selects_cases_by_id(run_cli, acme_dir: Path):
    result = run_cli("test", str(acme_dir), "-k", "trial and not checkout", "-f", "json")
    report = json.loads(result.stdout)
    names = [case["name"] for case in report["cases"]]
    assert names and all("checkout" not in name for name in names)
    assert {case["journeyId"] for case in report["cases"]} == {"trial-conv-2026"}


def test_junit_has_one_failure_per_failed_case(run_cli, acme_copy: Path):
    edit_journey(acme_copy, "trial-conv-2026", shorten_the_checkout_wait)
    result = run_cli("test", ".", "--format", "junit", "-o", "report.xml")
    assert result.exit_code == 1
    assert "FAILURES" in result.stdout  # the text log still goes to stdout
    root = ET.parse(acme_copy / "report.xml").getroot()
    cases = root.findall(".//testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(cases) == int(root.get("tests")) == 29
    assert [len(case.findall("failure")) for case in failed] == [1] * len(failed)
    assert {case.get("name") for case in failed} == {"starting checkout ends the wait and converts"}
    assert int(root.get("failures")) == len(failed)


def test_github_format_emits_error_commands(run_cli, acme_copy: Path):
    edit_journey(acme_copy, "trial-conv-2026", shorten_the_checkout_wait)
    result = run_cli("test", ".", "--format", "github")
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert errors
    assert errors[0].startswith("::error file=tests/trial.journeytest.yaml,line=")
    assert "resumedBy" in errors[0]


def test_exitfirst_stops_after_the_first_failed_case(run_cli, acme_copy: Path):
    edit_journey(acme_copy, "act-onb-2026", drop_the_reengagement)
    result = run_cli("test", ".", "-x", "-f", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["failed"] == 1
    assert report["cases"][-1]["outcome"] == "failed"
    # the cases left out are counted, not silently dropped
    everything = json.loads(run_cli("test", ".", "-f", "json").stdout)["summary"]["cases"]
    not_run = report["summary"]["notRun"]
    assert not_run > 0 and report["summary"]["cases"] + not_run == everything
    last = run_cli("test", ".", "-x").stdout.splitlines()[-1]
    assert last.endswith(f", {not_run} not run (stopped at the first failure)")


def test_update_marks_a_case_that_fails_its_expectations_f_not_u(run_cli, acme_copy: Path):
    failing = SNAPSHOT_CASE + "    expect: {outcome: {goalConverted: true}}\n"
    (acme_copy / "tests" / "pinned.journeytest.yaml").write_text(failing)
    result = run_cli("test", "tests/pinned.journeytest.yaml", "--update")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "tests/pinned.journeytest.yaml F"


SNAPSHOT_CASE = """\
journey: win-back-2026
cases:
  - name: price
    subject: {id: usr_winback_price}
    snapshot: true
"""


def test_a_snapshot_is_written_by_update_and_then_pins_the_trace(run_cli, acme_copy: Path):
    (acme_copy / "tests" / "pinned.journeytest.yaml").write_text(SNAPSHOT_CASE)
    golden = acme_copy / "tests" / "__snapshots__" / "pinned" / "price.json"
    first = run_cli("test", "tests/pinned.journeytest.yaml")
    assert first.exit_code == 1 and "run with --update" in first.stdout
    assert not golden.exists()
    updated = run_cli("test", "tests/pinned.journeytest.yaml", "--update")
    assert updated.exit_code == 0 and "1 golden file updated" in updated.stdout
    assert json.loads(golden.read_text())["journeyId"] == "win-back-2026"
    assert run_cli("test", "tests/pinned.journeytest.yaml").exit_code == 0

    edit_journey(acme_copy, "win-back-2026", lambda s, _: s["wait-5d"].update(duration="P6D"))
    changed = run_cli("test", "tests/pinned.journeytest.yaml")
    assert changed.exit_code == 1
    assert '-        "duration": "P5D",' in changed.stdout
    assert '+        "duration": "P6D",' in changed.stdout
    again = run_cli("test", "tests/pinned.journeytest.yaml", "--update")
    assert again.exit_code == 0 and '+        "duration": "P6D",' in again.stdout
    assert '"P6D"' in golden.read_text()


def test_a_case_checks_the_trace_simulate_prints(run_cli, acme_dir: Path):
    from simulator.journeytests import load_suite, simulate_case

    suite = load_suite([acme_dir / "tests" / "trial.journeytest.yaml"])
    case = next(c for c in suite.cases if c.name.startswith("a late-evening start"))
    printed = run_cli(
        "simulate", str(acme_dir / "journeys" / "trial-conv-2026.json"),
        "--subject-id", "usr_trial_timeout", "--at", "2026-06-02T03:00:00Z", "--seed", "7",
        "--format", "json",
    )  # fmt: skip
    assert printed.exit_code == 0
    assert simulate_case(case).to_json() == printed.stdout


@pytest.mark.parametrize(
    ("synthetic", "flag"), [("true", "--synthetic"), ("any", "--synthetic-any")]
)
def test_a_synthetic_case_is_the_subject_simulate_generates(
    run_cli, acme_copy: Path, synthetic: str, flag: str
):
    """``synthetic: true`` fits the subject to the journey as ``simulate --synthetic``
    does (Expansion Nudge's audience keeps every unfitted seed out); ``any`` is the
    unconstrained subject of ``--synthetic-any``."""
    from simulator.journeytests import load_suite, simulate_case

    scenario = acme_copy / "tests" / "seeded.journeytest.yaml"
    scenario.write_text(
        "journey: expansion-nudge-2026\ncases:\n  - name: seeded\n"
        f"    subject: {{synthetic: {synthetic}, seed: 2}}\n",
        encoding="utf-8",
    )
    [case] = load_suite([scenario]).cases
    printed = run_cli(
        "simulate", "journeys/expansion-nudge-2026.json", flag, "--seed", "2", "--format", "json"
    )
    assert printed.exit_code == 0, printed.stderr
    trace, shown = simulate_case(case), json.loads(printed.stdout)
    # --seed seeds the dry-run's draws too; the case leaves those to the default
    assert json.loads(trace.to_json())["subject"] == shown["subject"]
    assert trace.entry.decision.value == shown["entry"]["decision"]
    assert (trace.entry.decision.value == "entered") == (synthetic == "true")


def test_the_command_module_imports_no_engine():
    import subprocess
    import sys

    code = (
        "import sys, simulator.cli.test\n"
        "print(any(m.startswith('simulator.engine') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_update_writes_every_golden_file_or_none(run_cli, acme_copy: Path):
    """A snapshot that cannot be written (its folder is a file) fails the update, names
    that snapshot rather than a temporary file, and leaves no other golden file written."""
    (acme_copy / "tests" / "pinned.journeytest.yaml").write_text(
        SNAPSHOT_CASE
        + "  - name: second\n    subject: {id: usr_winback_price}\n    snapshot: golden/b.json\n"
    )
    (acme_copy / "tests" / "golden").write_text("not a folder")
    result = run_cli("test", "tests/pinned.journeytest.yaml", "--update")
    assert result.exit_code == 2
    assert result.stderr.startswith("journeysim: error: tests/golden/b.json: ")
    assert result.stderr.rstrip().endswith("[unwritable_output]")
    assert not (acme_copy / "tests" / "__snapshots__" / "pinned").exists()


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ("../subjects", "error invalid_subject: ../subjects is a folder, not a subject file"),
        ("late.json", "error invalid_subject: late.json:1:61: not a valid subject: "),
        # not read at all: its "not a valid subject" problem would show a piece of it
        ("/etc/hostname", "error invalid_subject: /etc/hostname is outside the project"),
        ("../../outside.json", "error invalid_subject: ../../outside.json is outside the project"),
    ],
)
def test_a_subject_file_a_case_cannot_use_is_a_problem_at_its_place(
    run_cli, acme_copy: Path, file: str, problem: str
):
    """A folder, or a subject whose future event is not a duration (what validate
    reports and simulate refuses), is bad input at the case's ``file``: exit 2."""
    (acme_copy / "tests" / "late.json").write_text(
        '{"endUserId": "u1", "futureEvents": [{"name": "x", "after": "P1 day"}]}'
    )
    (acme_copy / "tests" / "s.journeytest.yaml").write_text(
        f"journey: act-onb-2026\ncases:\n  - name: c\n    subject: {{file: {file}}}\n"
    )
    result = run_cli("test", "tests/s.journeytest.yaml")
    assert result.exit_code == 2
    assert result.stdout.startswith(f"tests/s.journeytest.yaml:4:21: {problem}"), result.stdout


def test_a_snapshot_whose_golden_path_is_a_folder_is_a_problem_before_anything_runs(
    run_cli, acme_copy: Path
):
    (acme_copy / "tests" / "pinned.journeytest.yaml").write_text(
        SNAPSHOT_CASE.replace("snapshot: true", "snapshot: golden")
    )
    (acme_copy / "tests" / "golden").mkdir()
    result = run_cli("test", "tests/pinned.journeytest.yaml", "--update")
    assert result.exit_code == 2
    assert result.stdout.startswith(
        "tests/pinned.journeytest.yaml:5:15: error invalid_scenario: snapshot 'golden' names a "
        "folder"
    ), result.stdout
    assert list((acme_copy / "tests" / "golden").iterdir()) == []


def test_a_journey_that_parses_but_does_not_validate_is_not_tested(run_cli, acme_copy: Path):
    """It used to run: six cases failed as if the journey's behaviour had changed and one
    passed, with no word of the broken reference, while simulate refuses the journey."""
    edit_journey(
        acme_copy,
        "trial-conv-2026",
        lambda steps, _: steps["send-trial-welcome"].update(next="wait-2days"),
    )
    result = run_cli("test", "tests/trial.journeytest.yaml")
    assert result.exit_code == 2, result.stdout
    (line, summary) = result.stdout.splitlines()
    assert line.startswith("tests/trial.journeytest.yaml:4:10: error invalid_journey: ")
    assert "journeys/trial-conv-2026.json:" in line and "unknown_step_reference" in line
    assert "wait-2days" in line and summary.endswith("nothing ran")


def test_a_journey_file_that_does_not_parse_is_named_not_called_missing(run_cli, acme_copy: Path):
    (acme_copy / "journeys" / "act-onb-2026.json").write_text('{"id": "act-onb-2026", ')
    result = run_cli("test", "tests/onboarding.journeytest.yaml", "--format", "json")
    assert result.exit_code == 2
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["code"] == "invalid_journey"
    assert "journeys/act-onb-2026.json does not parse" in problem["message"]
    assert "did you mean" not in problem["message"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / "tests" / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems_of(run_cli, project: Path, file_name: str, text: str) -> list[dict]:
    """Write the scenario file ``tests/<file_name>``, run it: it cannot run (exit 2);
    its problems, as ``--format json`` lists them."""
    write(project, file_name, text)
    result = run_cli("test", f"tests/{file_name}", "--format", "json")
    assert result.exit_code == 2, result.stdout
    return json.loads(result.stdout)["problems"]


def test_values_of_the_wrong_type_are_refused_not_coerced(run_cli, acme_copy: Path):
    problems = _problems_of(
        run_cli,
        acme_copy,
        "strict.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: strict\n"
        "    subject: {id: usr_plain_ana, synthetic: 1}\n"
        '    seed: "12"\n'
        "    expect:\n"
        '      outcome: {goalConverted: "yes", exited: 1}\n'
        '      steps: {branch-activated: {rule: "0"}}\n',
    )
    where = [(p["line"], p["column"]) for p in problems]
    assert where == sorted(where) and len(where) == 5
    assert {p["code"] for p in problems} == {"invalid_scenario"}
    synthetic = next(p["message"] for p in problems if "synthetic" in p["message"])
    # one message, not one per member of the union
    assert synthetic.endswith("synthetic must be 'any' or a boolean (true or false), not a number")


_ALLOWED_IN_A_STEP = "arm, decision, gates, next, occurrence, reason, resumedBy, rule"
_GATE_NAMES = (
    "journey_status, audience, holdout, suppression, opt_out, recipient, quiet_hours, "
    "daily_cap, frequency_cap"
)


@pytest.mark.parametrize(
    ("written", "column", "message"),
    [
        ("colour: red", 11, f"unknown field 'colour' (allowed: {_ALLOWED_IN_A_STEP})"),
        (  # at the key, not its value, with the name meant
            "gates: {quiet_hour: passed}",
            19,
            "unknown key 'quiet_hour' in cases/0/expect/steps/send-welcome/gates "
            f"(did you mean 'quiet_hours'? allowed: {_GATE_NAMES})",
        ),
        (
            "occurrence: 0",
            23,
            "cases/0/expect/steps/send-welcome/occurrence must be at least 1",
        ),
    ],
    ids=["unknown-field", "unknown-gate", "occurrence-below-1"],
)
def test_a_step_expectation_written_as_one_object_is_located_at_its_bad_field(
    run_cli, acme_copy: Path, written: str, column: int, message: str
):
    """``steps: {id: {...}}`` is read as ``{id: [{...}]}``, and the shape problems in it
    were walked through the file, which has no list there: the step id was called the
    unknown field (at the step), and a bad gate or occurrence was at the step with no
    field named. They read as in the list form now, at the bad key or value."""
    head = (
        "journey: act-onb-2026\ncases:\n  - name: a\n    subject: {id: usr_plain_ana}\n"
        "    expect:\n      steps:\n        send-welcome:\n"
    )
    one = f"          decision: executed\n          {written}\n"
    problems = _problems_of(run_cli, acme_copy, "one-object.journeytest.yaml", head + one)
    field = written.partition(":")[0]
    assert [(p["line"], p["column"], p["code"], p["message"]) for p in problems] == [
        (9, column, "invalid_scenario", f"journey test: {message}")
    ]
    assert problems[0]["path"].startswith(f"/cases/0/expect/steps/send-welcome/{field}")

    listed = f"          - decision: executed\n            {written}\n"
    listed = _problems_of(run_cli, acme_copy, "listed.journeytest.yaml", head + listed)
    # the same problem, two columns on (the list's "- ") and with the list's index
    assert [(p["line"], p["column"], p["message"]) for p in listed] == [
        (9, column + 2, f"journey test: {message}".replace("send-welcome/", "send-welcome/0/"))
    ]


def test_a_failed_step_expectation_is_located_at_its_field_in_a_one_item_list_too(
    run_cli, acme_copy: Path
):
    """A one-item list (``branch-team-size: [{...}]``) was located as if it were the
    object form: at the list (its ``-``), not at the failing field's value."""
    head = (
        "journey: trial-conv-2026\ncases:\n  - name: a\n    subject: {id: usr_trial_team_sales}\n"
    )
    block = "    expect:\n      steps:\n        branch-team-size:\n"
    forms = {
        "object": block + "          rule: default\n",
        "list": block + "          - rule: default\n",
        "flow": "    expect:\n      steps: {branch-team-size: "
        "[{next: send-sales-intro, rule: default}]}\n",
    }
    expected = {"object": (8, 17), "list": (8, 19), "flow": (6, 65)}
    for form, text in forms.items():
        write(acme_copy, "where.journeytest.yaml", head + text)
        result = run_cli("test", "tests/where.journeytest.yaml", "--format", "github")
        assert result.exit_code == 1, result.stdout
        line, column = expected[form]
        assert result.stdout.startswith(
            f"::error file=tests/where.journeytest.yaml,line={line},col={column},title=a::"
            "steps.branch-team-size.rule at step 'branch-team-size': expected 'default', got 0"
        ), (form, result.stdout)


def test_case_names_used_twice_or_holding_the_id_separator_are_refused_at_the_name(
    run_cli, acme_copy: Path
):
    write(
        acme_copy,
        "names.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: signup::welcome\n"
        "    subject: {id: usr_plain_ana}\n"
        "  - name: twice\n"
        "    subject: {id: usr_plain_ana}\n"
        "  - name: twice\n"
        "    subject: {id: usr_plain_ana}\n",
    )
    result = run_cli("test", "tests/names.journeytest.yaml")
    assert result.exit_code == 2, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("tests/names.journeytest.yaml:3:11: error invalid_case_name: ")
    assert "holds '::'" in lines[0]
    assert lines[1].startswith("tests/names.journeytest.yaml:7:11: error duplicate_case_name: ")


def test_shape_and_reference_problems_of_different_cases_come_in_one_run(run_cli, acme_copy: Path):
    """The reference problems of the well-formed cases once came only after every
    case's shape was mended: a second run to learn of them."""
    problems = _problems_of(
        run_cli,
        acme_copy,
        "phases.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: badly typed\n"
        "    subject: {id: usr_plain_ana}\n"
        '    seed: "12"\n'
        "  - name: unknown step\n"
        "    subject: {id: usr_nobody}\n"
        "    expect: {steps: {no-such-step: {decision: executed}}}\n",
    )
    assert [(p["line"], p["code"]) for p in problems] == [
        (5, "invalid_scenario"),
        (7, "unknown_subject"),
        (8, "unknown_step"),
    ]


def test_a_missing_subject_file_comes_with_the_other_cases_problems(run_cli, acme_copy: Path):
    """A subject file is read when its case is prepared, and cases were prepared only
    once every other case's references were mended: a second run to learn of it."""
    problems = _problems_of(
        run_cli,
        acme_copy,
        "prepare.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: unknown step\n"
        "    subject: {id: usr_plain_ana}\n"
        "    expect: {steps: {no-such-step: {decision: executed}}}\n"
        "  - name: missing file\n"
        "    subject: {file: subjects/nobody.json}\n",
    )
    assert [(p["line"], p["code"]) for p in problems] == [
        (5, "unknown_step"),
        (7, "invalid_subject"),
    ]
    assert "no subject file subjects/nobody.json" in problems[1]["message"]


def test_a_missing_subject_file_comes_with_another_cases_shape_problem(run_cli, acme_copy: Path):
    """A badly typed case kept every other case from being prepared: their missing
    subject files came only in the run after the type was mended (the README promises
    one badly typed case does not hide another's missing subject file)."""
    problems = _problems_of(
        run_cli,
        acme_copy,
        "shape-and-file.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: badly typed\n"
        "    subject: {id: usr_plain_ana}\n"
        "    expect: {outcome: {goalConverted: yes}}\n"
        "  - name: missing file\n"
        "    subject: {file: subjects/nobody.json}\n",
    )
    assert [(p["line"], p["code"]) for p in problems] == [
        (5, "invalid_scenario"),
        (7, "invalid_subject"),
    ]
    assert "no subject file subjects/nobody.json" in problems[1]["message"]


def test_an_unusable_workspace_is_one_problem_not_every_communication_unknown(
    run_cli, acme_copy: Path
):
    """Without a workspace there is no world, and every communication a case expects
    was reported unknown beside the workspace's problem (34 problems for one typo)."""
    workspace = acme_copy / "workspace.json"
    data = json.loads(workspace.read_text(encoding="utf-8"))
    workspace.write_text(json.dumps({**data, "holdoutPct": 500}), encoding="utf-8")
    result = run_cli("test", "tests/trial.journeytest.yaml", "--format", "json")
    assert result.exit_code == 2, result.stdout
    problems = json.loads(result.stdout)["problems"]
    assert [p["code"] for p in problems] == ["invalid_scenario"], problems
    assert "workspace is not usable" in problems[0]["message"]


def test_a_missing_subject_file_comes_with_a_problem_of_the_same_case(run_cli, acme_copy: Path):
    """A case with an unknown communication was not prepared, so its missing subject
    file came only in the run after the communication was mended."""
    problems = _problems_of(
        run_cli,
        acme_copy,
        "two-in-one.journeytest.yaml",
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: two problems\n"
        "    subject: {file: subjects/nobody.json}\n"
        "    expect: {sends: [{communication: comm-welcom}]}\n",
    )
    assert [(p["line"], p["code"]) for p in problems] == [
        (4, "invalid_subject"),
        (5, "unknown_communication"),
    ]


def test_a_case_with_its_own_journey_is_prepared_beside_an_unknown_file_journey(
    run_cli, acme_copy: Path
):
    """A problem of the file's own journey kept every case from being prepared, also
    those that name a journey of their own: their missing subject file came only in
    the run after the file's journey was mended."""
    problems = _problems_of(
        run_cli,
        acme_copy,
        "file-journey.journeytest.yaml",
        "journey: act-onb-2062\n"
        "cases:\n"
        "  - name: the file's journey\n"
        "    subject: {file: subjects/nobody.json}\n"
        "  - name: its own journey\n"
        "    journey: expansion-nudge-2026\n"
        "    subject: {file: subjects/nobody.json}\n",
    )
    assert [(p["line"], p["code"]) for p in problems] == [
        (1, "unknown_journey"),
        (7, "invalid_subject"),
    ]


def test_a_non_utf8_scenario_file_is_located_at_the_byte(run_cli, acme_copy: Path):
    path = acme_copy / "tests" / "latin1.journeytest.yaml"
    path.write_bytes(b"journey: act-onb-2026\ncases:\n  - name: caf\xe9\n")
    result = run_cli("test", "tests/latin1.journeytest.yaml")
    assert result.exit_code == 2
    assert result.stdout.startswith("tests/latin1.journeytest.yaml:3:14: error invalid_scenario: ")


@pytest.mark.parametrize(
    ("second_file", "second"),
    [
        (None, "  - name: plain-ana\n    subject: {id: usr_plain_ana}\n    snapshot: true\n"),
        (
            "other",
            "  - name: other\n    subject: {id: usr_plain_ana}\n"
            "    snapshot: __snapshots__/coll/PLAIN-ANA.json\n",
        ),
    ],
    ids=["same-slug", "same-path-other-file"],
)
def test_two_cases_sharing_a_golden_file_are_refused_before_update_writes(
    run_cli, acme_copy: Path, second_file, second
):
    head = "journey: act-onb-2026\ncases:\n"
    first = "  - name: Plain Ana\n    subject: {id: usr_plain_ana}\n    snapshot: true\n"
    if second_file is None:
        write(acme_copy, "coll.journeytest.yaml", head + first + second)
    else:
        write(acme_copy, "coll.journeytest.yaml", head + first)
        write(acme_copy, f"{second_file}.journeytest.yaml", head + second)
    result = run_cli("test", "tests", "--update")
    assert result.exit_code == 2, result.stdout
    assert "would share its golden file" in result.stdout
    assert "case 'Plain Ana'" in result.stdout
    assert not (acme_copy / "tests" / "__snapshots__" / "coll").exists()


@pytest.mark.parametrize(
    ("snapshot", "said"),
    [
        ("../journeys/act-onb-2026.json", "is in the project's documents (journeys)"),
        ("../subjects/new-golden.json", "is in the project's documents (subjects)"),
        ("../workspace.json", "is in the project's documents (workspace.json)"),
        ("guard.journeytest.yaml", "is a scenario file"),
        ("../../escaped-golden.json", "is outside the project"),
        ("ana.json", "is the subject file of case 'reads ana.json'"),
    ],
)
def test_update_never_writes_a_golden_file_over_what_the_project_reads(
    run_cli, acme_copy: Path, snapshot: str, said: str
):
    """``snapshot: ../journeys/act-onb-2026.json`` and ``--update`` once wrote the trace
    over the journey (and a scenario file over itself, a subject file over its
    subject, a path with ``..`` out of the project)."""
    shutil.copy(acme_copy / "subjects" / "usr_plain_ana.json", acme_copy / "tests" / "ana.json")
    before = {path: path.read_bytes() for path in acme_copy.rglob("*") if path.is_file()}
    text = (
        "journey: act-onb-2026\n"
        "cases:\n"
        "  - name: reads ana.json\n"
        "    subject: {file: ana.json}\n"
        "  - name: golden\n"
        "    subject: {id: usr_plain_ana}\n"
        f"    snapshot: {snapshot}\n"
    )
    write(acme_copy, "guard.journeytest.yaml", text)
    before[acme_copy / "tests" / "guard.journeytest.yaml"] = text.encode()
    result = run_cli("test", "tests/guard.journeytest.yaml", "--update")
    assert result.exit_code == 2, result.stdout
    assert result.stdout.startswith("tests/guard.journeytest.yaml:7:15: error invalid_scenario: ")
    assert said in result.stdout
    after = {path: path.read_bytes() for path in acme_copy.rglob("*") if path.is_file()}
    assert after == before
    assert not (acme_copy.parent / "escaped-golden.json").exists()


READS_ANA = "journey: act-onb-2026\ncases:\n  - name: reads ana\n    subject: {file: ana.json}\n"
PINS_ONTO_ANA = (
    "journey: act-onb-2026\ncases:\n  - name: pins onto ana\n"
    "    subject: {id: usr_plain_ana}\n    snapshot: ana.json\n"
)


@pytest.mark.parametrize("reader_folder", ["tests", "tests/invalid"])
def test_update_of_one_file_never_writes_over_another_files_subject_file(
    run_cli, acme_copy: Path, reader_folder: str
):
    """Run alone, a file only saw its own cases: ``--update`` wrote its golden file over
    the subject file another scenario file reads (even one in a folder named
    ``invalid``, which is not run unless named, but is read when it is)."""
    shutil.copy(acme_copy / "subjects" / "usr_plain_ana.json", acme_copy / "tests" / "ana.json")
    reads = "../ana.json" if reader_folder.endswith("invalid") else "ana.json"
    (acme_copy / reader_folder / "reader.journeytest.yaml").write_text(
        READS_ANA.replace("ana.json", reads), encoding="utf-8"
    )
    write(acme_copy, "writer.journeytest.yaml", PINS_ONTO_ANA)
    before = (acme_copy / "tests" / "ana.json").read_bytes()
    result = run_cli("test", "tests/writer.journeytest.yaml", "--update")
    assert result.exit_code == 2, result.stdout
    assert result.stdout.startswith(
        "tests/writer.journeytest.yaml:5:15: error invalid_scenario: the golden file "
        f"tests/ana.json is the subject file of case 'reads ana' of {reader_folder}/"
        "reader.journeytest.yaml: --update would write over it"
    )
    assert (acme_copy / "tests" / "ana.json").read_bytes() == before


def test_one_file_run_alone_is_refused_a_golden_file_another_file_has(run_cli, acme_copy: Path):
    """``x.journeytest.yaml`` and ``x.journeytest.yml`` pin a case of one name to one
    golden file: the later file is refused when it runs alone, as in a run of both."""
    pinned = "journey: act-onb-2026\ncases:\n  - name: pinned\n    subject: {id: usr_plain_ana}\n"
    write(acme_copy, "x.journeytest.yaml", pinned + "    snapshot: true\n")
    write(acme_copy, "x.journeytest.yml", pinned + "    snapshot: true\n")
    for run in (["tests"], ["tests/x.journeytest.yml"]):
        result = run_cli("test", *run, "--update")
        assert result.exit_code == 2, result.stdout
        assert result.stdout.startswith(
            "tests/x.journeytest.yml:5:15: error invalid_scenario: case 'pinned' would share its "
            "golden file tests/__snapshots__/x/pinned.json with case 'pinned' of "
            "tests/x.journeytest.yaml"
        )
    assert not (acme_copy / "tests" / "__snapshots__" / "x").exists()


def test_junit_for_a_scenario_file_that_cannot_run_is_a_test_case_in_error(run_cli, acme_dir: Path):
    """It was a suite of 0 tests holding bare <error> elements, one suite per problem:
    CI servers read test cases, so they showed nothing wrong."""
    invalid = acme_dir / "tests" / "invalid"
    result = run_cli("test", str(invalid / "not-applicable.journeytest.yaml"), "-f", "junit")
    assert result.exit_code == 2
    root = ET.fromstring(result.stdout)
    (suite,) = root.findall("testsuite")
    (case,) = suite.findall("testcase")
    (error,) = case.findall("error")
    assert (root.get("tests"), root.get("errors"), suite.get("errors")) == ("1", "1", "1")
    problems = error.text.splitlines()
    assert len(problems) > 1 and all("not-applicable.journeytest.yaml:" in p for p in problems)
    assert error.get("message") == problems[0]


def test_a_start_that_leaves_the_calendar_fails_the_case_at_its_at(run_cli, acme_copy: Path):
    """Decided: a failed case (exit 1, only running the journey shows it), located at
    the case's ``at`` rather than at the case."""
    write(
        acme_copy,
        "late.journeytest.yaml",
        "journey: act-onb-2026\ncases:\n  - name: late\n    subject: {id: usr_plain_ana}\n"
        "    at: 0001-01-01T00:00:00+14:00\n    expect: {entry: {decision: entered}}\n",
    )
    result = run_cli("test", "tests/late.journeytest.yaml")
    assert result.exit_code == 1
    assert "tests/late.journeytest.yaml:5:9: the dry-run could not run: " in result.stdout
    report = json.loads(run_cli("test", "tests/late.journeytest.yaml", "-f", "json").stdout)
    (case,) = report["cases"]
    assert (case["errorLocation"]["line"], case["errorLocation"]["column"]) == (5, 9)


STOPPED_CASES = """\
journey: far
cases:
  - name: the wait is reached
    subject: {id: usr_plain_ana}
    at: "9000-01-01T00:00:00Z"
    expect:
      path: [wait-long]
  - name: the stop is expected
    subject: {id: usr_plain_ana}
    at: "9000-01-01T00:00:00Z"
    expect:
      path: [wait-long]
      outcome: {exited: false}
"""


def test_a_case_whose_dry_run_the_engine_stopped_fails_unless_it_expects_no_exit(
    run_cli, acme_copy: Path
):
    """The wait would end after 9999-12-31: the engine stops the dry-run there with
    ``calendar_end``. A case whose path held passed as if the journey had run."""
    far = {
        "id": "far",
        "name": "Far",
        "steps": [
            {"id": "wait-long", "type": "wait", "duration": "P1000Y", "next": "exit"},
            {"id": "exit", "type": "exit"},
        ],
    }
    (acme_copy / "journeys" / "far.json").write_text(json.dumps(far), encoding="utf-8")
    write(acme_copy, "stopped.journeytest.yaml", STOPPED_CASES)
    result = run_cli("test", "tests/stopped.journeytest.yaml")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == "tests/stopped.journeytest.yaml F."
    assert (
        "tests/stopped.journeytest.yaml:3:5: warnings at step 'wait-long': expected none, "
        "got 'calendar_end' (the wait of P1000Y from 9000-01-01T00:00:00Z would end after "
        "9999-12-31" in result.stdout
    )
    assert "a case that expects the stop says outcome: {exited: false})" in result.stdout
    report = json.loads(run_cli("test", "tests/stopped.journeytest.yaml", "-f", "json").stdout)
    failed, passed = report["cases"]
    assert [(f["expectation"], f["actual"], f["line"]) for f in failed["failures"]] == [
        ("warnings", "calendar_end", 3)
    ]
    assert passed["outcome"] == "passed"


@pytest.mark.parametrize(
    ("value", "said"),
    [("abc", "must be a number, not 'abc'"), ("101", "must be at most 100, not 101")],
)
def test_a_bad_fail_under_says_what_it_must_be(run_cli, acme_dir: Path, value: str, said: str):
    """Typer passed pydantic's 'Input should be a valid number, unable to parse string
    as a number' on."""
    result = run_cli("test", str(acme_dir), "--fail-under", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--fail-under': {said} [usage_error]" in result.stderr
