"""Pinpoint (Handlebars) templates → Jinja2: what is produced, and how it renders."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.pinpoint.templates import default_substitutions, translate_template
from simulator.codes import ImportCode
from simulator.templating import check_template, environment

SUBJECT = {
    "firstName": "jane",
    "lastName": "Roe",
    "favoriteColors": ["red", "blue", "green"],
    "age": "18",
    "plan": ["pro"],
    "city": "Los Angeles",
    "country": "US",
    "visits": 22,
    "price": "12.5",
    "startDate": "09/19/2020",
    "prefs": {"news": True, "sms": False},
    "address": {"City": "Paris"},
    "favoriteColor": "teal",
    "endUserId": "user-42",
    "email": "jane@example.com",
    "bio": "<b>hi</b>",
}

# (Handlebars, Jinja2 produced, rendered with SUBJECT)
CASES = [
    ("Hi {{User.UserAttributes.FirstName}}", "Hi {{ firstName }}", "Hi jane"),
    ("{{User.UserAttributes.FirstName.[0]}}", "{{ firstName|first_value }}", "jane"),
    ("{{User.UserAttributes.FavoriteColors.[0]}}", "{{ favoriteColors|first_value }}", "red"),
    ("{{User.UserAttributes.FavoriteColors.[1]}}", "{{ favoriteColors[1] }}", "blue"),
    ("{{Attributes.[Favorite Color]}}", "{{ favoriteColor }}", "teal"),
    ("{{User.UserId}} {{Address}}", "{{ endUserId }} {{ email }}", "user-42 jane@example.com"),
    ("{{Location.City}}/{{Location.Country}}", "{{ city }}/{{ country }}", "Los Angeles/US"),
    ("{{Metrics.visits}}", "{{ visits }}", "22"),
    ("{{{Attributes.Bio}}}", "{{ bio }}", "&lt;b&gt;hi&lt;/b&gt;"),
    ("{{User.UserAttributes.Nickname}}", "{{ nickname }}", ""),
    (
        "{{#if User.UserAttributes.FirstName}}Hi {{User.UserAttributes.FirstName}}"
        "{{else}}Hi{{/if}}",
        "{% if firstName %}Hi {{ firstName }}{% else %}Hi{% endif %}",
        "Hi jane",
    ),
    (
        "{{#if Attributes.Vip}}vip{{else if Metrics.visits}}regular{{else}}new{{/if}}",
        "{% if vip %}vip{% elif visits %}regular{% else %}new{% endif %}",
        "regular",
    ),
    (
        "{{#unless Attributes.Vip}}not vip{{/unless}}",
        "{% if not vip %}not vip{% endif %}",
        "not vip",
    ),
    (
        "{{^Attributes.Vip}}inverted{{/Attributes.Vip}}",
        "{% if not vip %}inverted{% endif %}",
        "inverted",
    ),
    (
        "{{#each User.UserAttributes.FavoriteColors}}{{@index}}={{this}};{{/each}}",
        "{% for item1 in favoriteColors %}{{ loop.index0 }}={{ item1 }};{% endfor %}",
        "0=red;1=blue;2=green;",
    ),
    (
        "{{#each User.UserAttributes.FavoriteColors}}{{#if @first}}[{{/if}}{{this}}"
        "{{#if @last}}]{{/if}}{{/each}}",
        "{% for item1 in favoriteColors %}{% if loop.first %}[{% endif %}{{ item1 }}"
        "{% if loop.last %}]{% endif %}{% endfor %}",
        "[redbluegreen]",
    ),
    (
        "{{#each Attributes.Missing}}x{{else}}none{{/each}}",
        "{% for item1 in missing %}x{% else %}none{% endfor %}",
        "none",
    ),
    (
        "{{#each Attributes.Prefs}}{{@key}}:{{this}} {{/each}}",
        "{% for key1, item1 in (prefs or {})|dictsort %}{{ key1 }}:{{ item1 }} {% endfor %}",
        "news:True sms:False ",
    ),
    (
        "{{#each User.UserAttributes.FavoriteColors as |color i|}}{{i}}{{color}}{{/each}}",
        "{% for item1 in favoriteColors %}{{ loop.index0 }}{{ item1 }}{% endfor %}",
        "0red1blue2green",
    ),
    (
        "{{#with User.UserAttributes}}{{FirstName}} {{LastName.[0]}}{{/with}}",
        "{{ firstName }} {{ lastName|first_value }}",
        "jane Roe",
    ),
    (
        "{{#with Attributes.Address}}{{City}}{{else}}nowhere{{/with}}",
        "{% with with1 = address %}{% if with1 %}{{ with1['City'] }}{% else %}nowhere{% endif %}"
        "{% endwith %}",
        "Paris",
    ),
    (
        '{{#eq User.UserAttributes.FavoriteColors.[0] "red"}}red{{else}}other{{/eq}}',
        "{% if (favoriteColors|first_value|string == 'red'|string) %}red{% else %}other{% endif %}",
        "red",
    ),
    (
        '{{#neq Location.Country "US"}}abroad{{else}}home{{/neq}}',
        "{% if (country|string != 'US'|string) %}abroad{% else %}home{% endif %}",
        "home",
    ),
    (
        '{{#gt User.UserAttributes.Age.[0] "17"}}adult{{/gt}}',
        "{% if (age|first_value|as_number > '17'|as_number) %}adult{% endif %}",
        "adult",
    ),
    (
        "{{#lte Metrics.visits 3}}few{{else}}many{{/lte}}",
        "{% if (visits|as_number <= 3|as_number) %}few{% else %}many{% endif %}",
        "many",
    ),
    (
        '{{eq Location.City "Los Angeles" yes="LA" no="elsewhere"}}',
        "{{ ('LA' if (city|string == 'Los Angeles'|string) else 'elsewhere') }}",
        "LA",
    ),
    (
        "{{gte Metrics.visits 10}}",
        "{{ ('true' if (visits|as_number >= 10|as_number) else 'false') }}",
        "true",
    ),
    (
        '{{#and (eq Location.Country "US") (gt Metrics.visits 10)}}both{{/and}}',
        "{% if ((country|string == 'US'|string) and (visits|as_number > 10|as_number)) %}"
        "both{% endif %}",
        "both",
    ),
    (
        '{{#or (eq Location.City "Seattle") (eq Location.City "Los Angeles")}}west{{/or}}',
        "{% if ((city|string == 'Seattle'|string) or (city|string == 'Los Angeles'|string)) %}"
        "west{% endif %}",
        "west",
    ),
    (
        '{{#not (eq Location.Country "CA")}}not canada{{/not}}',
        "{% if (not (country|string == 'CA'|string)) %}not canada{% endif %}",
        "not canada",
    ),
    ("{{upper User.UserAttributes.LastName}}", "{{ (lastName|string|upper) }}", "ROE"),
    ("{{lower Location.City}}", "{{ (city|string|lower) }}", "los angeles"),
    (
        "{{capitalizeFirst User.UserAttributes.FirstName}}",
        "{{ (firstName|capitalize_first) }}",
        "Jane",
    ),
    ('{{capitalize "my first post"}}', "{{ ('my first post'|capitalize_words) }}", "My First Post"),
    (
        '{{capitalizeFirst (lower "JANE")}}',
        "{{ (('JANE'|string|lower)|capitalize_first) }}",
        "Jane",
    ),
    ('{{abbreviate "Alejandro" 6}}', "{{ ('Alejandro'|abbreviate(6)) }}", "Ale..."),
    (
        "{{substring Location.City 4 9}}",
        "{{ ((city|string)[4|as_number|int:9|as_number|int]) }}",
        "Angel",
    ),
    ('{{replace Location.City " " "_"}}', "{{ (city|string|replace(' ', '_')) }}", "Los_Angeles"),
    ('{{cut Location.City "e"}}', "{{ (city|string|replace('e', '')) }}", "Los Angls"),
    ('{{ljust Location.Country 5 pad="*"}}|', "{{ (country|ljust(5, '*')) }}|", "US***|"),
    ("{{center Location.Country size=6}}", "{{ (country|center_pad(6, ' ')) }}", "  US  "),
    ("{{slugify Location.City}}", "{{ (city|slugify) }}", "los-angeles"),
    ("{{ordinalize Metrics.visits}}", "{{ (visits|ordinalize) }}", "22nd"),
    (
        '{{join User.UserAttributes.FavoriteColors ", "}}',
        "{{ (favoriteColors|join_values(', ', '', '')) }}",
        "red, blue, green",
    ),
    (
        '{{inflect Metrics.visits "visit" "visits" includeCount=true}}',
        "{{ (visits|inflect('visit', 'visits', true)) }}",
        "22 visits",
    ),
    ("{{yesno Attributes.Prefs.news}}", "{{ (prefs['news']|yesno('yes', 'no', 'maybe')) }}", "yes"),
    ("{{add 5 2.3}} {{subtract 5 2.3}}", "{{ (5|add(2.3)) }} {{ (5|subtract(2.3)) }}", "7.3 2.7"),
    ("{{multiply Attributes.Price 2}}", "{{ (price|multiply(2)) }}", "25"),
    (
        "{{divide 5 2.3}} {{modulo 7 2}}",
        "{{ (5|divide(2.3)) }} {{ (7|modulo(2)) }}",
        "2.17391304 1",
    ),
    (
        "{{ceiling 5.23}} {{floor 5.73}} {{round 19.5}}",
        "{{ (5.23|as_number|round(0, 'ceil')|int) }} {{ (5.73|as_number|round(0, 'floor')|int) }} "
        "{{ (19.5|math_round) }}",
        "6 5 20",
    ),
    ('{{encode64 "Hello world"}}', "{{ ('Hello world'|encode64) }}", "SGVsbG8gd29ybGQ="),
    ('{{decode64 "SGVsbG8gd29ybGQ="}}', "{{ ('SGVsbG8gd29ybGQ='|decode64) }}", "Hello world"),
    ('{{md5 "Hello World"}}', "{{ ('Hello World'|md5) }}", "b10a8db164e0754105b7a99be72e3fe5"),
    (
        '{{dateFormat User.UserAttributes.StartDate.[0] inputFormat="MM/dd/yyyy" '
        'outputFormat="full" tz=America/Los_Angeles}}',
        "{{ (startDate|first_value|date_format('full', 'MM/dd/yyyy', 'America/Los_Angeles')) }}",
        "Saturday, September 19, 2020",
    ),
    (
        '{{dateFormat "2026-02-14" "short"}}',
        "{{ ('2026-02-14'|date_format('short', none, none)) }}",
        "2/14/26",
    ),
    ('{{lookup User.UserAttributes "FirstName"}}', "{{ firstName }}", "jane"),
    (
        '{{#* inline "who"}}{{User.UserAttributes.FirstName}}{{/inline}}Hello {{> who}}!',
        "{% macro partial_who() %}{{ firstName }}{% endmacro %}Hello {{ partial_who() }}!",
        "Hello jane!",
    ),
    ("{{! a comment }}{{!-- a {{block}} comment --}}kept", "kept", "kept"),
    (
        "\\{{User.UserId}} is literal",
        "{{ '{' }}{User.UserId}} is literal",
        "{{User.UserId}} is literal",
    ),
    ("a {% b %} {# c #}", "a {{ '{' }}% b %} {{ '{' }}# c #}", "a {% b %} {# c #}"),
    (
        "{{~User.UserId~}}  and  {{~Address}}",
        "{{- endUserId -}}  and  {{- email }}",
        "user-42andjane@example.com",
    ),
    ("{{#if Attributes.Vip}}\n  vip\n{{/if}}\nnext", "{% if vip %}  vip\n{% endif %}next", "next"),
]


@pytest.mark.parametrize(("handlebars", "jinja", "rendered"), CASES)
def test_each_construct_translates_to_jinja_that_renders_like_pinpoint(handlebars, jinja, rendered):
    result = translate_template(handlebars)
    assert result.jinja == jinja
    assert [i for i in result.issues if i.code is not ImportCode.TEMPLATE_UNESCAPED_OUTPUT] == []
    assert check_template(result.jinja).error is None
    assert environment(True).from_string(result.jinja).render(**SUBJECT) == rendered


def test_the_table_covers_at_least_thirty_constructs():
    assert len(CASES) >= 30


@pytest.mark.parametrize(("handlebars", "jinja", "rendered"), CASES)
def test_each_construct_renders_for_a_subject_missing_every_attribute(handlebars, jinja, rendered):
    # Missing attributes render empty in production; they must never make rendering fail.
    environment(True).from_string(translate_template(handlebars).jinja).render()


def test_default_substitutions_fill_missing_and_empty_values():
    defaults, error = default_substitutions(
        '{"User": {"UserAttributes": {"FirstName": ["friend"]}}, "Location.City": "your town"}'
    )
    assert error is None
    result = translate_template(
        "Hi {{User.UserAttributes.FirstName.[0]}} from {{Location.City}}", defaults=defaults
    )
    assert result.jinja == (
        "Hi {{ (firstName|first_value|default('friend', true)) }} from "
        "{{ (city|default('your town', true)) }}"
    )
    render = environment(False).from_string(result.jinja).render
    assert render() == "Hi friend from your town"
    assert render(firstName="", city="Lyon") == "Hi friend from Lyon"
    assert render(firstName=["Ana"]) == "Hi Ana from your town"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"User.UserAttributes.FirstName": "there"}', {"User.UserAttributes.FirstName": "there"}),
        ('{"Attributes.[Favorite Color].[0]": "blue"}', {"Attributes.Favorite Color": "blue"}),
        ('{"Metrics": {"visits": 3}}', {"Metrics.visits": "3"}),
        ("", {}),
    ],
)
def test_default_substitutions_accept_flat_and_nested_keys(text, expected):
    assert default_substitutions(text) == (expected, None)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"a string"'])
def test_default_substitutions_that_are_not_an_object_are_an_error(text):
    defaults, error = default_substitutions(text)
    assert defaults == {} and "not a JSON object" in error


def test_triple_stash_is_reported_and_stays_escaped_in_html():
    result = translate_template("<p>{{{Attributes.Signature}}}</p>")
    assert [(i.code, i.line, i.column) for i in result.issues] == [
        (ImportCode.TEMPLATE_UNESCAPED_OUTPUT, 1, 4)
    ]
    html = environment(True).from_string(result.jinja).render(signature="<script>x</script>")
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_unsupported_helpers_are_reported_with_line_and_column_and_kept_as_text():
    source = (
        'Hello,\n  today is {{now "full"}}\nref {{uuid}} {{#invokeLambda "f"}}x{{/invokeLambda}}'
    )
    result = translate_template(source)
    located = [(i.code, i.line, i.column, i.message.split(":")[0]) for i in result.issues]
    assert located == [
        (ImportCode.TEMPLATE_UNSUPPORTED, 2, 14, "now"),
        (ImportCode.TEMPLATE_UNSUPPORTED, 3, 7, "uuid"),
        (
            ImportCode.TEMPLATE_UNSUPPORTED,
            3,
            17,
            "block helper 'invokeLambda' has no journeysim equivalent",
        ),
    ]
    rendered = environment(False).from_string(result.jinja).render()
    assert (
        rendered
        == 'Hello,\n  today is {{now "full"}}\nref {{uuid}} {{#invokeLambda "f"}}x{{/invokeLambda}}'
    )


@pytest.mark.parametrize(
    ("source", "message", "line", "column"),
    [
        (
            "<p>\n{{#if a}}x{{/each}}</p>",
            "{{/each}} does not close {{#if}} opened at line 2",
            2,
            11,
        ),
        ("one\ntwo {{#each x}}", "{{#each}} is never closed", 2, 5),
        ("{{ oops", "unclosed '{{'", 1, 1),
        ("x {{else}}", "{{else}} outside a block", 1, 3),
        ("{{upper (lower a}}", "'(' is never closed", 1, 9),
    ],
)
def test_syntax_errors_are_reported_where_they_are_and_the_text_is_kept(
    source, message, line, column
):
    result = translate_template(source)
    assert [(i.code, i.message, i.line, i.column) for i in result.issues] == [
        (ImportCode.TEMPLATE_SYNTAX_ERROR, message, line, column)
    ]
    assert environment(False).from_string(result.jinja).render() == source


def test_address_means_the_channel_address():
    assert translate_template("{{Address}}", channel="sms").jinja == "{{ phone }}"
    assert translate_template("{{Address}}", channel="push").jinja == "{{ pushToken }}"


def test_the_variables_used_are_listed_with_their_journeysim_names():
    result = translate_template("{{User.UserAttributes.[Last Name].[0]}} {{Demographic.Platform}}")
    assert dict(result.variables) == {
        "User.UserAttributes.Last Name": "lastName",
        "Demographic.Platform": "platform",
    }


_HANDLEBARS_BITS = st.sampled_from(
    ["{{", "}}", "{{{", "}}}", "{{#", "{{/", "{{^", "{{else}}", "{{~", "~}}", "{{!", "--}}",
     "if ", "each ", "with ", "eq ", "User.UserAttributes.X", ".[0]", "[a b]", "(", ")", '"',
     "'", "=", "@index", "this", "../", "{%", "{#", "#}", "%}", "\\", "\n", " ", "x", "{{> p}}",
     "as |a b|", "{{{{raw}}}}", "{{{{/raw}}}}", "{{#* inline \"p\"}}", "{{/inline}}",
     "@key", "@first", " yes='a' no='b'", " 3", ' "s"', "{{#eq ", "{{/eq}}", "{{#with ",
     "{{/with}}", "upper ", "add ", "dateFormat ", "substring ", "lookup ", "ceiling "]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.text(max_size=200), st.lists(_HANDLEBARS_BITS | st.text(max_size=3)).map("".join))
)
def test_arbitrary_text_never_raises_and_always_gives_a_template_the_sandbox_renders(source):
    result = translate_template(source)
    assert check_template(result.jinja).error is None, result.jinja
    environment(True).from_string(result.jinja).render()
    environment(False).from_string(result.jinja).render(**SUBJECT)
    for issue in result.issues:
        assert issue.line >= 1 and issue.column >= 1


# --- numeric helpers round as JavaScript does (Handlebars.js) ------------------------------


def _render(source: str, **subject) -> str:
    return environment(True).from_string(translate_template(source).jinja).render(**subject)


@pytest.mark.parametrize(
    ("price", "rounded"),
    [
        (12.5, "13"),  # the QA repro: Python's round gave 12
        (2.5, "3"),
        (0.5, "1"),
        (-2.5, "-2"),  # toward +infinity, not away from zero
        (-2.6, "-3"),
        (-0.4, "0"),  # JavaScript's -0 prints as 0
        ("7.5", "8"),
        ("n/a", "0"),  # not a number: 0, as the helper always gave
        (None, "0"),
    ],
)
def test_round_is_javascripts_math_round(price, rounded):
    assert _render("{{round Attributes.Price}}", price=price) == rounded


def test_round_of_a_missing_attribute_is_0():
    assert _render("{{round Attributes.Price}}") == "0"


_ROUNDINGS = environment(True).from_string(
    translate_template(
        "{{round Attributes.Price}} {{ceiling Attributes.Price}} {{floor Attributes.Price}}"
    ).jinja
)


@settings(deadline=None)
@given(st.integers(-(10**6), 10**6))
def test_every_half_rounds_up_and_ceiling_floor_agree_with_javascript(n):
    assert _ROUNDINGS.render(price=n + 0.5) == f"{n + 1} {n + 1} {n}"
