"""The dry-run trace (SPEC §3.7): what happened to one subject in one journey.

Field names are camelCase on the wire. Every free-text field (rendered messages,
webhook bodies, subject attributes, event properties, details, messages) is typed
``Text`` or ``Data``, whose validator scrubs e-mail addresses and phone numbers as the
value enters the trace; trace models are frozen, so no code path can put an
unscrubbed string into a trace. Identifiers (journey, step, communication and arm ids)
and codes are shown as they are, except the subject id, which goes through
:func:`~simulator.engine.masking.scrub_id` (an end user may be keyed by an e-mail
address or a phone number). A finished trace goes once more through the subject's
:class:`~simulator.engine.masking.Masker` (``Masker.model``), which masks the
subject's PII values in those same fields (``Text``, ``Data``, the subject id), in
whatever form they reached them. Times are virtual and serialised in UTC with a ``Z``;
floats are rounded to 6 decimals; :meth:`Trace.to_json` sorts keys and indents by 2,
so a trace is byte-for-byte reproducible and golden traces diff cleanly.

Beyond the shape SPEC §3.7 lists, a trace carries what a reader needs to see *why*:
the entry gates with the holdout bucket and the audience leaves, the trigger event
used for ``event.*``, a ``detail`` per gate (``2 of 2 sends on 2026-06-01``), and
``next`` per step. ``version`` is ``"draft"`` when a draft was simulated.
``overridesApplied`` lists the overrides the dry-run ran with; the gates they bypassed
show ``overridden: true``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from simulator.codes import Decision, EntryDecision, Gate, Override, Reason
from simulator.engine.masking import (
    MASKED_DATA,
    MASKED_ID,
    MASKED_TEXT,
    masked_fields,
    scrub,
    scrub_id,
)
from simulator.models import Channel
from simulator.models.base import Model

__all__ = [
    "Trace",
    "TraceArm",
    "TraceAudience",
    "TraceBranch",
    "TraceEntry",
    "TraceGate",
    "TraceGoal",
    "TraceHoldout",
    "TraceLeaf",
    "TraceModel",
    "TraceOutcome",
    "TraceRendered",
    "TraceRule",
    "TraceSend",
    "TraceStep",
    "TraceSubject",
    "TraceTrigger",
    "TraceWait",
    "TraceWarning",
    "TraceWebhook",
    "format_time",
    "scrub_data",
]


def format_time(moment: datetime) -> str:
    """A virtual time as ISO-8601 UTC with ``Z``.

    >>> from datetime import timezone, timedelta
    >>> format_time(datetime(2026, 6, 1, 16, tzinfo=timezone(timedelta(hours=2))))
    '2026-06-01T14:00:00Z'

    An instant that has no UTC time (year 10000 or year 0 there) keeps the offset it
    was given with: a trace or a message naming it must not fail for it.

    >>> format_time(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))))
    '9999-12-31T23:00:00-05:00'
    """
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return moment.isoformat()
    return utc.isoformat().replace("+00:00", "Z")


def scrub_data(value: Any) -> Any:
    """``value`` with :func:`scrub` applied to every string inside it, keys included.

    >>> scrub_data({"note": ["call 555-123-4567"], "n": 3, "ana@example.com": True})
    {'note': ['call •••67'], 'n': 3, 'a•••@e•••.com': True}
    """
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {
            scrub(key) if isinstance(key, str) else key: scrub_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_data(item) for item in value]
    return value


Time = Annotated[datetime, PlainSerializer(format_time, return_type=str, when_used="json")]
Rounded = Annotated[float, PlainSerializer(lambda v: round(v, 6), return_type=float)]
Text = Annotated[str, AfterValidator(scrub), MASKED_TEXT]
"""Free text: e-mail addresses and phone numbers are scrubbed as it enters a trace (and
the subject's values are masked by :meth:`~simulator.engine.masking.Masker.model`)."""
Data = Annotated[dict[str, Any], AfterValidator(scrub_data), MASKED_DATA]
"""Subject data (masked attributes, event properties), scrubbed the same way."""


class TraceModel(Model):
    """Base of the trace models: immutable, so a trace holds only what was validated
    (and scrubbed) when it was built, and equal parts can be shared between traces.

    The engine builds its parts with :meth:`build`, which scrubs exactly what the
    validators scrub (``Text``, ``Data``, the subject id) but trusts the types of the
    engine's own values instead of validating them: a trace has some twenty parts, and
    validating each one cost a fifth of a dry-run. Anything else (a trace read back
    from JSON, an API client's) goes through the validating constructor."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def build(cls, **values: Any) -> Self:
        """The model of ``values``, typed as the fields are (the engine's values): the
        free text and subject data in it scrubbed as validation would, defaults
        filled, nothing else checked or converted."""
        defaults, factories, scrubbers = _SHAPES.get(cls) or _shape(cls)
        for name, scrubber in scrubbers:
            value = values.get(name)
            if value is not None:
                values[name] = scrubber(value)
        return _assemble(cls, defaults, factories, values)

    @classmethod
    def build_masked(cls, **values: Any) -> Self:
        """:meth:`build` for values that are a :class:`~simulator.engine.masking.Masker`'s
        output (``Masker.attributes``, ``Masker.identifier``): the masker ran the
        detectors on every string of them already, and nothing it replaces a value with
        can form an address or a number again, so they are not walked a second time."""
        defaults, factories, _ = _SHAPES.get(cls) or _shape(cls)
        return _assemble(cls, defaults, factories, values)


def _assemble(cls: type[TraceModel], defaults: dict, factories: tuple, values: dict) -> Any:
    """The model instance of ``values`` (with defaults), as pydantic lays one out."""
    given = set(values)
    data = defaults.copy()  # every field, in field order (as validation lays them out)
    data.update(values)
    if len(data) != len(defaults):  # a name that is no field: a bug, not an extra key
        unknown = ", ".join(sorted(given - set(defaults)))
        raise TypeError(f"{cls.__name__} has no field {unknown}")
    for name, factory in factories:
        if name not in given:
            data[name] = factory()
    model = _new(cls)
    _set_dict(model, data)
    _set_fields_set(model, given)
    _set_extra(model, None)
    _set_private(model, None)
    return model


_new = object.__new__  # pydantic models have no __new__ of their own
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _scrub_texts(values: list[str]) -> list[str]:
    return [scrub(value) for value in values]


_SCRUBBERS = {
    (MASKED_TEXT,): scrub,
    (MASKED_ID,): scrub_id,
    (MASKED_DATA,): lambda value: scrub_data(value if isinstance(value, dict) else dict(value)),
    ("list", MASKED_TEXT): _scrub_texts,
}


_SHAPES: dict[type, tuple[dict[str, Any], tuple, tuple]] = {}
_REQUIRED = object()
"""The placeholder of a required field in a shape (serialising it fails loudly)."""


def _shape(cls: type[TraceModel]) -> tuple[dict[str, Any], tuple, tuple]:
    """``(fields, default factories, scrubbers)`` of a trace model, kept in
    :data:`_SHAPES`; ``fields`` maps every field, in order, to its default (a required
    field to :data:`_REQUIRED`, which the engine always replaces)."""
    defaults: dict[str, Any] = {}
    factories = []
    for name, info in cls.model_fields.items():
        defaults[name] = _REQUIRED
        if info.default_factory is not None:
            factories.append((name, info.default_factory))
        elif not info.is_required():
            defaults[name] = info.default
    scrubbers = []
    for name, how in masked_fields(cls):
        if how in _SCRUBBERS:
            scrubbers.append((name, _SCRUBBERS[how]))
        elif how[-1] != "model":  # a new kind of masked field must say how it scrubs
            raise TypeError(f"{cls.__name__}.{name}: no scrubber for {how}")
    shape = _SHAPES[cls] = (defaults, tuple(factories), tuple(scrubbers))
    return shape


class TraceGate(TraceModel):
    gate: Gate
    passed: bool
    reason: Reason | None = None
    overridden: bool = False
    detail: Text | None = None


class TraceLeaf(TraceModel):
    path: str
    kind: str
    label: Text
    result: bool


class TraceHoldout(TraceModel):
    bucket: int
    holdout_pct: int
    in_holdout: bool


class TraceAudience(TraceModel):
    segment_id: str
    matched: bool
    leaves: list[TraceLeaf]


class TraceEntry(TraceModel):
    decision: EntryDecision
    reason: Reason | None = None
    gates: list[TraceGate]
    holdout: TraceHoldout
    audience: TraceAudience | None = None


class TraceSubject(TraceModel):
    id: Annotated[str, AfterValidator(scrub_id), MASKED_ID]
    """An id that is (or holds) an e-mail address, or is a phone number, is masked."""
    synthetic: bool
    attributes: Data
    """Masked."""


class TraceTrigger(TraceModel):
    event_name: str | None = None
    at: Time | None = None
    properties: Data
    """Masked; what templates see as ``event``."""
    injected: bool | None = None
    """``true`` when the subject had no such event at the start and the dry-run added
    it (SPEC §3.1); absent otherwise."""


class TraceRendered(TraceModel):
    subject_line: Text | None = None
    body: Text


class TraceSend(TraceModel):
    channel: Channel
    communication_id: str
    communication_version: int
    rendered: TraceRendered | None = None
    missing_variables: list[Text] = Field(default_factory=list)
    error: Text | None = None


class TraceWait(TraceModel):
    kind: Literal["duration", "until", "until_event", "deferral"]
    duration: Text | None = None
    until: Time
    """When the subject moved on."""
    event_name: str | None = None
    timeout_at: Time | None = None
    resumed_by: Literal["elapsed", "event", "timeout"]


class TraceRule(TraceModel):
    index: int
    matched: bool
    leaves: list[TraceLeaf]


class TraceArm(TraceModel):
    arm_id: str
    subjects_reached: int
    goal_events: int
    posterior_mean: Rounded
    sample: Rounded | None = None


class TraceBranch(TraceModel):
    mode: Literal["conditional", "adaptive"]
    rule_index: int | None = None
    """Conditional: the first matching rule (absent when ``defaultNext`` was taken)."""
    rules: list[TraceRule] | None = None
    selection: Literal["cold_start", "thompson"] | None = None
    """Adaptive: how the arm was chosen."""
    arms: list[TraceArm] | None = None
    chosen_arm_id: str | None = None


class TraceWebhook(TraceModel):
    url: Text
    method: str
    headers: Data = Field(default_factory=dict)
    body: Text | None = None
    missing_variables: list[Text] = Field(default_factory=list)
    error: Text | None = None


class TraceStep(TraceModel):
    step_id: str
    type: Literal["send", "wait", "branch", "webhook", "exit"]
    at: Time
    decision: Decision
    reason: Reason | None = None
    message: Text | None = None
    gates: list[TraceGate] | None = None
    """The send gates, in evaluation order up to the deciding one (send steps only)."""
    deferred_until: Time | None = None
    next: str | None = None
    send: TraceSend | None = None
    wait: TraceWait | None = None
    branch: TraceBranch | None = None
    webhook: TraceWebhook | None = None


class TraceGoal(TraceModel):
    event_name: str
    window_days: int
    converted: bool
    at: Time | None = None


class TraceOutcome(TraceModel):
    exit_step_id: str | None = None
    exited_at: Time | None = None
    goal: TraceGoal | None = None


class TraceWarning(TraceModel):
    code: str
    message: Text
    step_id: str | None = None


class Trace(TraceModel):
    journey_id: str
    version: int | Literal["draft"]
    subject: TraceSubject
    started_at: Time
    seed: int
    overrides_applied: list[Override]
    trigger: TraceTrigger
    entry: TraceEntry
    steps: list[TraceStep]
    outcome: TraceOutcome
    warnings: list[TraceWarning]

    def to_wire(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json(self) -> str:
        """Stable JSON: sorted keys, 2-space indent, UTF-8 text, trailing newline."""
        return json.dumps(self.to_wire(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
