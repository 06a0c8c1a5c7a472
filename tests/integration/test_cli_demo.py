"""``journeysim demo``: the bundled example project, validated and summarised."""

from __future__ import annotations

from pathlib import Path


def test_demo_lists_every_example_journey_and_a_clean_result(run_cli, acme_dir: Path):
    result = run_cli("demo")
    assert result.exit_code == 0, result.stderr
    for journey in (acme_dir / "journeys").iterdir():
        assert journey.stem in result.stdout
    assert "Validated the example project 'acme': 0 errors, 0 warnings in " in result.stdout
    for header in ("steps", "sends", "waits", "branches", "result"):
        assert header in result.stdout
