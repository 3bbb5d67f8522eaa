"""HTTP/1.1 as the client speaks it, without I/O: a request written as one buffer, an answer's
head parsed, its body framed. ``_http.py`` (and ``_http_sync.py``, generated from it) move the
bytes.

A general HTTP library pays for generality on every call (URL objects, header multidicts, a
state machine per connection, hooks); the client sends a handful of request shapes to one
server, so it builds each request with a few string joins and sends headers and body together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

MAX_HEAD = 64 * 1024


class TransportError(Exception):
    """No usable answer: the connection could not be made, broke, timed out, or the server's
    bytes are not HTTP. A write that fails so may or may not have happened."""


class StaleConnection(TransportError):
    """A kept-alive connection the server had already closed: the request was not read, so it
    is sent again at once on a new connection."""


class Response:
    """An answer: status, headers (names in lower case) and the whole body."""

    __slots__ = ("status_code", "headers", "content", "keep_alive")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes, keep_alive: bool) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.keep_alive = keep_alive

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


@dataclass(frozen=True)
class Origin:
    """Where requests go: scheme, host, port, and the path every target is put under."""

    tls: bool
    host: str
    port: int
    prefix: str
    host_header: str

    @staticmethod
    def parse(url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        host = parts.hostname
        shown = f"[{host}]" if ":" in host else host
        default = port == (443 if tls else 80)
        return Origin(tls, host, port, parts.path.rstrip("/"), shown if default else f"{shown}:{port}")


def header_block(headers: dict[str, str]) -> str:
    """Header lines, each ended by CRLF. A value holding CR or LF would start a header of its
    own (or a second request), so it is refused rather than sent."""
    out = []
    for name, value in headers.items():
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name or ":" in name:
            raise ValueError(f"header {name!r} holds a line break or colon")
        out.append(f"{name}: {value}\r\n")
    return "".join(out)


def target(origin: Origin, path: str, params: dict[str, str] | None) -> str:
    """The request target: the path under the origin's prefix, with the query escaped so that
    the server decodes exactly the values given (a '+' stays a plus, a '/' in a value stays in it)."""
    if not params:
        return origin.prefix + path
    q = "&".join(f"{quote(k, safe='-._~')}={quote(v, safe='-._~')}" for k, v in params.items())
    return f"{origin.prefix}{path}?{q}"


class Preamble:
    """The host and the headers every request of a client carries, written once; ``encode``
    makes one request's bytes: request line, headers, body, for a single send."""

    __slots__ = ("headers", "host", "block")

    def __init__(self, origin: Origin, headers: dict[str, str]) -> None:
        self.headers = headers
        self.host = f"Host: {origin.host_header}\r\n"
        self.block = self.host + header_block(headers)

    def encode(self, method: str, target: str, extra: dict[str, str] | None, body: bytes | None) -> bytes:
        head = f"{method} {target} HTTP/1.1\r\n"
        if not extra:
            head += self.block
        elif self.headers.keys().isdisjoint(extra):
            head += self.block + header_block(extra)
        else:  # a header of the call's own (Accept, say) in place of the client's
            head += self.host + header_block({**self.headers, **extra})
        if body is not None:
            head += f"Content-Length: {len(body)}\r\n\r\n"
            return head.encode("latin-1") + body
        if method in ("POST", "PUT", "PATCH"):
            head += "Content-Length: 0\r\n"
        return (head + "\r\n").encode("latin-1")


def parse_head(head: bytes) -> tuple[int, dict[str, str], bool]:
    """The status, the headers and whether the connection may be used again, from the bytes
    before the blank line."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit():
        raise TransportError(f"not an HTTP/1.x answer: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise TransportError(f"a malformed header line: {line[:80]!r}")
        key = name.strip().lower()
        value = value.strip()
        # Repeated headers are joined as RFC 9110 allows for list-valued fields.
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    return int(code), headers, keep_alive


def body_length(method: str, status: int, headers: dict[str, str]) -> int | None:
    """How many body bytes follow the head: a number, 0 for none, or None when the body is
    chunked (-1 marks one that runs until the server closes)."""
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return 0
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return None
    length = headers.get("content-length")
    if length is None:
        return -1
    if not length.isdigit():
        raise TransportError(f"a malformed Content-Length: {length!r}")
    return int(length)


class Chunks:
    """Undoes chunked transfer coding as bytes arrive: ``feed`` takes what came, gives back the
    body bytes it completes; ``done`` once the last chunk and trailers are read."""

    __slots__ = ("buffer", "remaining", "done")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.remaining = 0  # body bytes left in the current chunk, then its CRLF
        self.done = False

    def feed(self, data: bytes | bytearray) -> bytes:
        self.buffer += data
        out = bytearray()
        while not self.done:
            if self.remaining > 0:
                take = min(self.remaining, len(self.buffer))
                if take == 0:
                    break
                out += self.buffer[:take]
                del self.buffer[:take]
                self.remaining -= take
                if self.remaining == 0:
                    self.remaining = -2  # the CRLF after a chunk's data
                continue
            if self.remaining == -2:
                if len(self.buffer) < 2:
                    break
                if self.buffer[:2] != b"\r\n":
                    raise TransportError("a chunk not ended by CRLF")
                del self.buffer[:2]
                self.remaining = 0
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    raise TransportError("a chunk size line too long")
                break
            size_text = bytes(self.buffer[:end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise TransportError(f"a malformed chunk size: {size_text[:20]!r}") from None
            if size == 0:
                # The last chunk: trailers (if any) end with an empty line.
                if self.buffer[end + 2 : end + 4] == b"\r\n":
                    consumed = end + 4
                else:
                    trailers_end = self.buffer.find(b"\r\n\r\n", end + 2)
                    if trailers_end < 0:
                        break
                    consumed = trailers_end + 4
                del self.buffer[:consumed]
                self.done = True
                break
            del self.buffer[: end + 2]
            self.remaining = size
        return bytes(out)
