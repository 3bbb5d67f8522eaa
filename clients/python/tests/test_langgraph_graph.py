"""LangGraph graphs on AgentState: a human-in-the-loop interrupt that resumes after the server
was killed, and checkpoints stored as what each step changed."""

from __future__ import annotations

import operator
import uuid
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from agentstate import AsyncAgentState
from agentstate.langgraph import AgentStateSaver, _documents


class Refund(TypedDict):
    order: int
    log: Annotated[list[str], operator.add]
    decision: str


def refund_graph(effects: list[str], saver: AgentStateSaver):
    def draft(state: Refund) -> dict:
        effects.append("draft")
        return {"log": [f"drafted refund for {state['order']}"]}

    def review(state: Refund) -> dict:
        answer = interrupt({"question": f"refund order {state['order']}?"})
        return {"decision": answer, "log": [f"reviewer said {answer}"]}

    def send(state: Refund) -> dict:
        effects.append("send")  # the external action: it must run exactly once
        return {"log": ["refund sent" if state["decision"] == "yes" else "refund dropped"]}

    g = StateGraph(Refund)
    g.add_node("draft", draft)
    g.add_node("review", review)
    g.add_node("send", send)
    g.add_edge(START, "draft")
    g.add_edge("draft", "review")
    g.add_edge("review", "send")
    g.add_edge("send", END)
    return g.compile(checkpointer=saver)


async def test_an_interrupted_graph_resumes_after_the_server_is_killed(server):
    config = {"configurable": {"thread_id": f"refund-{uuid.uuid4()}"}}
    effects: list[str] = []

    before = AgentStateSaver(server.url, api_key=server.key("agent"))
    first = refund_graph(effects, before).invoke({"order": 1001, "log": []}, config)  # the blocking API
    assert first["__interrupt__"][0].value == {"question": "refund order 1001?"}
    assert effects == ["draft"]
    before.close()

    server.kill()  # SIGKILL: whatever the server acknowledged must be on disk
    server.start()

    after = AgentStateSaver(server.url, api_key=server.key("agent"))  # a new worker, nothing cached
    graph = refund_graph(effects, after)
    waiting = await graph.aget_state(config)
    assert waiting.next == ("review",) and waiting.values["log"] == ["drafted refund for 1001"]
    done = await graph.ainvoke(Command(resume="yes"), config)  # the async API
    assert done["log"] == ["drafted refund for 1001", "reviewer said yes", "refund sent"]
    assert effects == ["draft", "send"], "no step ran twice across the restart"
    history = [s async for s in graph.aget_state_history(config)]
    assert len(history) >= 4 and history[0].next == ()
    await after.aclose()


async def test_each_checkpoint_stores_what_its_step_changed(server):
    """A thread with a 20 kB document that no step changes: after the first checkpoint, each
    stores only the counter, so the thread's storage grows by bytes per step, not by 20 kB."""

    class Loop(TypedDict):
        document: str
        count: int

    def tick(state: Loop) -> dict:
        return {"count": state["count"] + 1}

    g = StateGraph(Loop)
    g.add_node("tick", tick)
    g.add_edge(START, "tick")
    g.add_conditional_edges("tick", lambda s: END if s["count"] >= 10 else "tick")
    saver = AgentStateSaver(server.url, api_key=server.key("agent"))
    thread = f"loop-{uuid.uuid4()}"
    result = await g.compile(checkpointer=saver).ainvoke({"document": "x" * 20_000, "count": 0}, {"configurable": {"thread_id": thread}})
    assert result["count"] == 10

    async with AsyncAgentState(server.url, api_key=server.key("agent")) as client:
        records = await client.list_checkpoints(_documents.run_id(thread, ""))
    import json

    sizes = [len(json.dumps(r["body"])) for r in records]
    kinds = [r["kind"] for r in records]
    print("checkpoint bodies:", sizes)
    assert len(records) == 12  # the input, then one per tick
    assert kinds.count("full") == 1 and kinds[0] == "full"
    assert sizes[0] > 20_000, "the first holds the document"
    assert max(sizes[2:]) < 2_000, f"later ones hold what changed: {sizes}"
    await saver.aclose()


