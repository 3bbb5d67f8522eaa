"""``AgentStateSaver``: LangGraph's checkpointer on an AgentState server.

Each thread and namespace is one AgentState run; each LangGraph checkpoint is one checkpoint of
that run, saved under its id as the step name and, after the first, as a merge patch of the one
before, so a thread's storage grows with what its steps changed. Pending writes are memory items
(one per checkpoint and task) under the run, read back by prefix.
"""

from __future__ import annotations

import builtins
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from .._async_client import AsyncAgentState
from .._loop import ClientPerLoop
from ..errors import AlreadyExists, Conflict, InvalidTransition, NotFound, VersionConflict
from ..models import Run
from . import _documents as docs

PAGE = 1000
HEADS_KEPT = 1024


class AgentStateSaver(BaseCheckpointSaver[str]):
    """LangGraph checkpoints in AgentState. Swap it in for ``InMemorySaver`` or ``PostgresSaver``:

        graph = builder.compile(checkpointer=AgentStateSaver("http://127.0.0.1:8080", api_key=KEY))

    ``base_url`` and ``api_key`` default to ``$AGENTSTATE_URL`` and ``$AGENTSTATE_API_KEY``.
    Pending writes are kept as memory items of the user ``writes_user`` (one namespace per
    thread and namespace), which export and erasure of that user then include.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        serde: SerializerProtocol | None = None,
        writes_user: str = "langgraph",
        timeout: float = 30.0,
    ) -> None:
        super().__init__(serde=serde)
        self._clients = ClientPerLoop(lambda: AsyncAgentState(base_url, api_key, timeout=timeout))
        self.writes_user = writes_user
        # The newest document this process saved or read on each run, with its seq: the base of
        # the next merge patch. The server refuses a patch whose base is stale (expected_seq).
        # Only the threads used lately are kept; a thread not here is saved whole once.
        self._heads: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()

    # MARK: The async API (LangGraph awaits these; the blocking ones below run them)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        client = self._clients.current()
        thread_id, ns = _thread(config)
        run = docs.run_id(thread_id, ns)
        checkpoint_id = get_checkpoint_id(config)
        try:
            if checkpoint_id:
                found = await client.latest_checkpoint(run, step=docs.step_name(checkpoint_id))
            else:
                found = await client.latest_checkpoint(run)
        except NotFound:
            if not await self._recover(client, run, thread_id, ns):
                return None
            return await self.aget_tuple(config)
        doc = found["state"]
        if not checkpoint_id:
            self._remember(run, found["seq"], doc)
        writes = await self._writes(client, run, doc["id"])
        return self._tuple(doc, writes)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        client = self._clients.current()
        before_id = get_checkpoint_id(before) if before else None
        wanted_id = get_checkpoint_id(config) if config else None
        found: builtins.list[tuple[dict[str, Any], str]] = []
        for run in await self._runs(client, config):
            for doc in await self._chain(client, run["id"]):
                if wanted_id and doc["id"] != wanted_id:
                    continue
                if before_id and doc["id"] >= before_id:
                    continue
                if filter and not _matches(docs.metadata_of(self.serde, doc), filter):
                    continue
                found.append((doc, run["id"]))
        found.sort(key=lambda pair: pair[0]["id"], reverse=True)
        if limit is not None:
            found = found[:limit]
        writes_by_run: dict[str, dict[str, builtins.list[tuple[str, str, Any]]]] = {}
        for doc, run_id in found:
            if run_id not in writes_by_run:
                writes_by_run[run_id] = await self._all_writes(client, run_id)
            yield self._tuple(doc, writes_by_run[run_id].get(doc["id"], []))

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        client = self._clients.current()
        thread_id, ns = _thread(config)
        run = docs.run_id(thread_id, ns)
        parent = config["configurable"].get("checkpoint_id")
        stored_metadata = get_serializable_checkpoint_metadata(config, metadata)
        doc = docs.document(self.serde, checkpoint, stored_metadata, parent, thread_id, ns)
        await self._save(client, run, thread_id, ns, doc)
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint["id"]}}

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        client = self._clients.current()
        thread_id, ns = _thread(config)
        run = docs.run_id(thread_id, ns)
        checkpoint_id = config["configurable"]["checkpoint_id"]
        regular: dict[str, builtins.list[Any]] = {}
        special: dict[str, builtins.list[Any]] = {}
        for idx, (channel, value) in enumerate(writes):
            slot = WRITES_IDX_MAP.get(channel, idx)
            entry = [channel, docs._typed(self.serde, value)]
            (special if slot < 0 else regular)[str(slot)] = entry
        namespace = _writes_namespace(run)
        base = f"{docs.step_name(checkpoint_id)}/{docs.digest(task_id, 24)}"
        value = {"task_id": task_id, "task_path": task_path}
        if regular:
            # A task's writes are kept as first written: a retry of the task adds nothing.
            try:
                await client.put_memory(self.writes_user, namespace, base, value={**value, "writes": regular}, expected_version=0)
            except VersionConflict:
                pass
        for index, entry in special.items():
            # Errors, interrupts and resumes replace what the task said before.
            await client.put_memory(self.writes_user, namespace, f"{base}/{index}", value={**value, "writes": {index: entry}})

    async def adelete_thread(self, thread_id: str) -> None:
        client = self._clients.current()
        for run in await self._runs(client, {"configurable": {"thread_id": thread_id}}):
            await self._delete_run(client, run["id"])

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        client = self._clients.current()
        for run in await self._runs(client, {"configurable": {"thread_id": source_thread_id}}):
            ns = run["metadata"]["langgraph"]["checkpoint_ns"]
            target = docs.run_id(target_thread_id, ns)
            chain = await self._chain(client, run["id"])
            writes = await self._write_items(client, run["id"])
            for doc in chain:
                await self._save(client, target, target_thread_id, ns, {**doc, "thread_id": target_thread_id})
            await self._put_write_items(client, target, writes)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        if not run_ids:
            return
        client = self._clients.current()
        doomed = set(run_ids)
        async for run in client.iter_runs():
            if not _is_thread_run(run):
                continue
            chain = await self._chain(client, run["id"])
            keep = [d for d in chain if docs.metadata_of(self.serde, d).get("run_id") not in doomed]
            if len(keep) < len(chain):
                await self._rebuild(client, run, keep)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if strategy not in ("keep_latest", "delete"):
            raise ValueError(f"unknown prune strategy {strategy!r}: use 'keep_latest' or 'delete'")
        client = self._clients.current()
        for thread_id in thread_ids:
            if strategy == "delete":
                await self.adelete_thread(thread_id)
                continue
            for run in await self._runs(client, {"configurable": {"thread_id": thread_id}}):
                chain = await self._chain(client, run["id"])
                if len(chain) > 1:
                    await self._rebuild(client, run, [max(chain, key=lambda d: d["id"])])

    def get_next_version(self, current: str | None, channel: None = None) -> str:
        # Versions as zero-padded counters with a random tail, as LangGraph's own savers make them:
        # they sort as text, and two writers never mint the same one.
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:032}.{os.urandom(8).hex()}"

    # MARK: The blocking API

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._clients.run(lambda _: self.aget_tuple(config))

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        async def collect(_: AsyncAgentState) -> builtins.list[CheckpointTuple]:
            return [t async for t in self.alist(config, filter=filter, before=before, limit=limit)]

        yield from self._clients.run(collect)

    def put(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: ChannelVersions) -> RunnableConfig:
        return self._clients.run(lambda _: self.aput(config, checkpoint, metadata, new_versions))

    def put_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        self._clients.run(lambda _: self.aput_writes(config, writes, task_id, task_path))

    def delete_thread(self, thread_id: str) -> None:
        self._clients.run(lambda _: self.adelete_thread(thread_id))

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._clients.run(lambda _: self.acopy_thread(source_thread_id, target_thread_id))

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        self._clients.run(lambda _: self.adelete_for_runs(run_ids))

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._clients.run(lambda _: self.aprune(thread_ids, strategy=strategy))

    def close(self) -> None:
        self._clients.close()

    async def aclose(self) -> None:
        await self._clients.aclose()

    # MARK: Storage

    async def _save(self, client: AsyncAgentState, run: str, thread_id: str, ns: str, doc: dict[str, Any],
                    staged_for: str | None = None) -> None:
        """Saves ``doc`` as the run's newest checkpoint: a patch of the head this process knows,
        or whole when it knows none or another writer moved the head on."""
        step = docs.step_name(doc["id"])
        head = self._heads.get(run)
        saved = None
        if head is not None:
            try:
                saved = await client.save_checkpoint(run, patch=docs.merge_patch(head[1], doc), step=step, expected_seq=head[0])
            except (VersionConflict, NotFound):
                saved = None
        if saved is None:
            try:
                saved = await client.save_checkpoint(run, state=doc, step=step)
            except NotFound:
                await self._create_run(client, run, thread_id, ns, staged_for)
                saved = await client.save_checkpoint(run, state=doc, step=step)
        self._remember(run, saved["seq"], doc)

    def _remember(self, run: str, seq: int, doc: dict[str, Any]) -> None:
        self._heads[run] = (seq, doc)
        self._heads.move_to_end(run)
        while len(self._heads) > HEADS_KEPT:
            self._heads.popitem(last=False)

    async def _create_run(self, client: AsyncAgentState, run: str, thread_id: str, ns: str, staged_for: str | None = None) -> None:
        meta: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ns}
        if staged_for:
            meta["staged_for"] = staged_for
        try:
            await client.create_run(id=run, workflow=docs.thread_workflow(thread_id), metadata={"langgraph": meta})
        except AlreadyExists:
            pass

    async def _runs(self, client: AsyncAgentState, config: RunnableConfig | None) -> builtins.list[Run]:
        """The runs ``config`` names: one namespace of a thread, all of a thread, or every thread."""
        if config is None:
            return [r async for r in client.iter_runs() if _is_thread_run(r)]
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns")
        if ns is not None:
            run = docs.run_id(thread_id, ns)
            try:
                return [await client.get_run(run)]
            except NotFound:
                if not await self._recover(client, run, thread_id, ns):
                    return []
                return [await client.get_run(run)]
        runs = [r async for r in client.iter_runs(workflow=docs.thread_workflow(thread_id))]
        for staged in [r for r in runs if r["metadata"]["langgraph"].get("staged_for")]:
            meta = staged["metadata"]["langgraph"]
            await self._recover(client, meta["staged_for"], thread_id, meta["checkpoint_ns"])
        if any(r["metadata"]["langgraph"].get("staged_for") for r in runs):
            runs = [r async for r in client.iter_runs(workflow=docs.thread_workflow(thread_id))]
        return [r for r in runs if _is_thread_run(r) and r["metadata"]["langgraph"]["thread_id"] == thread_id]

    async def _chain(self, client: AsyncAgentState, run: str) -> builtins.list[dict[str, Any]]:
        """Every checkpoint of a run, whole, oldest first: the stored copies and patches replayed."""
        return [doc for _, doc in await self._chain_with_seq(client, run)]

    async def _chain_with_seq(self, client: AsyncAgentState, run: str) -> builtins.list[tuple[int, dict[str, Any]]]:
        out: builtins.list[tuple[int, dict[str, Any]]] = []
        state: Any = {}
        after = 0
        try:
            while True:
                records = await client.list_checkpoints(run, after_seq=after, limit=PAGE)
                for r in records:
                    state = r["body"] if r["kind"] == "full" else docs.apply_patch(state, r["body"])
                    out.append((r["seq"], state))
                if len(records) < PAGE:
                    return out
                after = records[-1]["seq"]
        except NotFound:
            return []

    async def _writes(self, client: AsyncAgentState, run: str, checkpoint_id: str) -> builtins.list[tuple[str, str, Any]]:
        items = [i async for i in client.iter_memory(self.writes_user, _writes_namespace(run), prefix=docs.step_name(checkpoint_id) + "/")]
        return self._pending(items)

    async def _write_items(self, client: AsyncAgentState, run: str) -> builtins.list[Any]:
        return [i async for i in client.iter_memory(self.writes_user, _writes_namespace(run))]

    async def _all_writes(self, client: AsyncAgentState, run: str) -> dict[str, builtins.list[tuple[str, str, Any]]]:
        by_step: dict[str, builtins.list[Any]] = {}
        for item in await self._write_items(client, run):
            by_step.setdefault(item["key"].split("/", 1)[0], []).append(item)
        return {step: self._pending(items) for step, items in by_step.items()}

    def _pending(self, items: builtins.list[Any]) -> builtins.list[tuple[str, str, Any]]:
        rows = []
        for item in items:
            v = item["value"]
            for slot, (channel, typed) in v["writes"].items():
                rows.append(((v["task_path"], v["task_id"], int(slot)), (v["task_id"], channel, docs._untyped(self.serde, typed))))
        rows.sort(key=lambda row: row[0])
        return [write for _, write in rows]

    async def _put_write_items(self, client: AsyncAgentState, run: str, items: builtins.list[Any]) -> None:
        for item in items:
            await client.put_memory(self.writes_user, _writes_namespace(run), item["key"], value=item["value"])

    async def _delete_run(self, client: AsyncAgentState, run: str, *, keep_writes_of: frozenset[str] = frozenset()) -> None:
        try:
            await client.transition(run, to="cancelled", reason="deleted by the LangGraph checkpointer")
        except (InvalidTransition, Conflict, NotFound):
            pass
        try:
            await client.delete_run(run)
        except NotFound:
            pass
        self._heads.pop(run, None)
        for item in await self._write_items(client, run):
            if item["key"].split("/", 1)[0] not in keep_writes_of:
                await client.delete_memory(self.writes_user, _writes_namespace(run), item["key"])

    async def _rebuild(self, client: AsyncAgentState, run: Run, keep: builtins.list[dict[str, Any]]) -> None:
        """Rewrites a run with only the checkpoints in ``keep`` (AgentState keeps a run's history
        append-only, so dropping some means writing the rest anew). The kept chain is copied to a
        staging run first, so a crash after the old run is deleted leaves it for ``_recover``."""
        meta = run["metadata"]["langgraph"]
        staging = run["id"] + ".staged"
        await self._delete_run(client, staging)  # a copy left by a rebuild that crashed before the swap
        for doc in keep:
            await self._save(client, staging, meta["thread_id"], meta["checkpoint_ns"], doc, staged_for=run["id"])
        await self._delete_run(client, run["id"], keep_writes_of=frozenset(docs.step_name(d["id"]) for d in keep))
        await self._restore(client, run["id"], staging, meta["thread_id"], meta["checkpoint_ns"])

    async def _restore(self, client: AsyncAgentState, run: str, staging: str, thread_id: str, ns: str) -> bool:
        """Copies the staged checkpoints the run lacks onto it, then drops the staging run. Each
        save names the seq it expects, so two processes finishing one rebuild never copy twice."""
        chain = await self._chain_with_seq(client, run)
        head_seq, head = chain[-1] if chain else (0, None)
        present = {d["id"] for _, d in chain}
        for _, doc in await self._chain_with_seq(client, staging):
            if doc["id"] in present:
                continue
            step = docs.step_name(doc["id"])
            try:
                if head is None:
                    await self._create_run(client, run, thread_id, ns)
                    saved = await client.save_checkpoint(run, state=doc, step=step, expected_seq=0)
                else:
                    saved = await client.save_checkpoint(run, patch=docs.merge_patch(head, doc), step=step, expected_seq=head_seq)
            except VersionConflict:
                return False  # another process is finishing this rebuild
            head_seq, head = saved["seq"], doc
        self._heads.pop(run, None)
        await self._delete_run(client, staging)
        return True

    async def _recover(self, client: AsyncAgentState, run: str, thread_id: str, ns: str) -> bool:
        """Finishes a rebuild that stopped after deleting the old run: its kept checkpoints are
        still staged. False when there is none, or the run still holds checkpoints the staging
        copy lacks (that rebuild has not swapped yet, and the run is whole)."""
        staged = await self._chain(client, run + ".staged")
        if not staged:
            return False
        staged_ids = {d["id"] for d in staged}
        if any(d["id"] not in staged_ids for d in await self._chain(client, run)):
            return False
        return await self._restore(client, run, run + ".staged", thread_id, ns)

    def _tuple(self, doc: dict[str, Any], writes: builtins.list[tuple[str, str, Any]]) -> CheckpointTuple:
        thread_id, ns = doc["thread_id"], doc["checkpoint_ns"]
        config: RunnableConfig = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": doc["id"]}}
        parent = doc.get("parent")
        parent_config: RunnableConfig | None = (
            {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": parent}} if parent else None
        )
        return CheckpointTuple(config, docs.checkpoint_of(self.serde, doc), docs.metadata_of(self.serde, doc), parent_config, writes)


def _thread(config: RunnableConfig) -> tuple[str, str]:
    c = config["configurable"]
    return str(c["thread_id"]), str(c.get("checkpoint_ns", ""))


def _is_thread_run(run: Run) -> bool:
    """A run that holds a thread's checkpoints (not a rebuild's staging copy, nor anyone else's)."""
    meta = (run.get("metadata") or {}).get("langgraph")
    return isinstance(meta, dict) and "thread_id" in meta and not meta.get("staged_for")


def _writes_namespace(run: str) -> str:
    return "writes/" + run


def _matches(metadata: Mapping[str, Any], filter: dict[str, Any]) -> bool:
    return all(metadata.get(k) == v for k, v in filter.items())


__all__ = ["AgentStateSaver"]
