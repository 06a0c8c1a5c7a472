"""fast_init: the faster constructor of the engine's frozen records."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest

from simulator.engine.frozen import fast_init
from simulator.engine.stepper import ExecutionState


@fast_init
@dataclass(frozen=True, slots=True)
class _Record:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def test_it_builds_what_the_dataclass_init_builds():
    assert _Record("a") == _Record("a", 0, (), {})
    assert _Record("a", count=2, extra={"k": 1}).extra == {"k": 1}
    assert replace(_Record("a"), count=3) == _Record("a", 3)
    assert _Record("a").extra is not _Record("a").extra
    with pytest.raises(TypeError):
        _Record()  # the required field is still required
    with pytest.raises(TypeError):
        _Record("a", nope=1)
    with pytest.raises(FrozenInstanceError):
        _Record("a").count = 1  # type: ignore[misc]


def test_an_execution_state_round_trips_through_its_wire_form():
    from datetime import UTC, datetime

    state = ExecutionState("s", datetime(2026, 6, 1, tzinfo=UTC), 7, visited=frozenset({"a"}))
    assert ExecutionState.from_wire(state.to_wire()) == state


def test_it_refuses_classes_it_would_build_wrongly():
    @dataclass(slots=True)
    class Mutable:
        x: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            assert self.x > 0

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Keywords:
        x: int

    for cls in (Mutable, Checked, Keywords):
        with pytest.raises(TypeError, match="fast_init"):
            fast_init(cls)
