"""PII masking (SPEC §3.6): what traces, API responses, errors, the TUI and logs show.

Three layers, all applied by one :class:`Masker` built per subject
(:func:`subject_masker`, or :func:`masker_for` from plain mappings):

1. **By name.** Values under a name listed in the workspace's ``piiAttributes`` are
   replaced (:func:`mask_attributes`), at any depth of attributes and event properties
   (``contact.email`` is an ``email`` too; dotted names reach one path): e-mail
   ``j•••@e•••.com``, phone ``•••67`` (the last two digits), names the first letter
   ``J•••``, anything else ``•••``. Which rule applies follows the name (``*email*``,
   ``*phone*``/``*mobile*``, ``*name*``).
2. **By value.** Every value found in layer 1 (strings and numbers, the leaves of
   lists and objects), and each of its word tokens of 3 or more letters or digits, is
   replaced wherever else it occurs: other attributes, nested values, event
   properties, keys, ids, rendered text, error messages. A whole value becomes its
   masked form (``Mensah Holdings`` → ``M••• Holdings``), a token ``•••``. Matching is
   case-insensitive and accepts the value URL-encoded (``%40``, ``%20``, ``+``) or
   HTML-escaped (``&#64;``, ``&nbsp;``, ``&eacute;``, ``&#39;``) character by character.
   A value or token matches as a word: not inside a longer run of letters or digits
   (``Ana`` is masked in ``usr_plain_ana`` and ``AnaSmith``, not in ``analyst``).
   An e-mail's tokens are those of its local part: its domain names a provider or an
   employer, which journeys print in their own links; the whole address, domain
   included, is masked wherever it occurs.
3. **Detectors.** :func:`~simulator.engine.detectors.scrub` masks e-mail addresses and
   phone numbers of anyone, in all the formats it lists.

The dry-run masks the template context *before* rendering (:meth:`Masker.attributes`),
so no filter (``replace``, ``reverse``, ``urlencode``, ``join``, slicing, base64) can
transform a raw value into a form the later passes miss, and masks the finished trace
again (:meth:`Masker.model`). The runtime renders the real message from raw values and
keeps a copy masked the same way.

Masked forms keep, by design, what SPEC §3.6 shows: a name's first letter, an e-mail's
first letters and top-level domain, a phone's last two digits. What masking cannot
hide: decisions. Audience rules and branch predicates run on raw values, so which path
a subject took can reveal what a value is (a rule ``lastName equals "Mensah"`` that
matched); journey content (ids, step names, template text) is shown as written.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin
from urllib.parse import quote

from pydantic import BaseModel

from simulator.engine.detectors import (
    MASK,
    ScrubbingFilter,
    mask_email,
    mask_phone,
    scrub,
    scrub_id,
)

if TYPE_CHECKING:
    from simulator.models import Subject

__all__ = [
    "MASK",
    "MASKED_DATA",
    "MASKED_ID",
    "MASKED_TEXT",
    "Masker",
    "ScrubbingFilter",
    "mask_attributes",
    "mask_email",
    "mask_name",
    "mask_phone",
    "mask_value",
    "masked_fields",
    "masker_for",
    "scrub",
    "scrub_id",
    "subject_masker",
]

M = TypeVar("M", bound=BaseModel)


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
    if len(value) <= 200:  # attribute values recur (every trace of a subject masks them)
        return _mask_text(name, value)
    return _mask_text.__wrapped__(name, value)


@lru_cache(maxsize=16_384)
def _mask_text(name: str, value: str) -> str:
    key = name.rsplit(".", 1)[-1].lower()
    if "email" in key or "e_mail" in key:
        return mask_email(value)
    if "phone" in key or "mobile" in key:
        return mask_phone(value)
    if "name" in key:
        return mask_name(value)
    return MASK


def mask_attributes(attributes: Mapping[str, Any], pii: Iterable[str]) -> dict[str, Any]:
    """A copy of ``attributes`` with every PII name masked, at any depth (a dotted name
    reaches one path).

    >>> mask_attributes({"firstName": "Ana", "plan": "pro", "home": {"address": "1 Rd"}},
    ...                 ["firstName", "home.address"])
    {'firstName': 'A•••', 'plan': 'pro', 'home': {'address': '•••'}}
    >>> mask_attributes({"contacts": [{"email": "bo@x.org"}]}, ["email"])
    {'contacts': [{'email': 'b•••@x•••.org'}]}
    """
    names = pii if isinstance(pii, frozenset) else frozenset(pii)
    return _mask_tree(attributes, names, "")


def _mask_tree(data: Mapping[str, Any], names: frozenset[str], prefix: str) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key in names or path in names:
            masked[key] = mask_value(path if path in names else key, value)
        else:
            masked[key] = _mask_child(value, names, f"{path}.")
    return masked


def _detected(value: Any, names: frozenset[str], prefix: str, seen: list[str]) -> Any:
    """``value`` with PII names masked (:func:`mask_attributes`) and every string (keys
    too) scrubbed by the detectors; what is left is appended to ``seen`` (numbers as
    text). Two keys that scrub alike keep the first one's value."""
    if isinstance(value, str):
        value = scrub(value)
        seen.append(value)
        return value
    if value is None or isinstance(value, (int, float)):  # before the ABC check below
        if value is not None and not isinstance(value, bool):
            seen.append(str(value))
        return value
    if isinstance(value, dict) or (
        not isinstance(value, list | tuple) and isinstance(value, Mapping)
    ):
        masked: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                shown = scrub(key)
                seen.append(shown)
            else:
                shown = key
            if shown in masked:
                continue
            if names:  # paths matter only when there are names to match
                if not prefix and isinstance(key, str):  # top level: the path is the key
                    if key in names:
                        masked[shown] = mask_value(key, item)
                    elif type(item) is str:  # the common leaf, without a call
                        item = scrub(item)
                        seen.append(item)
                        masked[shown] = item
                    else:
                        masked[shown] = _detected(item, names, f"{key}.", seen)
                    continue
                path = f"{prefix}{key}"
                if key in names or path in names:
                    masked[shown] = mask_value(path if path in names else key, item)
                else:
                    masked[shown] = _detected(item, names, f"{path}.", seen)
            elif isinstance(item, str):  # the common leaf, without a call
                item = scrub(item)
                seen.append(item)
                masked[shown] = item
            else:
                masked[shown] = _detected(item, names, prefix, seen)
        return masked
    if isinstance(value, list | tuple):
        return [_detected(item, names, prefix, seen) for item in value]
    return value


