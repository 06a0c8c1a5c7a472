"""Population runs on the runtime: the bundled Expansion Nudge scenario shows the
bandit learning from the goal events the store counts, and bad scenario files are
refused with a location."""

from __future__ import annotations

import json
import shutil

import pytest

from simulator.paths import fixtures_dir
from simulator.runtime.scenario import load_scenario, run_scenario

SCENARIO = fixtures_dir() / "scenarios" / "expansion-nudge.scenario.yaml"


def test_the_bundled_scenario_shows_the_bandit_learning_the_better_arm():
    scenario, project = load_scenario(SCENARIO)
    assert scenario.population == 1000
    report = run_scenario(scenario, project).to_wire()
    last = report["lastAssignments"]
    assert sum(last.values()) == 500
    assert last.get("discount", 0) / 500 >= 0.75, last
    [branch] = report["branchPerformance"]
    arms = {arm["armId"]: arm for arm in branch["arms"]}
    assert not any(arm.get("coldStart") for arm in arms.values())
    assert arms["discount"]["credibleInterval95"][0] > arms["education"]["credibleInterval95"][1]
    reached = sum(arm["subjectsReached"] for arm in arms.values())
    assert reached == report["executions"]["SUCCEEDED"] == report["population"] - report["heldOut"]
    stats = {row["stepId"]: row for row in report["stepStats"]}
    assert stats["send-discount"]["executed"] == arms["discount"]["subjectsReached"]
    assert report["calibratedImpact"]["triggered"]["holdout"] == report["heldOut"]


def test_the_run_command_prints_the_summary_and_json(run_cli):
    result = run_cli("run", str(SCENARIO), "--population", "30", "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["population"] == 30 and report["dispatches"] > 30
    text = run_cli("run", str(SCENARIO), "--population", "30")
    assert "branch performance · branch-2" in text.stdout and "calibrated impact" in text.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("project: ../acme\njourney: x\npopulation: zero\n", "population"),
        ("project: ../acme\njourney: x\nrunFor: soon\n", "runFor"),
        ("project: ../acme\njourney: x\nextra: 1\n", "extra"),
        ("project: [unclosed\n", "bad.scenario.yaml:2:1: did not find"),  # the place once
        # an internal error, then each run as one subject, and negative odds taken
        ('project: ../acme\njourney: x\nstart: "2026-06-01T14:00:00"\n', "3:8: start: "),
        ("project: ../acme\njourney: x\npopulation: true\n", "3:13: population: "),
        ("project: ../acme\njourney: x\ngoal: {arms: {b: {a: -3}}}\n", "goal/arms/b/a: "),
        # an internal OverflowError: the run's moments leave the calendar
        (
            'project: ../acme\njourney: x\nstart: "9999-12-30T00:00:00Z"\n',
            "arrivals/over: start 9999-12-30T00:00:00+00:00 + arrivals/over P20D + "
            "goal/after P2D is past the end of the calendar",
        ),
    ],
)
def test_a_bad_scenario_file_is_refused_with_its_location(tmp_path, run_cli, content, message):
    path = tmp_path / "bad.scenario.yaml"
    path.write_text(content, encoding="utf-8")
    result = run_cli("run", str(path))
    assert result.exit_code == 2
    assert str(path) in result.stderr and message in result.stderr
    assert result.stderr.rstrip().endswith("[invalid_document]"), result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "project: ../acme\njourney: x\nrunfor: P30D\n",
            "3:1: runfor: unknown field (did you mean 'runFor'? allowed: arrivals, goal, "
            "journey, population, project, runFor, seed, start)",
        ),
        (
            "project: ../acme\njourney: x\narrivals: {ovr: P2D}\n",
            "arrivals/ovr: unknown field (did you mean 'over'? allowed: over, properties)",
        ),
    ],
)
def test_an_unknown_scenario_field_names_the_fields_allowed(tmp_path, run_cli, content, message):
    """A mistyped key read "Extra inputs are not permitted", where ``validate`` names
    the field meant and the fields allowed."""
    path = tmp_path / "typo.scenario.yaml"
    path.write_text(content, encoding="utf-8")
    result = run_cli("run", str(path))
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize("size", ["0", "100001", "99999999999999999999"])
def test_a_population_out_of_bounds_is_refused_before_anything_runs(run_cli, size):
    # -n bypassed the scenario's own bound: a mistyped size ran for hours, unbounded
    result = run_cli("run", str(SCENARIO), "--population", size)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("journeysim: error: --population must be from 1 to 100,000")
    assert result.stderr.endswith(" [usage_error]\n")


