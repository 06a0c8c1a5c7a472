"""Benchmark: translating Pinpoint exports.

Run ``python benchmarks/bench_import.py``. It prints the time of parsing the export's
JSON text and ``translate`` (service-model check, translation, templates, and
validation of the result) for

* one journey of 40 activities, Pinpoint's per-journey quota, with the bundled
  template fixtures supplied (best and median of several runs), and
* a ``list-journeys`` export of 1,000 journeys of 10 activities each,

each beside a *floor* measured in the same run: ``json.loads`` of the same text and
the service-model check of the export (``servicemodel.check``), the least an importer
that refuses malformed exports must do; the ratio says what translation adds.

Journeys are built deterministically from every activity type, next pointers always
leading forward (Pinpoint journeys are acyclic), so runs are comparable.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from importers.pinpoint import read_sources, translate
from importers.pinpoint.servicemodel import check, export_shape
from simulator.paths import fixtures_dir

APPLICATION = "7b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
KINDS = ("EMAIL", "Wait", "ConditionalSplit", "PUSH", "MultiCondition", "SMS", "RandomSplit",
         "CUSTOM", "Holdout", "ContactCenter")  # fmt: skip


def activity(kind: str, index: int, count: int) -> dict[str, Any]:
    """Activity ``index`` of ``count``: its pointers lead to later activities (or end)."""

    def ahead(step: int) -> str | None:
        return f"a{index + step}" if index + step < count else None

    segment = {"SegmentDimensions": {"UserAttributes": {
        "Plan": {"AttributeType": "INCLUSIVE", "Values": ["pro", "team"]}}}}  # fmt: skip
    shapes: dict[str, Any] = {
        "EMAIL": {"TemplateName": "WelcomeEmail", "NextActivity": ahead(1)},
        "PUSH": {"TemplateName": "ReminderPush", "NextActivity": ahead(1)},
        "SMS": {"TemplateName": "PromoSms", "NextActivity": ahead(1)},
        "CUSTOM": {"DeliveryUri": "https://hooks.example.com/p", "NextActivity": ahead(1)},
        "Wait": {"WaitTime": {"WaitFor": "P1D"}, "NextActivity": ahead(1)},
        "ConditionalSplit": {
            "Condition": {"Operator": "ALL", "Conditions": [segment]},
            "EvaluationWaitTime": {"WaitFor": "PT6H"},
            "TrueActivity": ahead(1),
            "FalseActivity": ahead(2),
        },
        "MultiCondition": {
            "Branches": [{"Condition": segment, "NextActivity": ahead(1)}],
            "DefaultActivity": ahead(2),
        },
        "RandomSplit": {
            "Branches": [
                {"Percentage": 50, "NextActivity": ahead(1)},
                {"Percentage": 50, "NextActivity": ahead(2)},
            ]
        },
        "Holdout": {"Percentage": 5, "NextActivity": ahead(1)},
        "ContactCenter": {"NextActivity": ahead(1)},
    }
    body = {k: v for k, v in shapes[kind].items() if v is not None}
    return {kind: body}


def journey(number: int, activities: int) -> dict[str, Any]:
    return {
        "ApplicationId": APPLICATION,
        "Id": f"{number:032x}",
        "Name": f"Benchmark journey {number}",
        "StartActivity": "a0",
        "StartCondition": {"EventStartCondition": {"EventFilter": {"FilterType": "ENDPOINT",
            "Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["signup"]}}}}},
        "Activities": {
            f"a{i}": activity(KINDS[(i + number) % len(KINDS)], i, activities)
            for i in range(activities)
        },
    }  # fmt: skip


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def floor(text: str) -> list[Any]:
    """Parse the export and check it against the service model, nothing else."""
    value = json.loads(text)
    return check(value, export_shape(value) or "WriteJourneyRequest")


def import_text(text: str, templates: dict[str, Any]) -> Any:
    return translate(json.loads(text), templates)


def main() -> None:
    templates = {
        name: s.value for name, s in read_sources(fixtures_dir() / "pinpoint" / "templates").items()
    }
    single = json.dumps({"JourneyResponse": journey(1, 40)}, indent=2)
    import_text(single, templates)  # warm caches (service model, template checks)
    assert floor(single) == []
    runs, floors = [], []
    for _ in range(20):  # turns, so a busy machine slows both alike
        runs.append(timed(import_text, single, templates))
        floors.append(timed(floor, single)[0])
    times = [seconds for seconds, _ in runs]
    bundle, _ = runs[0][1]
    steps = len(bundle.journeys[0].steps)
    print(
        f"40-activity journey ({steps} steps, {len(templates)} templates): "
        f"best {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms "
        f"over {len(times)} runs; floor {min(floors) * 1000:.2f} ms "
        f"({min(times) / min(floors):.1f}x)"
    )
    listing = {"JourneysResponse": {"Item": [journey(n, 10) for n in range(1000)]}}
    text = json.dumps(listing, indent=2)
    base, _ = timed(floor, text)
    seconds, (bundle, report) = timed(import_text, text, templates)
    print(
        f"1,000-journey list export (10,000 activities, {len(report):,} report entries): "
        f"{seconds:.2f} s ({seconds:.2f} ms per journey); floor {base:.2f} s "
        f"({seconds / base:.1f}x)"
    )
    assert len(bundle.journeys) == 1000 and len(bundle.id_map) > 0


if __name__ == "__main__":
    main()
