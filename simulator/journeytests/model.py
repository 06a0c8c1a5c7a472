"""The scenario file (``*.journeytest.yaml``): cases that run a dry-run and check its trace.

A scenario file holds one or more cases. Each case names a journey of the project the
file lives in, a subject, when the dry-run starts and with what overrides, scripted
future events and arm statistics, and what the trace must show::

    $schema: https://journeysim.dev/schemas/journey-test.schema.json
    journey: trial-conv-2026            # the default journey of the file's cases
    cases:
      - name: a team plan gets the sales intro
        subject: {id: usr_trial_team_sales}
        expect:
          entry: {decision: entered}
          path: [send-trial-welcome, wait-2d, branch-team-size, send-sales-intro, exit]
          steps:
            branch-team-size: {rule: 0}
          sends:
            - {communication: comm-trial-welcome-email}
            - {communication: comm-trial-sales-intro, subjectContains: rollout}
          outcome: {exitStep: exit, goalConverted: false}

Values are read strictly, as the document models read them: ``"yes"`` or ``1`` is not
a boolean, ``"0"`` or ``12.0`` not an integer (a seed, a rule index).

These models check the *shape* only (unknown keys, wrong types, enum values); what
refers to the project (journey, step, arm, subject and communication ids, rule
indices, regular expressions, durations, timestamps) is checked by
:mod:`simulator.journeytests.checks`, so that every problem has its own message and
``file:line:column``.

Decisions where the issue is silent:

* ``sends`` is the exact list of messages *delivered* (send steps whose decision is
  ``executed``), in order: ``sends: []`` says "nothing is sent". Blocked, skipped and
  deferred sends are step decisions (``steps``).
* A step may appear more than once in a trace (a deferred send is retried). A step
  expectation holds when one of the step's records satisfies all its fields, or the
  record numbered ``occurrence`` (1-based) when that is given. A list of expectations
  for one step must each hold.
* ``path`` is the exact sequence of step ids the subject went through, one per step
  record, a retried send once; ``pathContains`` an ordered subsequence of it.
* A case with no expectation and no snapshot checks only that the dry-run runs (a
  smoke test: a journey the engine cannot run, or stops short, fails it); the minimal
  cases of ``fixtures/acme/tests/invalid`` are such cases.
* A dry-run the engine stopped with a warning (``step_limit``, ``cycle_detected``,
  ``unknown_step``, ``calendar_end``) fails its case, whatever else held, unless the
  case expects ``outcome: {exited: false}``: that is the one expectation that says the
  subject does not reach an exit, so it is the one that accepts the stop. The failure
  names the warning's code and is located at the case.
* Texts are compared with the trace's *masked* rendering (``Hi T•••``), the same text
  ``journeysim simulate`` prints: scenario files never need real personal data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from simulator.codes import Decision, EntryDecision, Gate, Override, Reason
from simulator.models import Channel, FutureEvent
from simulator.models.base import Bool, DocumentModel, Integer, Model

__all__ = [
    "GATE_RESULTS",
    "SCENARIO_SUFFIXES",
    "ArmStatsSpec",
    "Case",
    "EntryExpectation",
    "Expectations",
    "GateResult",
    "OutcomeExpectation",
    "ScenarioFile",
    "SendExpectation",
    "StepExpectation",
    "SubjectSpec",
    "listed_steps",
]

SCENARIO_SUFFIXES = (".journeytest.yaml", ".journeytest.yml", ".journeytest.json")
"""How a scenario file's name ends."""

GateResult = Literal["passed", "failed", "overridden", "not_run"]
GATE_RESULTS: tuple[str, ...] = ("passed", "failed", "overridden", "not_run")
"""``failed`` means the gate decided the send (not overridden); ``overridden`` that it
would have, but an override let the subject through; ``not_run`` that an earlier gate
decided first."""


class SubjectSpec(Model):
    """Who goes through the journey: exactly one of ``id``, ``file`` and ``synthetic``,
    or ``attributes`` alone (a synthetic subject made of them)."""

    id: str | None = None
    """A subject of the project's ``subjects/`` (its ``endUserId``)."""
    file: str | None = None
    """A subject document, relative to the scenario file."""
    synthetic: Literal["any"] | Bool = False
    """``true``: generate the subject from ``seed`` (default 0) and fit it to the case's
    journey, as ``journeysim simulate --synthetic`` does (its audience, trigger contract
    and channel opt-ins hold, so the case sees the very subject that command shows);
    ``any``: the unconstrained Faker subject of ``seed``, as ``--synthetic-any``."""
    seed: Integer | None = None
    attributes: dict[str, Any] | None = None
    """Alone: the attributes of a synthetic subject. With another source: attributes
    laid over that subject's."""


