"""Malformed documents as ``invalid_document`` findings with JSON pointers.

pydantic reports an error ``loc`` such as ``('steps', 3, 'send', 'communication_id')``:
it carries the discriminator *values* of tagged unions (``send``) and, for input
given by field name, Python names. A finding's pointer must name the document's
own keys (``/steps/3/communicationId``), so the loc is walked through the document
itself when it is at hand; otherwise tags are recognised by the shape of the
journey and predicate models and field names are mapped to their camelCase aliases.

Pointer rules (the loader maps them to file positions): the offending value, or the
enclosing object when a field is missing; for an unknown tag (``"type": "sned"``)
the tag field itself; for an unknown field, the field, marked ``at_key`` so that it is
located at its key; for a key of a mapping that is not one of the allowed keys (a gate
name in a journey test's ``gates: {…}``, pydantic's ``[key]`` loc), that key, also
``at_key``, with the allowed keys and the closest one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from simulator import models
from simulator.codes import FindingCode
from simulator.findings import Finding, make_finding
from simulator.suggestions import closest
from simulator.validation.fields import unknown_field_hint
from simulator.validation.pointers import join
from simulator.validation.wording import describe, in_words

__all__ = ["load_document", "pydantic_findings"]

_UNSET: Any = object()
_DISCRIMINATORS = ("type", "mode", "kind")
_STEP_TYPES = frozenset({"send", "wait", "branch", "webhook", "exit"})
_BRANCH_MODES = frozenset({"conditional", "adaptive"})
_PREDICATE_KINDS = frozenset(
    {"attribute", "event_fired", "event_not_fired", "channel_opted_in", "channel_opted_out"}
    | {"in_segment", "all", "any", "not"}
)
_PREDICATE_FIELDS = frozenset({"when", "where", "predicate"})


def _aliases() -> dict[str, str]:
    names: dict[str, str] = {}
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            for name, info in value.model_fields.items():
                names[name] = info.alias or name
    return names


_ALIASES = _aliases()


def _tag_values(union: Any, field: str) -> tuple[str, ...]:
    """The values the tag ``field`` takes in a tagged union of models, in their order.

    >>> _tag_values(models.BranchStep, "mode")
    ('conditional', 'adaptive')
    """
    found: dict[str, None] = {}
    for member in get_args(get_args(union)[0]):  # Annotated[A | B, Discriminator(...)]
        if get_origin(member) is Annotated:  # a nested tagged union (the branch steps)
            found.update(dict.fromkeys(_tag_values(member, field)))
        else:
            found.update(dict.fromkeys(get_args(member.model_fields[field].annotation)))
    return tuple(found)


_TAGS = {
    "type": _tag_values(models.Step, "type"),
    "mode": _tag_values(models.BranchStep, "mode"),
    "kind": _tag_values(models.Predicate, "kind"),
}
"""The values of each tag field, named when a document leaves the tag out."""


def load_document(
    document: Any, model: type[BaseModel], kind: str
) -> tuple[Any, BaseModel | None, list[Finding]]:
    """The wire form of ``document``, its model when valid, and its ``invalid_document`` findings.

    A model instance is taken as valid and dumped to its camelCase wire form; a
    mapping is validated; anything else is one finding at the root.
    """
    if isinstance(document, model):
        return document.to_wire(), document, []
    if not isinstance(document, Mapping):
        message = f"a {kind} must be a JSON object, not {describe(document)}"
        return document, None, [make_finding(FindingCode.INVALID_DOCUMENT, message, "")]
    try:
        return document, model.model_validate(dict(document)), []
    except ValidationError as exc:
        return document, None, pydantic_findings(exc, document, kind=kind)


def pydantic_findings(
    exc: ValidationError,
    document: Any = _UNSET,
    *,
    kind: str = "document",
    prefix: tuple[str | int, ...] = (),
    root: type[BaseModel] | None = None,
) -> list[Finding]:
    """One ``invalid_document`` finding per pydantic error, at a JSON pointer.

    Pass the validated ``document`` when you have it: pointers then follow its own
    keys exactly. ``prefix`` is the location of the validated part inside
    ``document`` when only a part was validated (``("steps", 3)``). ``root`` is the
    model of the whole ``document``, which names the allowed fields in an ``unknown
    field`` message; without it, the model the error names is used when it is one of
    the document models and nothing was prefixed.

    >>> from simulator.models import Journey
    >>> bad = {"id": "j", "name": "J", "steps": [{"id": "a", "type": "send", "next": 3}]}
    >>> try:
    ...     Journey.model_validate(bad)
    ... except ValidationError as exc:
    ...     [(f.path, f.message) for f in pydantic_findings(exc, bad, kind="journey")]
    [('/steps/0', "step 'a' is missing the required field 'communicationId'"), \
('/steps/0/next', "step 'a': next must be a string, not a number")]
    """
    described: dict[tuple[str, str], None] = {}
    unknown: set[str] = set()
    for error in exc.errors(include_url=False):
        error = {**error, "loc": (*prefix, *error.get("loc", ()))}
        path, message = _describe_error(error, document, kind, root or _root_model(exc, prefix))
        described.setdefault((path, message))
        if error.get("type") == "extra_forbidden" or _is_key_error(error):
            unknown.add(path)
    return [
        make_finding(
            FindingCode.INVALID_DOCUMENT,
            message,
            path,
            _step_id(path, document),
            at_key=path in unknown,
        )
        for path, message in _union_merged(list(described))
    ]


_MUST_BE = " must be "


def _union_merged(described: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A value that matches no member of a union (``true``, ``false`` or ``"any"``) is
    one error per member in pydantic, all at one pointer: said once, as the
    alternatives (``must be 'any' or a boolean (true or false), not a string``).

    >>> _union_merged([("/a", "x: a must be 'any'"),
    ...                ("/a", "x: a must be a boolean, not a string"), ("/b", "x: b: odd")])
    [('/a', "x: a must be 'any' or a boolean, not a string"), ('/b', 'x: b: odd')]
    """
    merged: dict[tuple[str, str], list[str]] = {}
    for path, message in described:
        head, found, tail = message.partition(_MUST_BE)
        key = (path, head + found) if found else (path, message)
        merged.setdefault(key, [])
        if found:
            merged[key].append(tail)
    return [(path, head + _alternatives(tails)) for (path, head), tails in merged.items()]