def _mask_child(value: Any, names: frozenset[str], prefix: str) -> Any:
    if isinstance(value, Mapping):
        return _mask_tree(value, names, prefix)
    if isinstance(value, list | tuple):
        return [_mask_child(item, names, prefix) for item in value]
    return value


# --- by value --------------------------------------------------------------------------

MASKED_TEXT = "journeysim:masked-text"
"""Annotated metadata of a model field holding free text (see :meth:`Masker.model`)."""
MASKED_DATA = "journeysim:masked-data"
"""Annotated metadata of a model field holding subject data (keys and values masked)."""
MASKED_ID = "journeysim:masked-id"
"""Annotated metadata of a model field holding a subject's identifier."""

_TOKEN = re.compile(r"[^\W_]+")
_ANCHOR = re.compile(r"[A-Za-z0-9]{3,}")
# A needle is a word: not inside a longer run of letters or digits, except at a
# camelCase seam (``kwameMensah``) or after a URL escape (``%40Mensah``).
_BEFORE = r"(?:(?<![^\W_])|(?<=%[0-9A-Fa-f]{2})|(?<=[a-z0-9])(?=[A-Z]))"
_AFTER = r"(?:(?![^\W_])|(?<=[a-z0-9])(?=[A-Z]))"
# ``_BEFORE`` checked one character later, behind a needle's first character when that
# is an ASCII letter or digit (one character wide, whatever its case): the same matches,
# but a needle then starts with a literal, which fails at once where the text does not
# hold it instead of trying three lookbehinds at every position (3 to 5 times faster).
_BEFORE_FIRST = r"(?:(?<![^\W_][\s\S])|(?<=%[0-9A-Fa-f]{2}[\s\S])|(?<=[a-z0-9][A-Z]))"
_SPACE = r"(?:[\s\u00a0\u202f]|\+|%20|%C2%A0|&nbsp;|&\#0*(?:32|160);|&\#x0*(?:20|a0);)+"
_EXTRA_FORMS = {"@": ("＠", "&commat;"), ".": ("．", "。", "&period;"), "'": ("&apos;",)}


