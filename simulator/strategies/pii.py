"""Subjects whose PII turns up everywhere, templates that transform it, and a leak check.

For property tests of masking (SPEC §3.6), journeysim's own and yours::

    from hypothesis import given
    from simulator.strategies import leaks, pii_cases

    @given(pii_cases())
    def test_no_leak(case):
        output = render_everything(case.subject(), case.event)       # your surfaces
        baseline = render_everything(case.placeholder().subject(), case.placeholder().event)
        assert leaks(output, case.secrets(), baseline) == []

* :func:`pii_cases` — a :class:`PiiCase`: one subject's PII values (Faker, several
  locales) and where else they appear: a company named after the last name, a bio with
  the address and birth date, nested values, attribute keys, event properties
  (``referrer``, URL-encoded and HTML-escaped copies), an earlier event, and an
  ``endUserId`` that may be the e-mail address or the phone number. E-mails and phones
  are written in every format the detectors know (``%40``, ``&#64;``, fullwidth,
  non-ASCII; ``/``, ``_``, en dash, non-breaking and narrow spaces, ``&nbsp;``,
  URL-encoding).
* :data:`TRANSFORMING_TEMPLATES` — template pieces that replace, reverse, encode,
  join, slice, hash and echo those values (also into error messages and
  ``missingVariables``).
* :func:`leaks` — which secrets, or transformed forms of them, occur in an output and
  not in a baseline (the same run with placeholder values: text the journey shows
  anyway is no leak).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, quote_plus

from hypothesis import strategies as st

from simulator.models import Subject

__all__ = ["EMAIL_FORMS", "PHONE_FORMS", "TRANSFORMING_TEMPLATES", "PiiCase", "leaks", "pii_cases"]

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "en_IN", "ja_JP")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


EMAIL_FORMS: dict[str, Any] = {
    "plain": lambda e: e,
    "url": lambda e: e.replace("@", "%40"),
    "url-all": lambda e: quote(e, safe=""),
    "entity": lambda e: e.replace("@", "&#64;"),
    "hex-entity": lambda e: e.replace("@", "&#x40;").replace(".", "&#46;"),
    "fullwidth": _fullwidth,
    "upper": str.upper,
}
"""How an e-mail address may be written in subject data."""

PHONE_FORMS: dict[str, str] = {
    "as-given": "",
    "slash": "/",
    "underscore": "_",
    "en-dash": "\u2013",
    "nbsp": "\u00a0",
    "narrow-nbsp": "\u202f",
    "entity-nbsp": "&nbsp;",
    "url": "%20",
}
"""Separators a phone number may be written with (``as-given`` keeps Faker's)."""

TRANSFORMING_TEMPLATES = (
    "{{ firstName }} {{ lastName }}",
    "{{ email|replace('@', ' at ') }}",
    "{{ email|replace('.', ' dot ') }}",
    "{{ company|reverse }}",
    "{{ bio|urlencode }}",
    "{{ event.referrer|list|join(' ') }}",
    "{{ bio[0:24] }}",
    "{{ bio[-30:] }}",
    "{{ bio[::-1] }}",
    "{{ email|encode64 }}",
    "{{ bio|encode64 }}",
    "{{ email|md5 }}",
    "{{ phone|sha256 }}",
    "{{ event[event.referrer] }}",
    "{{ profile|tojson }}",
    "{{ event|tojson }}",
    "{{ byName.keys()|list|join(',') }}",
    "{% for k, v in event.items() %}{{ k }}={{ v }};{% endfor %}",
    "{{ event.url }}",
    "{{ event.url|urlencode }}",
    "{{ event.html }}",
    "{{ event.contacts|join(' ') }}",
    "{{ endUserId }}",
    "{{ endUserId|reverse }}",
    "{{ profile.tags|join('|')|upper }}",
    "{{ event.nested.deep[0].who|lower }}",
    "{{ bio.split(' ')|reverse|join(' ') }}",
    "{{ (lastName ~ firstName)|reverse }}",
    "{{ bio|replace(' ', '') }}",
    "{{ email.split('@')[0] }}",
    "{{ company|slugify }}",
    "{{ bio|title }}",
    "{{ [1]|select(lastName)|list }}",
    "{{ [1]|select(event.referrer)|list }}",
)
"""Template pieces over the context a :class:`PiiCase` builds; the last two fail, and
their error message names the value they were given."""


@dataclass(frozen=True)
class PiiCase:
    """One subject's PII values and the copies of them spread through its data."""

    first: str
    last: str
    email: str
    phone: str
    address: str
    birth_date: str
    postal_code: str
    email_form: str = "plain"
    phone_form: str = "as-given"
    id_kind: str = "email"

    def written_email(self) -> str:
        return EMAIL_FORMS[self.email_form](self.email)

    def written_phone(self) -> str:
        separator = PHONE_FORMS[self.phone_form]
        if not separator:
            return self.phone
        groups = re.findall(r"\d+", self.phone.split("x")[0])
        plus = ("%2B" if separator == "%20" else "+") if self.phone.startswith("+") else ""
        return plus + separator.join(groups)

    @property
    def end_user_id(self) -> str:
        return {
            "email": self.email,
            "phone": self.phone,
            "names": f"{self.first}-{self.last}".lower(),
            "prefixed": f"usr_{self.last.lower()}",
        }[self.id_kind]

    @property
    def attributes(self) -> dict[str, Any]:
        email, phone = self.written_email(), self.written_phone()
        full = f"{self.first} {self.last}"
        return {
            "firstName": self.first,
            "lastName": self.last,
            "fullName": full,
            "email": self.email,
            "phone": self.phone,
            "address": self.address,
            "birthDate": self.birth_date,
            "postalCode": self.postal_code,
            "company": f"{self.last} Holdings",
            "bio": f"{full} lives at {self.address} ({self.postal_code}), born "
            f"{self.birth_date}; write to {email} or call {phone}",
            "profile": {
                "display": full,
                "tags": [self.last, self.email],
                "contacts": {"backup": phone, "home": {"address": self.address}},
            },
            "byName": {self.last: True, self.email: 1, full: "vip"},
            "plan": "pro",
        }

    @property
    def event(self) -> dict[str, Any]:
        full = f"{self.first} {self.last}"
        return {
            "referrer": full,
            "url": f"https://x.example/?name={quote_plus(full)}&email={quote(self.email)}",
            "html": f"{html.escape(full)}&nbsp;&lt;{self.email.replace('@', '&#64;')}&gt;",
            "contacts": [self.written_email(), self.written_phone()],
            "nested": {"deep": [{"who": self.last}]},
            self.last: "yes",
        }

    def subject(self) -> Subject:
        return Subject.model_validate(
            {
                "endUserId": self.end_user_id,
                "attributes": self.attributes,
                "events": [
                    {
                        "name": "profile.updated",
                        "at": "2026-05-01T10:00:00Z",
                        "properties": {"email": self.email, "note": f"was {self.last}"},
                    }
                ],
                "channelPreferences": {"email": True, "in_app_push": True, "mobile_push": True},
            }
        )

    def placeholder(self) -> PiiCase:
        """The same case with every secret replaced by a value that is none of them."""
        return replace(
            self,
            first="Qqfirst",
            last="Qqlast",
            email="qqlocal@qqdomain.example",
            phone="+10000000000" if self.phone.startswith("+") else "0000000000",
            address="1 Qqstreet",
            birth_date="1900-01-01",
            postal_code="QQ000",
        )

    def secrets(self) -> list[str]:
        """The values no output may show (the phone as written too)."""
        return [
            self.first,
            self.last,
            f"{self.first} {self.last}",
            self.email,
            self.phone,
            self.written_phone(),
            self.address,
            self.birth_date,
            self.postal_code,
        ]


@st.composite
def pii_cases(draw: st.DrawFn) -> PiiCase:
    """A :class:`PiiCase` from a Faker locale and seed, with drawn formats."""
    locale = draw(st.sampled_from(LOCALES))
    fake = _faker(locale)
    fake.seed_instance(draw(st.integers(0, 10**6)))
    first, last = fake.first_name(), fake.last_name()
    local = re.sub(r"[^\w.]", "", f"{first}.{last}".lower()) or "someone"
    email = draw(st.sampled_from([fake.email(), f"{local}@{fake.free_email_domain()}"]))
    return PiiCase(
        first=first,
        last=last,
        email=email,
        phone=fake.phone_number(),
        address=fake.street_address().replace("\n", ", "),
        birth_date=fake.date_of_birth().isoformat(),
        postal_code=str(fake.postcode()),
        email_form=draw(st.sampled_from(sorted(EMAIL_FORMS))),
        phone_form=draw(st.sampled_from(sorted(PHONE_FORMS))),
        id_kind=draw(st.sampled_from(["email", "phone", "names", "prefixed"])),
    )


_FAKERS: dict[str, Any] = {}


def _faker(locale: str) -> Any:
    from faker import Faker

    if locale not in _FAKERS:
        _FAKERS[locale] = Faker(locale)
    return _FAKERS[locale]


_TOKEN = re.compile(r"[^\W_]+")


def leaks(output: str, secrets: list[str], baseline: str = "") -> list[str]:
    """The secrets (or forms of them) that ``output`` shows and ``baseline`` does not.

    Checked, case-insensitively: each secret whole; its word tokens of 3+ letters or
    digits (an e-mail's from its local part: the domain is no secret); and the forms a
    template could turn it into: reversed, URL-encoded, HTML-escaped, base64, MD5 and
    SHA-256 hex, letters joined by spaces, ``@`` written `` at ``. A secret made of one
    word (and every token) counts only as a word, not inside a longer run of letters
    and digits (``Ana`` in ``Banana`` is no leak).

    >>> leaks("Hi Ana, nice banana", ["Ana"]), leaks("Hi A•••", ["Ana"])
    (['Ana'], [])
    >>> leaks("c2VjcmV0QHguY29t", ["secret@x.com"])
    ['base64(secret@x.com)']
    """
    haystack, known = output.lower(), baseline.lower()
    found = []
    for label, form, as_word in _forms(secrets):
        needle = form.lower()
        if _occurs(needle, haystack, as_word) and not _occurs(needle, known, as_word):
            found.append(label)
    return list(dict.fromkeys(found))


def _forms(secrets: list[str]) -> list[tuple[str, str, bool]]:
    forms: list[tuple[str, str, bool]] = []
    for secret in secrets:
        secret = secret.strip()
        if len(secret) < 3:
            continue
        word = bool(_TOKEN.fullmatch(secret))
        forms.append((secret, secret, word))
        local, at, domain = secret.rpartition("@")
        for token in _TOKEN.findall(local if at and "." in domain else secret):
            if len(token) >= 3:
                forms.append((token, token, True))
        if len(secret) >= 5:
            data = secret.encode()
            forms += [
                (f"reversed({secret})", secret[::-1], word),
                (f"url({secret})", quote(secret, safe=""), False),
                (f"url+({secret})", quote_plus(secret), False),
                (f"html({secret})", html.escape(secret), False),
                (f"base64({secret})", base64.b64encode(data).decode().rstrip("="), False),
                (f"md5({secret})", hashlib.md5(data).hexdigest(), False),
                (f"sha256({secret})", hashlib.sha256(data).hexdigest(), False),
                (f"spaced({secret})", " ".join(secret), False),
                (f"at({secret})", secret.replace("@", " at "), False),
            ]
    kept, seen = [], set()
    for label, form, word in forms:
        if len(form) >= 3 and form.lower() not in seen:
            seen.add(form.lower())
            kept.append((label, form, word))
    return kept


def _occurs(needle: str, haystack: str, as_word: bool) -> bool:
    if not as_word:
        return needle in haystack
    pattern = rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])"
    return re.search(pattern, haystack) is not None
