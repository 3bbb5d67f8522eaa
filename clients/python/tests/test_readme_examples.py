"""The README examples run as they stand: the repository README's Python example and this
package's quick start, each in a fresh interpreter with only AGENTSTATE_URL and
AGENTSTATE_API_KEY set, as a user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]


def first_python_block(readme: Path, after_heading: str) -> str:
    text = readme.read_text()
    start = text.index(after_heading)
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(("readme", "heading", "expected"), [
    (HERE.parents[1] / "README.md", "## Python", ["['Please refund order 1001.', 'Looking into it.']", "refunding", "{'refund': 're_1'}"]),
    (HERE / "README.md", "## Quick start", ["refund order 1001?", "yes", "['Hi', 'Hello!']"]),
])
def test_the_example_runs_unchanged(server, tmp_path, readme, heading, expected):
    script = tmp_path / "example.py"
    script.write_text(first_python_block(readme, heading))
    env = {**os.environ, "AGENTSTATE_URL": server.url, "AGENTSTATE_API_KEY": server.key("agent")}
    done = subprocess.run([sys.executable, str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected
