"""The client's HTTP/1.1 transport: keep-alive connections to one server, kept in a pool.

This is the asynchronous version; ``_http_sync.py`` is generated from it by tools/generate.py
(edit this file, not that one). A request is written with one send and its answer read with a
receive or two; a connection the server closed while idle is noticed and the request sent again
on a new one, since the server never read it.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

from . import _wire
from ._streams import AsyncStream, async_deadline
from ._wire import Origin, Response, StaleConnection, TransportError

POOL = 32  # idle connections kept; more may be open while that many callers are waiting


class AsyncHTTP:
    """Requests to one origin. Safe to share: each request takes a connection of its own."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float | None, tls: ssl.SSLContext | None) -> None:
        self.origin = Origin.parse(base_url)
        self.timeout = timeout
        self._tls = tls if self.origin.tls else None
        self._preamble = _wire.Preamble(self.origin, headers)
        self._idle: list[AsyncStream] = []
        self._closed = False

    async def request(self, method: str, path: str, params: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None, body: bytes | None = None) -> Response:
        data = self._preamble.encode(method, _wire.target(self.origin, path, params), headers, body)
        while True:
            stream = self._take()
            reused = stream is not None
            try:
                async with async_deadline(self.timeout):
                    if stream is None:
                        stream = await AsyncStream.open(self.origin, self._tls, self.timeout or 30.0)
                    await stream.send(data)
                    response = await self._read(stream, method)
            except BaseException as e:
                if stream is not None:
                    stream.close()  # whatever went wrong, this connection's state is unknown
                if reused and isinstance(e, (StaleConnection, ConnectionResetError, BrokenPipeError)):
                    continue  # closed by the server while idle: it never read this request
                if isinstance(e, TransportError):
                    raise
                if isinstance(e, (OSError, TimeoutError)):
                    raise TransportError(str(e) or type(e).__name__) from e
                raise
            self._give_back(stream, response.keep_alive)
            return response

    async def stream(self, path: str, params: dict[str, str] | None, headers: dict[str, str],
                     connect_timeout: float) -> tuple[int, dict[str, str], AsyncIterator[bytes]]:
        """A GET whose body is read as it comes (the change feed), on a connection of its own:
        the status, the headers, and the body's bytes as they arrive. The body waits for the
        server without a time limit; the connection is closed when the body ends or is dropped."""
        data = self._preamble.encode("GET", _wire.target(self.origin, path, params), headers, None)
        stream = None
        try:
            async with async_deadline(connect_timeout):
                stream = await AsyncStream.open(self.origin, self._tls, connect_timeout)
                await stream.send(data)
                status, head, rest = await self._head(stream)
            stream.without_timeout()
        except BaseException as e:
            if stream is not None:
                stream.close()
            if isinstance(e, (OSError, TimeoutError)):
                raise TransportError(str(e) or type(e).__name__) from e
            raise
        return status, head, self._body(stream, "GET", status, head, rest)

    async def _read(self, stream: AsyncStream, method: str) -> Response:
        status, headers, rest = await self._head(stream)
        keep_alive = headers.pop(":keep-alive") == "1"
        length = _wire.body_length(method, status, headers)
        if length is not None and length >= 0:
            # The usual answer: its length known, most often all in hand already.
            while len(rest) < length:
                more = await stream.recv()
                if not more:
                    raise TransportError("the server closed the connection in the middle of an answer")
                rest += more
            if len(rest) > length:
                raise TransportError("the server sent more than the answer it announced")
            return Response(status, headers, bytes(rest), keep_alive)
        content = b"".join([chunk async for chunk in self._body(stream, method, status, headers, rest, close=False)])
        return Response(status, headers, content, keep_alive and length is None)

    async def _head(self, stream: AsyncStream) -> tuple[int, dict[str, str], bytearray]:
        """Reads up to the blank line after the headers: the status, the headers (with whether
        the connection may be kept under ':keep-alive'), and the bytes already read past it."""
        buffer = bytearray()
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(buffer) > _wire.MAX_HEAD:
                raise TransportError("the answer's head is longer than 64 KiB")
            more = await stream.recv()
            if not more:
                if not buffer:
                    raise StaleConnection("the server closed the connection without answering")
                raise TransportError("the server closed the connection in the middle of an answer")
            buffer += more
        status, headers, keep_alive = _wire.parse_head(bytes(buffer[:end]))
        headers[":keep-alive"] = "1" if keep_alive else ""
        return status, headers, buffer[end + 4 :]

    async def _body(self, stream: AsyncStream, method: str, status: int, headers: dict[str, str],
                    rest: bytearray, close: bool = True) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive, unframed; ``close`` closes the connection after."""
        headers.pop(":keep-alive", None)
        try:
            length = _wire.body_length(method, status, headers)
            if length is None:
                chunks = _wire.Chunks()
                data = chunks.feed(rest)
                while True:
                    if data:
                        yield data
                    if chunks.done:
                        return
                    more = await stream.recv()
                    if not more:
                        raise TransportError("the server closed the connection in the middle of an answer")
                    data = chunks.feed(more)
            left = length
            if rest:
                yield bytes(rest)
                left -= len(rest)
            while length < 0 or left > 0:
                more = await stream.recv()
                if not more:
                    if length < 0:
                        return  # a body that runs until the server closes
                    raise TransportError("the server closed the connection in the middle of an answer")
                left -= len(more)
                yield more
        finally:
            if close:
                stream.close()

    def _take(self) -> AsyncStream | None:
        while self._idle:
            try:
                stream = self._idle.pop()
            except IndexError:  # another thread took the last one
                return None
            if not stream.closed_by_peer():
                return stream
            stream.close()
        return None

    def _give_back(self, stream: AsyncStream, keep_alive: bool) -> None:
        if keep_alive and not self._closed and len(self._idle) < POOL:
            self._idle.append(stream)
        else:
            stream.close()

    def close(self) -> None:
        self._closed = True
        while self._idle:
            try:
                self._idle.pop().close()
            except IndexError:
                break
