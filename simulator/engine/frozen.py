"""A faster ``__init__`` for the frozen, slotted dataclasses a dry-run makes by the dozen.

A frozen dataclass's ``__init__`` sets each field with ``object.__setattr__`` (its own
``__setattr__`` refuses), which costs about three times a plain slot assignment: a
trace makes some forty such records (states, plans, effects, contexts) and spent a
tenth of its time in their constructors. :func:`fast_init` gives a frozen, slotted
dataclass an ``__init__`` that sets each slot through the slot's own descriptor,
taken once: the same signature, defaults and default factories, the same instance;
the class stays frozen (assignment still raises ``FrozenInstanceError``), and
``replace``, equality, hashing and ``repr`` are the dataclass's own.

>>> from dataclasses import FrozenInstanceError, dataclass, field, replace
>>> @fast_init
... @dataclass(frozen=True, slots=True)
... class Point:
...     x: int
...     y: int = 0
...     tags: list = field(default_factory=list)
>>> Point(1), Point(1, y=2, tags=["a"]), replace(Point(1), y=3)
(Point(x=1, y=0, tags=[]), Point(x=1, y=2, tags=['a']), Point(x=1, y=3, tags=[]))
>>> Point(1).tags is Point(1).tags
False
>>> try:
...     Point(1).x = 2
... except FrozenInstanceError:
...     print("still frozen")
still frozen
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["fast_init"]

T = TypeVar("T", bound=type)

_NOTHING = object()
"""The default of a parameter whose field has a default factory (called when absent)."""


def fast_init(cls: T) -> T:
    """``cls`` (a frozen dataclass with slots) with the faster ``__init__``."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    if not (params.frozen and "__slots__" in cls.__dict__):
        raise TypeError(f"{cls.__name__}: fast_init is for frozen dataclasses with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: fast_init does not run __post_init__")
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: fast_init needs every field a positional parameter")
    namespace: dict[str, Any] = {"_NOTHING": _NOTHING}
    parameters, body = ["self"], []
    for index, f in enumerate(fields):
        setter = f"_set{index}"
        namespace[setter] = cls.__dict__[f.name].__set__  # the slot's member descriptor
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{index}"] = f.default
            parameters.append(f"{f.name}=_default{index}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{index}"] = f.default_factory
            parameters.append(f"{f.name}=_NOTHING")
            body.append(f"    if {f.name} is _NOTHING: {f.name} = _factory{index}()")
        else:
            parameters.append(f.name)
        body.append(f"    {setter}(self, {f.name})")
    source = "\n".join([f"def __init__({', '.join(parameters)}):", *body, "    pass"])
    exec(source, namespace)  # written from the field names; the values stay in namespace
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[misc]
    return cls
