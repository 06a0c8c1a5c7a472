"""The pytest plugin: scenario files as pytest items (pytest's own ``pytester``)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

# Imported here, before any inner run: pytester's in-process runs drop the modules they
# imported afterwards, and PyYAML's C parser cannot survive a fresh ``yaml`` module.
import simulator.journeytests  # noqa: F401

pytest_plugins = ["pytester"]

# pytest-textual-snapshot keeps a process-wide temporary folder: an inner in-process run
# would delete the outer run's, so inner runs go without it.
QUIET = ("-p", "no:textual-snapshot")

CASES = 29
"""Cases in fixtures/acme/tests (outside its invalid/ folder)."""


@pytest.fixture
def project(pytester: pytest.Pytester, acme_dir: Path) -> Path:
    """A copy of the acme project, scenarios included, inside pytester's folder."""
    copy = pytester.path / "acme"
    shutil.copytree(acme_dir, copy)
    return copy


def break_checkout_wait(project: Path) -> None:
    path = project / "journeys" / "trial-conv-2026.json"
    journey = json.loads(path.read_text())
    wait = next(step for step in journey["steps"] if step["id"] == "wait-checkout")
    wait["untilEvent"]["timeout"] = "PT1H"
    wait["untilEvent"]["timeoutNext"] = "exit"  # also drops the reminder: two cases fail
    path.write_text(json.dumps(journey))


def test_one_item_per_case_named_by_file_and_case(pytester: pytest.Pytester, acme_dir: Path):
    result = pytester.runpytest(*QUIET, str(acme_dir / "tests"), "--collect-only", "-q")
    items = [line for line in result.outlines if ".journeytest.yaml::" in line]
    assert len(items) == CASES
    assert any(
        line.endswith(
            "trial.journeytest.yaml::no checkout within two days gets the in-app reminder"
        )
        for line in items
    )
    result.assert_outcomes()  # collected, nothing ran


def test_the_acme_scenarios_pass_under_pytest(pytester: pytest.Pytester, acme_dir: Path):
    pytester.runpytest(*QUIET, str(acme_dir / "tests")).assert_outcomes(passed=CASES)


def test_k_selects_cases(pytester: pytest.Pytester, acme_dir: Path):
    result = pytester.runpytest(*QUIET, str(acme_dir / "tests"), "-k", "holdout or quiet")
    result.assert_outcomes(passed=3, deselected=CASES - 3)


def test_a_failed_case_reads_as_expectation_actual_and_trace(pytester, project: Path):
    break_checkout_wait(project)
    result = pytester.runpytest(*QUIET, str(project / "tests"))
    result.assert_outcomes(passed=CASES - 2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*trial.journeytest.yaml:*: steps.wait-checkout.resumedBy at step 'wait-checkout': "
            "expected 'event', got 'timeout'",
            "*> 2026-06-03 14:00Z  wait-checkout*",
        ]
    )


def test_exitfirst_stops_at_the_first_failed_case(pytester, project: Path):
    break_checkout_wait(project)
    result = pytester.runpytest(*QUIET, str(project / "tests"), "-x")
    assert result.parseoutcomes()["failed"] == 1


def test_junitxml_has_a_testcase_per_case_and_a_failure_per_failed_case(pytester, project: Path):
    break_checkout_wait(project)
    report = pytester.path / "junit.xml"
    pytester.runpytest(*QUIET, str(project / "tests"), f"--junitxml={report}")
    cases = ET.parse(report).getroot().findall(".//testcase")
    assert len(cases) == CASES
    failed = [case for case in cases if case.find("failure") is not None]
    assert sorted(case.get("name") for case in failed) == [
        "no checkout within two days gets the in-app reminder",
        "starting checkout ends the wait and converts",
    ]
    assert all(len(case.findall("failure")) == 1 for case in failed)


