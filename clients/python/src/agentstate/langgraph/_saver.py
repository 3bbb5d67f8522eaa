"""``AgentStateSaver``: LangGraph's checkpointer on an AgentState server. How it stores threads
is in ``_threads.py``."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple
from langgraph.checkpoint.serde.base import SerializerProtocol

from .._async_client import AsyncAgentState
from .._loop import ClientPerLoop
from .._sync_client import AgentState
from ._threads import AsyncThreads, Heads
from ._threads_sync import Threads


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
        self._client = AgentState(base_url, api_key, timeout=timeout)  # its connection pool is safe across threads
        self.writes_user = writes_user
        self._heads: Heads = OrderedDict()

    def _async(self) -> AsyncThreads:
        return AsyncThreads(self._clients.current(), self.serde, self.writes_user, self._heads)

    def _sync(self) -> Threads:
        return Threads(self._client, self.serde, self.writes_user, self._heads)

    # MARK: The async API

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._async().get_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        async for found in self._async().list_tuples(config, filter=filter, before=before, limit=limit):
            yield found

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: ChannelVersions) -> RunnableConfig:
        return await self._async().put(config, checkpoint, metadata, new_versions)

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        await self._async().put_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await self._async().delete_thread(thread_id)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await self._async().copy_thread(source_thread_id, target_thread_id)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await self._async().delete_for_runs(run_ids)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await self._async().prune(thread_ids, strategy=strategy)

    # MARK: The blocking API

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._sync().get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        yield from self._sync().list_tuples(config, filter=filter, before=before, limit=limit)

    def put(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: ChannelVersions) -> RunnableConfig:
        return self._sync().put(config, checkpoint, metadata, new_versions)

    def put_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        self._sync().put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        self._sync().delete_thread(thread_id)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._sync().copy_thread(source_thread_id, target_thread_id)

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        self._sync().delete_for_runs(run_ids)

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._sync().prune(thread_ids, strategy=strategy)

    def get_next_version(self, current: str | None, channel: None = None) -> str:
        # Versions as zero-padded counters with a random tail, as LangGraph's own savers make them:
        # they sort as text, and two writers never mint the same one.
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:032}.{os.urandom(8).hex()}"

    def close(self) -> None:
        self._client.close()
        self._clients.close()

    async def aclose(self) -> None:
        self._client.close()
        await self._clients.aclose()


__all__ = ["AgentStateSaver"]
