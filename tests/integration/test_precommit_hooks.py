"""``.pre-commit-hooks.yaml``: each hook's ``entry`` and ``args`` run as pre-commit runs
them (a subprocess in the repository's root, the hook environment's scripts on PATH)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def hooks() -> dict[str, dict]:
    listed = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in listed}


def run_hook(hook: dict, repository: Path) -> subprocess.CompletedProcess:
    """What pre-commit does for a ``language: python`` hook with ``pass_filenames: false``."""
    scripts = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    return subprocess.run(
        command, cwd=repository, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def repository(acme_dir: Path, tmp_path: Path) -> Path:
    """A journey repository: the acme project (with its scenarios) at the root."""
    root = tmp_path / "journeys-repo"
    shutil.copytree(acme_dir, root / "acme", ignore=shutil.ignore_patterns("invalid"))
    return root


def test_the_hooks_are_python_hooks_over_the_whole_repository():
    found = hooks()
    assert set(found) == {"journeysim-validate", "journeysim-test"}
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert shlex.split(hook["entry"])[0] == "journeysim"


@pytest.mark.parametrize("hook_id", ["journeysim-validate", "journeysim-test"])
def test_each_hook_passes_on_a_clean_repository(hook_id: str, repository: Path):
    result = run_hook(hooks()[hook_id], repository)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_hook_fails_on_a_broken_journey(repository: Path):
    path = repository / "acme" / "journeys" / "win-back-2026.json"
    journey = json.loads(path.read_text())
    journey["steps"][0]["defaultNext"] = "send-feedback-survy"
    path.write_text(json.dumps(journey, indent=2))
    validate = run_hook(hooks()["journeysim-validate"], repository)
    assert validate.returncode == 1
    assert "unknown_step_reference" in validate.stdout
    test = run_hook(hooks()["journeysim-test"], repository)
    # a journey that does not validate is not tested: bad input (2), at the case's journey
    assert test.returncode == 2
    assert "win-back.journeytest.yaml" in test.stdout and "invalid_journey" in test.stdout
