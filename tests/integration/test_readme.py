"""README.md runs as written, from the repository root.

The README is read top to bottom and acted on in a copy of the repository (so the
examples that write files, such as ``-o report.xml``, ``--project migrated/`` or
``test --update``, leave the checkout alone):

* **Shell examples**: every ``journeysim …`` command of an indented or un-labelled
  fenced block (also after ``&&``, as in ``pip install -e . && journeysim demo``) runs
  through the real CLI, in order (``validate migrated/`` needs the import before it), and
  must exit 0 without a traceback. Other commands (``pip``, ``aws``, ``curl``) are not
  run. Exit codes only: what a dry-run decides is the engine's tests' business.
* ``<!-- readme-test: file PATH -->`` before a fenced block writes the block to ``PATH``
  first: that is how the "Writing a project" example project comes to exist.
* ``<!-- readme-test: skip: REASON -->`` before a block skips its commands. Only
  ``journeysim serve`` (it serves until Ctrl-C) and ``journeysim tui`` (it runs until
  ``q``; ``tests/integration/test_cli_tui.py`` drives it in a real terminal) may be
  skipped, and this test checks it.
* **Python blocks** run: as doctests when they hold ``>>>`` prompts, else with ``exec``.
* The **"Writing a project" tables** list exactly the fields of each document kind's
  JSON Schema, with the same required ones.
"""

from __future__ import annotations

import doctest
import json
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.schemas import schema_for

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
_MARKER = re.compile(r"^<!-- readme-test: (file|skip):? (.+?) -->$")
_SHELL_FENCES = {"", "sh", "shell", "bash", "console"}
_SKIPPABLE = ("journeysim serve", "journeysim tui")
README_OUTPUTS = (
    "my-project",
    "migrated",
    "bundle.json",
    "sample-bundle.json",
    "report.xml",
    "journey-tests.xml",
)
"""What the README's examples write in the repository root (also in ``.gitignore``): a
reader who ran them before ``pytest`` must not make the walk refuse to overwrite them."""
_IGNORED = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "*venv*",
    *README_OUTPUTS,
)


@dataclass
class Block:
    """A code block of the README, where it starts, and the marker before it."""

    line: int
    language: str
    """The fence's info string; ``indented`` for an indented block."""
    text: str
    marker: tuple[str, str] | None = None

    def commands(self) -> list[list[str]]:
        """The ``journeysim`` commands of a shell block, as argument lists."""
        found = []
        for raw in self.text.replace("\\\n", " ").splitlines():
            if "journeysim" not in raw:
                continue
            words = shlex.split(raw, comments=True)
            while words:
                head, words = _until(words, "&&")
                if head and head[0] == "journeysim":
                    found.append(head)
        return found


def _until(words: list[str], separator: str) -> tuple[list[str], list[str]]:
    if separator in words:
        at = words.index(separator)
        return words[:at], words[at + 1 :]
    return words, []


