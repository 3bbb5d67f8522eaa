"""One connection's bytes, for ``_http.py``: ``AsyncStream`` on asyncio, ``SyncStream`` on a
blocking socket, with the same methods so that the transport is written once (the blocking one
is generated from the asynchronous one by tools/generate.py)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Iterator

from ._wire import Origin

READ = 256 * 1024


class AsyncStream:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @staticmethod
    async def open(origin: Origin, tls: ssl.SSLContext | None, timeout: float) -> AsyncStream:
        # asyncio sets TCP_NODELAY on its sockets: a request leaves in one segment, at once. The
        # caller's deadline bounds the connect (``timeout`` is the blocking stream's).
        reader, writer = await asyncio.open_connection(
            origin.host, origin.port, ssl=tls, server_hostname=origin.host if tls else None, limit=READ
        )
        return AsyncStream(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        if self.writer.transport.get_write_buffer_size():
            await self.writer.drain()  # only when the kernel did not take it all

    async def recv(self) -> bytes:
        return await self.reader.read(READ)

    def closed_by_peer(self) -> bool:
        """The server closed this idle connection (its end of file already arrived)."""
        return self.reader.at_eof()

    def without_timeout(self) -> None:
        """A long-lived stream (the change feed) waits for the server as long as it takes."""

    def close(self) -> None:
        self.writer.close()


class SyncStream:
    __slots__ = ("sock",)

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    @staticmethod
    def open(origin: Origin, tls: ssl.SSLContext | None, timeout: float) -> SyncStream:
        sock = socket.create_connection((origin.host, origin.port), timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tls is not None:
                sock = tls.wrap_socket(sock, server_hostname=origin.host)
        except BaseException:
            sock.close()
            raise
        return SyncStream(sock)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self) -> bytes:
        return self.sock.recv(READ)

    def closed_by_peer(self) -> bool:
        return False  # found out on use, and sent again on a new connection

    def without_timeout(self) -> None:
        self.sock.settimeout(None)

    def close(self) -> None:
        self.sock.close()


if sys.version_info >= (3, 11):
    async_deadline = asyncio.timeout
else:

    @contextlib.asynccontextmanager
    async def async_deadline(seconds: float | None) -> AsyncIterator[None]:
        """``asyncio.timeout`` for Python 3.10: the task is cancelled when time is up, and the
        cancellation comes out as TimeoutError."""
        task = asyncio.current_task()
        assert task is not None
        fired = False

        def fire() -> None:
            nonlocal fired
            fired = True
            task.cancel()

        handle = asyncio.get_running_loop().call_later(seconds, fire) if seconds is not None else None
        try:
            yield
        except asyncio.CancelledError:
            if fired:
                raise TimeoutError from None
            raise
        finally:
            if handle is not None:
                handle.cancel()


@contextlib.contextmanager
def sync_deadline(seconds: float | None) -> Iterator[None]:
    """The blocking stream's socket timeout bounds each wait; nothing more to do here."""
    yield
