"""The client's own HTTP/1.1 transport against a server that answers in the ways HTTP allows and
fails in the ways networks do: chunked bodies, bodies that run until close, a kept-alive
connection the server dropped while idle, a server that never answers. Each case runs through
the blocking and the asyncio client, since one is generated from the other."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from agentstate import AgentState, AsyncAgentState
from agentstate.errors import NotFound, Unavailable

Script = Callable[[socket.socket, bytes], bool]  # answers one request; False closes the connection


class ScriptedServer:
    """A loopback server that reads each request whole and answers it by ``script``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    more = conn.recv(65536)
                    if not more:
                        return
                    buffer += more
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                request, buffer = head + b"\r\n\r\n" + buffer[:length], buffer[length:]
                self.requests.append(request)
                if not self.script(conn, request):
                    return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Script], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def make(script: Script) -> ScriptedServer:
        servers.append(ScriptedServer(script))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def call_both(url: str, work: Callable[[object], object], **options: object) -> list[object]:
    """``work(client)`` through the blocking client and the asyncio one; both answers."""
    with AgentState(url, api_key="as_test", retries=0, **options) as blocking:  # type: ignore[arg-type]
        first = work(blocking)

    async def main() -> object:
        async with AsyncAgentState(url, api_key="as_test", retries=0, **options) as client:  # type: ignore[arg-type]
            out = work(client)
            return await out if asyncio.iscoroutine(out) else out

    return [first, asyncio.run(main())]


def test_a_chunked_answer_is_read_whole_and_the_connection_kept(serve: Callable[[Script], ScriptedServer]) -> None:
    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"5\r\n{\"sta\r\n")
        time.sleep(0.01)  # the rest in another segment
        conn.sendall(b"c;ext=1\r\ntus\":\"pass\"}\r\n0\r\nX-Trailer: y\r\n\r\n")
        return True

    server = serve(script)

    async def twice_async(client: AsyncAgentState) -> list[object]:
        return [await client.live(), await client.live()]

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            return [client.live(), client.live()]
        return twice_async(client)  # type: ignore[arg-type]

    assert call_both(server.url, work) == [[{"status": "pass"}] * 2] * 2
    assert server.connections == 2, "one kept-alive connection per client"


def test_a_body_that_runs_until_close(serve: Callable[[Script], ScriptedServer]) -> None:
    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"status\":")
        conn.sendall(b"\"pass\"}")
        return False

    server = serve(script)
    assert call_both(server.url, lambda c: c.live()) == [{"status": "pass"}] * 2  # type: ignore[attr-defined]


def test_a_connection_dropped_while_idle_is_replaced_without_an_error(serve: Callable[[Script], ScriptedServer]) -> None:
    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"status\":\"pass\"}")
        return False  # closes after each answer without saying so, as an idle timeout would

    server = serve(script)

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            first = client.live()
            time.sleep(0.05)
            return [first, client.live()]

        async def run() -> list[object]:
            first = await client.live()  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
            return [first, await client.live()]  # type: ignore[attr-defined]

        return run()

    # retries=0: the second call succeeds because the transport sent it again on a new connection.
    assert call_both(server.url, work) == [[{"status": "pass"}] * 2] * 2
    assert server.connections == 4


def test_a_problem_document_is_a_typed_error(serve: Callable[[Script], ScriptedServer]) -> None:
    problem = b'{"type":"about:blank","title":"Not Found","status":404,"code":"not_found","detail":"no session \'x\'"}'

    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nContent-Length: "
                     + str(len(problem)).encode() + b"\r\n\r\n" + problem)
        return True

    server = serve(script)

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            with pytest.raises(NotFound, match="no session 'x'"):
                client.get_session("x")
            return "raised"

        async def run() -> str:
            with pytest.raises(NotFound, match="no session 'x'"):
                await client.get_session("x")  # type: ignore[attr-defined]
            return "raised"

        return run()

    assert call_both(server.url, work) == ["raised", "raised"]
    assert server.requests[0].startswith(b"GET /v1/sessions/x HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nAuthorization: Bearer as_test\r\n" in server.requests[0]


def test_a_write_is_one_send_with_its_key_and_an_escaped_query(serve: Callable[[Script], ScriptedServer]) -> None:
    body = b'{"last_seq":1,"messages":[]}'

    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        return True

    server = serve(script)
    call_both(server.url, lambda c: c.append_messages("a b/c", [{"role": "user", "content": "héllo"}], expected_last_seq=0))  # type: ignore[attr-defined]
    for request in server.requests:
        head, _, payload = request.partition(b"\r\n\r\n")
        assert head.startswith(b"POST /v1/sessions/a%20b%2Fc/messages")
        assert b"\r\nIdempotency-Key: " in head and b"\r\nContent-Type: application/json" in head
        assert payload == b'{"messages":[{"role":"user","content":"h\\u00e9llo"}],"expected_last_seq":0}'
    key = lambda r: r.split(b"Idempotency-Key: ")[1].split(b"\r\n")[0]
    assert key(server.requests[0]) != key(server.requests[1])


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent(serve: Callable[[Script], ScriptedServer]) -> None:
    server = serve(lambda conn, request: False)

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            with pytest.raises(ValueError, match="line break"):
                client.create_session(id="s", idempotency_key="k\r\nX-Evil: 1")
            return "refused"

        async def run() -> str:
            with pytest.raises(ValueError, match="line break"):
                await client.create_session(id="s", idempotency_key="k\r\nX-Evil: 1")  # type: ignore[attr-defined]
            return "refused"

        return run()

    assert call_both(server.url, work) == ["refused", "refused"]
    assert server.requests == []


def test_a_server_that_never_answers_times_out_as_unavailable(serve: Callable[[Script], ScriptedServer]) -> None:
    def script(conn: socket.socket, request: bytes) -> bool:
        time.sleep(2)
        return False

    server = serve(script)

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            with pytest.raises(Unavailable, match="cannot reach"):
                client.live()
            return "timed out"

        async def run() -> str:
            with pytest.raises(Unavailable, match="cannot reach"):
                await client.live()  # type: ignore[attr-defined]
            return "timed out"

        return run()

    started = time.monotonic()
    assert call_both(server.url, work, timeout=0.3) == ["timed out", "timed out"]
    assert time.monotonic() - started < 1.5


def test_garbage_instead_of_http_is_unavailable_not_a_crash(serve: Callable[[Script], ScriptedServer]) -> None:
    def script(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        return False

    server = serve(script)

    def work(client: object) -> object:
        if isinstance(client, AgentState):
            with pytest.raises(Unavailable, match="not an HTTP/1.x answer"):
                client.live()
            return "refused"

        async def run() -> str:
            with pytest.raises(Unavailable, match="not an HTTP/1.x answer"):
                await client.live()  # type: ignore[attr-defined]
            return "refused"

        return run()

    assert call_both(server.url, work) == ["refused", "refused"]
