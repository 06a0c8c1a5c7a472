"""No screen shows the raw PII of a subject (SPEC §3.6): not the snapshots, and not
the dry-run screen of any fixture subject."""

from __future__ import annotations

import html
import re
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from tui import DryRunRequest
from tui.widgets.step_detail import step_detail

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"

pytestmark = pytest.mark.anyio


def raw_pii(backend) -> dict[str, re.Pattern]:
    """Every raw value of a PII attribute of the project's subjects, as a pattern that
    finds it as a whole word (so ``Ana`` is not found inside ``Analytics``)."""
    world = backend.project.world
    names = set(world.workspace.pii_attributes)
    values = {
        str(value)
        for subject in world.subjects.values()
        for name, value in subject.attributes.items()
        if name in names and value is not None and len(str(value)) >= 3
    }
    return {v: re.compile(rf"(?<![\w@.+]){re.escape(v)}(?![\w@])") for v in values}


def svg_text(path: Path) -> str:
    lines: dict[str, list[tuple[float, str]]] = {}
    for m in re.finditer(
        r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', path.read_text()
    ):
        lines.setdefault(m.group(2), []).append((float(m.group(1)), m.group(3)))
    rows = (
        "".join(t for _, t in sorted(parts))
        for _, parts in sorted(lines.items(), key=lambda item: float(item[0]))
    )
    return html.unescape("\n".join(rows)).replace("\xa0", " ")


def test_the_scan_finds_what_it_looks_for(acme_backend):
    patterns = raw_pii(acme_backend)
    assert {"Ana", "ana.ribeiro@example.com", "+16175550142"} <= set(patterns)
    assert patterns["Ana"].search("Hi Ana,") and not patterns["Ana"].search("Acme Analytics")


def test_every_snapshot_test_has_its_pictures_at_both_sizes():
    """So the scan below reads every screen: each snapshot test left an SVG per size."""
    source = (Path(__file__).parent / "test_snapshots.py").read_text(encoding="utf-8")
    names = re.findall(r"^def (test_\w+)", source, re.M)
    assert len(names) >= 14
    missing = [
        f"{name}[…{size}]"
        for name in names
        for size in ("80x24", "160x48")
        if not list(SNAPSHOTS.glob(f"{glob_escape(name)}[[]*{size}[]].svg"))
    ]
    assert not missing, "run pytest tests/tui/test_snapshots.py --snapshot-update"


def glob_escape(text: str) -> str:
    return text.replace("[", "[[]")


def test_no_snapshot_shows_raw_pii(acme_backend):
    svgs = sorted(SNAPSHOTS.glob("*.svg"))
    assert len(svgs) >= 38, "run the snapshot tests first (tests/tui/test_snapshots.py)"
    patterns = raw_pii(acme_backend)
    found = [
        (svg.name, value)
        for svg in svgs
        for value, pattern in patterns.items()
        if pattern.search(svg_text(svg))
    ]
    assert not found


async def test_the_dry_run_screen_shows_no_pii_beyond_the_trace(make_app, acme_backend, settle):
    """Each fixture subject's dry-run: the screen (with the entry row, so the subject's
    attributes) and the detail pane of every row show no raw PII value that the
    trace itself does not carry. So the UI never shows raw subject data of its own;
    what the engine's masking leaves in the trace is the engine's (SPEC §3.6, below)."""
    patterns = raw_pii(acme_backend)
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_plain_ana"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        leaks = []
        for subject in acme_backend.subjects():
            screen.query_one("#subject").value = subject.id
            await pilot.pause()
            trace = screen.trace
            assert trace.subject.id == subject.label
            shown = [_plain(app.export_screenshot())]
            shown += [_render(step_detail(trace, row)) for row in range(1 + len(trace.steps))]
            carried = trace.to_json()
            leaks += [
                (subject.id, value)
                for value, pattern in patterns.items()
                if any(pattern.search(text) for text in shown) and not pattern.search(carried)
            ]
        assert not leaks


def test_traces_carry_no_raw_pii(acme_backend):
    patterns = raw_pii(acme_backend)
    found = []
    for subject in acme_backend.subjects():
        for journey in ("act-onb-2026", "trial-conv-2026"):
            text = acme_backend.simulate(DryRunRequest(journey, subject_id=subject.id)).to_json()
            found += [(subject.id, v) for v, p in patterns.items() if p.search(text)]
    assert not found


def _render(renderable) -> str:
    console = Console(file=StringIO(), width=160, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def _plain(svg: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
