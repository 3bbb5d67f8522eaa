"""A real AgentState server for the tests: the binary named by $AGENTSTATE_BIN (the test command
builds it), on SQLite in a temporary directory, on a free loopback port. Tests that restart it
get the same port and file back."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _binary() -> str:
    path = os.environ.get("AGENTSTATE_BIN") or str(ROOT / ".build" / "debug" / "agentstate")
    if not os.access(path, os.X_OK):
        pytest.exit(f"no agentstate binary at {path}: build it (swift build) or set AGENTSTATE_BIN", returncode=1)
    return path


@dataclass
class Server:
    binary: str
    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> str:
        return f"sqlite:{self.directory / 'state.sqlite'}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def key(self, role: str) -> str:
        """An API key of tenant 'py' with this role, made once with the CLI."""
        if role not in self.keys:
            out = subprocess.run([self.binary, "keys", "create", "--store", self.store, "--tenant", "py", "--role", role],
                                 check=True, capture_output=True, text=True).stdout
            self.keys[role] = re.search(r"as_[A-Za-z0-9]+", out).group(0)  # type: ignore[union-attr]
        return self.keys[role]

    def start(self) -> None:
        log = open(self.directory / "server.log", "ab")
        self.process = subprocess.Popen([self.binary, "serve", "--store", self.store, "--host", "127.0.0.1", "--port", str(self.port)],
                                        stdout=subprocess.PIPE, stderr=log, env={**os.environ, "LOG_LEVEL": "error"})
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        for raw in self.process.stdout:
            line = raw.decode()
            if "listening on" in line:
                self.port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))  # type: ignore[union-attr]
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"the server did not start; see {self.directory / 'server.log'}")

    def kill(self) -> None:
        """Stops the server the hard way (SIGKILL): nothing gets to flush or say goodbye."""
        if self.process:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="agentstate-py-") as directory:
        s = Server(_binary(), Path(directory))
        s.key("agent")  # keys are made before the server opens the file
        s.key("operator")
        s.key("admin")
        s.start()
        try:
            yield s
        finally:
            s.stop()
