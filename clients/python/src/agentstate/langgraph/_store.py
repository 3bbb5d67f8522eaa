"""``AgentStateStore``: LangGraph's long-term memory store on AgentState memory.

Every item of the store is one AgentState memory item of one user (``user_id``) and one
memory namespace (``namespace``). LangGraph's namespace tuple and key become that item's key,
segment by segment, so a namespace prefix is a key prefix and listing one reads only what is
under it. Items are indexed for the server's text search, and, with an ``index`` config, carry
an embedding for its vector search.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    IndexConfig,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)
from langgraph.store.base.embed import ensure_embeddings, get_text_at_path, tokenize_path

from .._async_client import AsyncAgentState
from .._loop import ClientPerLoop
from ..errors import Applied, NotFound
from ..models import MemoryItem

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# The server's search looks at this many hits at most; filters and prefixes apply after it.
_SEARCH_WINDOW = 100


def _encode(label: str) -> str:
    """A namespace label or key as a memory key segment: ':' and two hex digits for each byte
    outside [A-Za-z0-9_-], so '/' can separate segments and the encoding reverses exactly."""
    return "".join(chr(b) if chr(b) in _SAFE else f":{b:02x}" for b in label.encode()) or ":"


def _decode(segment: str) -> str:
    if segment == ":":
        return ""
    out = bytearray()
    i = 0
    while i < len(segment):
        if segment[i] == ":":
            out.append(int(segment[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(ord(segment[i]))
            i += 1
    return out.decode()


def _memory_key(namespace: tuple[str, ...], key: str) -> str:
    return "/".join(_encode(p) for p in (*namespace, key))


def _prefix(namespace: tuple[str, ...]) -> str:
    return "".join(_encode(p) + "/" for p in namespace)


def _split(memory_key: str) -> tuple[tuple[str, ...], str]:
    parts = [_decode(p) for p in memory_key.split("/")]
    return tuple(parts[:-1]), parts[-1]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class AgentStateStore(BaseStore):
    """LangGraph's ``BaseStore`` on AgentState memory. Swap it in for ``InMemoryStore``:

        graph = builder.compile(checkpointer=saver, store=AgentStateStore(url, api_key=KEY))

    ``user_id`` is the AgentState user the memories belong to, so exporting or erasing that user
    takes them along. ``index`` is LangGraph's ``IndexConfig`` (``embed``, ``dims``, ``fields``)
    for semantic search; without it, ``search(query=...)`` is the server's word search.
    """

    supports_ttl = True

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        user_id: str = "langgraph",
        namespace: str = "store",
        index: IndexConfig | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._clients = ClientPerLoop(lambda: AsyncAgentState(base_url, api_key, timeout=timeout))
        self.user_id = user_id
        self.namespace = namespace
        self.index_config = index
        self.embeddings = ensure_embeddings(index["embed"]) if index else None
        fields = (index or {}).get("fields") or ["$"]
        self._index_paths = [(f, tokenize_path(f)) for f in fields]

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        return self._clients.run(lambda _: self.abatch(ops))

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        client = self._clients.current()
        results: list[Result] = []
        for op in ops:
            if isinstance(op, GetOp):
                results.append(await self._get(client, op))
            elif isinstance(op, PutOp):
                await self._put(client, op)
                results.append(None)
            elif isinstance(op, SearchOp):
                results.append(await self._search(client, op))
            elif isinstance(op, ListNamespacesOp):
                results.append(await self._list_namespaces(client, op))
            else:
                raise ValueError(f"unknown store operation {type(op).__name__}")
        return results

    def close(self) -> None:
        self._clients.close()

    async def aclose(self) -> None:
        await self._clients.aclose()

    async def _get(self, client: AsyncAgentState, op: GetOp) -> Item | None:
        try:
            found = await client.get_memory(self.user_id, self.namespace, _memory_key(op.namespace, op.key))
        except NotFound:
            return None
        return self._item(found)

    async def _put(self, client: AsyncAgentState, op: PutOp) -> None:
        key = _memory_key(op.namespace, op.key)
        if op.value is None:
            try:
                await client.delete_memory(self.user_id, self.namespace, key)
            except NotFound:
                pass
            return
        write: dict[str, Any] = {"value": op.value}
        text = self._text(op.value, op.index)
        if text:
            write["text"] = text[:65536]
            if self.embeddings is not None and op.index is not False:
                write["embedding"] = (await self.embeddings.aembed_documents([text]))[0]
        if op.ttl is not None:
            write["ttl_seconds"] = max(1, math.ceil(op.ttl * 60))
        try:
            await client.put_memory(self.user_id, self.namespace, key, **write)
        except Applied:
            pass  # sent again after its answer was lost: stored once, the answer not kept

    def _text(self, value: Mapping[str, Any], index: Any) -> str:
        """The words of an item that search sees: its indexed fields (all of it by default)."""
        paths = [(f, tokenize_path(f)) for f in index] if isinstance(index, list) else self._index_paths
        texts: list[str] = []
        for field, tokens in paths:
            texts += get_text_at_path(value, tokens) if field != "$" else [_words(value)]
        return "\n".join(t for t in texts if t)

    async def _search(self, client: AsyncAgentState, op: SearchOp) -> list[SearchItem]:
        prefix = _prefix(op.namespace_prefix)
        wanted = op.offset + op.limit
        if op.query:
            if self.embeddings is not None:
                vector = await self.embeddings.aembed_query(op.query)
                hits = await client.search_memory(self.user_id, namespace=self.namespace, vector=vector, limit=_SEARCH_WINDOW)
            else:
                hits = await client.search_memory(self.user_id, namespace=self.namespace, text=op.query, limit=_SEARCH_WINDOW)
            found = [
                self._search_item(h["item"], score=h["score"])
                for h in hits
                if h["item"]["key"].startswith(prefix) and _matches(h["item"]["value"], op.filter)
            ]
            return found[op.offset : wanted]
        out: list[SearchItem] = []
        async for item in client.iter_memory(self.user_id, self.namespace, prefix=prefix or None):
            if _matches(item["value"], op.filter):
                out.append(self._search_item(item))
                if len(out) >= wanted:
                    break
        return out[op.offset : wanted]

    async def _list_namespaces(self, client: AsyncAgentState, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        # Only the literal head of a prefix condition narrows what is read.
        head: tuple[str, ...] = ()
        for condition in op.match_conditions or ():
            if condition.match_type == "prefix":
                literal = []
                for part in condition.path:
                    if part == "*":
                        break
                    literal.append(part)
                head = tuple(literal)
        seen: set[tuple[str, ...]] = set()
        async for item in client.iter_memory(self.user_id, self.namespace, prefix=_prefix(head) or None):
            namespace, _ = _split(item["key"])
            if all(_namespace_matches(c, namespace) for c in op.match_conditions or ()):
                seen.add(namespace[: op.max_depth] if op.max_depth is not None else namespace)
        return sorted(seen)[op.offset : op.offset + op.limit]

    def _item(self, found: MemoryItem) -> Item:
        return Item(**_item_fields(found))

    def _search_item(self, found: MemoryItem, score: float | None = None) -> SearchItem:
        return SearchItem(**_item_fields(found), score=score)


def _item_fields(found: MemoryItem) -> dict[str, Any]:
    """A memory item as the fields of LangGraph's Item: its key back into namespace and key."""
    namespace, key = _split(found["key"])
    return {"namespace": namespace, "key": key, "value": found["value"],
            "created_at": _time(found["created_at"]), "updated_at": _time(found["updated_at"])}