def _alternatives(tails: list[str]) -> str:
    """``'any' or a boolean, not a string`` from ``["'any'", "a boolean, not a string"]``:
    what the value is (``, not …``) said once, at the end. Members that describe it
    differently (``not a string``, ``not 'x'``) give the most particular words: the
    value itself before its kind.

    >>> _alternatives(["a whole number, not a string", "'default', not 'x'"])
    "a whole number or 'default', not 'x'"
    """
    kinds = list(dict.fromkeys(tail.rpartition(", not ")[2] for tail in tails if ", not " in tail))
    shapes = dict.fromkeys(tail.rpartition(", not ")[0] or tail for tail in tails)
    said = " or ".join(shapes)
    particular = [kind for kind in kinds if not kind.startswith(("a ", "an "))]
    shown = kinds[0] if len(kinds) == 1 else (particular[0] if particular else None)
    return f"{said}, not {shown}" if shown else said


def _describe_error(
    error: Mapping[str, Any], document: Any, kind: str, root: type[BaseModel] | None = None
) -> tuple[str, str]:
    loc = tuple(error.get("loc", ()))
    kind_of_error = error.get("type", "")
    if document is _UNSET:
        tokens, missing = _tokens_from_shape(loc, kind_of_error == "missing")
    else:
        tokens, missing = _tokens_from_document(loc, document, kind_of_error == "missing")
    ctx = error.get("ctx") or {}
    if _is_key_error(error):
        return join("", *tokens), _key_message(error, tokens, document, kind)
    discriminator = str(ctx.get("discriminator", "")).strip("'\"")
    if kind_of_error == "union_tag_invalid" and discriminator:
        tokens.append(discriminator)
    path = join("", *tokens)
    subject = _subject(tokens, document, kind)
    field = _relative(tokens)
    if kind_of_error == "missing":
        where = f"{subject}: {field}" if field else subject
        return path, f"{where} is missing the required field '{missing}'"
    if kind_of_error == "extra_forbidden":
        hint = unknown_field_hint(root, loc)
        return path, f"{subject}: unknown field '{tokens[-1] if tokens else ''}'{hint}"
    if kind_of_error == "union_tag_not_found":
        quoted = [repr(tag) for tag in _TAGS.get(discriminator, ())]
        one_of = f" ({', '.join(quoted[:-1])} or {quoted[-1]})" if len(quoted) > 1 else ""
        return path, f"{subject} needs a '{discriminator}' field{one_of}"
    if kind_of_error == "union_tag_invalid":
        return path, f"{subject}: {in_words(error) or error.get('msg', 'invalid value')}"
    if kind_of_error == "string_pattern_mismatch" and field == "id" and subject != kind:
        return path, (
            f"{subject}: a step id starts with a letter or digit and has at most 64 letters, "
            "digits, '_' or '-'"
        )
    said = in_words(error)
    if said is not None:
        # "timezone must be …", but "timezone: unknown IANA time zone …" (a validator's words)
        joint = " " if said.startswith(("must ", "is ")) else ": "
        return path, f"{subject}: {field + joint if field else ''}{said}"
    return path, f"{subject}: {field + ': ' if field else ''}{error.get('msg', 'invalid value')}"


