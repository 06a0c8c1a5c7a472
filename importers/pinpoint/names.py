"""Names: step ids from activity ids, and journeysim attribute names from Pinpoint's.

Attribute mapping (the same for templates and for conditions):

====================================================  ==========================
Pinpoint                                              journeysim
====================================================  ==========================
``User.UserAttributes.FirstName`` (``.[0]``)           ``firstName``
``Attributes.favorite_color``                          ``favoriteColor``
``Metrics.visits``, ``Demographic.Platform``,          ``visits``, ``platform``,
``Location.PostalCode``                                ``postalCode``
``User.UserId``                                        ``endUserId``
``Address``                                            ``email`` / ``phone`` / ``pushToken``
``Id``, ``ChannelType``, ``OptOut``, ...               ``endpointId``, ``channelType``, ...
====================================================  ==========================

The last name segment becomes camelCase (``Last Name`` → ``lastName``,
``ZIP_CODE`` → ``zipCode``). A result Jinja2 cannot use as a variable gets a prefix
(``2fa`` → ``attr2fa``) or a trailing underscore (``range`` → ``range_``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

__all__ = [
    "ADDRESS_ATTRIBUTE",
    "StepIds",
    "attribute_name",
    "camel",
    "journey_id",
    "slug",
]

_WORDS = re.compile(r"[A-Za-z0-9]+")
_RESERVED = frozenset(
    {
        "true", "false", "none", "and", "or", "not", "in", "is", "if", "else", "for",
        "loop", "self", "caller", "varargs", "kwargs", "range", "dict", "lipsum",
        "cycler", "joiner", "namespace", "super", "block",
    }
)  # fmt: skip
_SPECIAL = {"UserId": "endUserId", "Id": "endpointId"}
ADDRESS_ATTRIBUTE = {"email": "email", "sms": "phone", "push": "pushToken"}
"""What ``Address`` (the endpoint address) means in a template, by channel."""


def camel(name: str) -> str:
    """A Pinpoint attribute name as a journeysim (and Jinja2) variable name.

    >>> [camel(n) for n in ["FirstName", "Last Name", "ZIP_CODE", "UserID", "2fa", "range", ""]]
    ['firstName', 'lastName', 'zipCode', 'userID', 'attr2fa', 'range_', 'attr']
    """
    words = [w.lower() if w.isupper() and len(w) > 1 else w for w in _WORDS.findall(name)]
    if not words:
        return "attr"
    head = words[0][:1].lower() + words[0][1:]
    result = head + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if result[0].isdigit():
        result = "attr" + result
    if result in _RESERVED or keyword.iskeyword(result):
        result += "_"
    return result


def attribute_name(root: str, name: str | None = None, channel: str = "email") -> str:
    """The journeysim attribute for a Pinpoint variable ``root`` (``.name``).

    >>> attribute_name("User", "UserId"), attribute_name("Attributes", "plan_tier")
    ('endUserId', 'planTier')
    >>> attribute_name("Address", channel="sms"), attribute_name("ChannelType")
    ('phone', 'channelType')
    """
    if root == "Address":
        return ADDRESS_ATTRIBUTE.get(channel, "address")
    if name is None:
        return _SPECIAL.get(root, camel(root))
    return _SPECIAL.get(name, camel(name)) if root == "User" else camel(name)


def slug(text: str, fallback: str = "item") -> str:
    """A lowercase id fragment: letters, digits and single dashes.

    >>> slug("Welcome Email (v2)!"), slug("WelcomeEmail"), slug("???")
    ('welcome-email-v2', 'welcome-email', 'item')
    """
    words = _WORDS.findall(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text).lower())
    return "-".join(words)[:60].strip("-") or fallback


def journey_id(pinpoint_id: str | None, name: str | None, taken: Iterable[str]) -> str:
    """A journeysim journey id: the Pinpoint id when it fits, else a slug of the name.

    >>> journey_id("b7a9c0d1e2", "Welcome", []), journey_id(None, "Welcome flow", ["welcome-flow"])
    ('b7a9c0d1e2', 'welcome-flow-2')
    """
    used = set(taken)
    base = (
        pinpoint_id
        if pinpoint_id and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}", pinpoint_id)
        else None
    )
    base = base or slug(name or "", "pinpoint-journey")
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class StepIds:
    """Assigns unique step ids matching ``^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$``.

    >>> ids = StepIds()
    >>> ids.take("welcome email"), ids.take("welcome/email"), ids.take("_"), ids.take("a" * 80)[-3:]
    ('welcome-email', 'welcome-email-2', 'step', 'aaa')
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "-", wanted)
        base = re.sub(r"^[^A-Za-z0-9]+", "", base)[:64] or "step"
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            suffix = f"-{n}"
            candidate = base[: 64 - len(suffix)] + suffix
        self._used.add(candidate)
        return candidate
