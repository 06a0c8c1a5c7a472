"""A journey nested thousands of steps deep opens without exhausting the recursion
limit: the tree opens to a bounded depth and the rest stays expandable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pilots import until
from textual.widgets import Tree

from tui import LocalBackend
from tui.screens import JourneyScreen
from tui.widgets.step_tree import OPEN_DEPTH

pytestmark = pytest.mark.anyio

DEPTH = 2_500


def branch_ladder(depth: int) -> dict:
    """A journey of ``depth`` branches, each one's default leading to the next: every
    branch is a level of the tree, so the tree is ``depth`` levels deep."""
    steps = [
        {
            "id": f"branch-{i}",
            "type": "branch",
            "mode": "conditional",
            "rules": [
                {"when": {"kind": "event_fired", "eventName": "user.activated"}, "next": "exit"}
            ],
            "defaultNext": f"branch-{i + 1}" if i + 1 < depth else "exit",
        }
        for i in range(depth)
    ]
    return {
        "id": "deep-ladder",
        "name": "Deep ladder",
        "audienceId": "seg-new-signups",
        "triggerContractId": "trig-signup",
        "goalEventName": "user.activated",
        "steps": [*steps, {"id": "exit", "type": "exit"}],
    }


@pytest.fixture(scope="module")
def deep_backend(tmp_path_factory, acme_dir: Path) -> LocalBackend:
    root = tmp_path_factory.mktemp("deep") / "acme"
    shutil.copytree(acme_dir, root)
    (root / "journeys" / "deep-ladder.json").write_text(json.dumps(branch_ladder(DEPTH)))
    return LocalBackend(root)


def depth_of(node) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


async def test_a_journey_thousands_of_levels_deep_opens(make_app, deep_backend, settle):
    app = make_app(deep_backend, journey="deep-ladder")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, JourneyScreen)
        tree = app.screen.query_one(Tree)
        await pilot.pause()
        assert tree.root.is_expanded and tree.last_line > 0
        open_nodes = [n for n in tree._tree_nodes.values() if n.is_expanded]
        assert max(depth_of(n) for n in open_nodes) < OPEN_DEPTH
        deepest = max(open_nodes, key=depth_of)
        closed = next(c for c in deepest.children if c.children)
        assert not closed.is_expanded  # the rest is there, to open by hand
        closed.expand()
        await until(pilot, lambda: closed.line >= 0, "the opened node is drawn")
        assert app.return_code is None
