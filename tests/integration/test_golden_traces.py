"""Golden traces: every case of fixtures/traces/cases.json reproduces its committed trace
byte for byte. After an intended change: ``python -m simulator.engine.golden --update``."""

from __future__ import annotations

from collections import Counter

import pytest

from simulator.engine.golden import golden_path, load_cases, main, render_case
from simulator.paths import fixtures_dir
from simulator.project import load_project

PROJECT, CASES = load_cases()


@pytest.fixture(scope="module")
def project():
    return load_project(fixtures_dir() / PROJECT)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_trace_matches_the_committed_golden(case, project):
    committed = golden_path(case).read_text(encoding="utf-8")
    assert render_case(case, project) == committed, (
        f"{case.id} changed; if intended run: python -m simulator.engine.golden --update"
    )


def test_every_starter_journey_has_at_least_three_cases(project):
    counts = Counter(case.journey for case in CASES)
    assert set(counts) == set(project.journeys)
    assert min(counts.values()) >= 3


def test_the_goldens_cover_every_decision_the_issue_lists():
    texts = [golden_path(case).read_text(encoding="utf-8") for case in CASES]
    corpus = "\n".join(texts)
    for needle in (
        '"decision": "entered"',
        '"exitStepId": "exit"',
        '"reason": "holdout_membership"',
        '"detail": "global opt-out"',
        '"detail": "email preference is false"',
        '"detail": "in_app_push preference is false"',
        '"reason": "suppression_match"',
        '"reason": "daily_cap_exceeded"',
        '"reason": "frequency_cap_exceeded"',
        '"reason": "quiet_hours"',
        '"missingVariables": [\n          "firstName"',
        '"resumedBy": "event"',
        '"resumedBy": "timeout"',
        '"converted": true',
        '"converted": false',
        '"overridden": true',
        '"selection": "thompson"',
        '"selection": "cold_start"',
        '"reason": "audience_mismatch"',
        '"reason": "missing_recipient"',
    ):
        assert needle in corpus, needle


def test_the_check_command_agrees(capsys):
    assert main([]) == 0
    assert "golden traces match" in capsys.readouterr().out


def test_an_update_with_nothing_changed_says_nothing_was_written(capsys):
    assert main(["--update"]) == 0
    out = capsys.readouterr().out
    assert out == f"{len(CASES)} golden traces match; nothing written\n"
