"""The cheap look at a file's id: what the loader knows of a sibling without parsing it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.project import PEEK_BYTES, DocumentKind, declared_id, peek_id
from simulator.project.yaml_source import parse_yaml

_leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
_ids = st.text(min_size=1, max_size=20)
_plain_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", fullmatch=True)
"""Ids as projects write them: YAML keeps them on the ``id:`` line."""
_objects = st.dictionaries(st.text(max_size=6), _values, max_size=5)


def _with_id(document: dict, document_id, at: int) -> dict:
    items = [(key, value) for key, value in document.items() if key != "id"]
    items.insert(min(at, len(items)), ("id", document_id))
    return dict(items)


@settings(max_examples=300, deadline=None)
@given(
    document=_objects,
    document_id=_ids | _leaves | _values,
    at=st.integers(min_value=0, max_value=5),
    indent=st.sampled_from([None, 2, "\t"]),
    ensure_ascii=st.booleans(),
)
def test_the_json_look_finds_the_top_level_id_wherever_it_is(
    document, document_id, at, indent, ensure_ascii
):
    """Nested ``id`` keys, ``id`` as a value and braces inside strings never fool it."""
    data = _with_id(document, document_id, at)
    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)
    expected = document_id if isinstance(document_id, str) and document_id else None
    assert declared_id(text) == expected
    without = {key: value for key, value in data.items() if key != "id"}
    assert declared_id(json.dumps(without, indent=indent)) is None


@settings(max_examples=200, deadline=None)
@given(document=_objects, document_id=_plain_ids, at=st.integers(min_value=0, max_value=5))
def test_the_yaml_look_finds_the_top_level_id_of_a_block_mapping(document, document_id, at):
    """The look agrees with the full reader. PyYAML writes some ids bare that YAML 1.2,
    as journeysim reads it, takes for numbers (``0E0`` is the float 0): those declare
    no id, in the look as in the reader."""
    text = yaml.safe_dump(_with_id(document, document_id, at), default_flow_style=False)
    read = parse_yaml(text).value["id"]
    assert declared_id(text, yaml=True) == (read if isinstance(read, str) else None)
    assert read == document_id or not isinstance(read, str)


def test_a_file_is_looked_at_only_in_its_first_bytes(tmp_path: Path):
    head = tmp_path / "head.json"
    head.write_text(json.dumps({"id": "comm-1", "body": "x" * (2 * PEEK_BYTES)}))
    tail = tmp_path / "tail.json"
    tail.write_text(json.dumps({"body": "x" * PEEK_BYTES, "id": "comm-1"}))
    assert peek_id(head, DocumentKind.COMMUNICATION) == "comm-1"
    assert peek_id(tail, DocumentKind.COMMUNICATION) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_what_cannot_be_read_or_is_no_regular_file_shows_no_id(tmp_path: Path):
    gone = tmp_path / "gone.json"
    gone.symlink_to(tmp_path / "nowhere.json")
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # opening it would wait for a writer forever
    undecodable = tmp_path / "bytes.json"
    undecodable.write_bytes(b"\xff\xfe{")
    for path in (gone, pipe, undecodable, tmp_path):
        assert peek_id(path, DocumentKind.SEGMENT) is None
