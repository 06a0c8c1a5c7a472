"""The id a document file declares, read from its first bytes without parsing it.

A command given one file must still notice when another file of the project declares
the id of a document that file uses (two ``comm-welcome-email`` communications: which
one the dry-run sends must be no silent choice), but it must not parse every sibling
to find out: a 30 MB or unreadable file beside it is not its problem. So the loader
reads at most ``PEEK_BYTES`` of each file of the folder and looks for the top-level id
key in that text; only a file that declares the id it looks for is then read in full.

The look is cheap and tolerant, not a parser: JSON is scanned token by token (strings,
brackets) for the first key at the top level of the object that is ``id_key``; YAML for
a top-level ``id: value`` line of a block mapping. ``None`` means "not known from the
first bytes": no such key there, a top level that is not an object, an id that is not
a non-empty string, or YAML in flow style. A file whose id shows only later is
therefore not found this way (the loader's callers document what that means for
them). A wrong answer is harmless: the loader confirms every id by reading the file.

>>> declared_id('{"$schema": "x", "name": "{id}", "id": "comm-1", "body": "..."}')
'comm-1'
>>> declared_id('$schema: x\\nid: "seg-1"  # the audience\\nkind: rules\\n', yaml=True)
'seg-1'
"""

from __future__ import annotations

import json
import re

__all__ = ["PEEK_BYTES", "declared_id"]

PEEK_BYTES = 64 * 1024
"""How much of a file the look reads: real documents name their id in the first few
hundred bytes; a file that does not is read in full only when nothing else holds the
id that is looked for."""

_STRING = r'"(?:[^"\\\n]|\\.)*"'
_JSON_TOKEN = re.compile(rf"({_STRING})(\s*:)?|[{{\[]|[}}\]]")
_JSON_VALUE = re.compile(rf"\s*({_STRING})")


def declared_id(text: str, id_key: str = "id", *, yaml: bool = False) -> str | None:
    """The string value of the top-level ``id_key`` of the object in ``text`` (the
    start of a JSON or, with ``yaml``, a YAML file), or ``None`` when the text does not
    show it (see the module docstring).

    >>> declared_id('{"steps": [{"id": "s1"}], "id": "j-1"}')
    'j-1'
    >>> declared_id('{"steps": [{"id": "s1"}]}') is None
    True
    >>> declared_id('{"endUserId": "usr_1"}', "endUserId")
    'usr_1'
    >>> declared_id('body: |\\n  id: inside\\nname: x\\n', yaml=True) is None
    True
    """
    return _yaml_id(text, id_key) if yaml else _json_id(text, id_key)


def _json_id(text: str, id_key: str) -> str | None:
    start = len(text) - len(text.lstrip())
    if not text.startswith("{", start):
        return None
    depth = 0
    for match in _JSON_TOKEN.finditer(text, start):
        key, colon = match.groups()
        if key is None:
            depth += 1 if match.group() in "{[" else -1
            if depth <= 0:
                return None  # the top-level object ended without the key
        elif depth == 1 and colon and _decoded(key) == id_key:
            value = _JSON_VALUE.match(text, match.end())
            return _decoded(value.group(1)) if value else None
    return None


def _yaml_id(text: str, id_key: str) -> str | None:
    quoted = re.escape(id_key)
    line = re.search(rf"^(?:{quoted}|\"{quoted}\"|'{quoted}')[ \t]*:(?:[ \t].*)?$", text, re.M)
    if line is None:
        return None
    from simulator.project.positions import SourceSyntaxError
    from simulator.project.yaml_source import load_yaml

    try:
        value = load_yaml(line.group())
    except SourceSyntaxError:
        return None
    found = value.get(id_key) if isinstance(value, dict) else None
    return found if isinstance(found, str) and found else None


def _decoded(literal: str) -> str | None:
    try:
        value = json.loads(literal)
    except ValueError:
        return None
    return value if isinstance(value, str) and value else None
