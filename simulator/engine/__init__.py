"""The dry-run engine (SPEC §3): one evaluator and one set of step planners shared with
the runtime, a virtual clock, gates, bandit, masked rendering and the trace model."""

from simulator.engine.bandit import MIN_SAMPLE_FLOOR, ArmChoice, ArmStats, choose_arm
from simulator.engine.clock import VirtualClock
from simulator.engine.dryrun import DEFAULT_START, derive_seed, parse_overrides, simulate
from simulator.engine.effects import (
    AwaitEvent,
    CallWebhook,
    Deliver,
    Effect,
    Exit,
    Goto,
    StepPlan,
    WaitUntil,
)
from simulator.engine.eligibility import EntryOutcome, evaluate_entry
from simulator.engine.gates import GateCheck, GateOutcome, run_gates
from simulator.engine.holdout import HoldoutAssignment, assign_holdout, fnv1a32
from simulator.engine.masking import mask_attributes, mask_value, scrub
from simulator.engine.planners import StepContext, plan_step
from simulator.engine.predicates import Evaluation, Leaf, evaluate
from simulator.engine.render import RenderResult, render_context, render_message, render_template
from simulator.engine.synthetic import faker_subjects, synthetic_id, synthetic_subject
from simulator.engine.trace import Trace

__all__ = [
    "DEFAULT_START",
    "MIN_SAMPLE_FLOOR",
    "ArmChoice",
    "ArmStats",
    "AwaitEvent",
    "CallWebhook",
    "Deliver",
    "Effect",
    "EntryOutcome",
    "Evaluation",
    "Exit",
    "GateCheck",
    "GateOutcome",
    "Goto",
    "HoldoutAssignment",
    "Leaf",
    "RenderResult",
    "StepContext",
    "StepPlan",
    "Trace",
    "VirtualClock",
    "WaitUntil",
    "assign_holdout",
    "choose_arm",
    "derive_seed",
    "evaluate",
    "evaluate_entry",
    "faker_subjects",
    "fnv1a32",
    "mask_attributes",
    "mask_value",
    "parse_overrides",
    "plan_step",
    "render_context",
    "render_message",
    "render_template",
    "run_gates",
    "scrub",
    "simulate",
    "synthetic_id",
    "synthetic_subject",
]