@dataclass(frozen=True, slots=True)
class _Needle:
    text: str
    """The raw value or token, as found."""
    replacement: str
    anchor: str | None
    """The longest ASCII run of letters and digits, lowercased: any form of the needle
    (URL-encoded, escaped) contains it, so text without it cannot match."""


@dataclass(frozen=True, slots=True, eq=False)
class Masker:
    """Masks one subject's PII on every surface; build it with :func:`subject_masker`.

    >>> m = masker_for(["lastName", "email"], {"lastName": "Mensah",
    ...                "email": "kwame.mensah@example.org", "company": "Mensah Ltd"})
    >>> m.text("ref KWAME.MENSAH%40EXAMPLE.ORG, mensah_corp, or call +44 7700 900123")
    'ref K•••@E•••.ORG, M•••_corp, or call •••23'
    >>> m.text("Kwame&nbsp;Mensah, kwame%2Emensah, kwame.mensah@example.org")
    '•••&nbsp;M•••, •••%2EM•••, k•••@e•••.org'
    >>> m.attributes({"lastName": "Mensah", "company": "Mensah Ltd", "Mensah": 1})
    {'lastName': 'M•••', 'company': 'M••• Ltd', 'M•••': 1}
    >>> m.identifier("kwame-42"), m.identifier("+44 7700 900123")
    ('•••-42', '•••23')
    """

    pii: frozenset[str]
    needles: tuple[_Needle, ...] = ()
    _texts: tuple[str, ...] = field(default=(), repr=False)
    """The needles' texts: the key of their pattern (:attr:`_pattern`)."""
    _checks: tuple[_Check, ...] = field(default=(), repr=False)
    """The pre-check: which needles may occur in a text (see :meth:`_found`)."""
    _unanchored: tuple[int, ...] = field(default=(), repr=False)
    """The needles without an anchor: every text may hold them."""
    _narrows: bool = field(default=True, repr=False)
    """Whether a text is searched with the pattern of only the needles that may occur
    in it (:meth:`_within`); ``False`` for a masker that is such a narrowing."""
    _words: bool = field(default=False, repr=False)
    """Every needle is ASCII letters and digits (a name, a token, a number): an ASCII
    text is searched without the pattern (:func:`_sub_words`)."""

    @property
    def _pattern(self) -> re.Pattern[str]:
        """The needles' pattern, compiled when a text first needs it (and kept by
        :func:`_compile`): compiling costs more than several traces (~0.3 ms a needle,
        twice that for an e-mail address), and many subjects' traces never need it."""
        return _compile(self._texts)

    # --- strings

    def text(self, text: str) -> str:
        """Free text masked: any e-mail address or phone number, then the subject's
        values (detectors first: a token masked inside an address would hide the
        address from them)."""
        return self.by_value(scrub(text))

    def identifier(self, identifier: str) -> str:
        """An id masked: as a whole when it is an e-mail address or a phone number
        (:func:`~simulator.engine.detectors.scrub_id`), then the subject's values in it."""
        return self.by_value(scrub_id(identifier))

    def by_value(self, text: str) -> str:
        """``text`` with the subject's values and tokens replaced (no detectors)."""
        found = self._found(text)
        return self._within(found)._substitute(text) if found else text

    # --- data

    def attributes(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Subject data (attributes or event properties) as every surface shows it and
        as dry-run templates see it: PII names masked, then :meth:`data`."""
        return self._masked(data, self.pii)

    def data(self, value: Any) -> Any:
        """``value`` with every string in it masked as :meth:`text`, keys included (two
        keys that mask alike keep the first one's value); a number whose digits are a
        value of the subject becomes ``•••``."""
        return self._masked(value, frozenset())

    def _masked(self, value: Any, names: frozenset[str]) -> Any:
        # One walk masks names and runs the detectors, collecting what it leaves; the
        # by-value walk runs only when the pre-check finds a needle may be there.
        seen: list[str] = []
        value = _detected(value, names, "", seen)
        found = self._found("\n".join(seen)) if self.needles else ()
        return self._within(found)._by_value_data(value) if found else value

    def _by_value_data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._substitute(value)
        if isinstance(value, Mapping):
            masked: dict[Any, Any] = {}
            for key, item in value.items():
                shown = self._by_value_data(key) if isinstance(key, str) else key
                if shown not in masked:
                    masked[shown] = self._by_value_data(item)
            return masked
        if isinstance(value, list):
            return [self._by_value_data(item) for item in value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            digits = str(value)
            return MASK if self._substitute(digits) != digits else value
        return value

    # --- models

    def model(self, model: M) -> M:
        """A copy of ``model`` (a trace or any part of one) with the fields marked
        :data:`MASKED_TEXT`, :data:`MASKED_DATA` or :data:`MASKED_ID` masked, in nested
        models too; ``model`` itself when nothing changes."""
        if not self.needles:
            return model
        found = self._found("\n".join(_model_strings(model, [])))
        return _masked_model(model, self._within(found)) if found else model

    # --- internals

    def _found(self, text: str) -> tuple[int, ...]:
        """The indices of the needles that may occur in ``text`` (a needle that does is
        never left out): the needles without an anchor, and those whose anchor occurs
        where the needle could start or end a word and whose other runs of 3 or more
        ASCII letters and digits occur too (every form of a needle writes them as they
        are: ``example`` of an address, which an id holding the first name lacks).
        ``bytes.find`` on the ASCII-lowered UTF-8 text is far faster than the needles'
        pattern (and than ``str.lower``), and most texts hold none."""
        if not self._checks:
            return self._unanchored
        raw = text.encode("utf-8", "surrogatepass")
        lowered = raw.lower()
        found = list(self._unanchored)
        for anchor, starts, ends, members in self._checks:
            at = lowered.find(anchor)
            while at >= 0:
                if (not starts or _word_starts(raw, at)) and (
                    not ends or _word_ends(raw, at + len(anchor))
                ):
                    found += [i for i, runs in members if all(run in lowered for run in runs)]
                    break
                at = lowered.find(anchor, at + 1)
        return tuple(found)

    def _within(self, found: tuple[int, ...]) -> Masker:
        """The masker of only the ``found`` needles (this one when that is all of
        them), which masks a text holding no other needle exactly as this one does:
        its pattern is this one's without alternatives that cannot match there, in the
        same order. A subject's id that holds its first name then compiles the
        name's needles, not the subject's every value."""
        if not self._narrows or len(found) == len(self.needles):
            return self
        return _narrowed(self, tuple(sorted(found)))

    def _substitute(self, text: str) -> str:
        if self._words and text.isascii():
            return _sub_words(self.needles, text)
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        return self.needles[(match.lastindex or 1) - 1].replacement


def masker_for(pii: Iterable[str], *sources: Mapping[str, Any]) -> Masker:
    """The masker of the PII values found under ``pii`` names in ``sources`` (a
    subject's attributes, its events' properties...).

    >>> masker_for(["firstName"], {"firstName": "Ana"}).text("Ana, Banana, ANA_x")
    'A•••, Banana, A•••_x'
    """
    names = pii if isinstance(pii, frozenset) else frozenset(pii)
    found: list[tuple[str, str, bool]] = []
    if names:
        for source in sources:
            if source:
                _pii_values(source, names, "", found)
    return _masker(names, tuple(dict.fromkeys(found)))


def subject_masker(subject: Subject, pii: Iterable[str], *more: Mapping[str, Any]) -> Masker:
    """The masker of ``subject``: the PII values of its attributes, of its events'
    properties (scripted future events too) and of ``more`` (a trigger event's)."""
    sources: list[Mapping[str, Any]] = [subject.attributes]
    sources += [event.properties for event in subject.events]
    sources += [event.properties for event in subject.future_events]
    return masker_for(pii, *sources, *more)


def _pii_values(
    data: Mapping[str, Any], names: frozenset[str], prefix: str, out: list[tuple[str, str, bool]]
) -> None:
    """Append ``(name, text, is text)`` for every leaf under a PII name in ``data`` (a
    dotted path names one leaf before its key names all of that key). Every subject's
    attributes and events go through this once per trace: the top level, where the
    path is the key, asks once, and scalars are told by a tuple, not a union."""
    for key, value in data.items():
        if prefix:
            path = f"{prefix}{key}"
            if path in names:
                _leaves(path, value, out)
                continue
        else:
            path = key
        if key in names:
            _leaves(key, value, out)
        elif value is None or isinstance(value, (str, int, float)):
            continue  # a leaf under another name (most values): no ABC check
        elif isinstance(value, Mapping):
            _pii_values(value, names, f"{path}.", out)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, Mapping):
                    _pii_values(item, names, f"{path}.", out)


def _leaves(name: str, value: Any, out: list[tuple[str, str, bool]]) -> None:
    if isinstance(value, str):
        out.append((name, value, True))
    elif isinstance(value, Mapping):
        for item in value.values():
            _leaves(name, item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _leaves(name, item, out)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.append((name, str(value), False))


@lru_cache(maxsize=4096)
def _masker(names: frozenset[str], leaves: tuple[tuple[str, str, bool], ...]) -> Masker:
    needles: dict[str, _Needle] = {}  # the first needle of a text, whatever its case
    for name, text, is_text in leaves:
        whole = text.strip()
        if len(whole) >= 3 and whole.lower() not in needles:
            shown = mask_value(name, whole) if is_text else MASK
            needles[whole.lower()] = _Needle(whole, shown, _anchor(whole))
    for name, text, _ in leaves:
        for token in _tokens(name, text.strip()):
            if token.lower() not in needles:
                needles[token.lower()] = _Needle(token, MASK, _anchor(token))
    if not needles:
        return Masker(names)
    ordered = tuple(sorted(needles.values(), key=lambda n: (-len(n.text), n.text)))
    return Masker(
        names,
        ordered,
        tuple(n.text for n in ordered),
        _checks_of(ordered),
        tuple(i for i, needle in enumerate(ordered) if needle.anchor is None),
        _words=_all_words(ordered),
    )


def _all_words(needles: Iterable[_Needle]) -> bool:
    return all(needle.text.isascii() and needle.text.isalnum() for needle in needles)


_Check = tuple[bytes, bool, bool, tuple[tuple[int, tuple[bytes, ...]], ...]]
"""``(anchor, starts a word, ends a word, needles)``: where ``anchor`` occurs (at a
word start, at a word end, as the flags ask), the ``needles`` may occur, each given as
``(index, runs)``: the needle occurs only where its other ``runs`` occur too."""


def _checks_of(needles: tuple[_Needle, ...]) -> tuple[_Check, ...]:
    """The pre-check of ``needles``: per anchor, the weakest of its needles' checks
    (:func:`_weakest`), each with the needles whose own check it accepts (every
    anchored needle under one)."""
    groups: dict[bytes, list[tuple[int, bool, bool]]] = {}
    for index, needle in enumerate(needles):
        if needle.anchor is not None:
            anchor, starts, ends = _anchor_check(needle)
            groups.setdefault(anchor, []).append((index, starts, ends))
    checks: list[_Check] = []
    for anchor, group in groups.items():
        kept: dict[tuple[bool, bool], list] = {
            flags: [] for flags in _weakest({(starts, ends) for _, starts, ends in group})
        }
        for index, starts, ends in group:
            weaker = next(f for f in kept if f[0] <= starts and f[1] <= ends)
            kept[weaker].append((index, _other_runs(needles[index])))
        checks += [(anchor, starts, ends, tuple(m)) for (starts, ends), m in kept.items()]
    return tuple(checks)


def _other_runs(needle: _Needle) -> tuple[bytes, ...]:
    """The needle's runs of 3 or more ASCII letters and digits but its anchor, lowered.

    >>> _other_runs(_Needle("ana.ribeiro@example.com", "", "ribeiro"))
    (b'ana', b'example', b'com')
    """
    runs = dict.fromkeys(run.lower().encode() for run in _ANCHOR.findall(needle.text))
    runs.pop((needle.anchor or "").encode(), None)
    return tuple(runs)


def _weakest(flags: set[tuple[bool, bool]]) -> list[tuple[bool, bool]]:
    """The ``(starts a word, ends a word)`` checks of one anchor without those another
    one subsumes (it asks for fewer word boundaries, so it accepts every occurrence
    they accept): ``ribeiro`` anywhere makes ``ribeiro`` as a word redundant.

    >>> _weakest({(True, True), (False, True), (True, False)})
    [(False, True), (True, False)]
    """
    return sorted(
        flag
        for flag in flags
        if not any(other != flag and other[0] <= flag[0] and other[1] <= flag[1] for other in flags)
    )


@lru_cache(maxsize=4096)
def _narrowed(masker: Masker, found: tuple[int, ...]) -> Masker:
    """The masker of the ``found`` needles of ``masker`` (see :meth:`Masker._within`)."""
    renumbered = {old: new for new, old in enumerate(found)}
    checks = []
    for anchor, starts, ends, members in masker._checks:
        kept = tuple((renumbered[i], runs) for i, runs in members if i in renumbered)
        if kept:
            checks.append((anchor, starts, ends, kept))
    needles = tuple(masker.needles[i] for i in found)
    return Masker(
        masker.pii,
        needles,
        tuple(masker._texts[i] for i in found),
        tuple(checks),
        tuple(renumbered[i] for i in masker._unanchored if i in renumbered),
        _narrows=False,
        _words=_all_words(needles),
    )


def _tokens(name: str, text: str) -> list[str]:
    local, at, domain = text.rpartition("@")
    if at and local and "." in domain:
        text = local  # an e-mail's tokens are those of its local part
    return [token for token in _TOKEN.findall(text) if len(token) >= 3]


def _anchor(text: str) -> str | None:
    """The needle's longest ASCII run, from an e-mail's local part when it has one (the
    domain, ``example``, is in every journey's links: a poor pre-check)."""
    local, at, _ = text.rpartition("@")
    runs = _ANCHOR.findall(local) if at else []
    runs = runs or _ANCHOR.findall(text)
    return max(runs, key=len).lower() if runs else None


def _anchor_check(needle: _Needle) -> tuple[bytes, bool, bool]:
    """The anchor and whether the needle's word boundaries fall on its ends."""
    anchor, lowered = needle.anchor or "", needle.text.lower()
    return anchor.encode(), lowered.startswith(anchor), lowered.endswith(anchor)


def _word_starts(raw: bytes, at: int) -> bool:
    """A loose form of the patterns' word start on UTF-8 bytes (it may say yes more
    often, never less: a non-ASCII neighbour counts as a boundary). Bytes are looked up
    as ints in sets rather than sliced and asked (``isalnum``): a pre-check that hits
    a common anchor (``ana`` in ``Analytics``) asks this for every occurrence."""
    return (
        at == 0
        or raw[at - 1] not in _ALNUM
        or raw[at] in _UPPER
        or (at >= 3 and raw[at - 3] == _PERCENT)
    )


def _word_ends(raw: bytes, end: int) -> bool:
    """The loose word end: the text ends, or the next byte is no lowercase letter or
    digit (an uppercase one starts the next camelCase word)."""
    return end >= len(raw) or raw[end] not in _LOWER_OR_DIGIT


_UPPER = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER_OR_DIGIT = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_ALNUM = _UPPER | _LOWER_OR_DIGIT
_PERCENT = ord("%")


@lru_cache(maxsize=4096)
def _compile(texts: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(_alternative, texts)))


def _sub_words(needles: tuple[_Needle, ...], text: str) -> str:
    """What the pattern of ``needles`` (all ASCII letters and digits) does to ``text``
    (ASCII), without compiling it: compiling costs ~0.3 ms a needle, and a new
    subject's id holding its first name needs only that name. A needle of letters and
    digits has no other form than its case, so its matches are its case-insensitive
    occurrences where :data:`_BEFORE` and :data:`_AFTER` hold; the pattern takes, from
    left to right, the occurrence that starts first (the needle first in ``needles``,
    the longest, when two start together), and goes on after its end.

    >>> ana = _Needle("Ana", "A•••", "ana")
    >>> _sub_words((ana,), "usr_ana, Banana, kwameAna, %40ana, ANA2")
    'usr_A•••, Banana, kwameA•••, %40A•••, ANA2'
    """
    lowered = text.lower()  # an ASCII text: the same length, the same positions
    found: list[tuple[int, int, int]] = []  # (start, needle, end)
    for index, needle in enumerate(needles):
        word = needle.text.lower()
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if _starts_word(text, at) and _ends_word(text, end):
                found.append((at, index, end))
            at = lowered.find(word, at + 1)
    if not found:
        return text
    found.sort()
    parts: list[str] = []
    done = 0
    for start, index, end in found:
        if start >= done:
            parts += [text[done:start], needles[index].replacement]
            done = end
    parts.append(text[done:])
    return "".join(parts)


_HEX = frozenset("0123456789abcdefABCDEF")


def _starts_word(text: str, at: int) -> bool:
    """:data:`_BEFORE` at ``at`` in an ASCII text."""
    if at == 0 or not text[at - 1].isalnum():
        return True
    if at >= 3 and text[at - 3] == "%" and text[at - 2] in _HEX and text[at - 1] in _HEX:
        return True
    before, first = text[at - 1], text[at]
    return (before.islower() or before.isdigit()) and first.isupper()


def _ends_word(text: str, end: int) -> bool:
    """:data:`_AFTER` at ``end`` in an ASCII text."""
    if end == len(text) or not text[end].isalnum():
        return True
    last = text[end - 1]
    return (last.islower() or last.isdigit()) and text[end].isupper()


def _alternative(text: str) -> str:
    """The group matching ``text`` as a word (see ``_BEFORE_FIRST``).

    >>> re.findall(_alternative("ana"), "Ana usr_ana banana kwameAna")
    ['Ana', 'ana', 'Ana']
    """
    first = text[0]
    after = _AFTER if text[-1].isalnum() else ""
    if first.isascii() and first.isalnum():
        return f"((?i:{first}){_BEFORE_FIRST}(?i:{_forms(text[1:])}){after})"
    before = _BEFORE if first.isalnum() else ""
    return f"({before}(?i:{_forms(text)}){after})"


def _forms(text: str) -> str:
    """A pattern matching ``text`` plain, URL-encoded or HTML-escaped, char by char."""
    parts: list[str] = []
    for char in text:
        if char.isspace():
            if not parts or parts[-1] != _SPACE:
                parts.append(_SPACE)
        elif char.isascii() and char.isalnum():
            parts.append(char)
        else:
            parts.append(_char_forms(char))
    return "".join(parts)


@lru_cache(maxsize=1024)
def _char_forms(char: str) -> str:
    point = ord(char)
    forms = [re.escape(char), re.escape(quote(char, safe="")), rf"&\#0*{point};"]
    forms.append(rf"&\#x0*{point:x};")
    named = html.entities.codepoint2name.get(point)
    if named:
        forms.append(f"&{named};")
    forms.extend(re.escape(extra) for extra in _EXTRA_FORMS.get(char, ()))
    return "(?:" + "|".join(dict.fromkeys(forms)) + ")"


# --- models ----------------------------------------------------------------------------


def _model_strings(model: BaseModel, out: list[str]) -> list[str]:
    """Every string :func:`_masked_model` would look at, appended to ``out`` (keys and
    numbers of data too)."""
    _collector(type(model))(model, out)
    return out


@lru_cache(maxsize=256)
def _collector(cls: type[BaseModel]) -> Any:
    """``collect(model, out)`` for ``cls``: :func:`_model_strings` written out for its
    fields, with the fields of nested models (and of the models in lists) written out
    in place: a trace has some twenty parts, and a call per part cost more than the
    check the strings feed. A nested value of another class than its field names (a
    subclass) goes through its own collector, as does a model nested in itself."""
    classes: dict[type, str] = {}
    body = _collect_lines(cls, "model", "    ", 0, (cls,), classes)
    namespace: dict[str, Any] = {"_collect_data": _collect_data, "_collector": _collector}
    namespace.update({name: model_cls for model_cls, name in classes.items()})
    exec("\n".join(["def collect(model, out):", *body]), namespace)  # made from field names
    return namespace["collect"]


def _collect_lines(
    cls: type[BaseModel],
    var: str,
    pad: str,
    depth: int,
    stack: tuple[type, ...],
    classes: dict[type, str],
) -> list[str]:
    """The lines, indented by ``pad``, that collect the strings of the ``cls`` model in
    ``var`` (``depth`` keeps the names of nested models' variables apart)."""
    values, value = f"values{depth}", f"value{depth}"
    lines = [f"{pad}{values} = {var}.__dict__"]
    for name, how in _plan(cls):
        lines += [f"{pad}{value} = {values}[{name!r}]", f"{pad}if {value} is not None:"]
        inner = pad + "    "
        if how in ((MASKED_TEXT,), (MASKED_ID,)):
            lines.append(f"{inner}out.append({value})")
        elif how == (MASKED_DATA,):
            lines.append(f"{inner}_collect_data({value}, out)")
        elif how[0] == "list" and how[1] in (MASKED_TEXT, MASKED_ID):
            lines.append(f"{inner}out.extend({value})")
        elif how[0] == "list" and how[1] == MASKED_DATA:
            lines += [f"{inner}for item in {value}:", f"{inner}    _collect_data(item, out)"]
        else:  # a model, or a list of models
            nested, target = _model_of(cls.model_fields[name].annotation), value
            if how[0] == "list":
                target = f"item{depth}"
                lines.append(f"{inner}for {target} in {value}:")
                inner += "    "
            lines += _nested_lines(nested, target, inner, depth + 1, stack, classes)
    return lines


_INLINED_DEPTH = 4
"""Models nested deeper are collected by call (a trace's leaves are at depth 4), which
keeps the written-out code within Python's 20 nested blocks whatever the model."""


def _nested_lines(
    cls: type[BaseModel] | None,
    var: str,
    pad: str,
    depth: int,
    stack: tuple[type, ...],
    classes: dict[type, str],
) -> list[str]:
    """Collect the nested model in ``var``: in place when it is of its field's class
    ``cls``, else through its own collector."""
    call = f"_collector(type({var}))({var}, out)"
    if cls is None or cls in stack or depth > _INLINED_DEPTH:
        return [pad + call]
    name = classes.setdefault(cls, f"_model{len(classes)}")
    return [
        f"{pad}if type({var}) is {name}:",
        *_collect_lines(cls, var, pad + "    ", depth, (*stack, cls), classes),
        f"{pad}else:",
        f"{pad}    {call}",
    ]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``annotation`` (``list[X]``, ``X | None``, annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated or origin is list:
        return _model_of(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        found = [_model_of(arg) for arg in get_args(annotation) if arg is not type(None)]
        return found[0] if len(found) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _collect_data(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict) or (
        not isinstance(value, list | tuple) and isinstance(value, Mapping)
    ):
        for key, item in value.items():
            out.append(key if isinstance(key, str) else str(key))
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, (int, float)):  # numbers and booleans, without a call
                out.append(str(item))
            elif item is not None:
                _collect_data(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_data(item, out)
    elif value is not None:
        out.append(str(value))


def _masked_model(model: M, masker: Masker) -> M:
    changes: dict[str, Any] = {}
    for name, how in _plan(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        masked = _apply(how, value, masker)
        if masked is not value and masked != value:
            changes[name] = masked
    return model.model_copy(update=changes) if changes else model


def _apply(how: tuple[str, ...], value: Any, masker: Masker) -> Any:
    kind, rest = how[0], how[1:]
    if kind == "list":
        return [_apply(rest, item, masker) for item in value]
    if kind == MASKED_TEXT:
        return masker.text(value)
    if kind == MASKED_DATA:
        return masker.data(value)
    if kind == MASKED_ID:
        return masker.identifier(value)
    return _masked_model(value, masker)


_PLANNING: set[type] = set()


def masked_fields(cls: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The fields of ``cls`` that hold text, data or ids to mask, and how: ``(name,
    how)`` with ``how`` such as ``(MASKED_TEXT,)``, ``("list", MASKED_TEXT)`` or
    ``("model",)`` (a nested model with such fields)."""
    return _plan(cls)


@lru_cache(maxsize=256)
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The fields of ``cls`` to mask and how (``("list", "model")`` for a list of
    models); models with nothing to mask, however deep, are left out."""
    _PLANNING.add(cls)
    try:
        plan = []
        for name, info in cls.model_fields.items():
            how = _how(info.annotation, tuple(info.metadata))
            if how is not None:
                plan.append((name, how))
        return tuple(plan)
    finally:
        _PLANNING.discard(cls)


def _how(annotation: Any, metadata: tuple[Any, ...] = ()) -> tuple[str, ...] | None:
    for marker in (MASKED_TEXT, MASKED_DATA, MASKED_ID):
        if marker in metadata:
            return (marker,)
    origin = get_origin(annotation)
    if origin is Annotated:
        return _how(get_args(annotation)[0], tuple(annotation.__metadata__))
    if origin is Union or origin is UnionType:
        for arg in get_args(annotation):
            if arg is not type(None):
                found = _how(arg)
                if found is not None:
                    return found
        return None
    if origin is list:
        inner = _how(get_args(annotation)[0])
        return ("list", *inner) if inner is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model",) if annotation in _PLANNING or _plan(annotation) else None
    return None