def readme_blocks(text: str) -> list[Block]:
    """Fenced and indented code blocks, each with the marker comment just before it."""
    blocks: list[Block] = []
    lines = text.splitlines()
    marker: tuple[str, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        found = _MARKER.match(line.strip())
        if found:
            marker = (found.group(1), found.group(2))
        elif line.startswith("```"):
            end = next(k for k in range(index + 1, len(lines)) if lines[k].startswith("```"))
            body = "\n".join(lines[index + 1 : end]) + "\n"
            blocks.append(Block(index + 1, line[3:].strip(), body, marker))
            marker, index = None, end
        elif line.startswith("    ") and (index == 0 or not lines[index - 1].strip()):
            end = index
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            body = "\n".join(item[4:] for item in lines[index:end]).strip("\n") + "\n"
            blocks.append(Block(index + 1, "indented", body, marker))
            marker, index = None, end - 1
        elif line.strip():
            marker = None if not line.startswith("<!--") else marker
        index += 1
    return blocks


@dataclass
class Walk:
    """What acting on the README did."""

    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    created: set[str] = field(default_factory=set)
    """Names the examples added to the repository root."""


@pytest.fixture(scope="module")
def blocks() -> list[Block]:
    return readme_blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def copy_of_the_repository(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("readme") / "journeysim"
    shutil.copytree(REPO, root, ignore=_IGNORED)
    return root


@pytest.fixture(scope="module")
def walk(blocks, copy_of_the_repository, cli_app) -> Walk:
    """Every shell example, run in order in the copy (file blocks written as met)."""
    root, done = copy_of_the_repository, Walk()
    before = {entry.name for entry in root.iterdir()}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for block in blocks:
            if block.marker and block.marker[0] == "file":
                target = root / block.marker[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.text, encoding="utf-8")
                done.written.append(block.marker[1])
                continue
            if block.language not in _SHELL_FENCES | {"indented"}:
                continue
            for command in block.commands():
                shown = f"README.md:{block.line}: {shlex.join(command)}"
                if block.marker and block.marker[0] == "skip":
                    done.skipped.append(shlex.join(command))
                    continue
                done.ran.append(shown)
                result = CliRunner().invoke(cli_app, command[1:])
                output = result.stdout + result.stderr
                if result.exit_code != 0 or "Traceback" in output:
                    done.failed.append(f"{shown}\n  exit {result.exit_code}: {output[-800:]}")
    done.created = {entry.name for entry in root.iterdir()} - before
    return done


def test_every_journeysim_example_runs_from_the_repository_root(walk):
    assert len(walk.ran) >= 20, walk.ran  # the README's examples were found
    assert walk.failed == [], "\n".join(walk.failed)


def test_what_the_examples_write_is_ignored_by_git_and_by_the_walk(walk):
    # A reader who ran the examples in their checkout and then pytest: the walk's copy
    # leaves those outputs out (else "refusing to overwrite migrated/..."), git ignores them.
    assert walk.created, "the examples write their outputs in the repository root"
    assert walk.created <= set(README_OUTPUTS), walk.created - set(README_OUTPUTS)
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    for name in README_OUTPUTS:
        assert f"/{name}" in ignored or f"/{name}/" in ignored, name


def test_only_long_running_commands_are_skipped(walk):
    assert walk.skipped, "the serve examples carry a skip marker"
    assert all(command.startswith(_SKIPPABLE) for command in walk.skipped), walk.skipped


def test_the_writing_a_project_example_is_a_complete_project_that_validates(walk):
    written = set(walk.written)
    assert "my-project/workspace.json" in written
    folders = {Path(path).parts[1] for path in written if len(Path(path).parts) > 2}
    assert folders == {"journeys", "communications", "segments", "triggers", "subjects"}
    assert any("journeysim validate my-project/ --strict" in ran for ran in walk.ran)


def test_every_python_block_runs(blocks, copy_of_the_repository, monkeypatch, capsys):
    monkeypatch.chdir(copy_of_the_repository)
    python = [block for block in blocks if block.language == "python"]
    assert len(python) >= 3
    for block in python:
        where = f"README.md:{block.line}"
        if ">>>" in block.text:
            test = doctest.DocTestParser().get_doctest(block.text, {}, where, str(README), 0)
            runner = doctest.DocTestRunner(
                optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
            )
            runner.run(test)
            assert runner.failures == 0, f"{where}: {capsys.readouterr().out}"
        else:
            exec(compile(block.text, where, "exec"), {"__name__": "readme"})
    assert '"journeyId": "expansion-nudge-2026"' in capsys.readouterr().out


# --- the "Writing a project" reference ----------------------------------------------------

_KINDS = {
    "Workspace": "workspace",
    "Journey": "journey",
    "Communication": "communication",
    "Segment": "segment",
    "Trigger contract": "trigger-contract",
    "Subject": "subject",
}


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    return text[start : text.index("\n## ", start + 1)]


def _tables(section: str) -> dict[str, list[list[str]]]:
    """Each ``####`` heading's table (rows of cells), and the step and predicate tables."""
    tables: dict[str, list[list[str]]] = {}
    heading = ""
    for line in section.splitlines():
        if line.startswith("#### "):
            heading = line[5:].split(" (")[0]
        elif line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            name = cells[0] if cells[0] in ("step", "predicate") else heading
            key = {"step": "steps", "predicate": "predicates"}.get(cells[0], name)
            if cells[0] in ("field", "step", "predicate"):
                tables.setdefault(key, [])
                heading = key
                continue
            tables.setdefault(heading, []).append(cells)
    return tables


def _names(cell: str) -> set[str]:
    """Field names of a cell: its backticked words outside parentheses."""
    while re.search(r"\([^()]*\)", cell):
        cell = re.sub(r"\([^()]*\)", "", cell)
    return set(re.findall(r"`([A-Za-z$][\w$]*)`", cell))


@pytest.fixture(scope="module")
def reference() -> dict[str, list[list[str]]]:
    return _tables(_section(README.read_text(encoding="utf-8"), "Writing a project"))


@pytest.mark.parametrize("title", sorted(_KINDS))
def test_the_reference_lists_every_field_of_each_document_kind(reference, title):
    schema = schema_for(_KINDS[title])
    rows = reference[title]
    listed = {name for row in rows for name in _names(row[0])}
    required = {name for row in rows if row[1] == "required" for name in _names(row[0])}
    assert listed == set(schema["properties"]) - {"$schema"}
    assert required == set(schema.get("required", []))
    assert {row[1] for row in rows} <= {"required", "optional"}


def _tagged(schema: dict, tag: str) -> dict[tuple[str, ...], dict]:
    """``$defs`` of the tagged union members, keyed by their tag values."""
    found = {}
    for definition in schema["$defs"].values():
        properties = definition.get("properties", {})
        if tag in properties and "const" in properties[tag]:
            key = (properties[tag]["const"],)
            if "mode" in properties and "const" in properties["mode"]:
                key += (properties["mode"]["const"],)
            found[key] = definition
    return found


@pytest.mark.parametrize(("table", "tag"), [("steps", "type"), ("predicates", "kind")])
def test_the_reference_lists_every_step_and_predicate_with_its_fields(reference, table, tag):
    members = _tagged(schema_for("journey"), tag)
    described: dict[tuple[str, ...], dict] = {}
    for row in reference[table]:
        tags = re.findall(r"`([a-z_]+)`", row[0])
        mode = re.search(r"`mode: (\w+)`", row[0])
        for value in tags if not mode else tags[:1]:
            key = (value, mode.group(1)) if mode else (value,)
            described[key] = {"required": _names(row[1]), "optional": _names(row[2])}
    assert set(described) == set(members)
    for key, definition in members.items():
        own = set(definition["properties"]) - {"id", "type", "mode", "kind"}
        required = set(definition.get("required", [])) - {"id", "type", "mode", "kind"}
        assert described[key]["required"] == required, key
        assert described[key]["optional"] == own - required, key


# --- what a newcomer is told ------------------------------------------------------------


def test_validating_an_empty_selection_warns_and_exits_2(run_cli, tmp_path):
    (tmp_path / "workspace.json").write_text('{"id": "w", "projectKey": "k", "name": "W"}')
    (tmp_path / "journeys").mkdir()
    result = run_cli("validate", str(tmp_path / "journeys"))
    assert result.exit_code == 2
    assert "nothing to validate: 0 files in" in result.stderr
    assert run_cli("validate", str(tmp_path)).exit_code == 0  # the workspace alone is a file


def test_the_attr_dry_run_example_enters_and_delivers(blocks, run_cli):
    # The first dry-run a newcomer copies (issue 9): it must enter the journey and its
    # sends must execute, not end at missing_recipient for want of an e-mail address.
    examples = [
        command
        for block in blocks
        for command in block.commands()
        if command[1:2] == ["simulate"] and "--attr" in command and "--subject" not in command
    ]
    assert examples, "the README shows a dry-run of --attr pairs alone"
    for command in examples:
        result = run_cli(*command[1:], "--format", "json")
        assert result.exit_code == 0, result.stderr
        trace = json.loads(result.stdout)
        assert trace["entry"]["decision"] == "entered", shlex.join(command)
        sends = [step for step in trace["steps"] if step["type"] == "send"]
        assert sends and all(step["decision"] == "executed" for step in sends), sends


def test_the_writing_a_project_workspace_lets_the_backend_call_the_internal_routes(
    walk, copy_of_the_repository
):
    """Without a ``syncApiKey`` every internal route of a project written from the README
    answered 401; the example has one, and the README says what it is for."""
    from simulator.models import Workspace

    path = copy_of_the_repository / "my-project" / "workspace.json"
    workspace = Workspace.model_validate_json(path.read_text(encoding="utf-8"))
    assert workspace.sync_api_key
    assert "`syncApiKey` is the secret the product's backend sends" in README.read_text("utf-8")
