"""The JUnit XML format, for CI systems that show test reports.

One ``<testsuite>`` per file and one ``<testcase>`` per document in it (named by the
document's id, class name ``journeysim.<kind>``), so a clean file is a passing test.
Each error is one ``<failure type="<code>">``; warnings do not fail the test: they
are listed in the test case's ``<system-out>``. With ``--strict`` warnings are
failures too. No times are written (the report holds no wall-clock values).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from simulator.reporting.model import ReportFile, ValidationReport
from simulator.reporting.text import finding_line

__all__ = ["render_junit"]

# Characters XML 1.0 cannot carry; messages quote file content, which may hold them.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(report: ValidationReport) -> str:
    root = ET.Element("testsuites", name="journeysim validate")
    failures = 0
    for entry in report.files:
        failures += _suite(root, entry, report)
    root.set("tests", str(len(report.files)))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(root: ET.Element, entry: ReportFile, report: ValidationReport) -> int:
    findings = [finding for finding in report.findings if finding.file == entry.file]
    failing = [finding for finding in findings if report.failing(finding)]
    suite = ET.SubElement(
        root,
        "testsuite",
        name=_clean(entry.file),
        tests="1",
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"journeysim.{entry.kind or 'file'}",
        name=_clean(entry.id or entry.file),
        file=_clean(entry.file),
    )
    for finding in failing:
        failure = ET.SubElement(
            case,
            "failure",
            type=finding.code.value,
            message=_clean(f"{finding.code.value}: {finding.message}"),
        )
        failure.text = _clean(finding_line(finding))
    notes = [finding_line(finding) for finding in findings if not report.failing(finding)]
    if notes:
        ET.SubElement(case, "system-out").text = _clean("\n".join(notes))
    return len(failing)
