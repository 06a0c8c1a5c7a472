"""Rendering messages and webhook bodies in the shared, resource-limited sandbox.

Context of every template (SPEC §3.6): the subject's attributes at top level
(``{{ firstName }}``), ``event`` (the trigger event's properties), ``endUserId``,
``journey`` (``id``, ``name``) and ``workspace`` (``id``, ``name``); those four names
win over attributes of the same name; an attribute whose value is ``null`` is missing
(it renders empty and is listed, rather than printing ``None``). The dry-run builds
the context *masked* (:func:`render_context` with ``masked=True``: the subject's
:class:`~simulator.engine.masking.Masker` over attributes, event properties and
``endUserId``), so templates never see raw PII, nor any form of it a filter could
transform; the runtime's delivery path alone renders unmasked.

Bodies that look like HTML render with autoescape; subject lines, plain bodies and
webhook bodies do not. Missing variables render empty and are reported; a template
that fails to compile or to render, whatever the exception (an index past the end, a
``TypeError``, ``RecursionError``, ``OverflowError``, a sandbox limit, a value that is
not data), gives a :class:`RenderResult` with ``error`` set, never an exception.
Errors name types, never memory addresses (``at 0x7f…`` is cut from any message), so
traces stay deterministic. Compiled templates are cached by source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateSyntaxError

from simulator.engine.frozen import fast_init
from simulator.engine.masking import subject_masker
from simulator.models import Channel, Communication, Journey, Subject
from simulator.templating import environment, looks_like_html, start_recording, stop_recording
from simulator.world import World

__all__ = ["RenderResult", "context_of", "render_context", "render_message", "render_template"]


@fast_init
@dataclass(frozen=True, slots=True)
class RenderResult:
    subject_line: str | None = None
    body: str = ""
    missing_variables: tuple[str, ...] = ()
    error: str | None = None
    """Why the template could not be rendered (syntax or runtime), with its line."""


def render_context(
    subject: Subject,
    *,
    world: World,
    journey: Journey,
    trigger_properties: Mapping[str, Any],
    masked: bool = True,
) -> dict[str, Any]:
    """The variables templates see; masked unless this is a real delivery."""
    attributes, event = subject.attributes, dict(trigger_properties)
    end_user_id = subject.end_user_id
    if masked:
        masker = subject_masker(subject, world.workspace.pii_attributes, event)
        attributes, event = masker.attributes(attributes), masker.attributes(event)
        end_user_id = masker.identifier(end_user_id)
    return context_of(attributes, event, end_user_id, journey, world)


def context_of(
    attributes: Mapping[str, Any],
    event: Mapping[str, Any],
    end_user_id: str,
    journey: Journey,
    world: World,
) -> dict[str, Any]:
    """The template context from attributes and event properties as given (the caller
    has masked them, or is the real delivery path)."""
    ws = world.workspace
    context = {name: value for name, value in attributes.items() if value is not None}
    context["event"] = event  # the four names win, in place as the literal would put them
    context["endUserId"] = end_user_id
    context["journey"] = {"id": journey.id, "name": journey.name}
    context["workspace"] = {"id": ws.id, "name": ws.name}
    return context


_looks_like_html = lru_cache(maxsize=1024)(looks_like_html)


@lru_cache(maxsize=1024)
def _compiled(source: str, autoescape: bool) -> Template:
    return environment(autoescape).from_string(source)


def render_template(
    source: str, context: Mapping[str, Any], *, html: bool | None = None
) -> RenderResult:
    """Render one template; ``html=None`` decides autoescape by :func:`looks_like_html`.

    >>> render_template("Hi {{ firstName }}!", {}).missing_variables
    ('firstName',)
    >>> render_template("Hi {{ oops }", {}).error
    "line 1: unexpected '}'"
    """
    template = _template(source, _looks_like_html(source) if html is None else html)
    if isinstance(template, str):
        return RenderResult(error=template)
    missing, token = start_recording()
    try:
        text = template.render(context)
    except Exception as exc:  # a template must never crash a trace
        return RenderResult(error=_runtime_error(exc), missing_variables=_names(missing))
    finally:
        stop_recording(token)
    return RenderResult(body=text, missing_variables=_names(missing) if missing else ())


def render_message(
    communication: Communication, channel: Channel, context: Mapping[str, Any]
) -> RenderResult:
    """Render a communication's subject line (e-mail only) and body.

    Both templates render under one record of missing variables into one result (a
    dry-run renders every message it sends: intermediate results and records are time
    on its hot path). Both compile before the record starts, as in
    :func:`render_template`, so a constant folded at compile time records nothing; the
    first error decides, subject line first.
    """
    line = None
    if channel is Channel.EMAIL and communication.subject_line is not None:
        line = _template(communication.subject_line, False)
        if isinstance(line, str):
            return RenderResult(error=f"subjectLine {line}")
    body = _template(communication.body, _looks_like_html(communication.body))
    missing, token = start_recording()
    try:
        part = "subjectLine"
        subject_line = None if line is None else line.render(context)
        part = "body"
        if isinstance(body, str):
            return RenderResult(error=f"body {body}")
        text = body.render(context)
    except Exception as exc:  # a template must never crash a trace
        return RenderResult(error=f"{part} {_runtime_error(exc)}")
    finally:
        stop_recording(token)
    return RenderResult(subject_line, text, _names(missing) if missing else ())


def _template(source: str, autoescape: bool) -> Template | str:
    """The compiled template, or why it does not compile."""
    try:
        return _compiled(source, autoescape)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno or 1}: {exc.message or exc}"
    except Exception as exc:  # RecursionError on absurd nesting, limits at compile time
        return _runtime_error(exc)


def _names(missing: set[str]) -> tuple[str, ...]:
    return tuple(sorted(n for n in missing if isinstance(n, str) and not n.startswith("_")))


_ADDRESS = re.compile(r"\s*\bat 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")


def _runtime_error(exc: Exception) -> str:
    line = _template_line(exc)
    where = f"line {line}: " if line else ""
    try:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    except Exception:  # an exception whose text cannot be made
        message = type(exc).__name__
    return f"{where}{type(exc).__name__}: {_ADDRESS.sub('', str(message))}"


def _template_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
