"""The sandboxed template environment and the static template check."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from simulator.templating import (
    TemplateProblem,
    check_template,
    environment,
    looks_like_html,
    recording_missing,
)


def test_variables_are_the_top_level_names_a_template_reads():
    check = check_template(
        "Hi {{ firstName | title }}!\n"
        "{% for item in cart.items %}{{ item.name }} {{ loop.index }}{% endfor %}\n"
        "{% set total = 3 %}{{ total }} {{ range(2) | list }}"
    )

    assert check.ok
    assert check.variables == {"firstName", "cart"}
    assert check.lines == {"firstName": 1, "cart": 2}


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("Hello {{ name", 1, "end of template"),
        ("one\ntwo\n{% if x %}never closed", 3, "endif"),
        ("{{ x | shout }}", 1, "No filter named 'shout'"),
        ("{% if x %}\n{{ y | shout }}{% endif %}", 2, "No filter named 'shout'"),
        ("{% if x is loud %}{% endif %}", 1, "No test named 'loud'"),
        ("{% include 'footer.html' %}", 1, "'include' is not available"),
        ("{% block a %}{% endblock %}{% block a %}{% endblock %}", 1, "defined twice"),
        ("Hi {{ firstName.__class__ }}", 1, "blocks attribute '__class__'"),
        ("one\n{{ event.__init__ | default('') }}", 2, "blocks attribute '__init__'"),
        ("{% if x %}{{ event.plan.__doc__ }}{% endif %}", 1, "blocks attribute '__doc__'"),
        ("{{ x | attr('__class__') }}", 1, "blocks attribute '__class__'"),
    ],
)
def test_syntax_errors_carry_a_message_and_the_line_within_the_template(source, line, words):
    check = check_template(source)

    assert check.error is not None
    assert check.error.line == line
    assert words in check.error.message


def test_keys_and_attributes_that_may_be_keys_are_not_blocked():
    check = check_template(
        "{{ event._source }} {{ event['_x'] }} {{ event['__class__'] }} {{ plan._tier }}"
    )

    assert check.ok
    assert check.variables == {"event", "plan"}


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        ("Hi {{ nickname() }}", {"nickname": 1}),
        ("one\n{{ firstName | default(nick()) }}\n{{ nick(1) }}", {"nick": 2}),
        ("{% if x %}{{ event() }}{% endif %}{% call greet() %}x{% endcall %}", {"event": 1,
                                                                             "greet": 1}),
        ("{% macro m(f) %}{{ f() }}{% endmacro %}{{ m(lipsum) }}", {}),
        ("{% set f = cycler(1, 2) %}{{ f.next() }}{{ range(2) | list }}{{ dict(a=1) }}", {}),
        ("{% with g = joiner() %}{{ g() }}{% endwith %}{{ namespace(a=1).a }}", {}),
        ("{{ firstName.upper() }} {{ event.items() | list }} {{ loop_var }}", {}),
    ],
)  # fmt: skip
def test_calls_of_context_variables_are_listed_with_their_first_line(source, calls):
    check = check_template(source)

    assert check.ok
    assert check.calls == calls
    assert set(calls) <= check.variables


def test_deep_nesting_is_an_error_not_a_crash():
    check = check_template("{{ " + "(" * 2000 + "x" + ")" * 2000 + " }}")

    assert check.error == TemplateProblem("the template nests too deeply", 1)


def test_the_environment_is_a_shared_sandbox():
    env = environment(autoescape=False)

    assert isinstance(env, SandboxedEnvironment)
    assert environment(autoescape=False) is env
    assert environment(autoescape=True) is not env
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()


def test_missing_variables_render_empty_and_are_recorded_when_used():
    template = environment(autoescape=True).from_string(
        "<p>Hi {{ firstName }}{{ plan.tier }}, {{ nick | default('friend') }}</p>"
        "{% if coupon is defined %}{{ coupon }}{% endif %}"
    )

    with recording_missing() as missing:
        rendered = template.render()

    assert rendered == "<p>Hi , friend</p>"
    assert missing == {"firstName", "plan"}


def test_missing_names_are_only_recorded_inside_the_block():
    template = environment(autoescape=False).from_string("{{ a }}")
    template.render()

    with recording_missing() as missing:
        pass

    assert missing == set()


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("<p>Hello</p>", True),
        ("<!DOCTYPE html><html></html>", True),
        ("Line<br/>break", True),
        ('<a href="https://x">x</a>', True),
        ("Plain {{ firstName }}", False),
        ("If {{ a < b }} and c > d", False),
        ("Reply to <support at acme>", False),
    ],
)
def test_looks_like_html(body, html):
    assert looks_like_html(body) is html
