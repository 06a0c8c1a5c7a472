"""Output formats of a validation report: text, JSON, JUnit XML and GitHub commands."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from simulator.codes import FindingCode
from simulator.findings import Finding, SourcePosition, make_finding
from simulator.reporting import (
    ReportFormat,
    build_report,
    escape_property,
    render,
)
from simulator.schemas import schema_for

FILES = [
    ("journeys/a.json", "journey", "a"),
    ("journeys/b.json", "journey", "b"),
    ("workspace.json", "workspace", "ws"),
]


def located(code: FindingCode, message: str, file: str, line: int, column: int) -> Finding:
    finding = make_finding(code, message, "/steps/1/next", step_id="send-1")
    return finding.model_copy(
        update={"source": SourcePosition(file=file, line=line, column=column)}
    )


FINDINGS = [
    located(FindingCode.LONG_WAIT, "waits 400 days", "journeys/a.json", 20, 3),
    located(FindingCode.UNKNOWN_STEP_REFERENCE, "points to 'nope'", "journeys/a.json", 12, 7),
    located(FindingCode.CYCLE_DETECTED, "a → b → a", "journeys/b.json", 3, 15),
]


def test_report_counts_and_orders_findings():
    report = build_report(FILES, reversed(FINDINGS))
    assert not report.ok
    assert (report.summary.files, report.summary.errors, report.summary.warnings) == (3, 2, 1)
    assert report.summary.files_with_findings == 2
    assert [(f.file, f.line) for f in report.findings] == [
        ("journeys/a.json", 12),
        ("journeys/a.json", 20),
        ("journeys/b.json", 3),
    ]
    assert {f.file: (f.errors, f.warnings) for f in report.files}["journeys/a.json"] == (1, 1)


def test_warnings_pass_unless_strict():
    warning_only = FINDINGS[:1]
    assert build_report(FILES, warning_only).ok
    assert not build_report(FILES, warning_only, strict=True).ok
    assert build_report(FILES, [], strict=True).ok


def test_text_is_one_compiler_line_per_finding_and_a_summary():
    lines = render(build_report(FILES, FINDINGS), "text").splitlines()
    assert lines == [
        "journeys/a.json:12:7: error unknown_step_reference: points to 'nope'",
        "journeys/a.json:20:3: warning long_wait: waits 400 days",
        "journeys/b.json:3:15: error cycle_detected: a → b → a",
        "2 errors, 1 warning in 3 files",
    ]
    clean = render(build_report(FILES[:1], []), ReportFormat.TEXT)
    assert clean == "0 errors, 0 warnings in 1 file\n"


def test_json_follows_the_published_schema_and_omits_absent_step_ids():
    findings = [*FINDINGS, make_finding(FindingCode.MANUAL_TRIGGER_ONLY, "manual", "")]
    findings[-1] = findings[-1].model_copy(
        update={"source": SourcePosition(file="journeys/b.json", line=1, column=1)}
    )
    document = json.loads(render(build_report(FILES, findings), "json"))
    jsonschema.Draft202012Validator(schema_for("validation-report")).validate(document)
    assert document["version"] == 1 and document["ok"] is False
    assert document["findings"][0]["stepId"] == "send-1"
    assert "stepId" not in document["findings"][2]


def test_github_commands_escape_data_and_properties():
    finding = located(
        FindingCode.INVALID_DOCUMENT, "100% wrong\r\nsecond line", "odd:name,x.json", 4, 2
    )
    output = render(build_report([], [finding, FINDINGS[0]]), "github").splitlines()
    assert output[0].startswith("::warning file=journeys/a.json,line=20,col=3,title=long_wait::")
    assert output[1] == (
        "::error file=odd%3Aname%2Cx.json,line=4,col=2,title=invalid_document"
        "::100%25 wrong%0D%0Asecond line"
    )
    assert output[-1] == "1 error, 1 warning in 2 files"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"


def junit(report) -> ET.Element:
    return ET.fromstring(render(report, "junit"))


def test_junit_has_a_suite_per_file_and_a_failure_per_error():
    root = junit(build_report(FILES, FINDINGS))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {name for name, _, _ in FILES}
    assert root.get("failures") == "2" and root.get("tests") == "3"
    a_case = suites["journeys/a.json"].find("testcase")
    assert a_case.get("name") == "a" and a_case.get("classname") == "journeysim.journey"
    assert [f.get("type") for f in a_case.iter("failure")] == ["unknown_step_reference"]
    assert "long_wait" in a_case.find("system-out").text
    assert list(suites["workspace.json"].iter("failure")) == []


def test_junit_strict_turns_warnings_into_failures():
    root = junit(build_report(FILES, FINDINGS, strict=True))
    case = next(s for s in root.iter("testsuite") if s.get("name") == "journeys/a.json")
    assert sorted(f.get("type") for f in case.iter("failure")) == [
        "long_wait",
        "unknown_step_reference",
    ]
    assert case.find("system-out") is None


def test_junit_stays_well_formed_with_control_characters_in_messages():
    finding = located(FindingCode.INVALID_DOCUMENT, "bad key 'a\x01b'", "j.json", 1, 1)
    failure = junit(build_report([], [finding])).find(".//failure")
    assert "a\ufffdb" in failure.get("message")


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="xml"):
        render(build_report([], []), "xml")
