"""LangGraph on AgentState: ``AgentStateSaver`` (checkpoints) and ``AgentStateStore`` (long-term memory)."""

from ._saver import AgentStateSaver
from ._store import AgentStateStore

__all__ = ["AgentStateSaver", "AgentStateStore"]
