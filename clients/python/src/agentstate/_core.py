"""What the blocking and the asynchronous client share: how a call is written, when it is
tried again, and how an answer is read."""

from __future__ import annotations

import functools
import json
import os
import ssl
from datetime import datetime
from typing import Any, TypedDict
from urllib.parse import quote

from ._wire import Response
from .errors import AgentStateError, RateLimited, Unavailable, error_from_response

DEFAULT_URL = "http://127.0.0.1:8080"

# A call that an earlier try of itself still holds waits this many seconds at most: past the
# server's lease on an idempotency key, after which the key is freed or found applied.
IN_PROGRESS_WAITS = 35


class FeedEvent(TypedDict):
    """One entry of the change feed: ``id`` resumes the feed after it (``last_event_id``),
    ``type`` is the event's type (``message.appended`` carries the message itself as ``data``,
    every other type the run's or session's event record)."""

    id: str
    type: str
    data: Any


def seg(value: str | int) -> str:
    """One path segment, with everything but unreserved characters escaped ('/' too)."""
    return quote(str(value), safe="-._~")


def query(**params: Any) -> dict[str, str]:
    """Query parameters without the unset ones; times as RFC 3339, booleans as true/false."""
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, datetime):
            out[name] = value.isoformat().replace("+00:00", "Z")
        else:
            out[name] = str(value)
    return out


def body(fields: dict[str, Any]) -> dict[str, Any]:
    """A JSON body from keyword arguments, leaving out the ones not given."""
    return {k: v for k, v in fields.items() if v is not None}


class Call:
    """One request, ready to be sent and, if it fails on the way, sent again unchanged: its JSON
    body encoded once, here."""

    __slots__ = ("method", "path", "params", "headers", "content")

    def __init__(self, method: str, path: str, params: dict[str, str], body: Any, headers: dict[str, str]) -> None:
        self.method = method
        self.path = path
        self.params = params
        self.headers = headers
        self.content: bytes | None = None
        if body is not None:
            self.content = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"


def prepare(
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    json: Any = None,
    idempotency_key: str | None = None,
    if_match: int | None = None,
    headers: dict[str, str] | None = None,
    idempotent_writes: bool = True,
) -> Call:
    h = dict(headers) if headers else {}
    if method != "GET":
        # Every write carries a key, so that sending it again after a lost answer is safe.
        key = idempotency_key or (os.urandom(16).hex() if idempotent_writes else None)
        if key:
            h["Idempotency-Key"] = key
    if if_match is not None:
        h["If-Match"] = f'"{if_match}"'
    return Call(method, path, params or {}, json, h)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client: making one loads the CA bundle, which costs more than
    a request, and adapters make a client per session or event loop. The system's roots, or
    the ones $SSL_CERT_FILE / $SSL_CERT_DIR name."""
    return ssl.create_default_context()


def base_url(url: str | None) -> str:
    """The server's address: as given, else $AGENTSTATE_URL, else the local default."""
    return (url or os.environ.get("AGENTSTATE_URL") or DEFAULT_URL).rstrip("/")


def auth_headers(api_key: str | None) -> dict[str, str]:
    """The headers every request of a client carries."""
    key = api_key if api_key is not None else os.environ.get("AGENTSTATE_API_KEY")
    headers = {"Accept": "application/json", "User-Agent": "agentstate-python/0.1.0"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def backoff(attempt: int) -> float:
    return min(0.1 * (2**attempt), 5.0)


def problem_code(response: Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data.get("code") if isinstance(data, dict) else None


def should_retry(response: Response, attempt: int, retries: int) -> bool:
    """503 (the store is away for a moment) and 429 are worth another try while tries are left."""
    return response.status_code in (429, 503) and attempt <= retries


def retry_after(response: Response) -> float | None:
    """The seconds a ``Retry-After`` header asks for, when it gives them."""
    after = response.headers.get("retry-after")
    return float(after) if after and after.isdigit() else None


def retry_delay(response: Response, attempt: int) -> float:
    after = retry_after(response)
    return min(after, 30.0) if after is not None else backoff(attempt)


def in_progress(response: Response) -> bool:
    return response.status_code == 409 and problem_code(response) == "idempotency_key_in_progress"


def result(call: Call, response: Response) -> Any:
    """The decoded answer, ``None`` for 204, or the error the problem document describes."""
    if response.status_code >= 400:
        try:
            problem = response.json()
        except ValueError:
            problem = None
        error = error_from_response(response.status_code, problem, f"HTTP {response.status_code} for {call.method} {call.path}")
        if isinstance(error, RateLimited):
            error.retry_after = retry_after(response)
        return error
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as e:
        return Unavailable(f"the server's answer to {call.method} {call.path} is not JSON: {e}", status=response.status_code)


def unreachable(base_url: str, error: Exception) -> AgentStateError:
    return Unavailable(f"cannot reach {base_url}: {error}")

