"""The errors the API reports, as exceptions: one class per kind of failure, each carrying the
problem document (RFC 9457) the server sent."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AgentStateError",
    "InvalidInput",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "AlreadyExists",
    "Conflict",
    "InvalidTransition",
    "LeaseLost",
    "Applied",
    "VersionConflict",
    "PayloadTooLarge",
    "RateLimited",
    "Unavailable",
    "Unsupported",
]


class AgentStateError(Exception):
    """A call the server refused, or could not be made.

    ``status`` is the HTTP status (0 when the server could not be reached), ``code`` the
    problem's machine-readable code, ``field`` the input at fault, and ``current`` what the
    record is now (its version or status) for conflicts.
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int = 0,
        code: str | None = None,
        field: str | None = None,
        current: str | None = None,
        problem: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.field = field
        self.current = current
        self.problem = problem or {}

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        return f"{self.detail}{where}"


class InvalidInput(AgentStateError):
    """400 or 422: the request is malformed; ``field`` names what."""


class Unauthorized(AgentStateError):
    """401: no valid API key."""


class Forbidden(AgentStateError):
    """403: the key's role may not do this."""


class NotFound(AgentStateError):
    """404: no such record in this key's tenant."""


class Conflict(AgentStateError):
    """409: the record's state does not allow this now."""


class AlreadyExists(Conflict):
    """409: a record with this id exists."""


class InvalidTransition(Conflict):
    """409: the run's state machine does not allow this move."""


class LeaseLost(Conflict):
    """409: the caller's lease or fencing token is no longer current."""


class Applied(Conflict):
    """409 ``idempotency_key_applied``: a write sent again with its ``Idempotency-Key`` was done
    the first time, but its answer cannot be sent again (its server stopped before keeping it, it
    held a secret, or it was larger than the server keeps). It will not run again; read the
    resource to see its outcome. A retry after a lost answer can meet this."""


class VersionConflict(AgentStateError):
    """412 (If-Match) or 409 (an expected version or seq in the body): the record moved on since
    what the caller expected; ``current`` says where it is."""


class PayloadTooLarge(InvalidInput):
    """413: the body is over the server's limit."""


class RateLimited(AgentStateError):
    """429: too many requests for this key; ``retry_after`` is in seconds when the server said."""

    retry_after: float | None = None


class Unavailable(AgentStateError):
    """503 or no answer: the server or its store cannot be reached now; retrying may succeed."""


class Unsupported(AgentStateError):
    """The server cannot do this operation."""


_BY_CODE: dict[str, type[AgentStateError]] = {
    "not_found": NotFound,
    "already_exists": AlreadyExists,
    "version_conflict": VersionConflict,
    "invalid_transition": InvalidTransition,
    "conflict": Conflict,
    "invalid_input": InvalidInput,
    "lease_lost": LeaseLost,
    "idempotency_key_applied": Applied,
    "unavailable": Unavailable,
    "unauthorized": Unauthorized,
    "forbidden": Forbidden,
    "unsupported": Unsupported,
}

_BY_STATUS: dict[int, type[AgentStateError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: VersionConflict,
    413: PayloadTooLarge,
    422: InvalidInput,
    429: RateLimited,
    503: Unavailable,
}


def error_from_response(status: int, problem: Any, fallback: str) -> AgentStateError:
    """The exception for a response with a status of 400 or more."""
    body: dict[str, Any] = problem if isinstance(problem, dict) else {}
    code = body.get("code") if isinstance(body.get("code"), str) else None
    # The status decides first where it is more precise than the code (413, 412, 429).
    cls = _BY_STATUS.get(status) if status in (412, 413, 429) else None
    cls = cls or _BY_CODE.get(code or "") or _BY_STATUS.get(status) or AgentStateError
    return cls(
        str(body.get("detail") or fallback),
        status=status,
        code=code,
        field=body.get("field"),
        current=body.get("current"),
        problem=body,
    )
