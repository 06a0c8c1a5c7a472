"""The dry-run engine (SPEC §3): one evaluator and one set of step planners shared with
the runtime, a virtual clock, gates, bandit, masked rendering and the trace model.

Names are imported on first use (:mod:`simulator.lazy`): the template sandbox, which
validation uses, comes without the rest of the engine."""

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
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
    from simulator.engine.render import (
        RenderResult,
        render_context,
        render_message,
        render_template,
    )
    from simulator.engine.synthetic import (
        faker_subjects,
        synthetic_id,
        synthetic_subject,
        with_attributes,
    )
    from simulator.engine.trace import Trace

_HOMES = {
    "DEFAULT_START": "dryrun",
    "MIN_SAMPLE_FLOOR": "bandit",
    "ArmChoice": "bandit",
    "ArmStats": "bandit",
    "AwaitEvent": "effects",
    "CallWebhook": "effects",
    "Deliver": "effects",
    "Effect": "effects",
    "EntryOutcome": "eligibility",
    "Evaluation": "predicates",
    "Exit": "effects",
    "GateCheck": "gates",
    "GateOutcome": "gates",
    "Goto": "effects",
    "HoldoutAssignment": "holdout",
    "Leaf": "predicates",
    "RenderResult": "render",
    "StepContext": "planners",
    "StepPlan": "effects",
    "Trace": "trace",
    "VirtualClock": "clock",
    "WaitUntil": "effects",
    "assign_holdout": "holdout",
    "choose_arm": "bandit",
    "derive_seed": "dryrun",
    "evaluate": "predicates",
    "evaluate_entry": "eligibility",
    "faker_subjects": "synthetic",
    "fnv1a32": "holdout",
    "mask_attributes": "masking",
    "mask_value": "masking",
    "parse_overrides": "dryrun",
    "plan_step": "planners",
    "render_context": "render",
    "render_message": "render",
    "render_template": "render",
    "run_gates": "gates",
    "scrub": "masking",
    "simulate": "dryrun",
    "synthetic_id": "synthetic",
    "synthetic_subject": "synthetic",
    "with_attributes": "synthetic",
}

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
    "with_attributes",
]

__getattr__, __dir__ = _exports(__name__, _HOMES)
