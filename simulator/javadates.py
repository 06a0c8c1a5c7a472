"""Java ``SimpleDateFormat`` patterns, which Pinpoint's ``dateFormat`` and ``now`` helpers use.

:func:`format_java` formats a datetime with such a pattern (``"EEEE, MMMM d, yyyy"``);
:func:`parse_java` parses text with one (``"MM/dd/yyyy"``). Letters journeysim does not
know are copied through; quoted text (``'at'``) is literal, ``''`` is a quote.
"""

from __future__ import annotations

import re
from datetime import datetime

__all__ = ["NAMED_FORMATS", "format_java", "parse_java"]

NAMED_FORMATS = {
    "full": "EEEE, MMMM d, yyyy",
    "long": "MMMM d, yyyy",
    "medium": "MMM d, yyyy",
    "short": "M/d/yy",
}
"""Pinpoint's named date styles, as patterns."""

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.DOTALL)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_java(moment: datetime, pattern: str) -> str:
    """``moment`` formatted with a SimpleDateFormat pattern.

    >>> format_java(datetime(2020, 9, 19, 14, 5), "EEEE, MMMM d, yyyy 'at' h:mm a")
    'Saturday, September 19, 2020 at 2:05 PM'
    >>> format_java(datetime(2020, 9, 19), NAMED_FORMATS["short"])
    '9/19/20'
    """
    return "".join(_format_token(moment, token) for token in _tokens(pattern))


def parse_java(text: str, pattern: str) -> datetime:
    """Parse ``text`` with a SimpleDateFormat pattern (``ValueError`` when it does not fit).

    >>> parse_java("09/19/2020", "MM/dd/yyyy")
    datetime.datetime(2020, 9, 19, 0, 0)
    """
    return datetime.strptime(text, "".join(_strptime(t) for t in _tokens(pattern)))


def _tokens(pattern: str) -> list[str]:
    return [match.group(0) for match in _TOKEN.finditer(pattern)]


def _literal(token: str) -> str | None:
    if token.startswith("'"):
        return "'" if token == "''" else token[1:-1].replace("''", "'")
    return token if not token[0].isalpha() else None


def _format_token(moment: datetime, token: str) -> str:
    literal = _literal(token)
    if literal is not None:
        return literal
    letter, n = token[0], len(token)
    hour12 = moment.hour % 12 or 12
    numbers = {
        "d": moment.day,
        "H": moment.hour,
        "k": moment.hour or 24,
        "K": moment.hour % 12,
        "h": hour12,
        "m": moment.minute,
        "s": moment.second,
        "D": moment.timetuple().tm_yday,
        "u": moment.isoweekday(),
    }
    if letter in numbers:
        return str(numbers[letter]).zfill(n)
    if letter == "y":
        return f"{moment.year % 100:02d}" if n == 2 else str(moment.year).zfill(n)
    if letter == "M":
        name = _MONTHS[moment.month - 1]
        return str(moment.month).zfill(n) if n <= 2 else name[:3] if n == 3 else name
    if letter == "E":
        name = _DAYS[moment.weekday()]
        return name if n >= 4 else name[:3]
    if letter == "S":
        return str(moment.microsecond // 1000).zfill(n)
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    return _zone(moment, letter, n) if letter in "zZX" else token


def _zone(moment: datetime, letter: str, n: int) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if letter == "z":
        return moment.tzname() or ""
    minutes = int(offset.total_seconds() // 60)
    if letter == "X" and minutes == 0:
        return "Z"
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    hh, mm = divmod(minutes, 60)
    if letter == "X" and n == 1:
        return f"{sign}{hh:02d}"
    return f"{sign}{hh:02d}:{mm:02d}" if letter == "X" and n >= 3 else f"{sign}{hh:02d}{mm:02d}"


_STRPTIME = {
    "y": "%Y",
    "d": "%d",
    "H": "%H",
    "h": "%I",
    "m": "%M",
    "s": "%S",
    "a": "%p",
    "Z": "%z",
    "X": "%z",
}


def _strptime(token: str) -> str:
    literal = _literal(token)
    if literal is not None:
        return literal.replace("%", "%%")
    letter, n = token[0], len(token)
    if letter == "y" and n == 2:
        return "%y"
    if letter == "M":
        return "%m" if n <= 2 else "%b" if n == 3 else "%B"
    if letter == "E":
        return "%a" if n <= 3 else "%A"
    if letter == "S":
        return "%f"
    return _STRPTIME.get(letter, token.replace("%", "%%"))
