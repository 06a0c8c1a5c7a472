"""Rendering: the shared sandbox, autoescape for HTML, missing variables, errors as data."""

from __future__ import annotations

import pytest

from simulator.engine import render_context, render_message, render_template
from simulator.models import Channel, Communication, Journey, Subject, Workspace
from simulator.templating import environment
from simulator.world import World


def test_the_renderer_uses_the_shared_limited_sandbox():
    from simulator.engine.sandbox import LimitedSandbox

    assert isinstance(environment(True), LimitedSandbox)
    assert environment(True).autoescape is True and environment(False).autoescape is False


def test_html_bodies_are_autoescaped_and_plain_ones_are_not():
    context = {"company": "<b>Tom & Jerry</b>"}
    assert render_template("<p>{{ company }}</p>", context).body == (
        "<p>&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</p>"
    )
    assert render_template("Hi {{ company }}", context).body == "Hi <b>Tom & Jerry</b>"


def test_syntax_and_runtime_errors_are_reported_with_their_line():
    syntax = render_template("line one\n{% if %}", {})
    assert syntax.error.startswith("line 2:") and syntax.body == ""
    runtime = render_template("ok\n{{ 1 / 0 }}", {})
    assert runtime.error.startswith("line 2: ZeroDivisionError")
    unknown_filter = render_template("{{ x | nosuchfilter }}", {})
    assert unknown_filter.error is not None


def test_missing_variables_are_collected_once_each_and_sorted():
    result = render_template("{{ b }}{{ a }}{{ b }}{{ known }}{{ c | default('x') }}", {"known": 1})
    assert result.missing_variables == ("a", "b")


def test_context_masks_pii_attributes_and_event_properties_before_rendering():
    world = World(Workspace(id="w", projectKey="pk", name="Acme"))
    journey = Journey(id="j", name="Journey")
    subject = Subject(
        endUserId="u1", attributes={"firstName": "Ana", "plan": "pro", "event": "shadowed"}
    )
    context = render_context(
        subject,
        world=world,
        journey=journey,
        trigger_properties={"email": "a@b.example.com", "n": 3},
    )
    assert context["firstName"] == "A•••" and context["plan"] == "pro"
    assert context["event"] == {"email": "a•••@b•••.com", "n": 3}
    assert context["endUserId"] == "u1"
    assert context["journey"] == {"id": "j", "name": "Journey"}
    assert context["workspace"] == {"id": "w", "name": "Acme"}
    unmasked = render_context(
        subject, world=world, journey=journey, trigger_properties={}, masked=False
    )
    assert unmasked["firstName"] == "Ana"


def test_subject_lines_only_for_email():
    comm = Communication(
        id="c",
        name="C",
        kind="marketing",
        channels=["email", "in_app_push"],
        subjectLine="S {{ x }}",
        body="B {{ y }}",
    )
    email = render_message(comm, Channel.EMAIL, {"x": 1})
    assert (email.subject_line, email.body, email.missing_variables) == ("S 1", "B ", ("y",))
    push = render_message(comm, Channel.IN_APP_PUSH, {"x": 1})
    assert push.subject_line is None
    broken = Communication(
        id="c", name="C", kind="marketing", channels=["email"], subjectLine="{{ oops }", body="fine"
    )
    assert render_message(broken, Channel.EMAIL, {}).error.startswith("subjectLine line 1")


def _email(subject_line: str, body: str) -> Communication:
    return Communication(
        id="c", name="C", kind="marketing", channels=["email"], subjectLine=subject_line, body=body
    )


def test_a_message_lists_the_missing_variables_of_both_templates_once_sorted():
    result = render_message(_email("{{ b }} {{ a }}", "{{ c }} {{ a }}"), Channel.EMAIL, {})
    assert result.missing_variables == ("a", "b", "c")


def test_the_first_failing_template_of_a_message_decides_its_error():
    runtime = "{{ [][1] }}"
    both = render_message(_email(runtime, "{{ oops }"), Channel.EMAIL, {})
    assert both.error.startswith("subjectLine line 1: UndefinedError")
    body = render_message(_email("fine", runtime), Channel.EMAIL, {"x": 1})
    assert body.error.startswith("body line 1: UndefinedError")
    assert body.subject_line is None and body.missing_variables == ()
    compiled = render_message(_email("{{ x }}", "{{ oops }"), Channel.EMAIL, {})
    assert compiled.error == "body line 1: unexpected '}'"


@pytest.mark.parametrize(
    ("source", "attribute", "owner"),
    [
        ("{{ firstName.__class__ }}", "'__class__'", "type 'str'"),
        ("{{ event.__init__ }}", "'__init__'", "type 'dict'"),
        ("{{ event.plan.__class__ | default('x') }}", "'__class__'", "type 'str'"),
        ("{% if firstName.__doc__ %}x{% endif %}", "'__doc__'", "type 'str'"),
        ("{{ plan.__class__ }}", "'__class__'", "a missing value"),
        ("{{ event['__init__'] }}", "'__init__'", "type 'dict'"),
        ("{{ firstName|attr('__class__') }}", "'__class__'", "type 'str'"),
        ("{{ '{0.__class__}'.format(firstName) }}", "'__class__'", "type 'str'"),
    ],
)
def test_blocked_attributes_are_template_errors_naming_the_attribute_not_the_value(
    source, attribute, owner
):
    context = {"firstName": "Kwame", "event": {"plan": "gold", "email": "k@x.example.com"}}
    result = render_template(source, context)
    assert result.error.startswith("line 1: SecurityError: access to attribute ")
    assert attribute in result.error and owner in result.error and "unsafe" in result.error
    for value in ("Kwame", "gold", "k@x.example.com", "{"):
        assert value not in result.error
    assert result.body == ""


@pytest.mark.parametrize(
    ("source", "body", "missing"),
    [
        ("{{ event._source }}", "web", ()),  # no attribute on a dict: the key is read
        ("{{ event['_source'] }}", "web", ()),
        ("{{ event.meta._x }}|{{ event.meta['_x'] }}", "1|1", ()),
        ("{{ event['__class__'] }}", "k", ()),  # a subscript reads the key first
        ("{{ event._absent }}{{ event.nope._x }}", "", ("nope",)),
        ("{{ plan._tier }}", "", ("plan",)),  # still missing, not blocked
    ],
)
def test_underscore_keys_of_mappings_still_render(source, body, missing):
    event = {"_source": "web", "meta": {"_x": 1}, "__class__": "k"}
    result = render_template(source, {"event": event})
    assert result.error is None, result.error
    assert (result.body, result.missing_variables) == (body, missing)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ nickname() }}", "line 1: UndefinedError: 'nickname' is undefined, so it cannot be"),
        ("{{ plan.tier() }}", "line 1: UndefinedError: 'plan' is undefined, so it cannot be"),
        ("{{ firstName() }}", "line 1: TypeError: a value of type 'str' is data, not a function"),
        ("{{ event() }}", "line 1: TypeError: a value of type 'dict' is data, not a function"),
    ],
)
def test_a_call_of_what_is_not_a_function_says_so_without_the_value(source, error):
    result = render_template(source, {"firstName": "Kwame", "event": {"plan": "gold"}})
    assert result.error.startswith(error), result.error
    assert "Kwame" not in result.error and "gold" not in result.error
