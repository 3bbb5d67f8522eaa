"""How a LangGraph checkpoint is written as an AgentState checkpoint document, and back.

A document holds the checkpoint's fields, its metadata and its parent, and each channel's value
on its own key (a list's elements each on their own). Consecutive documents of a thread then
differ only in what a step changed, so the JSON merge patch between them (RFC 7396) is what
gets stored: a turn appended to a conversation stores the turn, not the conversation.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from langgraph.checkpoint.base import Checkpoint, CheckpointMetadata
from langgraph.checkpoint.serde.base import SerializerProtocol

# Ids in AgentState are [A-Za-z0-9_.-]{1,128}; LangGraph's thread ids and namespaces are any string.
def digest(text: str, length: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def thread_workflow(thread_id: str) -> str:
    """The workflow name every run of one thread shares, so the thread's runs can be listed."""
    return "langgraph.t-" + digest(thread_id, 40)


def run_id(thread_id: str, checkpoint_ns: str) -> str:
    """One AgentState run per thread and namespace (each subgraph has its own chain)."""
    return f"lg-{digest(thread_id, 40)}-{digest(checkpoint_ns, 12)}"


def step_name(checkpoint_id: str) -> str:
    """LangGraph's checkpoint ids are UUIDs, already valid step names; anything else is hashed."""
    if 0 < len(checkpoint_id) <= 128 and all(c.isalnum() or c in "_.-" for c in checkpoint_id) and checkpoint_id.isascii():
        return checkpoint_id
    return "h-" + digest(checkpoint_id, 40)


def _channel_value(serde: SerializerProtocol, value: Any) -> Any:
    """A list (a message history, most often) is stored element by element, keyed by position:
    appending to it then patches in only the new elements, where a merge patch would rewrite a
    JSON array whole."""
    if type(value) is list:
        return {"n": len(value), "items": {str(i): _typed(serde, v) for i, v in enumerate(value)}}
    return _typed(serde, value)


def _channel_value_of(serde: SerializerProtocol, stored: Any) -> Any:
    if isinstance(stored, dict):
        items = stored["items"]
        return [_untyped(serde, items[str(i)]) for i in range(stored["n"])]
    return _untyped(serde, stored)


def _typed(serde: SerializerProtocol, value: Any) -> list[str]:
    kind, data = serde.dumps_typed(value)
    return [kind, base64.b64encode(data).decode()]


def _untyped(serde: SerializerProtocol, pair: list[str]) -> Any:
    return serde.loads_typed((pair[0], base64.b64decode(pair[1])))


def _plain_or_typed(serde: SerializerProtocol, value: Any) -> dict[str, Any]:
    """JSON text where the value is plain JSON (so metadata stays readable on the server's pages),
    else the serializer's bytes. Text, not a JSON object: a document must hold no nulls, which a
    merge patch could not carry."""
    try:
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
        if json.loads(text) == value:
            return {"json": text}
    except (TypeError, ValueError):
        pass
    return {"typed": _typed(serde, value)}


def _from_plain_or_typed(serde: SerializerProtocol, stored: dict[str, Any]) -> Any:
    if "json" in stored:
        return json.loads(stored["json"])
    return _untyped(serde, stored["typed"])


def document(serde: SerializerProtocol, checkpoint: Checkpoint, metadata: CheckpointMetadata, parent_id: str | None,
             thread_id: str, checkpoint_ns: str) -> dict[str, Any]:
    fields = {k: v for k, v in checkpoint.items() if k != "channel_values"}
    doc: dict[str, Any] = {
        "thread_id": thread_id,
        "checkpoint_ns": checkpoint_ns,
        "id": checkpoint["id"],
        "checkpoint": _plain_or_typed(serde, fields),
        "metadata": _plain_or_typed(serde, dict(metadata)),
        "values": {ch: _channel_value(serde, v) for ch, v in checkpoint["channel_values"].items()},
    }
    if parent_id is not None:
        doc["parent"] = parent_id
    return doc


def checkpoint_of(serde: SerializerProtocol, doc: dict[str, Any]) -> Checkpoint:
    fields = _from_plain_or_typed(serde, doc["checkpoint"])
    values = {ch: _channel_value_of(serde, stored) for ch, stored in (doc.get("values") or {}).items()}
    return {**fields, "channel_values": values}  # type: ignore[typeddict-item]


def metadata_of(serde: SerializerProtocol, doc: dict[str, Any]) -> CheckpointMetadata:
    return _from_plain_or_typed(serde, doc["metadata"])


def merge_patch(old: Any, new: Any) -> Any:
    """The RFC 7396 patch that turns ``old`` into ``new``: only what changed, null for what went.
    Documents hold no nulls (see ``_plain_or_typed``), so every change can be said this way."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    patch: dict[str, Any] = {key: None for key in old.keys() - new.keys()}
    for key, value in new.items():
        if key not in old:
            patch[key] = value
        elif old[key] != value:
            patch[key] = merge_patch(old[key], value)
    return patch


def apply_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = apply_patch(out.get(key), value)
    return out
