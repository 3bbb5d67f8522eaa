"""The asynchronous client: every endpoint of the API as a method, over the client's own
HTTP/1.1 transport (``_http.py``).

Writes carry an ``Idempotency-Key`` (a fresh one unless given), so a call that fails on the
way — connection refused or reset, a 503, a 429 — is sent again with the same key and never
does its work twice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any, Literal, overload

from typing_extensions import Unpack

from . import _core
from ._core import Call, FeedEvent, body, prepare, query, seg
from ._http import AsyncHTTP
from ._wire import Response, TransportError
from .errors import AgentStateError
from .models import (
    Approval,
    ApprovalPage,
    ApprovalRequest,
    AuditPage,
    ChainVerification,
    Checkpoint,
    CheckpointRecord,
    ClaimedRun,
    ContextBody,
    Decision,
    Effect,
    EffectBegin,
    EffectBeginResult,
    ErasureReceipt,
    ErrorInfo,
    Event,
    Health,
    IssuedKeyView,
    KeyView,
    Lease,
    MemoryHit,
    MemoryItem,
    MemoryPage,
    MemoryWrite,
    Message,
    MessageWindow,
    NewMessage,
    RetentionPolicy,
    RetentionReport,
    Progress,
    Run,
    RunCreate,
    RunPage,
    RunSnapshot,
    RunTransition,
    Session,
    SessionCreate,
    SessionPage,
    SessionUpdate,
    Step,
    StepWrite,
    StoreStatistics,
    SweepReport,
    ToolCallState,
    Usage,
    UserExport,
)

RunStatus = Literal["created", "running", "waiting_for_approval", "waiting", "completed", "failed", "cancelled"]


class AsyncAgentState:
    """A client of one AgentState server.

    ``base_url`` defaults to ``$AGENTSTATE_URL`` (else http://127.0.0.1:8080), ``api_key`` to
    ``$AGENTSTATE_API_KEY``. ``retries`` is how often a call that
    failed on the way is tried again. Use it as an async context manager, or call ``aclose``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 3,
    ) -> None:
        self.base_url = _core.base_url(base_url)
        self.retries = retries
        tls = _core.tls_context() if self.base_url.startswith("https:") else None
        self._http = AsyncHTTP(self.base_url, _core.auth_headers(api_key), timeout, tls)

    async def __aenter__(self) -> AsyncAgentState:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._http.close()

    async def request(self, call: Call) -> Any:
        """Sends one call, trying again while that is safe; the decoded body, or None for 204."""
        attempt = 0
        waited = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(call.method, call.path, call.params, call.headers, call.content)
            except TransportError as e:
                # No answer: the write may or may not have happened, and its key makes a retry safe.
                if attempt > self.retries:
                    raise _core.unreachable(self.base_url, e) from e
                await asyncio.sleep(_core.backoff(attempt))
                continue
            if _core.should_retry(response, attempt, self.retries):
                await asyncio.sleep(_core.retry_delay(response, attempt))
                continue
            if _core.in_progress(response) and waited < _core.IN_PROGRESS_WAITS:
                # An earlier try of this very call is still being handled (or its server died).
                waited += 1
                await asyncio.sleep(1.0)
                continue
            out = _core.result(call, response)
            if isinstance(out, AgentStateError):
                raise out
            return out

    async def _every(self, page: Callable[[str | None], Awaitable[Any]]) -> AsyncIterator[Any]:
        """The items of every page ``page(cursor)`` returns, following ``next_cursor``."""
        cursor = None
        while True:
            got = await page(cursor)
            for item in got["items"]:
                yield item
            cursor = got.get("next_cursor")
            if not cursor:
                return

    # MARK: Sessions

    async def create_session(self, *, idempotency_key: str | None = None, **fields: Unpack[SessionCreate]) -> Session:
        return await self.request(prepare("POST", "/v1/sessions", json=dict(fields), idempotency_key=idempotency_key))

    async def get_session(self, session_id: str) -> Session:
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}"))

    async def list_sessions(
        self, *, user_id: str | None = None, status: Literal["active", "closed", "expired"] | None = None,
        limit: int | None = None, cursor: str | None = None,
    ) -> SessionPage:
        return await self.request(prepare("GET", "/v1/sessions", params=query(user_id=user_id, status=status, limit=limit, cursor=cursor)))

    async def iter_sessions(self, *, user_id: str | None = None, status: Literal["active", "closed", "expired"] | None = None) -> AsyncIterator[Session]:
        """Every session, page after page."""
        async for s in self._every(lambda cursor: self.list_sessions(user_id=user_id, status=status, limit=200, cursor=cursor)):
            yield s

    async def update_session(self, session_id: str, *, if_match: int | None = None, idempotency_key: str | None = None,
                             **fields: Unpack[SessionUpdate]) -> Session:
        return await self.request(prepare("PATCH", f"/v1/sessions/{seg(session_id)}", json=dict(fields), if_match=if_match,
                                          idempotency_key=idempotency_key))

    async def close_session(self, session_id: str, *, idempotency_key: str | None = None) -> Session:
        return await self.request(prepare("POST", f"/v1/sessions/{seg(session_id)}/close", idempotency_key=idempotency_key))

    async def delete_session(self, session_id: str, *, idempotency_key: str | None = None) -> None:
        await self.request(prepare("DELETE", f"/v1/sessions/{seg(session_id)}", idempotency_key=idempotency_key))

    # MARK: Messages

    async def append_messages(self, session_id: str, messages: list[NewMessage], *, expected_last_seq: int | None = None,
                              idempotency_key: str | None = None) -> list[Message]:
        """Appends messages in order, all or none; with ``expected_last_seq``, only if the session's
        last message is still that one (VersionConflict otherwise)."""
        payload = body({"messages": messages, "expected_last_seq": expected_last_seq})
        out = await self.request(prepare("POST", f"/v1/sessions/{seg(session_id)}/messages", json=payload, idempotency_key=idempotency_key))
        return out["messages"]

    async def read_messages(
        self, session_id: str, *, last: int | None = None, tail: int | None = None, after_seq: int | None = None,
        since: datetime | None = None, until: datetime | None = None, max_tokens: int | None = None, limit: int | None = None,
        include_session: bool = False,
    ) -> MessageWindow:
        """A window of the session: ``last`` N for the context (after the summary, the system
        message pinned), ``tail`` N of the raw history, ``after_seq``, a time range, or a token
        budget. ``include_session`` brings the session itself (context, version) along."""
        params = query(tail=tail, last=last, after_seq=after_seq, since=since, until=until, max_tokens=max_tokens, limit=limit,
                       include="session" if include_session else None)
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/messages", params=params))

    async def tool_call(self, session_id: str, call_id: str) -> ToolCallState:
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/tool-calls/{seg(call_id)}"))

    async def compact(self, session_id: str, *, summary: str, through_seq: int, tokens: int | None = None,
                      idempotency_key: str | None = None) -> Session:
        payload = body({"summary": summary, "through_seq": through_seq, "tokens": tokens})
        return await self.request(prepare("POST", f"/v1/sessions/{seg(session_id)}/compact", json=payload, idempotency_key=idempotency_key))

    async def get_context(self, session_id: str) -> ContextBody:
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/context"))

    async def patch_context(self, session_id: str, patch: dict[str, Any], *, if_match: int | None = None,
                            idempotency_key: str | None = None) -> ContextBody:
        """Applies a JSON merge patch (RFC 7396) to the session's context."""
        return await self.request(prepare("PATCH", f"/v1/sessions/{seg(session_id)}/context", json=patch, if_match=if_match,
                                          idempotency_key=idempotency_key))

    async def session_events(self, session_id: str, *, after_seq: int | None = None, limit: int | None = None) -> list[Event]:
        out = await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/events", params=query(after_seq=after_seq, limit=limit)))
        return out["items"]

    async def verify_session(self, session_id: str) -> ChainVerification:
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/verify"))

    # MARK: Runs

    async def create_run(self, *, idempotency_key: str | None = None, **fields: Unpack[RunCreate]) -> Run:
        return await self.request(prepare("POST", "/v1/runs", json=dict(fields), idempotency_key=idempotency_key))

    async def get_run(self, run_id: str) -> Run:
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}"))

    async def list_runs(
        self, *, status: RunStatus | None = None, owner: str | None = None, workflow: str | None = None, user_id: str | None = None,
        updated_before: datetime | None = None, limit: int | None = None, cursor: str | None = None,
    ) -> RunPage:
        params = query(status=status, owner=owner, workflow=workflow, user_id=user_id, updated_before=updated_before, limit=limit, cursor=cursor)
        return await self.request(prepare("GET", "/v1/runs", params=params))

    async def iter_runs(self, *, status: RunStatus | None = None, owner: str | None = None, workflow: str | None = None,
                        user_id: str | None = None) -> AsyncIterator[Run]:
        """Every run that matches, page after page."""
        async for r in self._every(lambda cursor: self.list_runs(status=status, owner=owner, workflow=workflow, user_id=user_id,
                                                                 limit=200, cursor=cursor)):
            yield r

    async def list_session_runs(self, session_id: str, *, status: RunStatus | None = None, limit: int | None = None,
                                cursor: str | None = None) -> RunPage:
        """The runs started on a session, newest first: what works on it now and what waits."""
        params = query(status=status, limit=limit, cursor=cursor)
        return await self.request(prepare("GET", f"/v1/sessions/{seg(session_id)}/runs", params=params))

    async def delete_run(self, run_id: str, *, idempotency_key: str | None = None) -> None:
        """Deletes a finished run with all its history (Conflict while it is not finished)."""
        await self.request(prepare("DELETE", f"/v1/runs/{seg(run_id)}", idempotency_key=idempotency_key))

    async def transition(self, run_id: str, *, if_match: int | None = None, idempotency_key: str | None = None,
                         **fields: Unpack[RunTransition]) -> Run:
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/transitions", json=dict(fields), if_match=if_match,
                                          idempotency_key=idempotency_key))

    async def record_usage(self, run_id: str, *, idempotency_key: str | None = None, **usage: Unpack[Usage]) -> Run:
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/usage", json=dict(usage), idempotency_key=idempotency_key))

    # MARK: Steps and effects

    async def put_step(self, run_id: str, name: str, *, idempotency_key: str | None = None, **write: Unpack[StepWrite]) -> Step:
        return await self.request(prepare("PUT", f"/v1/runs/{seg(run_id)}/steps/{seg(name)}", json=dict(write), idempotency_key=idempotency_key))

    async def list_steps(self, run_id: str) -> list[Step]:
        return (await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/steps")))["items"]

    async def begin_effect(self, run_id: str, key: str, *, idempotency_key: str | None = None, **begin: Unpack[EffectBegin]) -> EffectBeginResult:
        """Claims the right to do an external action once. ``outcome`` says whether to do it now
        (``started``), or that it is done (``completed``: use ``effect['result']``) or held by another."""
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/effects/{seg(key)}/begin", json=dict(begin),
                                          idempotency_key=idempotency_key))

    async def complete_effect(self, run_id: str, key: str, *, attempt_token: int, result: Any = None, external_id: str | None = None,
                              idempotency_key: str | None = None) -> Effect:
        payload = body({"attempt_token": attempt_token, "result": result, "external_id": external_id})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/effects/{seg(key)}/complete", json=payload,
                                          idempotency_key=idempotency_key))

    async def fail_effect(self, run_id: str, key: str, *, attempt_token: int, error: ErrorInfo, idempotency_key: str | None = None) -> Effect:
        payload = {"attempt_token": attempt_token, "error": error}
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/effects/{seg(key)}/fail", json=payload,
                                          idempotency_key=idempotency_key))

    async def get_effect(self, run_id: str, key: str) -> Effect:
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/effects/{seg(key)}"))

    # MARK: Checkpoints and history

    @overload
    async def save_checkpoint(
        self, run_id: str, *, state: Any = None, patch: Any = None, step: str | None = None, fencing_token: int | None = None,
        expected_seq: int | None = None, minimal: Literal[False] = False, idempotency_key: str | None = None,
    ) -> Checkpoint: ...

    @overload
    async def save_checkpoint(
        self, run_id: str, *, state: Any = None, patch: Any = None, step: str | None = None, fencing_token: int | None = None,
        expected_seq: int | None = None, minimal: Literal[True], idempotency_key: str | None = None,
    ) -> CheckpointRecord: ...

    async def save_checkpoint(
        self, run_id: str, *, state: Any = None, patch: Any = None, step: str | None = None, fencing_token: int | None = None,
        expected_seq: int | None = None, minimal: bool = False, idempotency_key: str | None = None,
    ) -> Checkpoint | CheckpointRecord:
        """Saves the whole ``state``, or a JSON merge ``patch`` of the newest checkpoint (one of
        the two). With ``expected_seq``, only if the newest checkpoint is still that one. With
        ``minimal``, the answer is the checkpoint as stored (its patch, usually), not the whole state."""
        payload = body({"state": state, "patch": patch, "step": step, "fencing_token": fencing_token, "expected_seq": expected_seq})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/checkpoints", json=payload, idempotency_key=idempotency_key,
                                          headers={"Prefer": "return=minimal"} if minimal else None))

    async def save_progress(
        self, run_id: str, name: str, step: StepWrite, *, state: Any = None, patch: Any = None, expected_seq: int | None = None,
        idempotency_key: str | None = None,
    ) -> Progress:
        """Writes step ``name`` and the checkpoint after it (the whole ``state``, or a merge
        ``patch`` of the newest) in one transaction: both or neither, with one commit."""
        checkpoint = body({"state": state, "patch": patch, "expected_seq": expected_seq})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/progress",
                                          json={"name": name, "step": dict(step), "checkpoint": checkpoint},
                                          idempotency_key=idempotency_key))

    async def latest_checkpoint(self, run_id: str, *, step: str | None = None) -> Checkpoint:
        """The newest checkpoint, or the newest saved under ``step``, with its state whole."""
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/checkpoints/latest", params=query(step=step)))

    async def get_checkpoint(self, run_id: str, seq: int) -> Checkpoint:
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/checkpoints/{seq}"))

    async def list_checkpoints(self, run_id: str, *, after_seq: int | None = None, limit: int | None = None) -> list[CheckpointRecord]:
        """Checkpoints as stored: whole copies, and patches to apply in order."""
        out = await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/checkpoints", params=query(after_seq=after_seq, limit=limit)))
        return out["items"]

    async def run_events(self, run_id: str, *, after_seq: int | None = None, limit: int | None = None) -> list[Event]:
        out = await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/events", params=query(after_seq=after_seq, limit=limit)))
        return out["items"]

    async def append_event(self, run_id: str, type: str, data: Any = None, *, idempotency_key: str | None = None) -> Event:
        payload = body({"type": type, "data": data})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/events", json=payload, idempotency_key=idempotency_key))

    async def verify_run(self, run_id: str) -> ChainVerification:
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/verify"))

    async def run_state(self, run_id: str, *, at_seq: int | None = None, at_time: datetime | None = None) -> RunSnapshot:
        """The run as it was at an event of its history, or at a time."""
        return await self.request(prepare("GET", f"/v1/runs/{seg(run_id)}/state", params=query(at_seq=at_seq, at_time=at_time)))

    async def fork(self, run_id: str, *, at_seq: int | None = None, at_time: datetime | None = None, new_id: str | None = None,
                   idempotency_key: str | None = None) -> Run:
        payload = body({"at_seq": at_seq, "at_time": at_time.isoformat() if at_time else None, "new_id": new_id})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/fork", json=payload, idempotency_key=idempotency_key))

    # MARK: Workers

    async def claim(self, worker: str, *, lease_seconds: int | None = None, workflow: str | None = None,
                    idempotency_key: str | None = None) -> ClaimedRun | None:
        """The next runnable run with a lease on it, or None when there is none."""
        payload = body({"worker": worker, "lease_seconds": lease_seconds, "workflow": workflow})
        return await self.request(prepare("POST", "/v1/runs/claim", json=payload, idempotency_key=idempotency_key))

    async def renew_lease(self, run_id: str, token: int, *, lease_seconds: int | None = None, idempotency_key: str | None = None) -> Lease:
        payload = body({"token": token, "lease_seconds": lease_seconds})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/lease/renew", json=payload, idempotency_key=idempotency_key))

    async def release_lease(self, run_id: str, token: int, *, idempotency_key: str | None = None) -> Run:
        return await self.request(prepare("DELETE", f"/v1/runs/{seg(run_id)}/lease", params=query(token=token), idempotency_key=idempotency_key))

    async def wait(self, run_id: str, *, until: datetime | None = None, reason: str | None = None, fencing_token: int | None = None,
                   idempotency_key: str | None = None) -> Run:
        payload = body({"until": until.isoformat() if until else None, "reason": reason, "fencing_token": fencing_token})
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/wait", json=payload, idempotency_key=idempotency_key))

    async def signal(self, run_id: str, payload: Any = None, *, idempotency_key: str | None = None) -> Run:
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/signal", json=body({"payload": payload}), idempotency_key=idempotency_key))

    # MARK: Approvals

    async def request_approval(self, run_id: str, *, idempotency_key: str | None = None, **request: Unpack[ApprovalRequest]) -> Approval:
        return await self.request(prepare("POST", f"/v1/runs/{seg(run_id)}/approvals", json=dict(request), idempotency_key=idempotency_key))

    async def list_approvals(
        self, *, status: Literal["pending", "approved", "rejected", "expired"] | None = None, approver: str | None = None,
        group: str | None = None, run_id: str | None = None, overdue: bool | None = None, limit: int | None = None, cursor: str | None = None,
    ) -> ApprovalPage:
        params = query(status=status, approver=approver, group=group, run_id=run_id, overdue=overdue, limit=limit, cursor=cursor)
        return await self.request(prepare("GET", "/v1/approvals", params=params))

    async def get_approval(self, approval_id: str) -> Approval:
        return await self.request(prepare("GET", f"/v1/approvals/{seg(approval_id)}"))

    async def decide(self, approval_id: str, *, if_match: int | None = None, idempotency_key: str | None = None,
                     **decision: Unpack[Decision]) -> Approval:
        return await self.request(prepare("POST", f"/v1/approvals/{seg(approval_id)}/decision", json=dict(decision), if_match=if_match,
                                          idempotency_key=idempotency_key))

    # MARK: Memory

    async def put_memory(self, user_id: str, namespace: str, key: str, *, if_match: int | None = None, idempotency_key: str | None = None,
                         **write: Unpack[MemoryWrite]) -> MemoryItem:
        return await self.request(prepare("PUT", f"/v1/memory/{seg(user_id)}/{seg(namespace)}/{seg(key)}", json=dict(write),
                                          if_match=if_match, idempotency_key=idempotency_key))

    async def get_memory(self, user_id: str, namespace: str, key: str) -> MemoryItem:
        return await self.request(prepare("GET", f"/v1/memory/{seg(user_id)}/{seg(namespace)}/{seg(key)}"))

    async def delete_memory(self, user_id: str, namespace: str, key: str, *, idempotency_key: str | None = None) -> None:
        await self.request(prepare("DELETE", f"/v1/memory/{seg(user_id)}/{seg(namespace)}/{seg(key)}", idempotency_key=idempotency_key))

    async def list_memory(self, user_id: str, namespace: str, *, prefix: str | None = None, limit: int | None = None,
                          cursor: str | None = None) -> MemoryPage:
        params = query(prefix=prefix, limit=limit, cursor=cursor)
        return await self.request(prepare("GET", f"/v1/memory/{seg(user_id)}/{seg(namespace)}", params=params))

    async def iter_memory(self, user_id: str, namespace: str, *, prefix: str | None = None) -> AsyncIterator[MemoryItem]:
        """Every item of a namespace (under ``prefix``), page after page."""
        async for item in self._every(lambda cursor: self.list_memory(user_id, namespace, prefix=prefix, limit=1000, cursor=cursor)):
            yield item

    async def search_memory(self, user_id: str, *, namespace: str | None = None, text: str | None = None,
                            vector: list[float] | None = None, limit: int | None = None) -> list[MemoryHit]:
        payload = body({"namespace": namespace, "text": text, "vector": vector, "limit": limit})
        out = await self.request(prepare("POST", f"/v1/memory/{seg(user_id)}/search", json=payload, idempotent_writes=False))
        return out["items"]

    # MARK: Users, keys, retention and operations

    async def export_user(self, user_id: str) -> UserExport:
        return await self.request(prepare("GET", f"/v1/users/{seg(user_id)}/export"))

    async def erase_user(self, user_id: str, *, idempotency_key: str | None = None) -> ErasureReceipt:
        return await self.request(prepare("DELETE", f"/v1/users/{seg(user_id)}", idempotency_key=idempotency_key))

    async def create_key(self, role: Literal["agent", "operator", "admin"], *, name: str | None = None, user_id: str | None = None,
                         idempotency_key: str | None = None) -> IssuedKeyView:
        """A new API key of this key's tenant; its secret is in the answer and nowhere else. ``user_id``
        binds an agent key to one user: it then reaches only that user's records."""
        return await self.request(prepare("POST", "/v1/keys", json=body({"role": role, "name": name, "user_id": user_id}),
                                          idempotency_key=idempotency_key))

    async def list_keys(self) -> list[KeyView]:
        return (await self.request(prepare("GET", "/v1/keys")))["items"]

    async def revoke_key(self, key_id: str, *, idempotency_key: str | None = None) -> KeyView:
        return await self.request(prepare("DELETE", f"/v1/keys/{seg(key_id)}", idempotency_key=idempotency_key))

    async def whoami(self) -> KeyView:
        return await self.request(prepare("GET", "/v1/whoami"))

    async def get_retention(self) -> RetentionPolicy:
        return await self.request(prepare("GET", "/v1/retention"))

    async def put_retention(self, *, sessions_days: int | None = None, runs_days: int | None = None,
                            idempotency_key: str | None = None) -> RetentionPolicy:
        payload = body({"sessions_days": sessions_days, "runs_days": runs_days})
        return await self.request(prepare("PUT", "/v1/retention", json=payload, idempotency_key=idempotency_key))

    async def run_retention(self, *, idempotency_key: str | None = None) -> RetentionReport:
        return await self.request(prepare("POST", "/v1/admin/retention", idempotency_key=idempotency_key))

    async def list_audit(self, *, key_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                         changes_only: bool | None = None, limit: int | None = None, cursor: str | None = None) -> AuditPage:
        params = query(key_id=key_id, since=since, until=until, changes_only=changes_only, limit=limit, cursor=cursor)
        return await self.request(prepare("GET", "/v1/audit", params=params))

    async def statistics(self) -> StoreStatistics:
        return await self.request(prepare("GET", "/v1/statistics"))

    async def sweep(self, *, idempotency_key: str | None = None) -> SweepReport:
        return await self.request(prepare("POST", "/v1/admin/sweep", idempotency_key=idempotency_key))

    async def live(self) -> Health:
        return await self.request(prepare("GET", "/health/live"))

    async def ready(self) -> Health:
        """The server and each of its stores; Unavailable when one cannot be reached."""
        return await self.request(prepare("GET", "/health/ready"))

    async def metrics(self) -> str:
        """The Prometheus text the server exposes."""
        call = prepare("GET", "/metrics", headers={"Accept": "text/plain"})
        try:
            response = await self._http.request(call.method, call.path, headers=call.headers)
        except TransportError as e:
            raise _core.unreachable(self.base_url, e) from e
        if response.status_code >= 400:
            raise _core.result(call, response)
        return response.text

    async def openapi(self) -> dict[str, Any]:
        return await self.request(prepare("GET", "/openapi.json"))

    # MARK: Change feed

    async def events(self, *, run_id: str | None = None, session_id: str | None = None, last_event_id: str | None = None,
                     max_events: int | None = None) -> AsyncIterator[FeedEvent]:
        """The change feed (Server-Sent Events) of one run or session, from ``last_event_id`` on.

        Yields each event as it happens and follows the stream until the server ends it (after
        ``max_events``, if given) or the caller stops iterating."""
        call = prepare("GET", "/v1/events/stream", params=query(run_id=run_id, session_id=session_id, max_events=max_events),
                       headers={"Last-Event-ID": last_event_id} if last_event_id else None)
        try:
            async for event in self._feed(call):
                yield event
        except TransportError as e:
            raise _core.unreachable(self.base_url, e) from e

    async def _feed(self, call: Call) -> AsyncIterator[FeedEvent]:
        status, headers, chunks = await self._http.stream(call.path, call.params, {**call.headers, "Accept": "text/event-stream"},
                                                          connect_timeout=10.0)
        if status >= 400:
            content = b"".join([c async for c in chunks])
            out = _core.result(call, Response(status, headers, content, False))
            assert isinstance(out, AgentStateError)
            raise out
        event: dict[str, Any] = {}
        data: list[str] = []
        pending = b""
        async for chunk in chunks:
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for raw in lines:
                line = raw.removesuffix(b"\r").decode()
                if line.startswith(":"):
                    continue  # a heartbeat
                if line:
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "data":
                        data.append(value)
                    elif name in ("id", "event"):
                        event[name] = value
                    continue
                if data:
                    yield FeedEvent(id=event.get("id", ""), type=event.get("event", "message"), data=json.loads("\n".join(data)))
                event, data = {}, []
