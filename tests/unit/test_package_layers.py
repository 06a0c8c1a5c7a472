"""The API package speaks HTTP and nothing else; the logic under it is framework-free.

``simulator.api`` is the FastAPI shell; ``simulator.backend`` (the Journeys API's logic
and storage) and ``simulator.runtime`` (executions) are what the CLI and the terminal
UI call directly, so importing them must not pull in a web framework.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
API = REPO / "simulator" / "api"
WEB = ("fastapi", "starlette", "uvicorn")
ASGI = (*WEB, "anyio", "httpx")
BACKEND = REPO / "simulator" / "backend"
RUNTIME = REPO / "simulator" / "runtime"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in API.glob("*.py")))
def test_every_module_of_the_api_package_is_http(module: str):
    """Each module imports the web framework or another module of the HTTP shell:
    logic that needs neither belongs in ``simulator.backend``."""
    imported = _imported(API / module)
    http = [n for n in imported if n.split(".")[0] in WEB or n.startswith("simulator.api.")]
    assert http, f"simulator/api/{module} imports no HTTP code: move it to simulator/backend"


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(REPO))
        for d in (BACKEND, REPO / "simulator" / "runtime")
        for p in d.glob("*.py")
    ),
)
def test_no_module_of_the_logic_speaks_http(path: str):
    """Neither imports of a web or ASGI library nor hand-made ASGI messages: serving
    (status lines, headers, middleware) is the shell's."""
    source = (REPO / path).read_text(encoding="utf-8")
    web = sorted(n for n in _imported(REPO / path) if n.split(".")[0] in ASGI)
    assert web == [], f"{path} imports {web}: move that code to simulator/api"
    assert "http.response" not in source, f"{path} builds ASGI messages: move it to simulator/api"


@pytest.mark.parametrize("package", ["simulator.backend", "simulator.runtime", "tui.local"])
def test_the_logic_imports_no_web_framework(package: str):
    program = f"import json, sys, {package}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    web = [m for m in loaded if m.split(".")[0] in WEB or m.startswith("simulator.api")]
    assert web == [], f"importing {package} loads {web[:5]}"


def test_nothing_outside_the_shell_imports_it_but_serve():
    """The CLI's ``serve`` is the one caller of the HTTP shell outside it (and tests)."""
    callers = sorted(
        str(path.relative_to(REPO))
        for root in ("simulator", "tui", "importers")
        for path in (REPO / root).rglob("*.py")
        if API not in path.parents
        and any(n == "simulator.api" or n.startswith("simulator.api.") for n in _imported(path))
    )
    assert callers == ["simulator/cli/serve.py"]
