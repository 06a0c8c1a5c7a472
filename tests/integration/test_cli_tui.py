"""``journeysim tui``: options checked before the UI starts, and a real terminal run."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--journey", "nope"], "no journey 'nope'"),
        (["--subject-id", "usr_holdout"], "need --journey"),
        (["--journey", "act-onb-2026", "--override", "everything"], "everything"),
        (["--journey", "act-onb-2026", "--at", "yesterday"], "--at"),
        (["--journey", "act-onb-2026", "--subject-id", "usr_nope"], "no subject 'usr_nope'"),
        (["--url", "http://127.0.0.1:1", "--token", "t"], "cannot reach http://127.0.0.1:1"),
        (["--url", "127.0.0.1:8000", "--token", "t"], "--url must be http://HOST:PORT"),
        (["--url", "http://example.com:8000", "--token", "t"], "not 'example.com'"),
        (["--url", "http://10.0.0.7:8000", "--token", "t"], "a server on this machine"),
        (["--journey", "act-onb-2026", "--subject-id", "a", "--synthetic"], "one of"),
        (["--project", "."], "not a journeysim project"),
        (["--journey", "act-onb-2026", "--attr", "a=1", "--attr", "a=2"], "--attr a is given"),
    ],
)
def test_bad_options_exit_2_before_the_ui_starts(run_cli, args, message):
    result = run_cli("tui", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_other_commands_do_not_import_textual():
    code = "import sys, simulator.cli.app as a; a._register(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _read_until(fd: int, needle: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.slow
@pytest.mark.parametrize(
    "deep_link",
    [[], ["--journey", "act-onb-2026", "--subject-id", "usr_holdout", "--override", "holdout"]],
)
def test_runs_in_a_real_terminal_and_q_quits(acme_dir, deep_link):
    main, child = pty.openpty()
    os.set_blocking(main, False)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    command = [sys.executable, "-m", "simulator.cli", "tui", "--project", str(acme_dir), *deep_link]
    process = subprocess.Popen(
        command, stdin=child, stdout=child, stderr=child, env=env, close_fds=True
    )
    os.close(child)
    try:
        shown = _read_until(main, b"overrides: holdout" if deep_link else b"act-onb-2026", 30)
        assert (b"overrides: holdout" if deep_link else b"act-onb-2026") in shown
        # A key that arrives while Textual still parses the terminal's answers to its
        # start-up queries (this pty answers none) may be taken as part of one: press
        # q again until the app has gone.
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            os.write(main, b"q")
            shown += _read_until(main, b"\x1b[?1049l", 0.5)
        assert process.wait(timeout=5) == 0
        rest = _read_until(main, b"\x1b[?1049l", 5)  # the alternate screen is left
        assert b"\x1b[?1049l" in shown + rest
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