def test_an_unknown_journey_is_refused(tmp_path, run_cli):
    path = tmp_path / "s.yaml"
    path.write_text(f"project: {fixtures_dir() / 'acme'}\njourney: nope\n", encoding="utf-8")
    result = run_cli("run", str(path))
    assert result.exit_code == 2 and "no journey 'nope'" in result.stderr
    assert f"{path}:2:10: journey: " in result.stderr  # located as the other fields are
    assert result.stderr.rstrip().endswith("[unknown_journey]")


def test_a_mistyped_journey_suggests_the_one_meant(tmp_path, run_cli):
    path = tmp_path / "s.yaml"
    path.write_text(f"project: {fixtures_dir() / 'acme'}\njourney: expansion-nudge\n", "utf-8")
    result = run_cli("run", str(path))
    assert result.exit_code == 2
    assert "no journey 'expansion-nudge'" in result.stderr
    assert "(did you mean 'expansion-nudge-2026'?)" in result.stderr


def test_an_unusable_workspace_is_named_not_called_a_missing_journey(tmp_path, run_cli):
    """A workspace that did not load read "no journey 'expansion-nudge-2026'", for a
    journey the project has."""
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    workspace = project / "workspace.json"
    data = json.loads(workspace.read_text(encoding="utf-8"))
    workspace.write_text(json.dumps({**data, "holdoutPct": 500}), encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(f"project: {project}\njourney: expansion-nudge-2026\n", encoding="utf-8")
    result = run_cli("run", str(path))
    assert result.exit_code == 2
    assert "no journey" not in result.stderr
    # named as validate names it: from the working folder (here, outside it: absolute)
    assert f"the project's workspace is not usable: {workspace}:1:" in result.stderr
    assert "holdoutPct" in result.stderr and result.stderr.endswith("[invalid_document]\n")


@pytest.mark.parametrize(
    ("arms", "where", "message", "code"),
    [
        (
            "{branch-2: {discont: 0.15}}",
            ":8:30: goal.arms.branch-2: ",
            "branch 'branch-2' has no arm 'discont' (arms: discount, education) "
            "(did you mean 'discount'?)",
            "unknown_arm",
        ),
        (
            "{branch2: {discount: 0.15}}",
            ":8:19: goal.arms: ",
            "journey expansion-nudge-2026 has no adaptive branch 'branch2' "
            "(adaptive branches: branch-2) (did you mean 'branch-2'?)",
            "unknown_step",
        ),
    ],
)
def test_goal_odds_for_an_arm_the_journey_lacks_are_refused(
    tmp_path, run_cli, arms, where, message, code
):
    # A typo used to run that arm at goal.default, and report which arm won.
    path = tmp_path / "typo.scenario.yaml"
    path.write_text(
        f"project: {fixtures_dir() / 'acme'}\njourney: expansion-nudge-2026\n"
        f"population: 5\ngoal:\n  default: 0.03\n  holdout: 0.03\n  after: P2D\n"
        f"  arms: {arms}\n",
        encoding="utf-8",
    )
    result = run_cli("run", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}{where}{message}" in result.stderr, result.stderr
    assert result.stderr.rstrip().endswith(f"[{code}]")


def test_a_journey_file_is_named_as_such_with_the_command_that_runs_it(run_cli, acme_dir):
    """``run journeys/x.json`` said "project: Field required"."""
    journey = acme_dir / "journeys" / "act-onb-2026.json"
    result = run_cli("run", str(journey))
    assert result.exit_code == 2
    assert f"{journey} is a journey file, not a scenario" in result.stderr
    assert f"journeysim simulate {journey} --subject-id ID" in result.stderr
    assert result.stderr.rstrip().endswith("[usage_error]")


@pytest.mark.parametrize(
    ("arrivals", "advice"),
    [
        (
            "",
            "the trigger contract trig-signup requires the properties plan, signupSource: "
            "give them under arrivals.properties in the scenario",
        ),
        (
            "arrivals: {properties: {plan: free}}\n",
            "the trigger contract trig-signup requires the property signupSource: "
            "give it under arrivals.properties in the scenario",
        ),
        (
            "arrivals: {properties: {plan: 3, signupSource: ads}}\n",
            "the trigger contract trig-signup wants plan to be a string, not an integer: "
            "fix it under arrivals.properties in the scenario",
        ),
    ],
)
def test_arrivals_the_trigger_contract_skips_say_how_to_fix_the_scenario(
    tmp_path, run_cli, arrivals, advice
):
    """Every arrival was skipped (missing_required_property) with exit 0 and no word."""
    path = tmp_path / "s.scenario.yaml"
    path.write_text(
        f"project: {fixtures_dir() / 'acme'}\njourney: act-onb-2026\npopulation: 3\n{arrivals}",
        encoding="utf-8",
    )
    for fmt in ("text", "json"):
        result = run_cli("run", str(path), "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == f"journeysim: warning: 3 of 3 arrivals skipped: {advice}\n"


def test_a_scenario_whose_arrivals_are_all_taken_says_nothing_on_stderr(run_cli):
    result = run_cli("run", str(SCENARIO), "--population", "5")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_journey_test_file_is_named_as_such_with_the_command_that_runs_it(run_cli, acme_dir):
    """``run tests/x.journeytest.yaml`` said "1:1: project: Field required"."""
    tests = acme_dir / "tests" / "onboarding.journeytest.yaml"
    result = run_cli("run", str(tests))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"journeysim: error: {tests} is a journey test file, not a")
    assert f"journeysim test {tests}" in result.stderr
    assert result.stderr.rstrip().endswith("[usage_error]")


@pytest.mark.parametrize(
    ("document", "change", "said"),
    [
        (  # the journey publishes nothing: the run crashed reading version 1
            "journeys/expansion-nudge-2026.json",
            lambda data: {**data, "steps": [
                {**step, "duration": "P3X"} if step.get("type") == "wait" else step
                for step in data["steps"]
            ]},
            "invalid_duration: wait step 'wait-1d' duration: 'P3X'",
        ),
        (  # the journey's model did not build: it read "no journey ..."
            "journeys/expansion-nudge-2026.json",
            lambda data: {**data, "colour": "red"},
            "unknown field 'colour'",
        ),
        (  # every send of it failed, exit 0
            "communications/comm-expansion-discount-email.json",
            lambda data: {**data, "body": "{{ x "},
            "template_syntax_error: communication 'comm-expansion-discount-email' body",
        ),
    ],
    ids=["invalid-step", "unknown-field", "broken-template"],
)  # fmt: skip
def test_a_journey_that_does_not_validate_is_refused_before_anything_runs(
    tmp_path, run_cli, document, change, said
):
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    target = project / document
    target.write_text(json.dumps(change(json.loads(target.read_text()))), encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(f"project: {project}\njourney: expansion-nudge-2026\n", encoding="utf-8")
    result = run_cli("run", str(path), "-n", "3")
    assert result.exit_code == 2, result.stdout
    assert "journey: 'expansion-nudge-2026' does not validate: " in result.stderr
    assert said in result.stderr
    assert result.stderr.endswith("[invalid_journey]\n") and "internal error" not in result.stderr
    assert result.stdout == ""
