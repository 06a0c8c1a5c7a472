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


def test_the_full_run_it_suggests_is_one_line_that_works_from_where_it_was_run(
    run_cli, fixtures_dir: Path, tmp_path: Path, monkeypatch
):
    """At 80 columns the suggested command was wrapped in the middle, and its path
    (relative to the repository) failed from any other folder."""
    monkeypatch.chdir(tmp_path)
    result = run_cli("demo")
    assert result.exit_code == 0, result.stderr
    scenario = fixtures_dir / "scenarios" / "expansion-nudge.scenario.yaml"
    assert f"  journeysim run {scenario}\n" in result.stdout