def _words(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_words(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_words(v) for v in value)
    return "" if value is None else str(value)


def _matches(value: Any, filter: dict[str, Any] | None) -> bool:
    return not filter or all(_compare(value.get(k) if isinstance(value, dict) else None, v) for k, v in filter.items())


def _compare(actual: Any, expected: Any) -> bool:
    """LangGraph's filter language: equality, nested objects, and $eq $ne $gt $gte $lt $lte."""
    if isinstance(expected, dict):
        if any(k.startswith("$") for k in expected):
            return all(_operator(actual, op, operand) for op, operand in expected.items())
        return isinstance(actual, dict) and all(_compare(actual.get(k), v) for k, v in expected.items())
    return actual == expected


def _operator(actual: Any, op: str, operand: Any) -> bool:
    if op == "$eq":
        return actual == operand
    if op == "$ne":
        return actual != operand
    if actual is None:
        return False
    comparisons = {"$gt": float.__gt__, "$gte": float.__ge__, "$lt": float.__lt__, "$lte": float.__le__}
    if op not in comparisons:
        raise ValueError(f"unsupported filter operator {op!r}")
    return comparisons[op](float(actual), float(operand))


def _namespace_matches(condition: MatchCondition, namespace: tuple[str, ...]) -> bool:
    path = condition.path
    if len(namespace) < len(path):
        return False
    pairs = zip(namespace, path) if condition.match_type == "prefix" else zip(reversed(namespace), reversed(path))
    return all(p == "*" or n == p for n, p in pairs)


__all__ = ["AgentStateStore"]
