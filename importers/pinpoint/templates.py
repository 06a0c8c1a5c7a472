"""Pinpoint message templates (Handlebars) → journeysim templates (Jinja2, sandboxed).

:func:`translate_template` parses with :mod:`importers.pinpoint.handlebars` and writes
Jinja2 that :func:`simulator.templating.environment` renders. Decisions:

* Variables map to subject attributes by :mod:`importers.pinpoint.names`
  (``{{User.UserAttributes.FirstName}}`` → ``{{ firstName }}``). Pinpoint keeps every
  attribute as a list and templates read ``.[0]``; a journeysim attribute may be a
  single value or a list, so ``.[0]`` becomes ``|first_value`` (the first item of a
  list, a single value as it is) and ``.[n]`` (n > 0) indexes a list.
* ``DefaultSubstitutions`` become ``default(value, true)`` (empty values take it too).
* ``{{{x}}}`` (unescaped) renders *escaped* in HTML bodies: the sandbox autoescapes
  because attribute values come from end users, and ``|safe`` would let one inject
  markup into every recipient's mail. Each use is reported (``template_unescaped_output``).
* Block helpers ``if``/``else if``/``unless``/``each`` (``@index``, ``@first``,
  ``@last``, ``@key``, ``this``, ``as |x i|``, ``{{else}}``)/``with``, inverted
  sections, inline partials, and Pinpoint's documented helpers translate to Jinja2
  statements, builtin filters or :mod:`simulator.filters`. ``gt``/``lt``...
  compare as numbers when one side is a number literal (Pinpoint's own examples
  compare ages with ``"17"``), else as text; ``eq``/``neq`` compare as text.
* Anything else (``now`` and ``uuid``, which would make rendering non-deterministic;
  unknown helpers; dynamic partials) is reported with its line and column and kept as
  literal text, so a dry-run shows the author exactly what still needs work.

Arbitrary input never raises; a template that does not parse is kept as literal text
and reported as ``template_syntax_error``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from importers.pinpoint.generator import Generator, Issue
from importers.pinpoint.handlebars import HandlebarsSyntaxError, parse
from importers.pinpoint.jinja import text
from simulator.codes import ImportCode

__all__ = [
    "TemplateIssue",
    "TemplateTranslation",
    "default_substitutions",
    "translate_template",
]

TemplateIssue = Issue
"""One thing in a template that did not translate one to one (code, message, line, column)."""


@dataclass(frozen=True, slots=True)
class TemplateTranslation:
    jinja: str
    issues: tuple[TemplateIssue, ...] = ()
    """What did not translate one to one, with its line and column in the template."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Pinpoint variable (``User.UserAttributes.FirstName``) → journeysim attribute."""


def translate_template(
    source: str, *, channel: str = "email", defaults: Mapping[str, str] | None = None
) -> TemplateTranslation:
    """Translate one Pinpoint template text; never raises.

    ``channel`` (email, sms, push) decides what ``{{Address}}`` means; ``defaults`` are
    the flattened ``DefaultSubstitutions`` (see :func:`default_substitutions`).

    >>> translate_template("Hi {{User.UserAttributes.FirstName.[0]}}!").jinja
    'Hi {{ firstName|first_value }}!'
    >>> t = translate_template("{{uuid}}")
    >>> t.jinja, t.issues[0].code.value, (t.issues[0].line, t.issues[0].column)
    ("{{ '{' }}{uuid}}", 'template_unsupported', (1, 3))
    """
    if not isinstance(source, str):
        source = "" if source is None else str(source)
    try:
        tree = parse(source)
    except HandlebarsSyntaxError as exc:
        issue = TemplateIssue(
            ImportCode.TEMPLATE_SYNTAX_ERROR, exc.message, exc.pos.line, exc.pos.column
        )
        return TemplateTranslation(text(source), (issue,))
    generator = Generator(channel, defaults or {})
    try:
        jinja = generator.nodes(tree)
    except RecursionError:  # bounded by handlebars.MAX_DEPTH; kept as a last line of defence
        issue = TemplateIssue(
            ImportCode.TEMPLATE_SYNTAX_ERROR, "the template nests too deeply", 1, 1
        )
        return TemplateTranslation(text(source), (issue,))
    return TemplateTranslation(
        jinja, tuple(generator.issues), MappingProxyType(dict(generator.variables))
    )


def default_substitutions(text: str | None) -> tuple[dict[str, str], str | None]:
    """``DefaultSubstitutions`` (a JSON string) as flat ``{variable: default}``, plus an error.

    Keys may be dotted (``"User.UserAttributes.FirstName"``) or nested objects; list
    values give their first item; ``.[0]`` and brackets in keys are ignored.

    >>> default_substitutions('{"User": {"UserAttributes": {"FirstName": ["friend"]}}}')
    ({'User.UserAttributes.FirstName': 'friend'}, None)
    >>> default_substitutions("not json")[1]
    'DefaultSubstitutions is not a JSON object'
    """
    if not text:
        return {}, None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return {}, "DefaultSubstitutions is not a JSON object"
    flat: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        prefix, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{prefix}.{k}" if prefix else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend([(prefix, value[0])] if value else [])
        elif value is not None:
            key = re.sub(r"\.0$", "", prefix.replace("[", "").replace("]", ""))
            flat[key] = value if isinstance(value, str) else json.dumps(value)
    return dict(sorted(flat.items())), None
