"""Rendering is total: whatever a template does, the renderer answers with a result.

Any exception inside a template (an index past the data, a ``TypeError``,
``RecursionError``, ``OverflowError``...) becomes ``RenderResult.error``; values that
are not data (functions, methods, classes, modules, iterators, Jinja's helper objects)
never become text, so no ``repr`` with a memory address reaches a trace. Issue 8.
"""

from __future__ import annotations

import re

import pytest

from simulator.engine.render import render_template
from simulator.templating import check_template

ADDRESS = re.compile(r"0x[0-9a-f]{4,}", re.IGNORECASE)

DEEP_LIST = (
    "{% set top = [] %}{% set ns = namespace(inner=top) %}{% for i in range(3000) %}"
    "{% set child = [] %}{{ ns.inner.append(child) }}{% set ns.inner = child %}{% endfor %}"
    "{{ top }}"
)

# (template, context, a word the error must hold)
FAILING = [
    ("{{ tags[0] }}", {"tags": []}, "no element 0"),
    ("{{ tags[0].name }}", {"tags": []}, "no element 0"),
    ("{{ plan[10] }}", {"plan": "pro"}, "no element 10"),
    ("{{ plan[(1, 2)] }}", {"plan": {"a": 1}}, "no element (1, 2)"),
    ("{{ plan[[1]] }}", {"plan": {"a": 1}}, "no element [1]"),
    ("{% for t in tags[3] %}{{ t }}{% endfor %}", {"tags": [1]}, "no element 3"),
    ("{{ tags[0]|length }}", {"tags": []}, "no element 0"),
    ("{{ 5|dictsort }}", {}, "AttributeError"),
    ("{{ 1 + 'a' }}", {}, "TypeError"),
    ("{{ 1 / 0 }}", {}, "ZeroDivisionError"),
    ("{{ 1e308 ** 2 }}", {}, "OverflowError"),
    ("{{ range(1, 2, 0) }}", {}, "ValueError"),
    ("{{ '{a}'.format() }}", {}, "KeyError"),
    ("{{ ('\\\\' * 3).encode().decode('unicode_escape') }}", {}, "UnicodeDecodeError"),
    (DEEP_LIST, {}, "RecursionError"),
    ("{{ {}[lipsum] }}", {}, "no element"),
    ("{{ x['a'].b(1) }}", {"x": {"a": {"b": 2}}}, "TypeError"),
]


@pytest.mark.parametrize(("source", "context", "mentions"), FAILING)
@pytest.mark.parametrize("html", [False, True])
def test_any_exception_is_a_template_error(source, context, mentions, html):
    result = render_template(source, context, html=html)
    assert result.error is not None and mentions in result.error, result.error
    assert result.body == ""
    assert not ADDRESS.search(result.error), result.error


NOT_DATA = [
    "{{ lipsum }}",
    "{{ range }}",
    "{{ cycler }}",
    "{{ joiner }}",
    "{{ namespace }}",
    "{{ dict }}",
    "{{ ''.upper }}",
    "{{ {}.items }}",
    "{{ cycler(1, 2) }}",
    "{{ joiner() }}",
    "{{ self }}",
    "{% macro m() %}{% endmacro %}{{ m }}",
    "{% for x in [1] %}{{ loop }}{% endfor %}",
    "{% for x in [1] %}{{ loop.cycle }}{% endfor %}",
    "{{ [lipsum] }}",
    "{{ {'a': range} }}",
    "{{ namespace(f=lipsum) }}",
    "{{ lipsum ~ '' }}",
    "{{ ''.upper ~ '' }}",
    "{{ [1, 2]|reverse ~ 1 }}",
    "{% set x = ''.upper ~ '' %}{{ x }}",
    "{% if ''.upper ~ '' %}x{% endif %}",
    "{{ (''.upper ~ '')|length }}",
    "{{ '%s' % lipsum }}",
    "{{ '%s' % [range] }}",
    "{{ '{}'.format(lipsum) }}",
    "{{ '{0.upper}'.format('') }}",
    "{{ '{x}'.format_map({'x': range}) }}",
    "{{ lipsum|string }}",
    "{{ lipsum|pprint }}",
    "{{ lipsum|e }}",
    "{{ [lipsum]|join }}",
    "{{ ['']|map(attribute='upper')|join }}",
    "{{ '%s'|format(lipsum) }}",
    "{{ [1, 2]|reverse }}",
    "{{ [1]|map('string') }}",
    "{{ [1]|select }}",
    "{% set f = ''.upper %}{{ f }}",
    "{{ x|attr('upper') }}",
    "{{ lipsum|default('x') }}",
]


@pytest.mark.parametrize("source", NOT_DATA)
@pytest.mark.parametrize("html", [False, True])
def test_values_that_are_not_data_are_template_errors(source, html):
    result = render_template(source, {"x": "text"}, html=html)
    assert result.error is not None, result.body
    assert "not data" in result.error, result.error
    assert not ADDRESS.search(result.error) and "<function" not in result.error


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ lipsum is callable }}|{{ range is defined }}|{{ 3 is callable }}", "True|True|False"),
        ("{{ range(3)|list }}|{{ [1, 2]|reverse|list }}", "[0, 1, 2]|[2, 1]"),
        ("{{ d.items()|list }}|{{ d.keys()|list }}", "[('a', 1)]|['a']"),
        ("{{ 'ab'.encode() }}|{{ 'ab'.encode()|length }}", "b'ab'|2"),
        ("{% for x in [1, 2] %}{{ loop.cycle('a', 'b') }}{{ loop.index }}{% endfor %}", "a1b2"),
        ("{% set c = cycler(1, 2) %}{{ c.next() }}{{ c.next() }}", "12"),
        ("{% set j = joiner('-') %}{% for x in 'ab' %}{{ j() }}{{ x }}{% endfor %}", "a-b"),
        ("{% set ns = namespace(n=1) %}{{ ns.n }}", "1"),
        ("{{ tags[0] | default('none') }}|{% if tags[0] %}y{% else %}n{% endif %}", "none|n"),
        ("{{ tags[0] is defined }}", "False"),
        ("{{ '{} {x}'.format(1, x=d['a']) }}", "1 1"),
        (
            "{% macro m(x) %}[{{ x }}{{ caller() }}]{% endmacro %}{% call m(1) %}c{% endcall %}",
            "[1c]",
        ),
    ],
)
def test_data_still_renders(source, expected):
    result = render_template(source, {"d": {"a": 1}, "tags": []}, html=False)
    assert result.error is None, result.error
    assert result.body == expected


def test_a_missing_key_is_still_a_missing_variable():
    result = render_template(
        "Hi {{ event[event.referrer] }}{{ plan.tier }}", {"event": {"referrer": "kw"}, "plan": {}}
    )
    assert result.error is None and result.body == "Hi "
    assert result.missing_variables == ("kw", "tier")


def test_validation_compiles_anything_without_crashing():
    check = check_template("{{ " + "9" * 5000 + " }}")
    assert not check.ok and "ValueError" in check.error.message
    assert not check_template("{{ " + "(" * 5000 + " }}").ok
