"""No raw e-mail address or phone number of a real subject leaves the API (SPEC §3.6):
not in a dry-run trace, not in the audit metadata a dry-run writes, not in the subject
list, not in an error. Every fixture journey × every fixture subject, as the owner with
every override (the widest trace) and without."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir
from simulator.project import load_project

ACME = load_project(fixtures_dir() / "acme")
OVERRIDES = ["opt_out", "suppression", "frequency_cap", "holdout"]


def _raw_contacts() -> set[str]:
    """Every e-mail address and phone number in the fixture subjects, as stored and
    without the leading ``+`` (a renderer could drop it)."""
    found: set[str] = set()
    for subject in ACME.world.subjects.values():
        for name in ("email", "phone"):
            value = subject.attributes.get(name)
            if isinstance(value, str):
                found |= {value, value.lstrip("+")}
    return found


RAW = _raw_contacts()


@pytest.fixture(scope="module")
def api():
    with api_client(publish=True) as client:
        yield client


def test_the_fixtures_have_contacts_to_leak():
    assert len(RAW) > 20 and any("@" in value for value in RAW)


@pytest.mark.parametrize("journey_id", sorted(ACME.journeys))
def test_dry_runs_of_real_subjects_show_no_raw_contact(api, journey_id):
    for subject_id in sorted(ACME.world.subjects):
        for overrides in (OVERRIDES, []):
            response = api.post(
                f"/api/journeys/{journey_id}/simulate",
                json={"subjectId": subject_id, "overrides": overrides},
                headers=api.auth(),
            )
            assert response.status_code == 200, response.text
            assert not [raw for raw in RAW if raw in response.text], (journey_id, subject_id)
    audit = api.get(f"/api/journeys/{journey_id}/audit", headers=api.auth())
    actions = {entry["action"] for entry in audit.json()}
    assert {"simulate-with-real-user", "dry-run-override-applied"} <= actions
    assert not [raw for raw in RAW if raw in audit.text]


def test_subject_list_and_errors_show_no_raw_contact(api):
    listed = api.get("/api/subjects", headers=api.auth("viewer"))
    assert listed.status_code == 200 and not [raw for raw in RAW if raw in listed.text]
    email = ACME.world.subjects["usr_plain_ana"].attributes["email"]
    missing = api.post(
        "/api/journeys/act-onb-2026/simulate", json={"subjectId": email}, headers=api.auth()
    )
    assert missing.status_code == 404 and email not in missing.text
