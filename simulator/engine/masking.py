"""PII masking (SPEC §3.6): what traces, API responses, the TUI and logs show.

Two layers. First, attributes named in the workspace's ``piiAttributes`` (and the same
names among trigger-event properties) are replaced *before* rendering, so a template
never sees the raw value: e-mail ``j•••@e•••.com``, phone ``•••67`` (the last two
digits), names the first letter ``J•••``, anything else ``•••``. Which rule applies
follows the attribute's name (``*email*``, ``*phone*``/``*mobile*``, ``*name*``).
Second, :func:`scrub` masks e-mail addresses and phone numbers that reach the output by
other routes (free-text attributes, event properties, webhook bodies); the dry-run
applies it to every string of a finished trace.

A phone number, for scrubbing, is 7 or more digits written with the usual separators
(spaces, dots, dashes, parentheses, a leading ``+``, an ``x``/``ext`` extension) that is
not part of a longer digit run and not a date. Templates glue values to letters
(``COM+1 555…``, ``…4567hi``), so letters are no boundary: a run of 7+ digits inside an
identifier (``ord_12345678``) is masked too. Over-masking a long number is preferred
to leaking one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "MASK",
    "mask_attributes",
    "mask_email",
    "mask_name",
    "mask_phone",
    "mask_value",
    "scrub",
    "scrub_id",
]

MASK = "•••"

# The TLD is one case run (``com``, ``Com``, ``COM``) so that text glued after an address
# (``a@b.netRFERNANDES@…``) is not taken for part of it. The lookbehind lets a local part
# start only where a run of its characters starts: the leftmost match is the same, but a
# long run without an address is scanned once instead of once per character (quadratic).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]+"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:[A-Z][a-z]+|[a-z]{2,}|[A-Z]{2,})"
)
_PHONE = re.compile(r"(?<!\d)\+?\(?\d[\d \t().-]{5,}\d(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?!\d)")
_PHONE_HINT = re.compile(r"\d[\d \t().-]{5,}\d")  # cheap pre-check for _PHONE
_INTERNATIONAL_PHONE = re.compile(r"\+\d[\d \t().-]{5,}\d")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def mask_email(value: str) -> str:
    """``j•••@e•••.com``: first letters of the local part and domain, and the TLD.

    >>> mask_email("jane.doe@example.co.uk")
    'j•••@e•••.uk'
    >>> mask_email("not an address")
    '•••'
    """
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain:
        return MASK
    tld = domain.rsplit(".", 1)[1]
    return f"{local[0]}{MASK}@{domain[0]}{MASK}.{tld}"


def mask_phone(value: str) -> str:
    """``•••67``: only the last two digits stay.

    >>> mask_phone("+1 (617) 555-0142")
    '•••42'
    """
    digits = re.sub(r"\D", "", value)
    return f"{MASK}{digits[-2:]}" if len(digits) >= 2 else MASK


def mask_name(value: str) -> str:
    """``J•••``: only the first letter stays.

    >>> mask_name("Jordan Blake")
    'J•••'
    """
    stripped = value.strip()
    return f"{stripped[0]}{MASK}" if stripped else MASK


def mask_value(name: str, value: Any) -> Any:
    """Mask one PII attribute value according to its attribute name.

    >>> mask_value("email", "kwame@example.org"), mask_value("phone", "+447700900123")
    ('k•••@e•••.org', '•••23')
    >>> mask_value("lastName", "Mensah"), mask_value("birthDate", "1990-01-01")
    ('M•••', '•••')
    >>> mask_value("address", None) is None
    True
    """
    if value is None:
        return None
    if not isinstance(value, str):
        return MASK
    key = name.rsplit(".", 1)[-1].lower()
    if "email" in key or "e_mail" in key:
        return mask_email(value)
    if "phone" in key or "mobile" in key:
        return mask_phone(value)
    if "name" in key:
        return mask_name(value)
    return MASK


def mask_attributes(attributes: Mapping[str, Any], pii: Iterable[str]) -> dict[str, Any]:
    """A copy of ``attributes`` with every PII name masked (dotted names reach nested ones).

    >>> mask_attributes({"firstName": "Ana", "plan": "pro", "home": {"address": "1 Rd"}},
    ...                 ["firstName", "home.address"])
    {'firstName': 'A•••', 'plan': 'pro', 'home': {'address': '•••'}}
    """
    masked = dict(attributes)
    for name in pii:
        if name in masked:
            masked[name] = mask_value(name, masked[name])
        elif "." in name:
            _mask_path(masked, name.split("."), name)
    return masked


def _mask_path(data: dict[str, Any], parts: list[str], name: str) -> None:
    head, rest = parts[0], parts[1:]
    child = data.get(head)
    if not isinstance(child, Mapping):
        return
    child = dict(child)
    data[head] = child
    if len(rest) == 1:
        if rest[0] in child:
            child[rest[0]] = mask_value(name, child[rest[0]])
    else:
        _mask_path(child, rest, name)


def scrub(text: str) -> str:
    """Mask e-mail addresses and phone numbers anywhere in ``text``.

    >>> scrub("write to ana.r@example.com or call +1 (617) 555-0142 before 2026-06-08")
    'write to a•••@e•••.com or call •••42 before 2026-06-08'
    >>> scrub("tel555-123-4567x89hi, 12 items at 1234.50 on 2026-06-08T14:00:00Z")
    'tel•••67hi, 12 items at 1234.50 on 2026-06-08T14:00:00Z'
    """
    text = _scrub_emails(text)
    if _PHONE_HINT.search(text):
        text = _PHONE.sub(_phone_match, text)
    return text


def scrub_id(identifier: str) -> str:
    """An identifier as a trace shows it: e-mail addresses masked, and the whole id masked
    when it is a phone number in international form (``+`` and digits).

    Other digit runs stay: ids such as ``syn_363379742f80b51b``, UUIDs and database
    numbers would be unrecognisable if masked like phone numbers in free text.

    >>> scrub_id("ana.r@example.com"), scrub_id("+44 7700 900123"), scrub_id("usr_12345678")
    ('a•••@e•••.com', '•••23', 'usr_12345678')
    """
    if _INTERNATIONAL_PHONE.fullmatch(identifier.strip()):
        return mask_phone(identifier)
    return _scrub_emails(identifier)


def _scrub_emails(text: str) -> str:
    if "@" in text:
        for _ in range(3):  # addresses glued to addresses need another pass
            cleaned = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
            if cleaned == text:
                break
            text = cleaned
    return text


def _phone_match(match: re.Match[str]) -> str:
    found = match.group(0)
    if _DATE.search(found):  # a date is no phone number, but a number may follow it
        pieces = _DATE.split(found)
        return "".join(p if _DATE.fullmatch(p) else _PHONE.sub(_phone_only, p) for p in pieces)
    return _phone_only(match)


def _phone_only(match: re.Match[str]) -> str:
    found = match.group(0)
    number = re.split(r"\s*(?:x|ext\.?)\s*(?=\d)", found)[0]
    if sum(ch.isdigit() for ch in number) < 7:
        return found
    return mask_phone(number)