async def test_a_prune_cut_short_after_the_swap_is_finished_by_the_next_reader(server):
    """A rebuild (prune, delete_for_runs) deletes the old run only once the kept checkpoints are
    staged. Stopped right there, the thread is not lost: the next reader finishes the rebuild."""
    from langgraph.checkpoint.conformance.test_utils import put_test_checkpoint

    saver = AgentStateSaver(server.url, api_key=server.key("agent"))
    thread = f"pruned-{uuid.uuid4()}"
    parent = None
    for i in range(3):
        parent = await put_test_checkpoint(saver, thread_id=thread, parent_config=parent, channel_values={"i": i})
    ops = saver._async()
    run = _documents.run_id(thread, "")
    chain = await ops._chain(run)
    # What _rebuild does before the swap, then the "crash": the old run is gone, the copy staged.
    await ops._save(run + ".staged", thread, "", chain[-1], staged_for=run)
    assert [t.checkpoint["id"] async for t in saver.alist({"configurable": {"thread_id": thread}})] == [d["id"] for d in reversed(chain)], \
        "before the swap, readers see the whole old run and not the staged copy"
    await ops._delete_run(run)

    reader = AgentStateSaver(server.url, api_key=server.key("agent"))
    latest = await reader.aget_tuple({"configurable": {"thread_id": thread, "checkpoint_ns": ""}})
    assert latest is not None and latest.checkpoint["id"] == chain[-1]["id"] and latest.checkpoint["channel_values"] == {"i": 2}
    assert [t.checkpoint["id"] async for t in reader.alist({"configurable": {"thread_id": thread}})] == [chain[-1]["id"]]
    async with AsyncAgentState(server.url, api_key=server.key("agent")) as c:
        assert [r["id"] async for r in c.iter_runs(workflow=_documents.thread_workflow(thread))] == [run], "the staged copy is gone"
    await saver.aclose()
    await reader.aclose()


async def test_a_turn_appended_to_a_long_conversation_stores_the_turn(server):
    """MessagesState keeps the whole history in one channel; each checkpoint still stores only
    the messages its step added, so the bytes per turn stay flat as the conversation grows."""
    import json

    from langchain_core.messages import AIMessage, HumanMessage
    from langgraph.graph import MessagesState

    def reply(state: MessagesState) -> dict:
        return {"messages": [AIMessage(f"answer {len(state['messages'])}: " + "a" * 600)]}

    g = StateGraph(MessagesState)
    g.add_node("reply", reply)
    g.add_edge(START, "reply")
    saver = AgentStateSaver(server.url, api_key=server.key("agent"))
    graph = g.compile(checkpointer=saver)
    thread = f"chat-{uuid.uuid4()}"
    config = {"configurable": {"thread_id": thread}}
    for turn in range(40):
        await graph.ainvoke({"messages": [HumanMessage(f"question {turn}: " + "q" * 300)]}, config)
    state = await graph.aget_state(config)
    assert len(state.values["messages"]) == 80 and state.values["messages"][-1].content.startswith("answer 79")

    async with AsyncAgentState(server.url, api_key=server.key("agent")) as client:
        records = await client.list_checkpoints(_documents.run_id(thread, ""), limit=1000)
    patches = [len(json.dumps(r["body"])) for r in records if r["kind"] == "patch"]
    early, late = sum(patches[10:20]) / 10, sum(patches[-10:]) / 10
    print(f"patch bytes: turns 5-10 {early:.0f}, last 5 turns {late:.0f}")
    assert late < early * 1.3, "a patch holds the turn, not the history"
    await saver.aclose()


async def test_ids_that_are_not_agentstate_ids_keep_their_writes(server):
    """Thread ids, namespaces and checkpoint ids may be any string; they are stored under digests
    and come back as they were, with their pending writes, from get_tuple and from list."""
    from langgraph.checkpoint.conformance.test_utils import generate_checkpoint, generate_metadata

    saver = AgentStateSaver(server.url, api_key=server.key("agent"))
    config = {"configurable": {"thread_id": "user@example.com / chat #1", "checkpoint_ns": "sub graph:1|x"}}
    checkpoint = generate_checkpoint(checkpoint_id="step one, first try", channel_values={"k": "v"})
    checkpoint["channel_versions"] = {"k": 1}
    stored = await saver.aput(config, checkpoint, generate_metadata(), {"k": 1})
    await saver.aput_writes(stored, [("k", "w")], "task one")
    got = await saver.aget_tuple(stored)
    assert got.config["configurable"] == stored["configurable"] and got.checkpoint["channel_values"] == {"k": "v"}
    assert got.pending_writes == [("task one", "k", "w")]
    listed = [t async for t in saver.alist(config)]
    assert [t.pending_writes for t in listed] == [[("task one", "k", "w")]]
    await saver.aclose()