def test_xdist_runs_the_cases_on_two_workers(pytester: pytest.Pytester, acme_dir: Path):
    pytest.importorskip("xdist")
    result = pytester.runpytest_subprocess(
        *QUIET, str(acme_dir / "tests"), "-n", "2", "-p", "xdist"
    )
    result.assert_outcomes(passed=CASES)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_a_run_without_scenario_files_is_untouched(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_journeysim_is_not_loaded():
            assert not any(name.startswith("simulator.journeytests") for name in sys.modules)
            assert "simulator.engine" not in sys.modules

        def test_other():
            assert 1 + 1 == 2
        """
    )
    pytester.makefile(".yaml", config="a: 1")
    with_plugin = pytester.runpytest_subprocess(*QUIET, "-v")
    without = pytester.runpytest_subprocess(*QUIET, "-v", "-p", "no:journeysim")
    with_plugin.assert_outcomes(passed=2)
    without.assert_outcomes(passed=2)
    assert [line for line in with_plugin.outlines if "::" in line] == [
        line for line in without.outlines if "::" in line
    ]


def test_an_invalid_scenario_file_is_a_collection_error_at_file_line_column(
    pytester, project: Path
):
    invalid = project / "tests" / "invalid" / "unknown-step.journeytest.yaml"
    result = pytester.runpytest(*QUIET, str(invalid))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*acme/tests/invalid/unknown-step.journeytest.yaml:6:28: error unknown_step: *wait-3days*"]
    )


def test_folders_named_invalid_are_skipped_unless_named(pytester, project: Path):
    pytester.runpytest(*QUIET, str(project / "tests")).assert_outcomes(passed=CASES)
    invalid = project / "tests" / "invalid"
    files = len(json.loads((invalid / "expected.json").read_text()))  # one error per file
    pytester.runpytest(*QUIET, str(invalid)).assert_outcomes(errors=files)


def test_update_option_writes_a_missing_golden_file(pytester, project: Path):
    golden = next((project / "tests" / "__snapshots__").rglob("*.json"))
    golden.unlink()
    missing = pytester.runpytest(*QUIET, str(project / "tests"), "-k", "managed")
    missing.assert_outcomes(failed=1, deselected=CASES - 1)
    # the hint names the option pytest takes, not the CLI's --update (pytest refuses it)
    missing.stdout.fnmatch_lines(["*run with --journeysim-update to write it*"])
    # described, not quoted as if the words were a value ('a golden file')
    missing.stdout.fnmatch_lines(["*expected a golden file, got no golden file*"])
    pytester.runpytest(*QUIET, str(project / "tests"), "-k", "managed", "--journeysim-update")
    assert golden.is_file()
    pytester.runpytest(*QUIET, str(project / "tests"), "-k", "managed").assert_outcomes(
        passed=1, deselected=CASES - 1
    )


def test_update_never_writes_over_a_subject_file_another_scenario_file_reads(
    pytester, project: Path
):
    """pytest loads one scenario file at a time: ``--journeysim-update`` wrote a golden
    file over the subject file of another file's case."""
    tests = project / "tests"
    subject = tests / "ana.json"
    shutil.copy(project / "subjects" / "usr_plain_ana.json", subject)
    (tests / "reader.journeytest.yaml").write_text(
        "journey: act-onb-2026\ncases:\n  - name: reads ana\n    subject: {file: ana.json}\n"
    )
    (tests / "writer.journeytest.yaml").write_text(
        "journey: act-onb-2026\ncases:\n  - name: pins onto ana\n"
        "    subject: {id: usr_plain_ana}\n    snapshot: ana.json\n"
    )
    before = subject.read_bytes()
    for named in (tests, tests / "writer.journeytest.yaml"):
        result = pytester.runpytest(
            *QUIET, str(named), "--journeysim-update", "--continue-on-collection-errors"
        )
        assert result.parseoutcomes()["errors"] == 1
        result.stdout.fnmatch_lines(
            ["*writer.journeytest.yaml:5:15: error invalid_scenario: the golden file "
             "*ana.json is the subject file of case 'reads ana' of *reader.journeytest.yaml*"]
        )  # fmt: skip
        assert subject.read_bytes() == before


def test_two_scenario_files_sharing_a_golden_file_are_a_collection_error(pytester, project: Path):
    """``a.journeytest.yaml`` and ``a.journeytest.yml`` pin a case of one name to
    ``__snapshots__/a/``: one wrote over the other's golden file, item by item."""
    tests = project / "tests"
    pinned = "journey: act-onb-2026\ncases:\n  - name: pinned\n    subject: {id: usr_plain_ana}\n"
    (tests / "a.journeytest.yaml").write_text(pinned + "    snapshot: true\n")
    (tests / "a.journeytest.yml").write_text(
        pinned.replace("usr_plain_ana", "usr_quiet_tokyo") + "    snapshot: true\n"
    )
    result = pytester.runpytest(
        *QUIET, str(tests), "-k", "pinned", "--journeysim-update",
        "--continue-on-collection-errors",
    )  # fmt: skip
    result.stdout.fnmatch_lines(
        ["*a.journeytest.yml:5:15: error invalid_scenario: case 'pinned' would share its golden "
         "file *__snapshots__/a/pinned.json with case 'pinned' of *a.journeytest.yaml*"]
    )  # fmt: skip
    assert result.parseoutcomes()["errors"] == 1
    golden = json.loads((tests / "__snapshots__" / "a" / "pinned.json").read_text())
    assert golden["subject"]["id"].startswith("usr_plain_")  # the first file's subject
