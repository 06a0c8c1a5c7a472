"""The JSON position map: every pointer maps to where its value's text starts."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.project import SourceSyntaxError, parse_json
from simulator.project.json_source import MAX_DEPTH, load_json


def offset_of(text: str, line: int, column: int) -> int:
    """Independent oracle: walk the text counting \\n, \\r\\n and lone \\r as line ends."""
    current, index = 1, 0
    while current < line:
        char = text[index]
        index += 1
        if char == "\n" or (char == "\r" and text[index : index + 1] != "\n"):
            current += 1
    return index + column - 1


def pointers(value, prefix=""):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            token = key.replace("~", "~0").replace("/", "~1")
            yield from pointers(item, f"{prefix}/{token}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from pointers(item, f"{prefix}/{index}")


def resolve(value, pointer):
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(
    value=json_values,
    indent=st.sampled_from([None, 0, 1, 2, 4, "\t"]),
    ensure_ascii=st.booleans(),
    compact=st.booleans(),
    crlf=st.booleans(),
)
def test_each_pointer_maps_to_where_its_value_starts(value, indent, ensure_ascii, compact, crlf):
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps(value, indent=indent, ensure_ascii=ensure_ascii, separators=separators)
    if crlf:  # json.dumps escapes newlines inside strings, so every raw \n is layout
        text = text.replace("\n", "\r\n")
    parsed = parse_json(text)
    assert parsed.value == value
    assert set(parsed.positions) == set(pointers(value))
    decoder = json.JSONDecoder()
    for pointer, (line, column) in parsed.positions.items():
        at, _ = decoder.raw_decode(text, offset_of(text, line, column))
        assert at == resolve(value, pointer), pointer


def test_nested_objects_and_arrays_point_at_brackets_and_scalars():
    text = '{\n  "steps": [\n    {"id": "a", "next": "b"},\n    {"id": "b"}\n  ]\n}\n'
    positions = parse_json(text).positions
    assert positions[""] == (1, 1)
    assert positions["/steps"] == (2, 12)
    assert positions["/steps/0"] == (3, 5)
    assert positions["/steps/0/next"] == (3, 25)
    assert positions["/steps/1/id"] == (4, 12)


def test_columns_count_characters_after_escapes_and_unicode():
    text = '{"a": "é\\n\\u00e9\\"", "日本": "x", "b": 1}'
    parsed = parse_json(text)
    assert parsed.value == {"a": 'é\né"', "日本": "x", "b": 1}
    # "日本" is two characters; columns count code points, not bytes.
    assert parsed.positions["/日本"] == (1, 28)
    assert text[27:30] == '"x"'
    assert parsed.positions["/b"] == (1, 38)


def test_a_surrogate_pair_escape_is_one_character():
    assert parse_json('"\\ud83d\\ude00"').value == "\U0001f600"


def test_crlf_and_lone_cr_both_end_lines():
    assert parse_json('{\r\n"a":\r\n  1}').positions["/a"] == (3, 3)
    assert parse_json('{\r"a":\r  [true]}').positions["/a/0"] == (3, 4)


def test_keys_with_slash_and_tilde_are_escaped_in_pointers():
    positions = parse_json('{"a/b": {"c~d": 1}}').positions
    assert positions["/a~1b/c~0d"] == (1, 17)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"a": 1,\n "a": 2}', 2, 2, "duplicate key 'a' (first defined on line 1)"),
        ('{"a": [1, 2,]}', 1, 13, "trailing comma"),
        ('{"a" 1}', 1, 6, "expected ':'"),
        ('{"a": 01}', 1, 7, "invalid number"),
        ("", 1, 1, "empty"),
        ("{} {}", 1, 4, "after the end of the document"),
        ('{"a": "x\x01"}', 1, 9, "control character"),
        ('{\n  "a": "open', 2, 8, "unterminated string"),
        ('{"a": NaN}', 1, 7, "expected a value"),
        ('{"a": tru}', 1, 7, "expected a value"),
        ('{"a": 1\r\n  "b": 2}', 2, 3, "expected ',' or '}'"),
        ("[" * (MAX_DEPTH + 5), 1, MAX_DEPTH + 1, "nesting deeper"),
        ('{\n  "id": "a\\ud800"}', 2, 9, "\\ud800, half of a surrogate pair"),
        ('{"\\udfff": 1}', 1, 2, "\\udfff, half of a surrogate pair"),
        ('["\\udc00\\ud800"]', 1, 2, "\\udc00, half of a surrogate pair"),
        ('{\n  "seats": 1e999}', 2, 12, "1e999 is too large: it would be infinite"),
        ("[1, -2.5E+400]", 1, 5, "-2.5E+400 is too large: it would be infinite"),
    ],
)
@pytest.mark.parametrize("parse", [parse_json, load_json], ids=["positions", "fast"])
def test_syntax_errors_say_what_and_where(text, line, column, words, parse):
    with pytest.raises(SourceSyntaxError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in caught.value.message


def outcome(parse, text):
    try:
        return ("value", parse(text))
    except SourceSyntaxError as exc:
        return ("error", exc.message, exc.line, exc.column)


_EDITS = st.sampled_from(['"', ",", "{", "}", "[", "]", ":", "\\", "NaN", '"k": 1, "k": 2', " "])


@settings(max_examples=300, deadline=None)
@given(value=json_values, data=st.data())
def test_the_fast_parser_agrees_with_the_position_parser(value, data):
    # Same value for what parses, same message and position for what does not: the
    # loader parses with load_json and re-parses only files with findings.
    text = json.dumps(value, ensure_ascii=data.draw(st.booleans()))
    if data.draw(st.booleans()) and text:
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 2))
        text = text[:at] + data.draw(_EDITS) + text[at + cut :]
    assert outcome(load_json, text) == outcome(lambda t: parse_json(t).value, text)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 400, 5_000])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_the_fast_parser_refuses_nesting_where_the_position_parser_does(depth, opener):
    closer = "]" if opener == "[" else "}"
    text = opener * depth + "1" + closer * depth
    assert outcome(load_json, text) == outcome(lambda t: parse_json(t).value, text)


def test_a_20000_step_journey_is_mapped_quickly():
    # Quadratic work (say, rescanning the text per value) would take minutes here.
    steps = [
        {"id": f"s{i}", "type": "wait", "duration": "PT1H", "next": f"s{i + 1}"}
        for i in range(20_000)
    ]
    text = json.dumps({"steps": steps}, indent=2)
    started = time.perf_counter()
    parsed = parse_json(text)
    assert time.perf_counter() - started < 5
    assert len(parsed.positions) == 2 + 5 * 20_000
    last_line = text.count("\n", 0, text.rindex('"s20000"')) + 1
    assert parsed.positions["/steps/19999/next"] == (last_line, 15)
