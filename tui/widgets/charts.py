"""Bars, interval bars and sparklines as text, for the runtime screen. Pure.

Each returns a plain string of block characters, so a test can read it and a screen
can colour it.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["bar", "interval_bar", "sparkline"]

_BLOCKS = "▁▂▃▄▅▆▇█"


def bar(value: float, maximum: float, width: int = 20) -> str:
    """``value`` out of ``maximum`` as a bar ``width`` cells long.

    >>> bar(5, 10, 10), bar(0, 0, 4), bar(10, 10, 4)
    ('█████     ', '    ', '████')
    """
    if maximum <= 0 or value <= 0:
        return " " * width
    filled = max(1, round(width * min(value, maximum) / maximum))
    return "█" * filled + " " * (width - filled)


def interval_bar(low: float, high: float, width: int = 20, scale: float = 1.0) -> str:
    """An interval of ``[0, scale]`` drawn where it lies: ``─`` for the interval.

    >>> interval_bar(0.25, 0.5, 8)
    '  ──    '
    >>> interval_bar(0.1, 0.2, 8, scale=0.2)
    '    ────'
    """
    if scale <= 0:
        return " " * width
    start = min(width - 1, max(0, int(width * low / scale)))
    end = min(width, max(start + 1, round(width * high / scale)))
    return " " * start + "─" * (end - start) + " " * (width - end)


def sparkline(values: Sequence[float]) -> str:
    """One block per value, scaled to the largest.

    >>> sparkline([0, 1, 2, 4])
    '▁▃▅█'
    >>> sparkline([0, 0])
    '▁▁'
    """
    top = max(values, default=0)
    if top <= 0:
        return _BLOCKS[0] * len(values)
    return "".join(_BLOCKS[min(7, int(v / top * 7 + 0.5))] for v in values)
