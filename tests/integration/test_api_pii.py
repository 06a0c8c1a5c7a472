"""No raw e-mail address or phone number of a real subject leaves the API (SPEC §3.6):
not in a dry-run trace, not in the audit metadata a dry-run writes, not in the subject
list, not in an error. Every fixture journey × every fixture subject, as the owner with
every override (the widest trace) and without. Then masking by value (issue 8): the
subjects of ``fixtures/pii``, whose PII values turn up in other attributes, keys, ids and
event properties, show no raw value or token of one on any of those surfaces."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir
from simulator.project import load_project
from simulator.strategies import leaks

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


# --- masking by value (issue 8): fixtures/pii laid over acme ---------------------------------

PII_SUBJECTS = ("kwame.mensah@example.org", "+44 7700 900123")


@pytest.fixture(scope="module")
def pii_api(pii_project):
    with api_client(pii_project, publish=True) as client:
        yield client


def _pii_secrets(project) -> list[str]:
    loaded = load_project(project)
    pii = loaded.world.workspace.pii_attributes
    found = list(PII_SUBJECTS)
    for subject_id in PII_SUBJECTS:
        attributes = loaded.world.subjects[subject_id].attributes
        found += [str(value) for name, value in attributes.items() if name in pii]
    return found


def test_dry_runs_show_no_pii_value_of_subjects_whose_values_are_everywhere(pii_api, pii_project):
    secrets = _pii_secrets(pii_project)
    shown = []
    for journey_id in sorted(load_project(pii_project).journeys):
        for subject_id in PII_SUBJECTS:
            for overrides in (OVERRIDES, []):
                response = pii_api.post(
                    f"/api/journeys/{journey_id}/simulate",
                    json={"subjectId": subject_id, "overrides": overrides},
                    headers=pii_api.auth(),
                )
                assert response.status_code == 200, response.text
                shown.append(response.text)
        shown.append(pii_api.get(f"/api/journeys/{journey_id}/audit", headers=pii_api.auth()).text)
    shown.append(pii_api.get("/api/subjects", headers=pii_api.auth("viewer")).text)
    assert leaks("\n".join(shown), secrets) == []


def test_the_transforming_journey_through_the_api(pii_api):
    response = pii_api.post(
        "/api/journeys/pii-transforms/simulate",
        json={"subjectId": PII_SUBJECTS[1]},
        headers=pii_api.auth(),
    )
    trace = response.json()
    assert trace["subject"]["id"] == "•••23"  # an endUserId that is a phone number
    error, mail = trace["steps"][:2]
    assert error["reason"] == "template_error" and "C•••" in error["send"]["error"]
    assert "•••23" in mail["send"]["rendered"]["body"]


def test_errors_and_synthetic_subjects_show_no_pii(pii_api, pii_project):
    secrets = _pii_secrets(pii_project)
    for unknown in ("kwame.mensah@example.net", "+233 24 555 0198", "0245550198"):
        missing = pii_api.post(
            "/api/journeys/act-onb-2026/simulate",
            json={"subjectId": unknown},
            headers=pii_api.auth(),
        )
        assert missing.status_code == 404 and unknown not in missing.text
        assert leaks(missing.text, [unknown]) == []
    kwame = load_project(pii_project).world.subjects[PII_SUBJECTS[0]]
    synthetic = pii_api.post(
        "/api/journeys/pii-transforms/simulate",
        json={"subjectAttributes": kwame.attributes},
        headers=pii_api.auth(),
    )
    assert synthetic.status_code == 200, synthetic.text
    assert leaks(synthetic.text, secrets) == []


def test_api_log_lines_are_scrubbed(caplog):
    import logging

    from simulator.api.app import log

    with caplog.at_level(logging.ERROR, logger=log.name):
        try:
            raise KeyError("kwame.mensah@example.org")
        except KeyError:
            log.exception("failed for %s", "+44 7700 900123")
    assert "•••23" in caplog.text and "k•••@e•••.org" in caplog.text
    assert "kwame.mensah@example.org" not in caplog.text and "7700 900123" not in caplog.text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("kwame.mensah@example.org", "k•••@e•••.org"), ("+44 7700 900123", "•••23")],
)
def test_errors_that_echo_a_key_or_an_id_mask_emails_and_phones(api, raw, shown):
    """A request key the API refuses, or a journey id in a path, may be someone's
    address: the error names it masked as an id."""
    body = {"subjectId": "usr_plain_ana", raw: 1}
    extra = api.post("/api/journeys/act-onb-2026/simulate", json=body, headers=api.auth())
    assert extra.status_code == 400 and raw not in extra.text
    assert extra.json()["details"][0]["path"] == f"/{shown}"
    missing = api.get(f"/api/journeys/{raw}", headers=api.auth())
    assert missing.status_code == 404 and raw not in missing.text
    assert missing.json()["error"] == f"no journey '{shown}' in this workspace"


def test_a_refused_dry_run_request_is_masked_with_the_subjects_values(api):
    """An unknown override that happens to be the subject's name is quoted masked,
    for a synthetic subject and for a real one."""
    synthetic = {"subjectAttributes": {"lastName": "Mensah"}, "overrides": ["Mensah"]}
    real = {"subjectId": "usr_plain_ana", "overrides": ["Ana"]}
    for body, shown in ((synthetic, "'M•••'"), (real, "'A•••'")):
        response = api.post("/api/journeys/act-onb-2026/simulate", json=body, headers=api.auth())
        assert response.json()["code"] == "unknown_override", response.text
        assert f"unknown override {shown}" in response.json()["error"]