def _is_key_error(error: Mapping[str, Any]) -> bool:
    """Whether the error is about a mapping's key, not its value (loc ends ``[key]``)."""
    loc = error.get("loc", ())
    return bool(loc) and loc[-1] == "[key]"


def _key_message(error: Mapping[str, Any], tokens: list[Any], document: Any, kind: str) -> str:
    """``unknown key 'quiet_hourz' in gates (did you mean 'quiet_hours'? allowed: …)``
    for a key outside an enumeration; pydantic's own words after the key otherwise."""
    key = str(error.get("input", tokens[-1] if tokens else ""))
    where = tokens[:-1] if tokens and str(tokens[-1]) == key else tokens
    subject, field = _subject(where, document, kind), _relative(where)
    inside = f" in {field}" if field else ""
    expected = (error.get("ctx") or {}).get("expected")
    if error.get("type") != "enum" or not isinstance(expected, str):
        return f"{subject}: key {key!r}{inside}: {error.get('msg', 'invalid key')}"
    allowed = [name.strip().strip("'") for name in expected.replace(" or ", ", ").split(",")]
    guess = closest(key, allowed)
    hint = f"did you mean {guess!r}? " if guess else ""
    return f"{subject}: unknown key {key!r}{inside} ({hint}allowed: {', '.join(allowed)})"


def _root_model(exc: ValidationError, prefix: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The document model that was validated (its name is the error's title)."""
    model = getattr(models, exc.title, None)
    valid = isinstance(model, type) and issubclass(model, BaseModel) and not prefix
    return model if valid else None


def _tokens_from_document(
    loc: Sequence[Any], document: Any, missing: bool
) -> tuple[list[Any], str | None]:
    tokens: list[Any] = []
    node, used = document, set()
    for item in loc:
        if isinstance(node, Mapping):
            tag_field = _tag_field(node, item, used)
            if tag_field is not None:
                used.add(tag_field)
                continue
            key = _key_in(node, item)
            if key is _UNSET:
                return tokens, _ALIASES.get(str(item), str(item)) if missing else None
            tokens.append(key)
            node, used = node[key], set()
        elif isinstance(node, list | tuple) and isinstance(item, int) and 0 <= item < len(node):
            tokens.append(item)
            node, used = node[item], set()
        else:
            break
    if missing and tokens:
        return tokens[:-1], str(tokens[-1])
    return tokens, None


def _tag_field(node: Mapping, item: Any, used: set[str]) -> str | None:
    if not isinstance(item, str):
        return None
    for field in _DISCRIMINATORS:
        if field not in used and node.get(field) == item:
            return field
    return None


def _key_in(node: Mapping, item: Any) -> Any:
    for candidate in (item, _ALIASES.get(item) if isinstance(item, str) else None):
        if candidate is not None and candidate in node:
            return candidate
    return _UNSET


def _tokens_from_shape(loc: Sequence[Any], missing: bool) -> tuple[list[Any], str | None]:
    tokens: list[Any] = []
    for position, item in enumerate(loc):
        before = loc[position - 1] if position else None
        before2 = loc[position - 2] if position > 1 else None
        if _is_tag(item, before, before2, position):
            continue
        tokens.append(_ALIASES.get(item, item) if isinstance(item, str) else item)
    if missing and tokens:
        return tokens[:-1], str(tokens[-1])
    return tokens, None


def _is_tag(item: Any, before: Any, before2: Any, position: int) -> bool:
    if not isinstance(item, str):
        return False
    if item in _STEP_TYPES and isinstance(before, int) and before2 == "steps" and position == 2:
        return True
    if item in _BRANCH_MODES and before == "branch":
        return True
    return item in _PREDICATE_KINDS and (
        before in _PREDICATE_FIELDS
        or before == "of"
        or (isinstance(before, int) and before2 == "of")
    )


def _subject(tokens: Sequence[Any], document: Any, kind: str) -> str:
    if len(tokens) >= 2 and tokens[0] == "steps" and isinstance(tokens[1], int):
        step_id = _step_id(join("", *tokens[:2]), document)
        return f"step {step_id!r}" if step_id else f"steps[{tokens[1]}]"
    return kind


def _relative(tokens: Sequence[Any]) -> str:
    start = 2 if len(tokens) >= 2 and tokens[0] == "steps" else 0
    return "/".join(str(token) for token in tokens[start:])


def _step_id(path: str, document: Any) -> str | None:
    parts = path.split("/")
    if len(parts) < 3 or parts[1] != "steps" or not (parts[2].isascii() and parts[2].isdigit()):
        return None
    steps = document.get("steps") if isinstance(document, Mapping) else None
    index = int(parts[2])
    if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], Mapping):
        step_id = steps[index].get("id")
        return step_id if isinstance(step_id, str) else None
    return None
