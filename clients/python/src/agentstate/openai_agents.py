"""``AgentStateSession``: the OpenAI Agents SDK's ``Session`` on an AgentState conversation.

Each item the SDK adds is one message of the session, in order, so the operator page shows the
conversation as it went: user and assistant text as messages, a function call as an assistant
message with its tool call, its output as the tool message that answers it. What the message
fields do not hold (item ids, status, content parts) rides in the message's metadata, and the
item comes back exactly as it was added.

AgentState keeps a conversation append-only, for audit. ``pop_item`` therefore hides the newest
item from the agent (its seq is kept in the session's context) rather than erasing it;
``clear_session`` deletes the whole session.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from ._async_client import AsyncAgentState
from ._loop import ClientPerLoop
from .errors import AlreadyExists, Applied, NotFound, VersionConflict
from .models import Message, NewMessage, ToolCall

if TYPE_CHECKING:
    from agents.items import TResponseInputItem
    from agents.memory import SessionSettings

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_CONTEXT_KEY = "openai_agents"
_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}
_APPEND_BATCH = 1000


def session_key(session_id: str) -> str:
    """The AgentState session id: the SDK's own where it is a valid id, else a digest of it."""
    return session_id if _ID.match(session_id) else "oa-" + hashlib.sha256(session_id.encode()).hexdigest()[:40]


def to_message(item: dict[str, Any]) -> NewMessage:
    """One SDK item as one message. ``rest`` is the item minus what the message fields hold."""
    rest = dict(item)
    kind = item.get("type")
    if kind == "function_call" and _name_ok(item.get("call_id")) and _name_ok(item.get("name")):
        for k in ("call_id", "name", "arguments"):
            rest.pop(k, None)
        call: ToolCall = {"id": item["call_id"], "name": item["name"], "arguments": item.get("arguments") or ""}
        return {"role": "assistant", "content": "", "tool_calls": [call], "metadata": {"item": rest, "has_arguments": "arguments" in item}}
    if kind == "function_call_output" and _name_ok(item.get("call_id")):
        output = item.get("output")
        rest.pop("call_id")
        if isinstance(output, str):
            rest.pop("output")
            return {"role": "tool", "content": output, "tool_call_id": item["call_id"], "metadata": {"item": rest, "output_in_content": True}}
        return {"role": "tool", "content": _text(output), "tool_call_id": item["call_id"], "metadata": {"item": rest}}
    role = _ROLES.get(item.get("role", "")) if kind in (None, "message") else None
    if role is not None:
        content = item.get("content")
        if isinstance(content, str):
            rest.pop("content")
            return {"role": role, "content": content, "metadata": {"item": rest, "content_in_content": True}}  # type: ignore[typeddict-item]
        if isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict) and isinstance(content[0].get("text"), str):
            # The usual single text part: its text is the message's content, stored once.
            part = dict(content[0])
            text = part.pop("text")
            rest["content"] = [part]
            return {"role": role, "content": text, "metadata": {"item": rest, "text_in_content": True}}  # type: ignore[typeddict-item]
        return {"role": role, "content": _text(content), "metadata": {"item": rest}}  # type: ignore[typeddict-item]
    # Reasoning, hosted tool calls and anything newer: kept whole, shown as an empty assistant turn.
    return {"role": "assistant", "content": "", "metadata": {"item": rest}}


def from_message(message: Message) -> dict[str, Any]:
    meta = message.get("metadata") or {}
    item = dict(meta.get("item") or {})
    if message.get("tool_calls"):
        call = message["tool_calls"][0]
        item["call_id"], item["name"] = call["id"], call["name"]
        if meta.get("has_arguments", True):
            item["arguments"] = call["arguments"]
    elif message["role"] == "tool":
        item["call_id"] = message.get("tool_call_id")
        if meta.get("output_in_content"):
            item["output"] = message["content"]
    elif meta.get("content_in_content"):
        item["content"] = message["content"]
    elif meta.get("text_in_content"):
        item["content"] = [{**item["content"][0], "text": message["content"]}]
    return item


def _name_ok(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.encode()) <= 256 and value.isprintable()


def _text(value: Any) -> str:
    """Readable text for the transcript: the text of content parts, else the JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = [p["text"] for p in value if isinstance(p, dict) and isinstance(p.get("text"), str)]
        if texts:
            return "\n".join(texts)
    return json.dumps(value, separators=(",", ":"))


def _call_id(item: dict[str, Any]) -> str | None:
    return item.get("call_id") if isinstance(item.get("call_id"), str) else None


def without_split_calls(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops tool outputs whose call fell outside the window: a model API rejects an output
    without the call that asked for it, so a window holds a call and its output or neither."""
    calls = {_call_id(i) for i in items if i.get("type") != "function_call_output" and _call_id(i)}
    return [i for i in items if not (i.get("type") == "function_call_output" and _call_id(i) not in calls)]


