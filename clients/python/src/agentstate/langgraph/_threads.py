"""How ``AgentStateSaver`` keeps threads: the work behind each of its methods, on one client.

This is the asynchronous version; ``_threads_sync.py`` is generated from it (tools/generate.py)
for the blocking methods, so a blocking graph makes blocking HTTP calls, without a hop to an
event loop in another thread.

Each thread and namespace is one AgentState run; each LangGraph checkpoint is one checkpoint of
that run, saved under its id as the step name and, after the first, as a merge patch of the one
before, so a thread's storage grows with what its steps changed. Pending writes are memory items
(one per checkpoint and task) under the run, read back by prefix.
"""

from __future__ import annotations

import builtins
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from .._async_client import AsyncAgentState
from ..errors import AlreadyExists, Applied, Conflict, InvalidTransition, NotFound, VersionConflict
from ..models import Run
from . import _documents as docs

PAGE = 1000
HEADS_KEPT = 1024

# The newest document a process saved or read on each run, with its seq: the base of the next
# merge patch. The server refuses a patch whose base is stale (expected_seq). Only the threads
# used lately are kept; a thread not here is saved whole once.
Heads = OrderedDict[str, tuple[int, dict[str, Any]]]


class AsyncThreads:
    def __init__(self, client: AsyncAgentState, serde: SerializerProtocol, writes_user: str, heads: Heads) -> None:
        self.client = client
        self.serde = serde
        self.writes_user = writes_user
        self._heads = heads


    async def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        thread_id, ns = _thread(config)
        run = docs.run_id(thread_id, ns)
        checkpoint_id = get_checkpoint_id(config)
        try:
            if checkpoint_id:
                found = await self.client.latest_checkpoint(run, step=docs.step_name(checkpoint_id))
            else:
                found = await self.client.latest_checkpoint(run)
        except NotFound:
            if not await self._recover(run, thread_id, ns):
                return None
            return await self.get_tuple(config)
        doc = found["state"]
        if not checkpoint_id:
            self._remember(run, found["seq"], doc)
        writes = await self._writes(run, doc["id"])
        return self._tuple(doc, writes)

    async def list_tuples(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        before_id = get_checkpoint_id(before) if before else None
        wanted_id = get_checkpoint_id(config) if config else None
        found: builtins.list[tuple[dict[str, Any], str]] = []
        for run in await self._runs(config):
            for doc in await self._chain(run["id"]):
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
                writes_by_run[run_id] = await self._all_writes(run_id)
            yield self._tuple(doc, writes_by_run[run_id].get(docs.step_name(doc["id"]), []))

    async def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        thread_id, ns = _thread(config)
        run = docs.run_id(thread_id, ns)
        parent = config["configurable"].get("checkpoint_id")
        stored_metadata = get_serializable_checkpoint_metadata(config, metadata)
        doc = docs.document(self.serde, checkpoint, stored_metadata, parent, thread_id, ns)
        await self._save(run, thread_id, ns, doc)
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint["id"]}}

    async def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
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
            # (Applied: a resend after a lost answer, done the first time.)
            try:
                await self.client.put_memory(self.writes_user, namespace, base, value={**value, "writes": regular}, expected_version=0)
            except (VersionConflict, Applied):
                pass
        for index, entry in special.items():
            # Errors, interrupts and resumes replace what the task said before.
            try:
                await self.client.put_memory(self.writes_user, namespace, f"{base}/{index}", value={**value, "writes": {index: entry}})
            except Applied:
                pass

    async def delete_thread(self, thread_id: str) -> None:
        for run in await self._runs({"configurable": {"thread_id": thread_id}}):
            await self._delete_run(run["id"])

    async def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        for run in await self._runs({"configurable": {"thread_id": source_thread_id}}):
            ns = run["metadata"]["langgraph"]["checkpoint_ns"]
            target = docs.run_id(target_thread_id, ns)
            chain = await self._chain(run["id"])
            writes = await self._write_items(run["id"])
            for doc in chain:
                await self._save(target, target_thread_id, ns, {**doc, "thread_id": target_thread_id})
            await self._put_write_items(target, writes)

    async def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        if not run_ids:
            return
        doomed = set(run_ids)
        async for run in self.client.iter_runs():
            if not _is_thread_run(run):
                continue
            chain = await self._chain(run["id"])
            keep = [d for d in chain if docs.metadata_of(self.serde, d).get("run_id") not in doomed]
            if len(keep) < len(chain):
                await self._rebuild(run, keep)

    async def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if strategy not in ("keep_latest", "delete"):
            raise ValueError(f"unknown prune strategy {strategy!r}: use 'keep_latest' or 'delete'")
        for thread_id in thread_ids:
            if strategy == "delete":
                await self.delete_thread(thread_id)
                continue
            for run in await self._runs({"configurable": {"thread_id": thread_id}}):
                chain = await self._chain(run["id"])
                if len(chain) > 1:
                    await self._rebuild(run, [max(chain, key=lambda d: d["id"])])

    # MARK: Storage

    async def _save(self, run: str, thread_id: str, ns: str, doc: dict[str, Any],
                    staged_for: str | None = None) -> None:
        """Saves ``doc`` as the run's newest checkpoint: a patch of the head this process knows,
        or whole when it knows none or another writer moved the head on."""
        step = docs.step_name(doc["id"])
        head = self._heads.get(run)
        saved = None
        try:
            if head is not None:
                try:
                    saved = await self.client.save_checkpoint(run, patch=docs.merge_patch(head[1], doc), step=step, expected_seq=head[0], minimal=True)
                except (VersionConflict, NotFound):
                    saved = None
            if saved is None:
                try:
                    saved = await self.client.save_checkpoint(run, state=doc, step=step, minimal=True)
                except NotFound:
                    await self._create_run(run, thread_id, ns, staged_for)
                    saved = await self.client.save_checkpoint(run, state=doc, step=step, minimal=True)
        except Applied:
            # Sent again after its answer was lost: saved once, its seq not known here, so the
            # next save of this run goes whole.
            self._heads.pop(run, None)
            return
        self._remember(run, saved["seq"], doc)

    def _remember(self, run: str, seq: int, doc: dict[str, Any]) -> None:
        self._heads[run] = (seq, doc)
        self._heads.move_to_end(run)
        while len(self._heads) > HEADS_KEPT:
            self._heads.popitem(last=False)

    async def _create_run(self, run: str, thread_id: str, ns: str, staged_for: str | None = None) -> None:
        meta: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ns}
        if staged_for:
            meta["staged_for"] = staged_for
        try:
            await self.client.create_run(id=run, workflow=docs.thread_workflow(thread_id), metadata={"langgraph": meta})
        except AlreadyExists:
            pass

    async def _runs(self, config: RunnableConfig | None) -> builtins.list[Run]:
        """The runs ``config`` names: one namespace of a thread, all of a thread, or every thread."""
        if config is None:
            return [r async for r in self.client.iter_runs() if _is_thread_run(r)]
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns")
        if ns is not None:
            run = docs.run_id(thread_id, ns)
            try:
                return [await self.client.get_run(run)]
            except NotFound:
                if not await self._recover(run, thread_id, ns):
                    return []
                return [await self.client.get_run(run)]
        runs = [r async for r in self.client.iter_runs(workflow=docs.thread_workflow(thread_id))]
        for staged in [r for r in runs if r["metadata"]["langgraph"].get("staged_for")]:
            meta = staged["metadata"]["langgraph"]
            await self._recover(meta["staged_for"], thread_id, meta["checkpoint_ns"])
        if any(r["metadata"]["langgraph"].get("staged_for") for r in runs):
            runs = [r async for r in self.client.iter_runs(workflow=docs.thread_workflow(thread_id))]
        return [r for r in runs if _is_thread_run(r) and r["metadata"]["langgraph"]["thread_id"] == thread_id]

    async def _chain(self, run: str) -> builtins.list[dict[str, Any]]:
        """Every checkpoint of a run, whole, oldest first: the stored copies and patches replayed."""
        return [doc for _, doc in await self._chain_with_seq(run)]

    async def _chain_with_seq(self, run: str) -> builtins.list[tuple[int, dict[str, Any]]]:
        out: builtins.list[tuple[int, dict[str, Any]]] = []
        state: Any = {}
        after = 0
        try:
            while True:
                records = await self.client.list_checkpoints(run, after_seq=after, limit=PAGE)
                for r in records:
                    state = r["body"] if r["kind"] == "full" else docs.apply_patch(state, r["body"])
                    out.append((r["seq"], state))
                if len(records) < PAGE:
                    return out
                after = records[-1]["seq"]
        except NotFound:
            return []

    async def _writes(self, run: str, checkpoint_id: str) -> builtins.list[tuple[str, str, Any]]:
        items = [i async for i in self.client.iter_memory(self.writes_user, _writes_namespace(run), prefix=docs.step_name(checkpoint_id) + "/")]
        return self._pending(items)

    async def _write_items(self, run: str) -> builtins.list[Any]:
        return [i async for i in self.client.iter_memory(self.writes_user, _writes_namespace(run))]

    async def _all_writes(self, run: str) -> dict[str, builtins.list[tuple[str, str, Any]]]:
        by_step: dict[str, builtins.list[Any]] = {}
        for item in await self._write_items(run):
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

    async def _put_write_items(self, run: str, items: builtins.list[Any]) -> None:
        for item in items:
            await self.client.put_memory(self.writes_user, _writes_namespace(run), item["key"], value=item["value"])

    async def _delete_run(self, run: str, *, keep_writes_of: frozenset[str] = frozenset()) -> None:
        try:
            await self.client.transition(run, to="cancelled", reason="deleted by the LangGraph checkpointer")
        except (InvalidTransition, Conflict, NotFound):
            pass
        try:
            await self.client.delete_run(run)
        except NotFound:
            pass
        self._heads.pop(run, None)
        for item in await self._write_items(run):
            if item["key"].split("/", 1)[0] not in keep_writes_of:
                await self.client.delete_memory(self.writes_user, _writes_namespace(run), item["key"])

    async def _rebuild(self, run: Run, keep: builtins.list[dict[str, Any]]) -> None:
        """Rewrites a run with only the checkpoints in ``keep`` (AgentState keeps a run's history
        append-only, so dropping some means writing the rest anew). The kept chain is copied to a
        staging run first, so a crash after the old run is deleted leaves it for ``_recover``."""
        meta = run["metadata"]["langgraph"]
        staging = run["id"] + ".staged"
        await self._delete_run(staging)  # a copy left by a rebuild that crashed before the swap
        for doc in keep:
            await self._save(staging, meta["thread_id"], meta["checkpoint_ns"], doc, staged_for=run["id"])
        await self._delete_run(run["id"], keep_writes_of=frozenset(docs.step_name(d["id"]) for d in keep))
        await self._restore(run["id"], staging, meta["thread_id"], meta["checkpoint_ns"])

    async def _restore(self, run: str, staging: str, thread_id: str, ns: str) -> bool:
        """Copies the staged checkpoints the run lacks onto it, then drops the staging run. Each
        save names the seq it expects, so two processes finishing one rebuild never copy twice."""
        chain = await self._chain_with_seq(run)
        head_seq, head = chain[-1] if chain else (0, None)
        present = {d["id"] for _, d in chain}
        for _, doc in await self._chain_with_seq(staging):
            if doc["id"] in present:
                continue
            step = docs.step_name(doc["id"])
            try:
                if head is None:
                    await self._create_run(run, thread_id, ns)
                    saved = await self.client.save_checkpoint(run, state=doc, step=step, expected_seq=0, minimal=True)
                else:
                    saved = await self.client.save_checkpoint(run, patch=docs.merge_patch(head, doc), step=step, expected_seq=head_seq, minimal=True)
            except VersionConflict:
                return False  # another process is finishing this rebuild
            head_seq, head = saved["seq"], doc
        self._heads.pop(run, None)
        await self._delete_run(staging)
        return True

    async def _recover(self, run: str, thread_id: str, ns: str) -> bool:
        """Finishes a rebuild that stopped after deleting the old run: its kept checkpoints are
        still staged. False when there is none, or the run still holds checkpoints the staging
        copy lacks (that rebuild has not swapped yet, and the run is whole)."""
        staged = await self._chain(run + ".staged")
        if not staged:
            return False
        staged_ids = {d["id"] for d in staged}
        if any(d["id"] not in staged_ids for d in await self._chain(run)):
            return False
        return await self._restore(run, run + ".staged", thread_id, ns)

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