class ArmStatsSpec(Model):
    subjects_reached: Integer = Field(ge=0)
    goal_events: Integer = Field(ge=0)


class EntryExpectation(Model):
    decision: EntryDecision | None = None
    reason: Reason | None = None


class StepExpectation(Model):
    occurrence: Integer | None = Field(default=None, ge=1)
    """Which record of the step (1-based); any record when absent."""
    decision: Decision | None = None
    reason: Reason | None = None
    gates: dict[Gate, GateResult] | None = None
    """Send gates by name: ``passed``, ``failed``, ``overridden`` or ``not_run``."""
    rule: Integer | Literal["default"] | None = None
    """Conditional branch: the index of the first matching rule, or ``default``."""
    arm: str | None = None
    """Adaptive branch: the chosen arm."""
    resumed_by: Literal["elapsed", "event", "timeout"] | None = None
    """Wait: what moved the subject on."""
    next: str | None = None


class SendExpectation(Model):
    """One delivered message; every field given must match."""

    step: str | None = None
    communication: str | None = None
    channel: Channel | None = None
    subject_contains: str | None = None
    subject_matches: str | None = None
    """A regular expression searched for in the (masked) subject line."""
    body_contains: str | None = None
    body_matches: str | None = None
    no_missing_variables: Bool | None = None
    """``true``: every template variable had a value."""
    missing_variables: list[str] | None = None
    """Exactly these variables had no value (in the order the trace lists them)."""


class OutcomeExpectation(Model):
    exit_step: str | None = None
    """The exit step the subject left through."""
    exited: Bool | None = None
    """Whether the subject reached an exit step at all."""
    goal_converted: Bool | None = None


class Expectations(Model):
    entry: EntryExpectation | None = None
    path: list[str] | None = None
    path_contains: list[str] | None = None
    steps: dict[str, list[StepExpectation]] | None = Field(
        default=None, json_schema_extra=lambda schema: _one_or_many_schema(schema)
    )
    """Step id → what its records show; one expectation or a list of them."""
    sends: list[SendExpectation] | None = None
    outcome: OutcomeExpectation | None = None

    @field_validator("steps", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return listed_steps(value)


def listed_steps(value: Any) -> Any:
    """``steps`` as the model reads it: ``{step: {...}}`` is the common spelling of
    ``{step: [{...}]}``, so a single object is wrapped in a list (and pydantic's error
    locations inside it carry that list's index ``0``).

    >>> listed_steps({"a": {"decision": "executed"}, "b": [{"rule": 0}]})
    {'a': [{'decision': 'executed'}], 'b': [{'rule': 0}]}
    """
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, dict) else v for k, v in value.items()}
    return value


def _one_or_many_schema(schema: dict[str, Any]) -> None:
    """The published schema accepts what the validator does: one object or a list."""
    for alternative in schema.get("anyOf", []):
        listed = alternative.get("additionalProperties")
        if isinstance(listed, dict) and listed.get("type") == "array":
            alternative["additionalProperties"] = {"anyOf": [listed["items"], listed]}


class Case(Model):
    name: str = Field(min_length=1)
    """Unique in the file; with the file, the case's id (``file::name``). A name may not
    hold ``::`` (``invalid_case_name``): pytest splits node ids there, so such a case
    could not be run by its id."""
    description: str = ""
    journey: str | None = None
    """A journey id of the project; defaults to the file's ``journey``."""
    subject: SubjectSpec
    at: str | None = None
    """Virtual start (ISO-8601 with an offset); default 2026-06-01T14:00:00Z."""
    seed: Integer | None = None
    """Seed of the dry-run's draws; default derived from journey and subject."""
    overrides: list[Override] = Field(default_factory=list)
    future_events: list[FutureEvent] = Field(default_factory=list)
    """Added to the subject's own ``futureEvents`` (``after`` the start)."""
    arm_stats: dict[str, dict[str, ArmStatsSpec]] = Field(default_factory=dict)
    """Adaptive branch id → arm id → what the store knows about the arm."""
    expect: Expectations = Field(default_factory=Expectations)
    snapshot: Bool | str = False
    """Pin the whole trace: ``true`` for ``__snapshots__/<file>/<case>.json`` beside the
    scenario file, or a path relative to it. ``--update`` writes it."""


class ScenarioFile(DocumentModel):
    """A ``*.journeytest.yaml`` (or ``.yml``, ``.json``) file."""

    journey: str | None = None
    """The default journey id of the cases."""
    cases: list[Case] = Field(min_length=1)
