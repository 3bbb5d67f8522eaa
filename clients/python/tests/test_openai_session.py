"""AgentStateSession, the OpenAI Agents SDK's Session, against a live server: the protocol, and a
real Runner turn with a tool call (the model is scripted, the rest is the SDK)."""

from __future__ import annotations

import uuid

import pytest
from agents import Agent, ModelResponse, Runner, Usage, function_tool, set_tracing_disabled
from agents.models.interface import Model
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from agentstate import AgentState
from agentstate.openai_agents import AgentStateSession, session_key

set_tracing_disabled(True)  # the SDK would try to send traces to OpenAI

ITEMS = [
    {"role": "user", "content": "What's the weather in Oslo, and the time?"},
    {"type": "function_call", "call_id": "call_1", "name": "weather", "arguments": '{"city":"Oslo"}', "id": "fc_1", "status": "completed"},
    {"type": "function_call", "call_id": "call_2", "name": "clock", "arguments": "{}"},
    {"type": "function_call_output", "call_id": "call_1", "output": "3C"},
    {"type": "function_call_output", "call_id": "call_2", "output": [{"type": "input_text", "text": "noon"}]},
    {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
     "content": [{"type": "output_text", "text": "3 degrees, at noon.", "annotations": []}]},
    {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": None},
]


@pytest.fixture
def session(server):
    return AgentStateSession(f"chat {uuid.uuid4()}", server.url, api_key=server.key("agent"), user_id="ann")


async def test_items_come_back_exactly_as_added(session):
    assert await session.get_items() == []
    await session.add_items(ITEMS[:3])
    await session.add_items(ITEMS[3:])
    assert await session.get_items() == ITEMS


async def test_a_limited_read_never_splits_a_call_from_its_output(session):
    await session.add_items(ITEMS)
    # The newest five open on call_2's call: call_1's output lost its call and is left out.
    assert await session.get_items(limit=5) == [ITEMS[2], ITEMS[4], ITEMS[5], ITEMS[6]]
    assert await session.get_items(limit=2) == ITEMS[5:]
    assert await session.get_items(limit=0) == []


async def test_pop_hides_the_newest_item_and_clear_deletes_the_session(server, session):
    await session.add_items(ITEMS)
    assert await session.pop_item() == ITEMS[-1]
    assert await session.pop_item() == ITEMS[-2]
    assert await session.get_items() == ITEMS[:-2]
    assert await session.get_items(limit=1) == []  # the newest left is an output whose call is outside
    await session.add_items([{"role": "user", "content": "thanks"}])
    assert await session.get_items(limit=1) == [{"role": "user", "content": "thanks"}]
    with AgentState(server.url, api_key=server.key("operator")) as operator:
        transcript = operator.read_messages(session.key, after_seq=0)["messages"]
    assert len(transcript) == len(ITEMS) + 1, "a popped item stays in the transcript for audit"
    assert transcript[1]["tool_calls"][0]["name"] == "weather" and transcript[3]["role"] == "tool"
    await session.clear_session()
    assert await session.get_items() == []
    assert await session.pop_item() is None


def test_a_session_id_that_is_not_an_agentstate_id_is_hashed():
    assert session_key("chat-42") == "chat-42"
    assert session_key("user@example.com/chat 1").startswith("oa-")


class ScriptedModel(Model):
    """Asks for the weather tool once, then answers with what the tool said."""

    def __init__(self) -> None:
        self.inputs: list[list] = []

    async def get_response(self, system_instructions, input, model_settings, tools, output_schema, handoffs, tracing, **kwargs):
        items = input if isinstance(input, list) else [{"role": "user", "content": input}]
        self.inputs.append(items)
        outputs = [i for i in items if isinstance(i, dict) and i.get("type") == "function_call_output"]
        if not outputs or outputs[-1]["call_id"] != f"call_{len(self.inputs) - 1}":
            call = ResponseFunctionToolCall(type="function_call", call_id=f"call_{len(self.inputs)}", name="weather",
                                            arguments='{"city":"Oslo"}', id=f"fc_{len(self.inputs)}", status="completed")
            return ModelResponse(output=[call], usage=Usage(), response_id=None)
        text = ResponseOutputText(type="output_text", text=f"It is {outputs[-1]['output']}.", annotations=[])
        message = ResponseOutputMessage(type="message", id=f"msg_{len(self.inputs)}", role="assistant", status="completed", content=[text])
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args, **kwargs):
        raise NotImplementedError


@function_tool
def weather(city: str) -> str:
    """The weather in a city."""
    return "3C" if city == "Oslo" else "unknown"


async def test_a_runner_turn_keeps_its_history_in_agentstate(session):
    model = ScriptedModel()
    agent = Agent(name="weather", instructions="Answer briefly.", model=model, tools=[weather])
    first = await Runner.run(agent, "Weather in Oslo?", session=session)
    assert first.final_output == "It is 3C."
    second = await Runner.run(agent, "And tomorrow?", session=session)
    assert second.final_output == "It is 3C."
    history = await session.get_items()
    kinds = [i.get("type", "message") if "role" not in i or i.get("type") else "message" for i in history]
    assert kinds == ["message", "function_call", "function_call_output", "message"] * 2
    # The second turn's model call saw the first turn, read back from the server.
    assert any(i.get("content") == "Weather in Oslo?" for i in model.inputs[2] if isinstance(i, dict))
