import AgentState
