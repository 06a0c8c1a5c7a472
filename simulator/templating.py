"""The one sandboxed Jinja2 environment journeysim renders and checks templates with.

Templates arrive from untrusted places (Pinpoint imports, pull requests), so they
always run in Jinja2's ``SandboxedEnvironment`` with its defaults kept. Missing
variables render as the empty string, as they do in production; the environment's
``undefined`` class records the names it was asked for, so the dry-run renderer can
list them as ``missingVariables`` (see :func:`recording_missing`).

Validation only needs :func:`check_template`: does the template compile, and which
top-level variables does it read? It also finds, without rendering, what compiles but
cannot render whatever the data: an unknown filter or test, a tag that needs other
templates, an attribute the sandbox always blocks (``{{ firstName.__class__ }}``; a key
such as ``{{ event._source }}`` is data, not blocked), and a call of a variable from the
context (``{{ nickname() }}``), listed as :attr:`TemplateCheck.calls`. Everything the
context holds is data (attributes, ``event``, ``endUserId``, ``journey``,
``workspace``), so such a call fails at render whether the name is there or not: only
the sandbox's own functions (``range``, ``lipsum``, ``dict``, ``cycler``, ``joiner``,
``namespace``) and the template's macros can be called. Rendering is built on
:func:`environment` by the dry-run engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.idtracking import VAR_LOAD_RESOLVE
from jinja2.meta import TrackingCodeGenerator
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import object_type_repr

__all__ = [
    "RecordingUndefined",
    "TemplateCheck",
    "TemplateProblem",
    "check_template",
    "environment",
    "looks_like_html",
    "recording_missing",
    "start_recording",
    "stop_recording",
]

_missing: ContextVar[set[str] | None] = ContextVar("journeysim_missing_variables", default=None)


class RecordingUndefined(ChainableUndefined):
    """Renders as ``""`` (production behaviour) and records the missing name when used.

    A name is recorded when the undefined value is *used* (printed, iterated, tested
    for truth), not when it is merely looked up, so ``{{ firstName | default("there") }}``
    and ``{% if x is defined %}`` do not count as missing. Chained lookups on a missing
    value (``{{ plan.tier }}``) record the first missing name (``plan``). Names are
    collected only inside :func:`recording_missing`.

    An item that is not there under a key that is not a name (``{{ tags[0] }}`` with
    ``tags`` empty, ``{{ plan[10] }}``, a tuple key) is not a missing *variable* but a
    template that indexes past its data: printing, iterating or measuring it raises
    ``UndefinedError`` (a template error), while a truth test is simply false, so
    ``{% if tags[0] %}`` and ``{{ tags[0] | default('none') }}`` keep working.
    """

    __slots__ = ()

    def _record(self) -> None:
        name = self._undefined_name
        if not isinstance(name, str):
            if name is not None:  # an index or other key, not a variable
                self._fail_with_undefined_error()
            return
        names = _missing.get()
        if names is not None:
            names.add(name)

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        if name is None or isinstance(name, str) or self._undefined_hint is not None:
            return super()._undefined_message
        return self._missing_item()

    def _missing_item(self) -> str:
        from simulator.engine.limits import NotDataError, check_printable

        owner = object_type_repr(self._undefined_obj)
        try:
            check_printable(self._undefined_name)
        except NotDataError:  # say what the key is, never its repr (an address)
            return f"{owner} has no element of type {type(self._undefined_name).__name__}"
        return f"{owner} has no element {self._undefined_name!r}"

    def __str__(self) -> str:
        self._record()
        return ""

    def __html__(self) -> str:
        self._record()
        return ""

    def __iter__(self) -> Iterator[Any]:
        self._record()
        return iter(())

    def __bool__(self) -> bool:
        if isinstance(self._undefined_name, str):
            self._record()
        return False

    def __len__(self) -> int:
        self._record()
        return 0


def start_recording() -> tuple[set[str], Token]:
    """:func:`recording_missing` without a generator (the renderer's hot path): the set
    that collects names, and the token to give :func:`stop_recording`."""
    names: set[str] = set()
    return names, _missing.set(names)


def stop_recording(token: Token) -> None:
    _missing.reset(token)


@contextmanager
def recording_missing() -> Iterator[set[str]]:
    """Collect the names of missing variables used while rendering inside the block.

    >>> with recording_missing() as missing:
    ...     text = environment(False).from_string("Hi {{ firstName }}!").render()
    >>> text, sorted(missing)
    ('Hi !', ['firstName'])
    """
    names: set[str] = set()
    token = _missing.set(names)
    try:
        yield names
    finally:
        _missing.reset(token)


@lru_cache(maxsize=2)
def environment(autoescape: bool) -> SandboxedEnvironment:
    """The shared sandboxed environment (one per ``autoescape`` setting).

    >>> environment(True) is environment(True)
    True
    >>> environment(True).from_string("{{ x }}").render(x="<b>")
    '&lt;b&gt;'
    """
    # Resource limits (loop, call, size and output budgets) live with the renderer;
    # imported here because the engine itself builds on this module.
    from simulator.engine.sandbox import LimitedSandbox
    from simulator.filters import FILTERS

    env = LimitedSandbox(autoescape=autoescape, undefined=RecordingUndefined)
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """Why a template does not compile, and where (1-based line within the template)."""

    message: str
    line: int


@dataclass(frozen=True, slots=True)
class TemplateCheck:
    """What :func:`check_template` learns about a template without rendering it."""

    error: TemplateProblem | None = None
    variables: frozenset[str] = frozenset()
    """Top-level variables the template reads (Jinja's own globals excluded)."""
    lines: Mapping[str, int] = field(default_factory=dict, hash=False)
    """The first line (1-based) on which each of ``variables`` is read."""
    calls: Mapping[str, int] = field(default_factory=dict, hash=False)
    """Variables from the context the template calls (``{{ nickname() }}``), each with
    the first line of a call: context values are data, so each call fails at render."""

    @property
    def ok(self) -> bool:
        """The template compiles (its calls of context variables are in ``calls``)."""
        return self.error is None


@lru_cache(maxsize=4096)
def check_template(source: str) -> TemplateCheck:
    """Compile ``source`` in the sandbox and report a syntax error or the variables it reads.

    >>> check = check_template("Hi {{ firstName }}, {% for p in plans %}{{ p }}{% endfor %}")
    >>> sorted(check.variables)
    ['firstName', 'plans']
    >>> check_template("line one\\n{{ oops }").error
    TemplateProblem(message="unexpected '}'", line=2)
    >>> check_template("{{ range(2) | list }} {{ nickname() }}").calls
    {'nickname': 1}
    """
    if not isinstance(source, str):
        return TemplateCheck(
            error=TemplateProblem(f"a template must be a string, not {source!r}", 1)
        )
    env = environment(False)
    try:
        tree = env.parse(source)
        env.compile(tree, raw=True)  # code generation finds the errors; skip Python compile
        _check_names(env, tree)
        reads = _Reads(env)
        reads.visit(tree)
    except TemplateSyntaxError as exc:
        return TemplateCheck(error=TemplateProblem(exc.message or str(exc), exc.lineno or 1))
    except RecursionError:
        return TemplateCheck(error=TemplateProblem("the template nests too deeply", 1))
    except Exception as exc:  # any failure to compile is a finding, never a crash
        # e.g. an integer literal longer than Python converts (ValueError), MemoryError
        return TemplateCheck(error=TemplateProblem(f"{type(exc).__name__}: {exc}", 1))
    variables = frozenset(reads.undeclared_identifiers - set(env.globals))
    lines = _first_lines(tree, variables)
    return TemplateCheck(variables=variables, lines=lines, calls=reads.calls)


class _Reads(TrackingCodeGenerator):
    """Jinja's own tracker of the variables a template takes from its context, which
    also notes the calls of such a variable: Jinja's scoping decides, so a macro, a
    ``set`` or a loop variable of the same name is not one."""

    def __init__(self, environment: SandboxedEnvironment) -> None:
        super().__init__(environment)
        self.calls: dict[str, int] = {}

    def visit_Call(self, node: nodes.Call, frame: Any, *args: Any, **kwargs: Any) -> None:
        callee = node.node
        if isinstance(callee, nodes.Name) and callee.name not in self.environment.globals:
            load = frame.symbols.find_load(frame.symbols.ref(callee.name))
            if load is not None and load[0] == VAR_LOAD_RESOLVE:
                self.calls[callee.name] = min(self.calls.get(callee.name, node.lineno), node.lineno)
        super().visit_Call(node, frame, *args, **kwargs)


def _check_names(env: SandboxedEnvironment, tree: nodes.Template) -> None:
    # Jinja defers unknown filters and tests inside conditionals to render time; a
    # template that fails only for some subjects is still broken, so look statically.
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            kind = "filter" if isinstance(node, nodes.Filter) else "test"
            raise TemplateSyntaxError(f"No {kind} named {node.name!r}.", node.lineno)
    _check_attributes(tree)
    # The environment has no loader: a template stands alone, as in production.
    for node in tree.find_all(_OTHER_TEMPLATES):
        tag = _TAGS[type(node)]
        raise TemplateSyntaxError(f"'{tag}' is not available: templates stand alone", node.lineno)


def _check_attributes(tree: nodes.Template) -> None:
    # ``x.__class__`` finds the attribute before any key of that name, whatever ``x``
    # is, and the sandbox refuses it at render; ``x._source`` may be a key, and renders.
    from simulator.engine.sandbox import EVERY_VALUE_HAS

    for node in tree.find_all((nodes.Getattr, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            name = node.args[0].value  # the attr filter reads attributes, never keys
        else:
            continue
        if isinstance(name, str) and name in EVERY_VALUE_HAS:
            raise TemplateSyntaxError(
                f"the sandbox blocks attribute {name!r} (names starting with '_' are not "
                f"template data), so the render fails; a key of that name reads as [{name!r}]",
                node.lineno,
            )


_TAGS = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
}
_OTHER_TEMPLATES = tuple(_TAGS)


def _first_lines(tree: nodes.Template, names: frozenset[str]) -> dict[str, int]:
    lines: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.name in names and node.ctx == "load":
            lines[node.name] = min(lines.get(node.name, node.lineno), node.lineno)
    return lines


_HTML_TAGS = (
    "a|abbr|address|article|aside|b|blockquote|body|br|button|center|code|div|em|font|footer"
    "|h[1-6]|head|header|hr|html|i|img|li|link|main|meta|nav|ol|p|pre|section|small|span"
    "|strong|style|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|u|ul"
)
_HTML = re.compile(rf"<!doctype\s+html|</?(?:{_HTML_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)


def looks_like_html(body: str) -> bool:
    """True when ``body`` contains an HTML tag or doctype (then it renders autoescaped).

    Only well-known element names count, so comparisons such as ``{{ a < b }}`` or
    placeholders like ``<first name>`` in plain text do not switch autoescape on.

    >>> looks_like_html("<p>Hi {{ firstName }}</p>")
    True
    >>> looks_like_html("Hi {{ firstName }}, 2 < 3 and <first name> stays text")
    False
    """
    return isinstance(body, str) and _HTML.search(body) is not None
