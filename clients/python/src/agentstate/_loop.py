"""Blocking calls into async code from any thread, for adapters whose frameworks call them both
ways: one event loop on a daemon thread, with its own client, serves every blocking call."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ._async_client import AsyncAgentState

T = TypeVar("T")


class ClientPerLoop:
    """An ``AsyncAgentState`` for whichever event loop asks (its connections belong to the loop
    they were opened on), and a private loop thread for blocking callers."""

    def __init__(self, factory: Callable[[], AsyncAgentState]) -> None:
        self._factory = factory
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, AsyncAgentState]] = {}
        self._lock = threading.Lock()
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    def current(self) -> AsyncAgentState:
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.get(id(loop))
            if entry is None or entry[0] is not loop:
                # Loops that ended (each asyncio.run makes one) took their connections with them.
                for key in [k for k, (other, _) in self._clients.items() if other.is_closed()]:
                    del self._clients[key]
                entry = (loop, self._factory())
                self._clients[id(loop)] = entry
            return entry[1]

    def run(self, work: Callable[[AsyncAgentState], Awaitable[T]]) -> T:
        """Runs ``work`` to the end on the private loop, from a thread that may have a loop of its own."""
        with self._lock:
            if self._thread_loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="agentstate-loop", daemon=True).start()
                self._thread_loop = loop
            loop = self._thread_loop

        async def call() -> T:
            return await work(self.current())

        return asyncio.run_coroutine_threadsafe(call(), loop).result()

    async def aclose(self) -> None:
        with self._lock:
            clients = list(self._clients.values())
            self._clients.clear()
        for loop, client in clients:
            if loop is asyncio.get_running_loop():
                await client.aclose()
            elif loop.is_running():
                asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()

    def close(self) -> None:
        with self._lock:
            thread_loop = self._thread_loop
            entry = self._clients.pop(id(thread_loop), None) if thread_loop else None
        if thread_loop and entry:
            asyncio.run_coroutine_threadsafe(entry[1].aclose(), thread_loop).result()