class AgentStateSession:
    """Conversation memory for the OpenAI Agents SDK, kept in AgentState. Swap it in for
    ``SQLiteSession``:

        result = await Runner.run(agent, "Hi", session=AgentStateSession("chat-42", api_key=KEY))

    ``user_id`` ties the session to a user, so that user's export and erasure include it.
    ``session_settings.limit`` (or ``get_items(limit=)``) reads only the newest items.
    """

    session_settings: SessionSettings | None = None

    def __init__(
        self,
        session_id: str,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        ttl_seconds: int | None = None,
        session_settings: SessionSettings | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.session_id = session_id
        self.key = session_key(session_id)
        self.user_id = user_id
        self.agent_id = agent_id
        self.ttl_seconds = ttl_seconds
        self.session_settings = session_settings
        self._clients = ClientPerLoop(lambda: AsyncAgentState(base_url, api_key, timeout=timeout))

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        if limit is None and self.session_settings is not None:
            limit = self.session_settings.limit
        if limit is not None and limit <= 0:
            return []
        client = self._clients.current()
        # One round trip: the newest items with the session, whose context names the hidden ones.
        try:
            if limit is None:
                window = await client.read_messages(self.key, after_seq=0, limit=1000, include_session=True)
            else:
                window = await client.read_messages(self.key, tail=min(limit, 1000), include_session=True)
        except NotFound:
            return []
        hidden = _hidden(window["session"])
        messages = window["messages"]
        visible = sum(1 for m in messages if m["seq"] not in hidden)
        if len(messages) == 1000 or (limit is not None and visible < limit and messages and messages[0]["seq"] > 1):
            # More than one page, or hidden items took places: read back far enough for ``limit``
            # visible items (or everything), page by page.
            after = 0 if limit is None else max(0, window["last_seq"] - limit - len(hidden))
            messages = []
            while True:
                page = (await client.read_messages(self.key, after_seq=after, limit=1000))["messages"]
                messages += page
                if len(page) < 1000:
                    break
                after = page[-1]["seq"]
        items = [from_message(m) for m in messages if m["seq"] not in hidden]
        if limit is not None:
            items = without_split_calls(items[-limit:])
        return items  # type: ignore[return-value]

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        if not items:
            return
        client = self._clients.current()
        messages = [to_message(dict(i)) for i in items]
        for start in range(0, len(messages), _APPEND_BATCH):
            batch = messages[start : start + _APPEND_BATCH]
            try:
                try:
                    await client.append_messages(self.key, batch)
                except NotFound:
                    await self._create(client)
                    await client.append_messages(self.key, batch)
            except Applied:
                pass  # sent again after its answer was lost: appended once, the answer not kept

    async def pop_item(self) -> TResponseInputItem | None:
        client = self._clients.current()
        while True:
            try:
                session = await client.get_session(self.key)
            except NotFound:
                return None
            hidden = _hidden(session)
            newest: Message | None = None
            before = session["last_seq"]
            while before > 0 and newest is None:
                page = (await client.read_messages(self.key, after_seq=max(0, before - 64), limit=64))["messages"]
                visible = [m for m in page if m["seq"] not in hidden and m["seq"] <= before]
                newest = visible[-1] if visible else None
                before -= 64
            if newest is None:
                return None
            try:
                await client.patch_context(self.key, {_CONTEXT_KEY: {"hidden": sorted(hidden | {newest["seq"]})}},
                                          if_match=session["version"])
            except VersionConflict:
                continue  # another writer moved the session on: look again
            return from_message(newest)  # type: ignore[return-value]

    async def clear_session(self) -> None:
        client = self._clients.current()
        try:
            await client.delete_session(self.key)
        except NotFound:
            pass

    async def _create(self, client: AsyncAgentState) -> None:
        fields: dict[str, Any] = {"id": self.key, "metadata": {"openai_agents_session_id": self.session_id}}
        if self.user_id:
            fields["user_id"] = self.user_id
        if self.agent_id:
            fields["agent_id"] = self.agent_id
        if self.ttl_seconds:
            fields["ttl_seconds"] = self.ttl_seconds
        try:
            await client.create_session(**fields)
        except AlreadyExists:
            pass

    def close(self) -> None:
        self._clients.close()

    async def aclose(self) -> None:
        await self._clients.aclose()


def _hidden(session: Any) -> set[int]:
    context = session.get("context") or {}
    return set((context.get(_CONTEXT_KEY) or {}).get("hidden") or [])


__all__ = ["AgentStateSession"]
