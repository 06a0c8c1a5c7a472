"""The in-process backend and the pure helpers the screens use."""

from __future__ import annotations

import io
import json
import shlex
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from simulator.codes import Override
from simulator.errors import NotFoundError
from tui import DryRunRequest, first_divergence
from tui.compare import rows
from tui.widgets.step_detail import step_detail


def test_journeys_are_the_projects_with_their_counts(acme_backend, broken_backend):
    ids = [j.id for j in acme_backend.journeys()]
    assert ids == sorted(ids) and "trial-conv-2026" in ids and len(ids) == 5
    trial = next(j for j in acme_backend.journeys() if j.id == "trial-conv-2026")
    assert (trial.status, trial.version_label, trial.steps, trial.errors) == (
        "draft",
        "draft",
        10,
        0,
    )
    assert trial.file == "fixtures/acme/journeys/trial-conv-2026.json"
    (broken,) = broken_backend.journeys()
    assert (broken.errors, broken.warnings) == (1, 0)


def test_journey_findings_name_their_steps(broken_backend):
    detail = broken_backend.journey("onboarding-typo")
    (finding,) = detail.findings
    assert finding.code.value == "unknown_step_reference" and finding.step_id == "wait-2d"


def test_unknown_journey_and_subject_are_not_found(acme_backend):
    with pytest.raises(NotFoundError, match="no journey 'nope'"):
        acme_backend.journey("nope")
    with pytest.raises(NotFoundError, match="no subject 'usr_nobody'"):
        acme_backend.simulate(DryRunRequest("act-onb-2026", subject_id="usr_nobody"))


def test_a_mistyped_journey_suggests_the_one_meant(acme_backend):
    with pytest.raises(NotFoundError, match=r"no journey 'act-onb' .*did you mean 'act-onb-2026'"):
        acme_backend.journey("act-onb")


def test_subjects_list_ids_only(acme_backend):
    subjects = acme_backend.subjects()
    assert "usr_holdout" in [s.id for s in subjects]
    assert all(not hasattr(s, "attributes") for s in subjects)


@pytest.mark.parametrize(
    "request_",
    [
        DryRunRequest(
            "act-onb-2026", subject_id="usr_holdout", overrides=frozenset({Override.HOLDOUT})
        ),
        DryRunRequest("trial-conv-2026", synthetic=True, seed=7),
        DryRunRequest("trial-conv-2026", synthetic=True),
        DryRunRequest("act-onb-2026", attributes={"firstName": None, "seats": 12, "plan": "pro"}),
        DryRunRequest("act-onb-2026", subject_id="usr_plain_ana", attributes={"firstName": "null"}),
    ],
    ids=["override", "synthetic", "synthetic-no-seed", "attributes", "overlay-string-null"],
)
def test_command_line_prints_the_same_trace(acme_backend, run_cli, request_, monkeypatch):
    """What the dry-run screen's ``y`` shows is a command that prints this very trace."""
    monkeypatch.chdir(acme_backend.project.root.parent.parent)
    summary = acme_backend.journey(request_.journey_id).summary
    words = shlex.split(request_.command_line(summary.file))
    assert words[:2] == ["journeysim", "simulate"]
    result = run_cli(*words[1:], "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == acme_backend.simulate(request_).to_wire()


def test_flipped_toggles_one_override():
    request = DryRunRequest("j", overrides=frozenset({Override.OPT_OUT}))
    assert request.flipped(Override.HOLDOUT).overrides == {Override.OPT_OUT, Override.HOLDOUT}
    assert request.flipped(Override.OPT_OUT).overrides == set()


def test_first_divergence_finds_the_first_different_row(acme_backend):
    capped = DryRunRequest("act-onb-2026", subject_id="usr_freq_cap_hit")
    a = acme_backend.simulate(capped)
    b = acme_backend.simulate(capped.flipped(Override.FREQUENCY_CAP))
    divergence = first_divergence(a, b)
    assert divergence is not None and divergence.index == 1
    assert (divergence.left.decision, divergence.right.decision) == ("skipped", "executed")
    assert "send-welcome skipped (frequency_cap_exceeded) vs send-welcome executed" in (
        divergence.describe()
    )
    assert first_divergence(a, a) is None


def test_divergence_when_one_trace_ends_early(acme_backend):
    held = DryRunRequest("act-onb-2026", subject_id="usr_holdout")
    blocked = acme_backend.simulate(held)
    entered = acme_backend.simulate(held.flipped(Override.HOLDOUT))
    assert len(rows(blocked)) == 1
    divergence = first_divergence(blocked, entered)
    assert divergence.index == 0 and divergence.right.decision == "entered"
    shorter = blocked.model_copy(update={"entry": entered.entry})
    late = first_divergence(shorter, entered)
    assert late.index == 1 and late.left is None and "the trace ended" in late.describe()


def test_a_start_with_an_offset_shows_in_utc_in_the_timelines(acme_backend):
    at = datetime(2026, 6, 1, 16, tzinfo=timezone(timedelta(hours=2)))  # 14:00Z
    trace = acme_backend.simulate(DryRunRequest("act-onb-2026", subject_id="usr_plain_ana", at=at))
    assert [row.at for row in rows(trace)][:2] == ["2026-06-01 14:00", "2026-06-01 14:00"]
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(step_detail(trace, 0), step_detail(trace, 1))
    shown = console.export_text()
    assert "start 2026-06-01 14:00Z" in shown and "send at 2026-06-01 14:00Z" in shown
    assert "16:00" not in shown
