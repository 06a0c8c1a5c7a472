"""The e-mail and phone detectors: masking addresses and numbers of *anyone* in text.

:func:`scrub` is the layer of PII masking (SPEC §3.6) that needs no subject: it finds
e-mail addresses and phone numbers wherever they are and masks them as
:mod:`simulator.engine.masking` masks those attributes (``j•••@e•••.com``, ``•••67``).
The by-value layer (:class:`~simulator.engine.masking.Masker`) runs before it.

An **e-mail address** is a local part, an at-sign and a dotted domain. The at-sign may be
written ``@``, fullwidth ``＠``, URL-encoded ``%40`` or as an HTML entity (``&#64;``,
``&#x40;``, ``&commat;``); the dots of the domain ``.``, fullwidth ``．``, ``。``,
``%2E`` or ``&#46;``. Local parts and domains may hold any letters (``jürgen@müller.de``,
fullwidth ``ｋｗａｍｅ``). The top-level domain is one case run (``com``, ``Com``, ``COM``,
or non-ASCII letters) so that text glued after an address (``a@b.netRFERNANDES``) is not
taken for part of it.

A **phone number** is 7 or more digits (any script's digits, fullwidth included) written
with the usual separators: spaces (also non-breaking, narrow, thin and ideographic
ones, ``&nbsp;``, ``%20``), dots, dashes (hyphen, en and em dashes, minus), ``/``,
``_``, parentheses, a leading ``+`` (``%2B``, ``＋``) and an ``x``/``ext`` extension; it
is not part of a longer digit run and not a date (``2026-06-01``, ``15.06.2026``,
``06/15/2026`` stay). Templates glue values to letters (``COM+1 555…``), so a number
written as one (with a ``+``, separators or an extension) is masked wherever it is, and
so is a bare run of 7+ digits glued to letters (``ord_12345678``, ``…4155550100hi``,
``AB1234567``): over-masking a long number is preferred to leaking one. The one
exception is a hexadecimal identifier: a bare digit run inside a run of 16 or more
hexadecimal characters with a letter among them (the synthetic subject
``syn_f3e8410363d35722``, a hash) is a piece of it, not a number anyone dials, and
stays whole.

Both scans are linear in the text (a rendered body may be 200,000 characters).
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

__all__ = ["MASK", "ScrubbingFilter", "mask_email", "mask_phone", "scrub", "scrub_id"]

MASK = "•••"

_AT = r"(?:@|＠|%40|&\#0*64;|&\#[xX]0*40;|&commat;)"
_DOT = r"(?:\.|．|。|｡|%2[eE]|&\#0*46;|&\#[xX]0*2[eE];|&period;)"
_LOCAL = r"[\w.%+'\-．]"
_ENTITY_DOT = r"(?:&\#0*46;|&\#[xX]0*2[eE];|&period;)"
# The lookbehind lets a local part start only where a run of its characters starts: the
# leftmost match is the same, but a long run without an address is scanned once instead
# of once per character (quadratic). Entity-escaped dots in a local part are bounded in
# number for the same reason (a run of them restarts after each ``;``).
_EMAIL = re.compile(
    rf"(?<!{_LOCAL}){_LOCAL}+(?:{_ENTITY_DOT}{_LOCAL}+){{0,8}}{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}"
    r"(?:[A-Z][a-z]+|[a-z]{2,}|[A-Z]{2,}|[^\W\d_a-zA-Z]{2,})"
)

_SPACES = "\u00a0\u2000-\u200b\u202f\u205f\u3000"
_DASHES = "\u2010-\u2015\u2212\ufe63\uff0d"
_SEP = (
    rf"(?:[ \t().\-/_{_SPACES}{_DASHES}]"
    r"|&nbsp;|&\#0*160;|&\#[xX]0*[aA]0;|&\#0*32;"
    r"|%2[0-9a-fA-F]|%C2%A0|%E2%80%[89aA][0-9a-fA-F]|%E2%88%92)"
)
# The lookahead first: every number starts with one of those characters, and asking for
# it before the lookbehinds makes the scan of a text about a third faster.
_PHONE = re.compile(
    r"(?=[+＋%(\d])(?:(?<=%[0-9A-Fa-f]{2})|(?<![\d%]))"
    rf"(?:\+|＋|%2[bB])?(?:\(|%28)?\d(?:{_SEP}|\d){{5,}}\d"
    r"(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?!\d)"
)
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*(?=\d)")
_DIGIT = re.compile(r"\d")
_BARE_DIGITS = re.compile(r"\d+")
_HEX_ID = re.compile(r"[0-9A-Fa-f]*[A-Fa-f][0-9A-Fa-f]*")
_HEX_ID_LENGTH = 16
"""How long a run of hexadecimal characters must be to be an identifier (a synthetic
subject's 16, a hash's 32 or more), not a number glued to a word."""
_ALNUM_REACH = 64
"""How far around a digit run :func:`_in_identifier` looks for the rest of its token:
enough to see a hex identifier, and the scan stays linear in the text."""
_PHONE_DIGITS = 7
"""What a phone number needs, at least (its separators, escapes and entities decode to
no digit), so text with fewer digits holds none to mask."""
_DATE = re.compile(r"(?<!\d)(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{4})(?!\d)")


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


def scrub(text: str) -> str:
    """Mask e-mail addresses and phone numbers anywhere in ``text``.

    >>> scrub("write to ana.r@example.com or call +1 (617) 555-0142 before 2026-06-08")
    'write to a•••@e•••.com or call •••42 before 2026-06-08'
    >>> scrub("tel555-123-4567x89hi, 12 items at 1234.50 on 2026-06-08T14:00:00Z")
    'tel•••67hi, 12 items at 1234.50 on 2026-06-08T14:00:00Z'
    >>> scrub("?to=ana.r%40example.com&tel=%2B1%20617%20555%200142")
    '?to=a•••@e•••.com&tel=•••42'
    >>> scrub("ana&#64;example.com, ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ, 030/1234\u20135678")
    'a•••@e•••.com, a•••@e•••.com, •••78'
    """
    return _scrub_short(text) if len(text) <= _SHORT else _scrub(text)


_SHORT = 200
"""Strings up to this length (attribute values, keys, details: the same few recur in
every trace) are scrubbed once and remembered."""


def _scrub(text: str) -> str:
    text = _scrub_emails(text)
    if _digits(text) >= _PHONE_DIGITS:  # a price or a percentage is no phone number
        text = _PHONE.sub(_phone_match, text)
    return text


_scrub_short = lru_cache(maxsize=16_384)(_scrub)


def _digits(text: str) -> int:
    """How many digits (of any script) ``text`` holds. Text that is ASCII once the
    mask's bullets are gone (most rendered messages: the dry-run renders masked
    values) is counted in C on its bytes, several times faster than ``\\d`` matched
    character by character; other text by the pattern.

    >>> _digits("A•••, 15% off until 2026"), _digits("Olá ٣ and ３")
    (6, 2)
    """
    plain = text.replace(_BULLET, "")
    if plain.isascii():
        return len(plain.encode("ascii").translate(None, _NOT_DIGITS))
    return len(_DIGIT.findall(text))


_BULLET = MASK[0]
_NOT_DIGITS = bytes(byte for byte in range(128) if not chr(byte).isdigit())


def scrub_id(identifier: str) -> str:
    """An identifier as it is shown: e-mail addresses in it masked, and the whole id
    masked when it is a phone number (in any of the formats :func:`scrub` knows).

    A phone number here is 7 or more digits with a leading ``+`` or ``0``, or written
    with separators (``617-555-0142``), or 10 to 15 bare digits (a national number with
    its area code, up to E.164's longest). Other digit runs stay: ids such as
    ``syn_363379742f80b51b``, UUIDs and database keys (``12345678``) would be
    unrecognisable if masked like phone numbers in free text.

    >>> scrub_id("ana.r@example.com"), scrub_id("+44 7700 900123"), scrub_id("usr_12345678")
    ('a•••@e•••.com', '•••23', 'usr_12345678')
    >>> scrub_id("07700900123"), scrub_id("6175550142"), scrub_id("12345678")
    ('•••23', '•••42', '12345678')
    >>> scrub_id("617-555-0142"), scrub_id("ana.r%40example.com")
    ('•••42', 'a•••@e•••.com')
    """
    if len(identifier) <= _SHORT:  # ids recur (every trace of a subject shows its id)
        return _scrub_id_short(identifier)
    return _scrub_id(identifier)


def _scrub_id(identifier: str) -> str:
    stripped = identifier.strip()
    if _PHONE.fullmatch(stripped) and _is_phone_id(stripped):
        return _phone_only(stripped)
    return _scrub_emails(identifier)


_scrub_id_short = lru_cache(maxsize=16_384)(_scrub_id)


def _is_phone_id(text: str) -> bool:
    if _DATE.search(text) or _phone_only(text) == text:  # a date, or under 7 digits
        return False
    if not text.isdigit():
        return True  # a +, a separator or an escape: written as a phone number
    return text.startswith("0") or 10 <= len(text) <= 15


def decoded(text: str) -> str:
    """``text`` with URL escapes and HTML entities decoded and compatibility forms
    (fullwidth letters, ``＠``) folded: what a reader of the text would see.

    >>> decoded("ana%40ex&#46;com ＋１")
    'ana@ex.com +1'
    """
    if "%" in text:
        text = unquote(text)
    if "&" in text:
        text = html.unescape(text)
    return unicodedata.normalize("NFKC", text).replace("。", ".")


def _scrub_emails(text: str) -> str:
    if _has_at_sign(text):
        for _ in range(3):  # addresses glued to addresses need another pass
            cleaned = _EMAIL.sub(_email_match, text)
            if cleaned == text:
                break
            text = cleaned
    return text


def _has_at_sign(text: str) -> bool:
    """Whether an address may be in ``text``: an at-sign in any of its forms. An HTML
    body often holds ``&amp;`` or ``&nbsp;``; only an entity that is an at-sign makes
    it worth the address pattern's scan (several times the cost of this one).

    >>> _has_at_sign("Tom &amp; Jerry&nbsp;"), _has_at_sign("ana&#064;example.com")
    (False, True)
    """
    if "@" in text or "%40" in text or "＠" in text:
        return True
    return "&" in text and _AT_SIGN.search(text) is not None


_AT_SIGN = re.compile(_AT)


def _email_match(match: re.Match[str]) -> str:
    return mask_email(decoded(match.group(0)))


def _phone_match(match: re.Match[str]) -> str:
    found = match.group(0)
    if _in_identifier(match):
        return found
    if not _DATE.search(found):
        return _phone_only(found)
    # A date is no phone number, but a number may come before or after it.
    pieces, last = [], 0
    for date in _DATE.finditer(found):
        pieces += [_PHONE.sub(_phone_match, found[last : date.start()]), date.group(0)]
        last = date.end()
    pieces.append(_PHONE.sub(_phone_match, found[last:]))
    return "".join(pieces)


def _in_identifier(match: re.Match[str]) -> bool:
    """Whether the match is a bare digit run inside a hexadecimal identifier.

    >>> _in_identifier(_PHONE.search("syn_f3e8410363d35722"))
    True
    >>> _in_identifier(_PHONE.search("call 4155550100 now"))
    False
    >>> _in_identifier(_PHONE.search("glued 4155550100hi"))  # a number before a word
    False
    """
    found = match.group(0)
    if not _BARE_DIGITS.fullmatch(found):
        return False
    text, start, end = match.string, match.start(), match.end()
    left = start
    while left > max(0, start - _ALNUM_REACH) and _is_ascii_alnum(text[left - 1]):
        left -= 1
    right = end
    while right < min(len(text), end + _ALNUM_REACH) and _is_ascii_alnum(text[right]):
        right += 1
    token = text[left:right]
    return len(token) >= _HEX_ID_LENGTH and bool(_HEX_ID.fullmatch(token))


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _phone_only(found: str) -> str:
    number = _EXTENSION.split(decoded(found))[0]
    if sum(ch.isdigit() for ch in number) < 7:
        return found
    return mask_phone(number)


class ScrubbingFilter(logging.Filter):
    """A logging filter that scrubs a record's message and exception text: a log line
    never shows an e-mail address or a phone number (the 500 handler logs tracebacks,
    and exception messages may echo values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, scrub(text)
        return True
