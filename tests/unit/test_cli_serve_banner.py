"""What ``journeysim serve`` prints before it serves: how to authenticate each route."""

from __future__ import annotations

import pytest

from simulator.backend.loading import LoadReport
from simulator.cli.serve import _banner
from simulator.models import Member

OWNER = Member.model_validate({"userId": "u", "role": "owner", "token": "tok_owner"})


def banner(capsys: pytest.CaptureFixture[str], members=(OWNER,), **fields) -> tuple[str, str]:
    report = LoadReport(workspace_id="ws", workspace_name="W", members=members, **fields)
    _banner(report, "http://127.0.0.1:8000", "127.0.0.1")
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_the_sync_api_key_is_shown_for_the_internal_routes(capsys):
    out, err = banner(capsys, sync_api_key="sync_local_key")

    assert "  internal routes: 'Authorization: Bearer sync_local_key' (the syncApiKey)" in out
    assert "syncApiKey" not in err


def test_without_a_sync_api_key_serve_says_the_internal_routes_are_401(capsys):
    out, err = banner(capsys)

    assert "internal routes:" not in out
    assert "no syncApiKey, so /api/journeys/internal/* is 401" in err
    assert '"syncApiKey": "<8 or more characters>"' in err


def test_serve_warns_when_the_workspace_has_no_members(capsys):
    out, err = banner(capsys, members=(), sync_api_key="sync_local_key")

    assert "no members, so every request is 401" in err and '"members"' in err
    assert "members (send" not in out  # no heading over an empty list


def test_the_members_are_listed_under_their_heading(capsys):
    out, _ = banner(capsys)

    assert "  members (send 'Authorization: Bearer <token>'):\n    owner   u" in out


def test_serve_counts_the_project_subjects_left_out_as_erased(capsys):
    out, _ = banner(capsys, sync_api_key="sync_local_key", forgotten=2)
    assert "  subjects: 2 subjects of the project left out (erased by forget-end-user" in out
    out, _ = banner(capsys, sync_api_key="sync_local_key")
    assert "subjects:" not in out
