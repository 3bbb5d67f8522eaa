"""The generated parts of the package match their sources: models.py the live server's OpenAPI
document, _sync_client.py the async client. A change to either source without regenerating fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agentstate import AgentState

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "generate.py"


def test_models_and_the_blocking_client_are_current(server, tmp_path):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        document = state.openapi()
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    check = subprocess.run([sys.executable, str(TOOLS), str(path), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_every_operation_of_the_document_has_a_method(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        document = state.openapi()
    snake = {op["operationId"]: "".join("_" + c.lower() if c.isupper() else c for c in op["operationId"])
             for item in document["paths"].values() for op in item.values() if isinstance(op, dict) and "operationId" in op}
    # Where the method's name says more than the operation's, or the operation is the feed itself.
    renamed = {"toolCall": "tool_call", "compact": "compact", "transition": "transition", "fork": "fork", "claim": "claim",
               "wait": "wait", "signal": "signal", "decide": "decide", "sweep": "sweep", "live": "live", "ready": "ready",
               "metrics": "metrics", "openapi": "openapi", "whoami": "whoami", "statistics": "statistics",
               "eventStream": "events", "runState": "run_state"}
    missing = [op for op, name in snake.items() if not hasattr(AgentState, renamed.get(op, name))]
    assert not missing, f"operations without a method: {missing}"
