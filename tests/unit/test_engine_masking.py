"""PII masking (SPEC §3.6): masked before rendering, scrubbed everywhere after."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any
from urllib.parse import quote

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from simulator.engine import faker_subjects, mask_attributes, mask_value, scrub, simulate
from simulator.engine.masking import (
    MASK,
    MASKED_TEXT,
    _compile,
    _Needle,
    _sub_words,
    mask_email,
    mask_name,
    mask_phone,
    masker_for,
    scrub_id,
    subject_masker,
)
from simulator.engine.timeline import format_timeline
from simulator.models import ChannelPreferences, Communication, Journey, Subject, Workspace
from simulator.strategies import (
    EMAIL_FORMS,
    PHONE_FORMS,
    TRANSFORMING_TEMPLATES,
    PiiCase,
    leaks,
    pii_cases,
)
from simulator.world import World


@pytest.mark.parametrize(
    ("name", "value", "masked"),
    [
        ("email", "jane.doe@example.com", "j•••@e•••.com"),
        ("workEmail", "Bob@Mail.Example.org", "B•••@M•••.org"),
        ("phone", "+1 (617) 555-0142", "•••42"),
        ("mobilePhone", "07700 900123", "•••23"),
        ("firstName", "Chloé", "C•••"),
        ("fullName", "Jordan Blake", "J•••"),
        ("address", "1 Main St", "•••"),
        ("birthDate", "1990-01-01", "•••"),
        ("ip", "10.0.0.1", "•••"),
        ("postalCode", 10115, "•••"),
        ("address", {"street": "x"}, "•••"),
    ],
)
def test_mask_value_by_attribute_name(name, value, masked):
    assert mask_value(name, value) == masked


def test_mask_helpers_on_degenerate_values():
    assert mask_email("no-at-sign") == "•••"
    assert mask_email("a@localhost") == "•••"
    assert mask_phone("1") == "•••"
    assert mask_name("   ") == "•••"
    assert mask_value("email", None) is None


def test_mask_attributes_copies_and_reaches_nested_names():
    attributes = {"firstName": "Ana", "home": {"address": "1 Rd", "city": "Porto"}, "plan": "pro"}
    masked = mask_attributes(attributes, ["firstName", "home.address", "absent", "plan.x"])
    assert masked == {
        "firstName": "A•••",
        "home": {"address": "•••", "city": "Porto"},
        "plan": "pro",
    }
    assert attributes["home"]["address"] == "1 Rd"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail ANA.R@EXAMPLE.COM now", "mail A•••@E•••.COM now"),
        ("call 555.123.4567x89 today", "call •••67 today"),
        ("+33 (0)6 44 83 37 88", "•••88"),
        ("renews on 2026-07-15 at 14:00", "renews on 2026-07-15 at 14:00"),
        ("glued COM+1-254-726-4824x426hi", "glued COM•••24hi"),
        ("id usr_123456 and v1.2.3", "id usr_123456 and v1.2.3"),
        ("ord_12345678 is masked too", "ord_•••78 is masked too"),
        ("subject syn_f3e8410363d35722 stays", "subject syn_f3e8410363d35722 stays"),
        ("a hash 9f86d0818844c7d659a2 stays", "a hash 9f86d0818844c7d659a2 stays"),
        ("glued 4155550100hi and sku AB1234567", "glued •••00hi and sku AB•••67"),
        ("call +1 415 555 0100, (415) 555-0100 or 4155550100", "call •••00, •••00 or •••00"),
        ("short 12345 and 1234.56 and 14:00:00", "short 12345 and 1234.56 and 14:00:00"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected
    assert scrub(expected) == expected


LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "ja_JP", "en_IN", "pt_BR")
_FAKERS: dict[str, Faker] = {}


def seeded_faker(locale: str, seed: int) -> Faker:
    fake = _FAKERS.get(locale) or _FAKERS.setdefault(locale, Faker(locale))
    fake.seed_instance(seed)
    return fake


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LOCALES), st.integers(0, 10**6))
def test_scrub_catches_faker_emails_and_phones_in_free_text(locale, seed):
    fake = seeded_faker(locale, seed)
    email, phone = fake.email(), fake.phone_number()
    text = json.dumps({"note": f"reach me at {phone} or {email}, thanks"})
    cleaned = scrub(text)
    assert email.lower() not in cleaned.lower()
    assert phone not in cleaned


# --- the property of Done-when 5 ----------------------------------------------------------

PII = ("firstName", "lastName", "email", "phone")
PIECES = st.sampled_from(
    [
        "hi ",
        "dear ",
        ", ",
        "! ",
        "\n",
        "<p>",
        "</p>",
        "code: ",
        "-- ",
        "{{ firstName }}",
        "{{ lastName|upper }}",
        "{{ email }}",
        "{{ phone }}",
        "{{ firstName ~ ' ' ~ lastName }}",
        "{{ [firstName, lastName]|join(' ') }}",
        "{% if email %}{{ email|lower }}{% endif %}",
        "{{ email.split('@')[0] }}",
        "{{ fullName|default(firstName) }}",
        "{{ notes }}",
        "{{ event.contact }}",
        "{{ event.note|lower }}",
        "{{ event.phone }}",
        "{{ event.nested.email|title }}",
        "{{ event.contact|upper }}",
        "{{ event|tojson }}",
        "{{ notes|e }}",
    ]
)
TEMPLATES = st.lists(PIECES, min_size=1, max_size=8).map("".join)


def _world(subject_line: str, body: str, push: str) -> tuple[World, Journey]:
    workspace = Workspace(id="w", projectKey="pk", name="W", holdoutPct=0)
    comms = [
        Communication(
            id="mail",
            name="Mail",
            kind="marketing",
            channels=["email"],
            subjectLine=subject_line,
            body=body,
        ),
        Communication(
            id="push", name="Push", kind="marketing", channels=["mobile_push"], body=push
        ),
    ]
    journey = Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "steps": [
                {"id": "mail", "type": "send", "communicationId": "mail", "next": "push"},
                {"id": "push", "type": "send", "communicationId": "push", "next": "hook"},
                {
                    "id": "hook",
                    "type": "webhook",
                    "url": "https://hooks.example.com/x",
                    "bodyTemplate": body,
                    "next": "exit",
                },
                {"id": "exit", "type": "exit"},
            ],
        }
    )
    return World.of(workspace, comms), journey


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _outputs(world, journey, subject, event) -> str:
    trace = simulate(journey, subject, world=world, trigger_event=event)
    assert trace.steps[0].decision.value == "executed", trace.steps[0]
    return "\n".join([trace.to_json(), *_strings(trace.to_wire()), format_timeline(trace)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), TEMPLATES, TEMPLATES, TEMPLATES, st.sampled_from(LOCALES))
def test_no_raw_pii_reaches_the_trace_or_the_text(seed, subject_line, body, push, locale):
    world, journey = _world(subject_line, body, push)
    generated = faker_subjects(seed, 1)[0]
    fake = seeded_faker(locale, seed)
    contact, note_email, nested, notes_email = (fake.email() for _ in range(4))
    note_phone, phone, notes_phone = (fake.phone_number() for _ in range(3))
    attributes = {
        **generated.attributes,
        "firstName": generated.attributes.get("firstName") or fake.first_name(),
        "notes": f"backup {notes_email}, tel {notes_phone}",
    }
    subject = generated.model_copy(
        update={
            "attributes": attributes,
            "global_opt_out": False,
            "suppressed": [],
            "send_history": [],
            "channel_preferences": ChannelPreferences(),
            "timezone": None,
        }
    )
    event = {
        "contact": contact,
        "note": f"call me on {note_phone} or {note_email}",
        "phone": phone,
        "nested": {"email": nested},
    }
    secrets = [attributes[name] for name in PII]
    secrets += [contact, note_email, nested, notes_email, note_phone, phone, notes_phone]

    output = _outputs(world, journey, subject, event)
    # What the same run shows with every secret replaced: text that is there anyway
    # (a zone name, the journey) is not a leak even if a secret happens to equal it.
    blank = {**attributes, **dict.fromkeys(PII, "zz"), "notes": "zz"}
    baseline = _outputs(
        world,
        journey,
        subject.model_copy(update={"attributes": blank}),
        {"contact": "zz", "note": "zz", "phone": "zz", "nested": {"email": "zz"}},
    )
    for secret in secrets:
        if len(secret) >= 3 and secret.lower() not in baseline.lower():
            assert secret.lower() not in output.lower(), f"{secret!r} leaked"


# --- scrubbing must stay linear: a rendered body may be 200,000 characters -------------------


@pytest.mark.parametrize(
    "text",
    [
        "a" * 60_000 + "@",
        "a.a" * 20_000 + "@x",
        "a@b" + ".c" * 30_000 + "!",
        "x " + "b-" * 30_000 + "@",
        "ana@example.com " + "a" * 60_000 + "@",
    ],
    ids=["local-part", "dotted-local-part", "one-letter-tlds", "hyphens", "after-an-address"],
)
def test_scrubbing_adversarial_text_takes_linear_time(text):
    started = time.perf_counter()
    cleaned = scrub(text)
    assert time.perf_counter() - started < 1.0
    assert "ana@example.com" not in cleaned


# --- masking by value (issue 8, Done-when 3) -------------------------------------------------

TRANSFORMING = st.lists(st.sampled_from(TRANSFORMING_TEMPLATES), min_size=1, max_size=6).map(
    " | ".join
)


def _every_output(world, journey, case: PiiCase) -> str:
    """Everything a dry-run shows: the JSON trace, each of its strings, the timeline."""
    trace = simulate(journey, case.subject(), world=world, trigger_event=case.event, seed=1)
    return "\n".join([trace.to_json(), *_strings(trace.to_wire()), format_timeline(trace)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pii_cases(), TRANSFORMING, TRANSFORMING, TRANSFORMING)
def test_no_pii_value_or_token_reaches_the_trace_in_any_form(case, subject_line, body, push):
    world, journey = _world(subject_line, body, push)
    output = _every_output(world, journey, case)
    baseline = _every_output(world, journey, case.placeholder())
    assert leaks(output, case.secrets(), baseline) == []


@pytest.mark.parametrize("form", sorted(EMAIL_FORMS))
def test_every_email_format_is_detected_in_free_text(form):
    address = EMAIL_FORMS[form]("kwame.mensah@example.org")
    cleaned = scrub(f"write to {address} today")
    assert cleaned in ("write to k•••@e•••.org today", "write to K•••@E•••.ORG today"), cleaned


@pytest.mark.parametrize(
    "address",
    [
        "jürgen.müller@bücher.de",
        "用户@例子.广告",
        "ｋｗａｍｅ＠ｅｘａｍｐｌｅ．ｏｒｇ",
        "kwame&#x40;example&#46;org",
    ],
)
def test_non_ascii_and_escaped_emails_are_detected(address):
    cleaned = scrub(f"<{address}>")
    assert "•••@" in cleaned and address not in cleaned


@pytest.mark.parametrize("form", sorted(PHONE_FORMS))
@pytest.mark.parametrize("phone", ["+44 7700 900123", "(617) 555-0142", "030 1234 5678"])
def test_every_phone_format_is_detected_in_free_text(form, phone):
    written = PiiCase("a", "b", "c@d.org", phone, "x", "y", "z", phone_form=form).written_phone()
    cleaned = scrub(f"call {written} now")
    assert cleaned == f"call •••{phone[-2:]} now", (written, cleaned)


@pytest.mark.parametrize(
    "text", ["on 2026-06-15", "on 15.06.2026", "on 06/15/2026", "v1.2.3", "order 12345"]
)
def test_dates_and_short_numbers_are_no_phone_numbers(text):
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("end_user_id", "shown"),
    [
        ("+44 7700 900123", "•••23"),
        ("07700900123", "•••23"),
        ("617/555-0142", "•••42"),
        ("kwame.mensah%40example.org", "k•••@e•••.org"),
        ("12345678", "12345678"),
        ("2026-06-01", "2026-06-01"),
    ],
)
def test_ids_that_are_emails_or_phones_are_masked(end_user_id, shown):
    assert scrub_id(end_user_id) == shown


def test_the_masker_masks_values_and_tokens_in_every_form_but_not_inside_words():
    masker = masker_for(
        ["firstName", "lastName", "email", "address"],
        {
            "firstName": "Ana",
            "lastName": "Mensah",
            "email": "ana.mensah@example.org",
            "address": {"street": "12 Rue de Rivoli", "city": "Paris"},
        },
    )
    assert masker.text("Ana, ANA_x, AnaSmith, analyst, Banana") == (
        "A•••, A•••_x, A•••Smith, analyst, Banana"
    )
    assert masker.text("MENSAH%20Holdings, mensah&nbsp;co") == "M•••%20Holdings, M•••&nbsp;co"
    assert masker.text("12 Rue de Rivoli, Paris") == "•••, •••"
    assert masker.text("rue%20de%20rivoli") == "•••%20de%20•••"
    assert masker.text("ana.mensah&#64;example.org") == "a•••@e•••.org"
    assert masker.text("ana.mensah") == "A•••.M•••"  # tokens of the e-mail's local part
    assert masker.text("links to example.org") == "links to example.org"  # its domain is not


def test_the_masker_masks_keys_numbers_and_nested_values():
    masker = masker_for(["lastName", "postalCode"], {"lastName": "Mensah", "postalCode": 10115})
    data = {"Mensah": {"deep": ["mensah-2", 10115, 10116, True]}, "zip": "10115"}
    assert masker.data(data) == {"M•••": {"deep": ["M•••-2", "•••", 10116, True]}, "zip": "•••"}
    assert masker.attributes({"lastName": "Mensah", "nested": {"lastName": "Other"}}) == {
        "lastName": "M•••",
        "nested": {"lastName": "O•••"},
    }


def test_a_masker_without_values_still_runs_the_detectors_and_leaves_traces_alone():
    masker = masker_for(["email"], {"plan": "pro"})
    assert masker.text("ana@example.com") == "a•••@e•••.com"
    world, journey = _world("Hi", "Hello", "Push")
    trace = simulate(journey, Subject(endUserId="u1", attributes={"plan": "pro"}), world=world)
    assert masker.model(trace) is trace


class _Note(BaseModel):
    text: Annotated[str, MASKED_TEXT]


class _LoudNote(_Note):
    extra: Annotated[str, MASKED_TEXT]


class _Tree(BaseModel):
    note: _Note | None = None
    notes: list[_Note] = []
    child: _Tree | None = None


def test_the_masker_reaches_subclassed_and_self_nested_parts_of_a_model():
    masker = masker_for(["lastName"], {"lastName": "Mensah"})
    tree = _Tree(
        note=_LoudNote(text="a", extra="Mensah"),
        notes=[_Note(text="b"), _LoudNote(text="c", extra="Mensah")],
        child=_Tree(child=_Tree(child=_Tree(child=_Tree(child=_Tree(note=_Note(text="Mensah")))))),
    )
    masked = masker.model(tree)
    assert masked.note.extra == masked.notes[1].extra == "M•••"
    assert masked.child.child.child.child.child.note.text == "M•••"
    assert masker.model(_Tree(note=_LoudNote(text="a", extra="b"))).note.extra == "b"


def test_the_leak_check_catches_transformed_forms():
    secret = "kwame.mensah@example.org"
    assert leaks(secret[::-1], [secret]) == [f"reversed({secret})"]
    assert leaks("K w a m e", ["Kwame"]) == ["spaced(Kwame)"]
    assert leaks("mensahholdings, Mensah_Ltd", ["Mensah"]) == ["Mensah"]  # as a word only
    assert leaks("Dear Kwame", ["Kwame"], baseline="Dear Kwame") == []


# --- the runtime's delivery masks as the dry-run does (issue 8: it renders for real) ---------


class _Outbox:
    """The two runtime calls :class:`RuntimeDelivery` makes: no SES, an outbox list."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def send_email(self, env, effect, rendered) -> None:
        return None

    def record_outbox(self, ws: str, message: dict[str, Any]) -> None:
        self.records.append(message)


def _runtime_outputs(world, journey, case: PiiCase) -> str:
    """What the runtime keeps and shows of one execution: its outbox records and its
    dispatched trace steps, ids as the API shows them."""
    from datetime import UTC, datetime

    from simulator.engine.driver import walk
    from simulator.engine.dryrun import dry_run_env
    from simulator.runtime.delivery import RuntimeDelivery
    from simulator.runtime.runtime import _mask_step
    from simulator.runtime.service import shown_ids

    start = datetime(2026, 6, 1, 14, tzinfo=UTC)
    env = dry_run_env(journey, case.subject(), world, frozenset(), start, None, case.event)
    outbox = _Outbox()
    arn = f"arn:aws:states:x:execution:disp:j__v1__{case.end_user_id}__e"
    run = walk(env, start, 1, RuntimeDelivery(env, outbox, "w", arn))
    assert outbox.records, run.steps[:1]  # the sends ran (or failed) through the delivery
    steps = [_mask_step(env, step) for step in run.steps]
    # The API masks a row's ids with the masker of the subject's profile.
    profile = subject_masker(case.subject(), world.workspace.pii_attributes)
    shown = [shown_ids(record, profile) for record in outbox.records]
    return "\n".join([json.dumps(steps), json.dumps(shown), *_strings(shown), *_strings(steps)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pii_cases(), TRANSFORMING, TRANSFORMING, TRANSFORMING)
def test_no_pii_value_or_token_reaches_the_runtimes_outbox_or_steps(case, subject_line, body, push):
    world, journey = _world(subject_line, body, push)
    output = _runtime_outputs(world, journey, case)
    baseline = _runtime_outputs(world, journey, case.placeholder())
    assert leaks(output, case.secrets(), baseline) == []


def _forms_of(case: PiiCase) -> list[str]:
    """Each of the case's values as it is and as templates and URLs may write it."""
    values = [case.first, case.last, case.email, case.written_email(), case.written_phone()]
    values += [case.address, case.postal_code, f"{case.first}{case.last}"]
    return [form for value in values for form in (value, value.upper(), quote(value))]


def _masked_by_every_needle(masker, value):
    """What ``masker.data`` gives when every string is searched with all its needles."""
    every = _compile(masker._texts)
    if isinstance(value, str):
        return every.sub(masker._replace, scrub(value))
    if isinstance(value, dict):
        masked = {}
        for key, item in value.items():
            masked.setdefault(
                _masked_by_every_needle(masker, key), _masked_by_every_needle(masker, item)
            )
        return masked
    if isinstance(value, list):
        return [_masked_by_every_needle(masker, item) for item in value]
    digits = str(value)
    return MASK if every.sub(masker._replace, digits) != digits else value


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pii_cases(), st.data())
def test_masking_with_the_needles_that_may_occur_masks_as_all_of_them_do(case, data):
    # A text is searched with the pattern of only the needles whose anchor it holds
    # (an id holding the first name compiles the name's needles, not every value's):
    # the result must be what the pattern of every needle gives.
    masker = masker_for(
        ["firstName", "lastName", "email", "phone", "address", "postalCode"],
        case.attributes,
    )
    pieces = st.sampled_from([*_forms_of(case), " ", "_", "%40", "x", "-", "Ltd", "\n", "7"])
    texts = data.draw(st.lists(st.lists(pieces, max_size=6).map("".join), min_size=1, max_size=3))
    every = _compile(masker._texts)
    for text in texts:
        assert masker.by_value(text) == every.sub(masker._replace, text)
    digits = int("".join(filter(str.isdigit, case.phone.split("x")[0])) or 0)
    record = {"note": texts[0], texts[-1]: [*texts, 7, digits]}
    assert masker.data(record) == _masked_by_every_needle(masker, record)


