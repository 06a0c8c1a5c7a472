"""Journey tests as code: scenario files, their runner, expectations and coverage.

A scenario file (``*.journeytest.yaml``) holds cases; each case is a dry-run (the
engine's :func:`~simulator.engine.simulate`, the trace ``journeysim simulate`` prints)
and expectations on its trace. ``journeysim test`` and the pytest plugin
(:mod:`simulator.testing.pytest_plugin`) are thin shells over this package.
"""

from simulator.journeytests.checks import check_scenarios
from simulator.journeytests.coverage import CoverageItem, JourneyCoverage, journey_coverage
from simulator.journeytests.expectations import Failure, check_trace
from simulator.journeytests.loading import (
    SCENARIO_SUFFIXES,
    PreparedCase,
    ScenarioSource,
    Suite,
    find_scenario_files,
    is_scenario_file,
    load_scenario_file,
    load_suite,
)
from simulator.journeytests.model import Case, Expectations, ScenarioFile
from simulator.journeytests.problems import Problem, problem_line
from simulator.journeytests.report import render_problems, render_results
from simulator.journeytests.runner import CaseResult, run_case, simulate_case
from simulator.journeytests.selection import compile_selection
from simulator.journeytests.session import execute, run_cases

__all__ = [
    "SCENARIO_SUFFIXES",
    "Case",
    "CaseResult",
    "CoverageItem",
    "Expectations",
    "Failure",
    "JourneyCoverage",
    "PreparedCase",
    "Problem",
    "ScenarioFile",
    "ScenarioSource",
    "Suite",
    "check_scenarios",
    "check_trace",
    "compile_selection",
    "execute",
    "find_scenario_files",
    "is_scenario_file",
    "journey_coverage",
    "load_scenario_file",
    "load_suite",
    "problem_line",
    "render_problems",
    "render_results",
    "run_case",
    "run_cases",
    "simulate_case",
]
