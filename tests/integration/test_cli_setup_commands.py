"""The README's two set-up commands, and CI running exactly the second one."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def setup_commands() -> list[str]:
    """The indented command lines of the README's ``## Set-up`` section, in order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^ {4}(\S.*)$", section, flags=re.MULTILINE)


def test_the_readme_gives_the_demo_command_then_the_test_command():
    demo, tests = setup_commands()
    assert demo == "pip install -e . && journeysim demo"
    assert tests == "pip install -e '.[test]' && pytest -n auto"


def test_ci_runs_exactly_the_readme_test_command_in_a_fresh_virtualenv():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == setup_commands()[1]
    assert any(re.search(r"python3? -m venv ", line) for line in commands)
    assert "set -euo pipefail" in commands
