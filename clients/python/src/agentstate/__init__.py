"""The Python client of AgentState, the state layer for long-running AI agents.

    from agentstate import AgentState
    with AgentState("http://127.0.0.1:8080", api_key="...") as state:
        state.create_session(id="chat-1", user_id="ann")

``AsyncAgentState`` is the same API for asyncio. Adapters for agent frameworks live in
``agentstate.langgraph`` and ``agentstate.openai_agents``.
"""

from ._async_client import AsyncAgentState
from ._core import FeedEvent
from ._sync_client import AgentState
from .errors import (
    AgentStateError,
    AlreadyExists,
    Applied,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    LeaseLost,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unsupported,
    VersionConflict,
)

__version__ = "0.1.0"

__all__ = [
    "AgentState",
    "AsyncAgentState",
    "FeedEvent",
    "AgentStateError",
    "AlreadyExists",
    "Applied",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "InvalidTransition",
    "LeaseLost",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
    "Unsupported",
    "VersionConflict",
]
