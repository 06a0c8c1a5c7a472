"""The YAML position map, and YAML meaning exactly what the same JSON would."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.project import SourceSyntaxError, load_yaml, parse_json, parse_yaml

JOURNEY = """\
id: onboarding
name: "Onboarding"
steps:
  - id: wait-1d
    type: wait
    duration: P1D
    next: exit
  - {id: exit, type: exit}
"""

# Each line multiplies the one before by ten: a billion values from a few hundred bytes.
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 10)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_block_mappings_start_at_their_first_key_and_flow_ones_at_the_brace():
    positions = parse_yaml(JOURNEY).positions
    assert positions[""] == (1, 1)
    assert positions["/name"] == (2, 7)
    assert positions["/steps"] == (4, 3)
    assert positions["/steps/0"] == (4, 5)
    assert positions["/steps/0/next"] == (7, 11)
    assert positions["/steps/1"] == (8, 5)
    assert positions["/steps/1/type"] == (8, 22)


def test_crlf_line_endings_and_unicode_columns():
    text = JOURNEY.replace("\n", "\r\n").replace('"Onboarding"', '"Bienvenue à bord"')
    text = text.replace("duration: P1D", "note: 日本語\r\n    duration: P1D")
    parsed = parse_yaml(text)
    assert parsed.value["steps"][0]["note"] == "日本語"
    assert parsed.positions["/steps/0/note"] == (6, 11)
    assert parsed.positions["/steps/0/duration"] == (7, 15)


def test_keys_stay_text_and_timestamps_stay_strings():
    parsed = parse_yaml("on: 1\n2: two\nuntil: 2026-05-01T09:00:00Z\nday: 2026-05-01\n")
    assert parsed.value == {
        "on": 1,
        "2": "two",
        "until": "2026-05-01T09:00:00Z",
        "day": "2026-05-01",
    }
    assert parsed.positions["/until"] == (3, 8)


@pytest.mark.parametrize("load", [load_yaml, lambda text: parse_yaml(text).value])
def test_plain_values_are_yaml_1_2_core_not_1_1(load):
    # The "Norway problem": YAML 1.1 reads NO as false, 21:00 as 1260 and 012 as 10.
    text = (
        "country: NO\nanswer: yes\nlight: off\nstart: 21:00\ncode: 012\nhex: 0x1F\n"
        "flag: true\nother: False\nn: 12\nsigned: +5\nhalf: .5\nx: -3.5e2\nnone: ~\n"
    )
    assert load(text) == {
        "country": "NO",
        "answer": "yes",
        "light": "off",
        "start": "21:00",
        "code": "012",
        "hex": "0x1F",
        "flag": True,
        "other": False,
        "n": 12,
        "signed": 5,
        "half": 0.5,
        "x": -350.0,
        "none": None,
    }


def test_a_yaml_time_of_day_validates_as_the_workspace_quiet_hours():
    from simulator.models import Workspace

    value = load_yaml("id: ws\nprojectKey: k\nname: W\nquietHours: {start: 21:00, end: 08:00}\n")
    workspace = Workspace.model_validate(value)
    assert (workspace.quiet_hours.start, workspace.quiet_hours.end) == ("21:00", "08:00")


def test_anchors_and_merge_keys_resolve_with_positions_of_their_source():
    parsed = parse_yaml("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n")
    assert parsed.value["derived"] == {"x": 1, "y": 3}
    assert parsed.positions["/derived/x"] == (1, 14)  # where the merged value is written
    assert parsed.positions["/derived/y"] == (4, 6)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first defined on line 1)"),
        ("a: [1, 2\nb: 3\n", 2, 2, "did not find expected ',' or ']'"),
        ("a:\n  - x\n - y\n", 3, 2, "did not find expected key"),
        ("a: 1\n---\nb: 2\n", 2, 1, "expected a single document"),
        ("", 1, 1, "empty"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "no JSON equivalent"),
        ("a: !custom x\n", 1, 4, "could not determine a constructor"),
        ("a: &x [*x]\n", 1, 4, "contains it"),
        ("a: 'open\n", 2, 1, "end of stream"),
        (LAUGHS, 1, 35, "aliases expand to more than 100000 values"),
        ("a: b\x01\n", 1, 5, "unacceptable character #x0001"),
        # JSON refuses NaN and infinity; a YAML file must not smuggle them in.
        ("score: .nan\n", 1, 8, "'.nan' is not a JSON number"),
        ("a:\n  - -.Inf\n", 2, 5, "'-.Inf' is not a JSON number"),
        # More digits than Python converts: the same error, and place, as in JSON.
        ("a:\n  b: " + "9" * 4301 + "\n", 2, 6, "integer has too many digits"),
    ],
)
@pytest.mark.parametrize("parse", [parse_yaml, load_yaml], ids=["positions", "fast"])
def test_syntax_errors_say_what_and_where(text, line, column, words, parse):
    with pytest.raises(SourceSyntaxError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in caught.value.message


yaml_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet="abc xyz-é:#'\"", max_size=8),
    lambda children: (
        st.lists(children, min_size=1, max_size=4)
        | st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=5), children, min_size=1)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(value=yaml_documents, flow=st.booleans(), indent=st.integers(min_value=2, max_value=6))
def test_yaml_and_json_of_the_same_value_map_the_same_pointers(value, flow, indent):
    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent, allow_unicode=True)
    parsed = parse_yaml(text)
    assert parsed.value == value == load_yaml(text)
    assert set(parsed.positions) == set(parse_json(json.dumps(value)).positions)
    lines = text.splitlines()
    for pointer, (line, column) in parsed.positions.items():
        assert 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1, pointer
