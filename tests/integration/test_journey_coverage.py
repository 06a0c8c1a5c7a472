"""``journeysim test --coverage``: known uncovered rules, arms, waits and gates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ONE_CASE = """\
journey: trial-conv-2026
cases:
  - name: only the large team
    subject: {id: usr_trial_team_sales}
"""


@pytest.fixture
def partial(acme_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The acme project whose only scenario takes trial-conv-2026's sales path."""
    copy = tmp_path / "acme"
    shutil.copytree(acme_dir, copy, ignore=shutil.ignore_patterns("tests"))
    (copy / "tests").mkdir()
    (copy / "tests" / "partial.journeytest.yaml").write_text(ONE_CASE)
    monkeypatch.chdir(copy)
    return copy


def test_coverage_json_counts_and_locates_what_no_case_exercised(run_cli, partial: Path):
    result = run_cli("test", ".", "--coverage", "-f", "json")
    assert result.exit_code == 0
    coverage = json.loads(result.stdout)["coverage"]
    trial = next(j for j in coverage["journeys"] if j["journeyId"] == "trial-conv-2026")
    assert (trial["cases"], trial["percent"]) == (1, 37.5)
    assert trial["steps"] == {"covered": 5, "total": 10}
    assert trial["branches"] == {"covered": 1, "total": 4}
    assert trial["waits"] == {"covered": 0, "total": 2}
    assert trial["gates"] == {"covered": 8, "total": 16}
    uncovered = {
        (u["kind"], u["item"]): (u["file"], u["line"], u["column"]) for u in trial["uncovered"]
    }
    journey = "journeys/trial-conv-2026.json"
    assert uncovered[("branches", "branch-team-size default path")] == (journey, 38, 22)
    assert uncovered[("branches", "offer-subject-test arm urgency")] == (journey, 51, 9)
    assert uncovered[("branches", "offer-subject-test arm value")] == (journey, 55, 9)
    assert uncovered[("waits", "wait-checkout resumed by event")] == (journey, 76, 21)
    assert uncovered[("waits", "wait-checkout resumed by timeout")] == (journey, 76, 21)
    assert uncovered[("gates", "quiet_hours: quiet_hours")] == (journey, 11, 5)
    assert ("gates", "quiet_hours: passed") not in uncovered
    assert ("branches", "branch-team-size rule 0") not in uncovered
    others = [j for j in coverage["journeys"] if j["journeyId"] != "trial-conv-2026"]
    assert others and all(j["cases"] == 0 and j["percent"] == 0.0 for j in others)
    assert coverage["percent"] == 13.0  # 6 of the project's 46 steps, branches and waits


def test_coverage_table_lists_uncovered_items_by_file_line_column(run_cli, partial: Path):
    result = run_cli("test", ".", "--coverage")
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("trial-conv-2026"))
    assert row.split() == ["trial-conv-2026", "1", "5/10", "1/4", "0/2", "8/16", "37.5%"]
    assert (
        "  journeys/trial-conv-2026.json:51:9: branch offer-subject-test arm urgency "
        "(trial-conv-2026)" in lines
    )
    assert "  journeys/act-onb-2026.json:1:1: no case runs journey act-onb-2026" in lines


def test_fail_under_exits_1_below_the_threshold(run_cli, partial: Path):
    below = run_cli("test", ".", "--fail-under", "13.5")
    assert below.exit_code == 1
    assert "journey coverage 13.0% (6 of 46 items) is below --fail-under 13.5" in below.stderr
    assert run_cli("test", ".", "--fail-under", "13").exit_code == 0
    assert run_cli("test", ".", "--fail-under", "101").exit_code == 2
