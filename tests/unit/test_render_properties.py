"""Property: random Jinja2 templates never crash the renderer and never print an address.

Templates are built from Jinja2 syntax (indexing, slicing, attribute access, calls,
filters, tests, operators, loops, conditionals, ``set``, macros) over the names a
message template sees (subject attributes, ``event``, ``endUserId``, ``journey``,
``workspace``) and the sandbox's globals, and rendered against random JSON-like
subjects and event properties, plain and autoescaped. Whatever happens must come back
as a :class:`RenderResult` (an error is fine), and neither the output nor the error may
hold a memory address or a ``repr`` of a function, class or object (issue 8, done-when
2). Validation (:func:`check_template`) must be total on the same sources.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.render import render_template
from simulator.templating import check_template, environment

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}|\bat 0x")
REPRS = ("<function", "<built-in", "<bound method", "<class ", "<module", " object at ")
REPRS += ("<generator",)

KEYS = ["firstName", "plan", "tags", "seats", "company", "nested", "a", "0"]
ATTRIBUTES = [*KEYS, "upper", "items", "keys", "encode", "format", "join", "split", "append"]
ATTRIBUTES += ["ljust", "replace", "real", "name", "id", "x", "__class__", "next", "cycle"]
NAMES = [*KEYS, "event", "endUserId", "journey", "workspace", "missing"]
NAMES += ["lipsum", "range", "cycler", "joiner", "namespace", "dict", "self", "loop", "item"]
FILTERS = sorted(environment(False).filters)
TESTS = sorted(name for name in environment(False).tests if name.isidentifier())
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "~", "and", "or", "==", "!=", "<", ">=", "in"]

# JSON-like values: what a subject file or an event's properties may hold.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
subjects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)

# String literals avoid quotes and backslashes (they would only make syntax errors) and
# ``#`` (``'%#x' % n`` legitimately prints ``0x…``).
literal_text = st.text(alphabet="abc XYZ%s{}0:,.<>&é-", max_size=8)
literals = st.one_of(
    st.integers(-5, 12).map(str),
    st.sampled_from(["10**9", "2**64", "1e308", "-0.5", "none", "true", "false"]),
    literal_text.map(lambda s: f"'{s}'"),
    st.just("[]"),
    st.just("{}"),
)


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(ATTRIBUTES)).map(lambda t: f"({t[0]}).{t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]}, {t[1]})[{t[2]}]"),
            st.tuples(
                inner, st.sampled_from(["", "1", "-1", "10"]), st.sampled_from(["", "2"])
            ).map(lambda t: f"({t[0]})[{t[1]}:{t[2]}]"),
            st.tuples(inner, st.lists(inner, max_size=2)).map(
                lambda t: f"({t[0]})({', '.join(t[1])})"
            ),
            st.tuples(inner, st.sampled_from(FILTERS), st.lists(inner, max_size=2)).map(
                lambda t: f"({t[0]})|{t[1]}" + (f"({', '.join(t[2])})" if t[2] else "")
            ),
            st.tuples(
                inner, st.booleans(), st.sampled_from(TESTS), st.lists(inner, max_size=1)
            ).map(
                lambda t: (
                    f"({t[0]} is {'not ' if t[1] else ''}{t[2]}"
                    + (f"({', '.join(t[3])}))" if t[3] else ")")
                )
            ),
            st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
            st.tuples(literal_text, inner).map(lambda t: f"{{'{t[0]}': {t[1]}}}"),
            inner.map(lambda e: f"(not {e})"),
        )

    return st.recursive(st.sampled_from(NAMES) | literals, extend, max_leaves=6)


expressions = _expressions()


def _blocks() -> st.SearchStrategy[str]:
    text = st.sampled_from(["", "Hi ", "<p>", "</p>", "!", "\n", " & "])
    show = expressions.map(lambda e: "{{ " + e + " }}")

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(["item", "x"]), expressions, inner).map(
                lambda t: f"{{% for {t[0]} in {t[1]} %}}{t[2]}{{% endfor %}}"
            ),
            st.tuples(expressions, inner, inner).map(
                lambda t: f"{{% if {t[0]} %}}{t[1]}{{% else %}}{t[2]}{{% endif %}}"
            ),
            st.tuples(st.sampled_from(KEYS[:3]), expressions, inner).map(
                lambda t: f"{{% set {t[0]} = {t[1]} %}}{t[2]}"
            ),
            st.tuples(inner, expressions).map(
                lambda t: f"{{% macro m(a) %}}{t[0]}{{{{ a }}}}{{% endmacro %}}{{{{ m({t[1]}) }}}}"
            ),
            st.lists(inner, min_size=2, max_size=3).map("".join),
        )

    return st.recursive(text | show, extend, max_leaves=5)


templates = _blocks()


def _assert_clean(text: str, what: str, source: str) -> None:
    assert not ADDRESS.search(text), f"{what} of {source!r} holds an address: {text!r}"
    assert not any(r in text for r in REPRS), f"{what} of {source!r} holds a repr: {text!r}"


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    source=templates,
    attributes=subjects,
    event=st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_values, max_size=4),
    html=st.booleans(),
)
def test_random_templates_render_to_a_result_without_addresses(source, attributes, event, html):
    context = {
        **attributes,
        "event": event,
        "endUserId": "usr_1",
        "journey": {"id": "j-1", "name": "Journey"},
        "workspace": {"id": "ws", "name": "Workspace"},
    }
    result = render_template(source, context, html=html)  # must not raise
    _assert_clean(result.body, "output", source)
    if result.error is not None:
        assert result.body == ""
        _assert_clean(result.error, "error", source)
    assert all(isinstance(name, str) for name in result.missing_variables)
    check = check_template(source)  # validation is total too
    assert check.ok or check.error.message


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=expressions, attributes=subjects)
def test_random_expressions_alone(expression, attributes):
    source = "{{ " + expression + " }}"
    result = render_template(source, {**attributes, "event": attributes})
    _assert_clean(result.body, "output", source)
    if result.error is not None:
        _assert_clean(result.error, "error", source)
