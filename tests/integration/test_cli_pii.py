"""``journeysim simulate`` shows no raw PII, on stdout or stderr (SPEC §3.6, issue 8):
every journey × the subjects of ``fixtures/pii``, as JSON and as text, and every error
path that echoes an id or a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.project import load_project
from simulator.strategies import leaks

SUBJECTS = ("kwame.mensah@example.org", "+44 7700 900123")


def _secrets(project: Path, subject_id: str) -> list[str]:
    loaded = load_project(project)
    subject = loaded.world.subjects[subject_id]
    pii = loaded.world.workspace.pii_attributes
    return [subject_id, *(str(v) for k, v in subject.attributes.items() if k in pii)]


@pytest.mark.parametrize("subject_id", SUBJECTS)
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_no_journey_shows_a_raw_pii_value_of_these_subjects(run_cli, pii_project, subject_id, fmt):
    secrets = _secrets(pii_project, subject_id)
    for journey in sorted((pii_project / "journeys").glob("*.json")):
        result = run_cli(
            "simulate", str(journey), "--subject-id", subject_id, "-f", fmt, "--override", "holdout"
        )
        assert result.exit_code == 0, result.stderr
        assert leaks(result.stdout + result.stderr, secrets) == [], journey.name


def test_the_transforming_journey_renders_masked_values_and_fails_on_its_error(
    run_cli, pii_project
):
    journey = str(pii_project / "journeys" / "pii-transforms.json")
    result = run_cli("simulate", journey, "--subject-id", SUBJECTS[0], "-f", "json")
    trace = json.loads(result.stdout)
    assert trace["subject"]["id"] == "k•••@e•••.org"
    error, mail, push, hook = trace["steps"][:4]
    assert push["send"]["channel"] == "mobile_push" and "K•••" in push["send"]["rendered"]["body"]
    assert mail["send"]["rendered"]["subjectLine"].startswith("K••• / •••M / k••• at e•••.org")
    assert "sgnidloH •••M" in mail["send"]["rendered"]["body"]  # reversed after masking
    assert error["decision"] == "failed" and error["reason"] == "template_error"
    assert "K•••" in error["send"]["error"]  # the error names the masked value it got
    assert trace["trigger"]["properties"]["K•••"] == "a key"  # keys are masked too
    assert '"who": "K•••"' in hook["webhook"]["body"]


def test_an_unknown_subject_id_is_masked_on_stderr(run_cli, pii_project):
    journey = str(pii_project / "journeys" / "act-onb-2026.json")
    for raw, shown in (("kwame.mensah@example.net", "k•••@e•••.net"), ("+233245550198", "•••98")):
        result = run_cli("simulate", journey, "--subject-id", raw)
        assert result.exit_code == 2 and raw not in result.stderr
        assert f"no subject '{shown}'" in result.stderr
        assert "@example.org" not in result.stderr  # nor the id it suggests


def test_errors_after_the_subject_is_known_are_masked_with_its_values(
    run_cli, pii_project, tmp_path
):
    subject = json.loads((pii_project / "subjects" / "pii_kwame.json").read_text("utf-8"))
    subject["futureEvents"] = [{"name": "user.activated", "after": "Mensah"}]
    path = tmp_path / "kwame.json"
    path.write_text(json.dumps(subject), encoding="utf-8")
    journey = str(pii_project / "journeys" / "act-onb-2026.json")
    result = run_cli("simulate", journey, "--subject", str(path))
    assert result.exit_code == 2, result.stdout
    assert "futureEvents/0/after" in result.stderr or "after" in result.stderr
    # the file is named as on disk (a location must be one the user can open); the rest
    # of the message is masked with the subject's values
    assert f"error: {path}:" in result.stderr
    said = result.stderr.replace(str(path), "FILE")
    assert leaks(said, _secrets(pii_project, SUBJECTS[0])) == [], result.stderr


def test_a_subject_file_that_does_not_validate_is_masked_with_its_own_values(
    run_cli, pii_project, tmp_path
):
    subject = json.loads((pii_project / "subjects" / "pii_kwame.json").read_text("utf-8"))
    subject["timezone"] = "Mensah/Kwame"  # the error quotes it
    path = tmp_path / "kwame.json"
    path.write_text(json.dumps(subject), encoding="utf-8")
    journey = str(pii_project / "journeys" / "act-onb-2026.json")
    result = run_cli("simulate", journey, "--subject", str(path))
    assert result.exit_code == 2 and "unknown IANA time zone 'M•••/K•••'" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("--override", "Mensah", "unknown override 'M•••'"),
        ("--at", "Kwame", "--at: 'K•••' is not an ISO-8601 timestamp"),
    ],
)
def test_an_option_that_quotes_a_value_of_the_subject_is_masked(
    run_cli, pii_project, option, value, shown
):
    journey = str(pii_project / "journeys" / "act-onb-2026.json")
    result = run_cli("simulate", journey, "--subject-id", SUBJECTS[0], option, value)
    assert result.exit_code == 2 and shown in result.stderr, result.stderr
    assert leaks(result.stderr, _secrets(pii_project, SUBJECTS[0])) == []
