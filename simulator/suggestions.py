"""``(did you mean 'x'?)`` for a name that is not among the known ones.

One rule for every "unknown id" message (steps, communications, segments, trigger
contracts, subjects, journeys, template variables): the closest known name by
:func:`difflib.get_close_matches` at its default cutoff of 0.6, or nothing when no
name is close. Each call scans the known names once, so callers that may report
thousands of unknown names limit how many get a suggestion.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from difflib import get_close_matches

__all__ = ["absent", "closest", "did_you_mean"]


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name``, or ``None`` when none is close.

    >>> closest("comm-welcom", ["comm-welcome", "comm-reset"])
    'comm-welcome'
    >>> closest("zzz", ["comm-welcome"]) is None
    True
    """
    found = get_close_matches(name, sorted(known), n=1)
    return found[0] if found else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` to append to a message, or ``""``.

    >>> did_you_mean("usr_ana", ["usr_anna", "usr_bob"])
    " (did you mean 'usr_anna'?)"
    >>> did_you_mean("x", [])
    ''
    """
    found = closest(name, known)
    return f" (did you mean {found!r}?)" if found else ""


def absent(document_id: str, known: Collection[str], invalid: Mapping[str, str]) -> str:
    """The end of a message about a reference to ``document_id``, not among ``known``.

    >>> absent("seg-a", ["seg-b"], {})
    ", which does not exist (did you mean 'seg-b'?)"
    >>> absent("seg-a", ["seg-b"], {"seg-a": "segments/seg-a.json"})
    ', whose file segments/seg-a.json does not validate (its errors are reported there)'
    """
    file = invalid.get(document_id)
    if file is not None:
        return f", whose file {file} does not validate (its errors are reported there)"
    return ", which does not exist" + did_you_mean(document_id, known)