WORDS = st.from_regex(r"[A-Za-z0-9]{3,7}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=4, unique_by=str.lower), st.data())
def test_needles_of_letters_and_digits_mask_an_ascii_text_as_their_pattern_does(words, data):
    # Such needles are matched without compiling their pattern; the result must be
    # the pattern's, at word boundaries, camelCase seams and URL escapes alike, and
    # where needles overlap (``ana`` in ``anaSilva``, both ending at a seam).
    words = list(dict.fromkeys([*words, words[0].lower() + words[-1].title()]))
    words = list({word.lower(): word for word in words}.values())
    needles = tuple(
        sorted(
            (_Needle(word, f"<{word}>", word.lower()) for word in words),
            key=lambda n: (-len(n.text), n.text),
        )
    )
    forms = [form for word in words for form in (word, word.upper(), word.lower(), word[1:])]
    pieces = st.sampled_from([*forms, " ", "_", "%4", "%40", "0", "a", "B", "-", "Z9"])
    text = (
        "".join(data.draw(st.lists(pieces, max_size=8), label="text"))
        .encode("ascii", "ignore")
        .decode()
    )
    pattern = _compile(tuple(n.text for n in needles))
    expected = pattern.sub(lambda m: needles[m.lastindex - 1].replacement, text)
    assert _sub_words(needles, text) == expected
