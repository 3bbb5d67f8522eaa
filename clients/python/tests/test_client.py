"""The clients against a live server: what a user sees for each part of the API."""

from __future__ import annotations

import uuid

import pytest

from agentstate import (
    AgentState,
    AlreadyExists,
    Applied,
    AsyncAgentState,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    Unauthorized,
    Unavailable,
    VersionConflict,
)


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_a_conversation_through_the_blocking_client(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        sid = uid("chat")
        session = state.create_session(id=sid, user_id="ann", title="Weather", ttl_seconds=3600)
        assert session["id"] == sid and session["status"] == "active" and session["last_seq"] == 0
        state.append_messages(sid, [{"role": "system", "content": "Be brief."}])
        appended = state.append_messages(sid, [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "name": "weather", "arguments": "{}"}]},
            {"role": "tool", "content": "3C", "tool_call_id": "c1"},
            {"role": "assistant", "content": "3 degrees."},
        ], expected_last_seq=1)
        assert [m["seq"] for m in appended] == [2, 3, 4, 5]
        window = state.read_messages(sid, last=3)
        assert [m["content"] for m in window["messages"]] == ["Be brief.", "", "3C", "3 degrees."]
        assert window["last_seq"] == 5
        assert state.tool_call(sid, "c1")["result"]["content"] == "3C"
        with pytest.raises(VersionConflict) as stale:
            state.append_messages(sid, [{"role": "user", "content": "late"}], expected_last_seq=1)
        assert stale.value.status == 409 and stale.value.code == "version_conflict" and stale.value.current == "5"
        ctx = state.patch_context(sid, {"city": "Oslo"})
        assert ctx["context"] == {"city": "Oslo"}
        assert state.get_context(sid)["context"] == {"city": "Oslo"}
        assert any(s["id"] == sid for s in state.iter_sessions(user_id="ann"))
        assert state.verify_session(sid)["valid"] is True
        state.delete_session(sid)
        with pytest.raises(NotFound):
            state.get_session(sid)


def test_windows_keep_the_system_message_and_never_open_on_a_tool_result(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        sid = uid("chat")
        state.create_session(id=sid)
        state.append_messages(sid, [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "name": "weather", "arguments": "{}"}]},
            {"role": "tool", "content": "3C", "tool_call_id": "c1"},
            {"role": "assistant", "content": "3 degrees."},
        ])
        window = state.read_messages(sid, last=2)
        assert [m["content"] for m in window["messages"]] == ["Be brief.", "3 degrees."]


async def test_a_run_with_a_step_an_effect_done_once_and_an_approval(server):
    async with AsyncAgentState(server.url, api_key=server.key("agent")) as agent, \
            AsyncAgentState(server.url, api_key=server.key("operator")) as operator:
        rid = uid("refund")
        run = await agent.create_run(id=rid, workflow="refund-py", input={"order": 7})
        assert run["status"] == "created"
        claimed = await agent.claim("worker-1", workflow="refund-py")
        assert claimed is not None and claimed["run"]["id"] == rid
        token = claimed["lease"]["token"]
        assert await agent.claim("worker-2", workflow="refund-py") is None

        step = await agent.put_step(rid, "lookup", status="completed", result={"amount": 120}, fencing_token=token)
        assert step["status"] == "completed"

        first = await agent.begin_effect(rid, "pay", holder="worker-1", request={"amount": 120})
        assert first["outcome"] == "acquired"
        attempt = first["effect"]["attempt_token"]
        await agent.complete_effect(rid, "pay", attempt_token=attempt, result={"charge": "ch_1"}, external_id="ch_1")
        again = await agent.begin_effect(rid, "pay", holder="worker-2", request={"amount": 120})
        assert again["outcome"] == "completed" and again["effect"]["result"] == {"charge": "ch_1"}

        approval = await agent.request_approval(rid, reason="refund over 100", approver="ops", fencing_token=token)
        assert (await agent.get_run(rid))["status"] == "waiting_for_approval"
        with pytest.raises(Forbidden):
            await agent.decide(approval["id"], decision="approved", by="bot")
        pending = await operator.list_approvals(status="pending", run_id=rid)
        assert [a["id"] for a in pending["items"]] == [approval["id"]]
        decided = await operator.decide(approval["id"], decision="approved", by="olga")
        assert decided["status"] == "approved"

        events = await agent.run_events(rid)
        assert [e["type"] for e in events] == ["run.created", "run.claimed", "step.updated", "effect.begun", "effect.completed",
                                               "approval.requested", "approval.decided"], "the second begin of the effect did nothing"
        assert (await agent.verify_run(rid))["valid"] is True
        with pytest.raises(InvalidTransition):
            await agent.transition(rid, to="created")


async def test_checkpoints_whole_patched_and_guarded_by_expected_seq(server):
    async with AsyncAgentState(server.url, api_key=server.key("agent")) as state:
        rid = uid("cp")
        await state.create_run(id=rid, workflow="py")
        first = await state.save_checkpoint(rid, state={"plan": ["a", "b"], "done": []}, step="plan", expected_seq=0)
        second = await state.save_checkpoint(rid, patch={"done": ["a"]}, step="a", expected_seq=first["seq"])
        assert second["state"] == {"plan": ["a", "b"], "done": ["a"]} and second["kind"] == "patch"
        with pytest.raises(VersionConflict) as stale:
            await state.save_checkpoint(rid, patch={"done": []}, expected_seq=first["seq"])
        assert stale.value.current == "2" and stale.value.field == "expected_seq"
        assert (await state.latest_checkpoint(rid, step="plan"))["seq"] == 1
        assert [r["kind"] for r in await state.list_checkpoints(rid)] == ["full", "patch"]
        with pytest.raises(InvalidInput) as bad:
            await state.save_checkpoint(rid)
        assert bad.value.field == "state"


async def test_progress_writes_a_step_and_its_checkpoint_together_or_neither(server):
    async with AsyncAgentState(server.url, api_key=server.key("agent")) as state:
        rid = uid("progress")
        await state.create_run(id=rid, workflow="py")
        done = await state.save_progress(rid, "fetch", {"status": "completed", "result": {"rows": 3}}, state={"cursor": 3}, expected_seq=0)
        assert done["step"]["name"] == "fetch" and done["step"]["status"] == "completed"
        assert done["checkpoint"]["seq"] == 1 and done["checkpoint"]["step"] == "fetch" and done["checkpoint"]["state"] == {"cursor": 3}
        with pytest.raises(VersionConflict):
            await state.save_progress(rid, "parse", {"status": "completed"}, patch={"cursor": 4}, expected_seq=0)
        assert [s["name"] for s in await state.list_steps(rid)] == ["fetch"], "the refused checkpoint took its step with it"
        assert (await state.latest_checkpoint(rid))["seq"] == 1


def test_a_finished_run_is_deleted_with_its_history(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        rid = uid("gone")
        state.create_run(id=rid, workflow="py")
        state.save_checkpoint(rid, state={"a": 1})
        with pytest.raises(AlreadyExists):
            state.create_run(id=rid, workflow="py")
        state.transition(rid, to="cancelled")
        state.delete_run(rid)
        with pytest.raises(NotFound):
            state.get_run(rid)


def test_a_sessions_runs_newest_first_by_status(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        sid = uid("conv")
        state.create_session(id=sid)
        first, second = uid("r1"), uid("r2")
        state.create_run(id=first, workflow="py", session_id=sid)
        state.create_run(id=second, workflow="py", session_id=sid)
        state.transition(first, to="running")
        assert {r["id"] for r in state.list_session_runs(sid)["items"]} == {first, second}
        assert [r["id"] for r in state.list_session_runs(sid, status="running")["items"]] == [first]
        with pytest.raises(NotFound):
            state.list_session_runs(uid("nobody"))


def test_memory_and_erasure(server):
    with AgentState(server.url, api_key=server.key("agent")) as agent, AgentState(server.url, api_key=server.key("admin")) as admin:
        user = uid("user")
        item = agent.put_memory(user, "prefs", "topic/flights", value={"seat": "window"}, text="prefers window seats on flights")
        assert item["key"] == "topic/flights" and item["version"] == 1
        with pytest.raises(VersionConflict):
            agent.put_memory(user, "prefs", "topic/flights", value={"seat": "aisle"}, expected_version=7)
        assert [i["key"] for i in agent.iter_memory(user, "prefs", prefix="topic/")] == ["topic/flights"]
        assert agent.search_memory(user, text="flights")[0]["item"]["key"] == "topic/flights"
        with pytest.raises(Forbidden):
            agent.erase_user(user)
        receipt = admin.erase_user(user)
        assert receipt["user_id"] == user
        with pytest.raises(NotFound):
            agent.get_memory(user, "prefs", "topic/flights")


def test_a_repeated_write_with_one_idempotency_key_is_done_once(server):
    with AgentState(server.url, api_key=server.key("agent")) as state:
        sid = uid("idem")
        state.create_session(id=sid)
        key = str(uuid.uuid4())
        one = state.append_messages(sid, [{"role": "user", "content": "pay"}], idempotency_key=key)
        two = state.append_messages(sid, [{"role": "user", "content": "pay"}], idempotency_key=key)
        assert one == two and state.get_session(sid)["last_seq"] == 1
        with pytest.raises(InvalidInput):
            state.append_messages(sid, [{"role": "user", "content": "other"}], idempotency_key=key)


def test_a_key_bound_to_a_user_reaches_only_that_users_records(server):
    user = uid("ann")
    with AgentState(server.url, api_key=server.key("admin")) as admin:
        ann_key = admin.create_key("agent", name="ann's agent", user_id=user)
        assert ann_key["key"]["user_id"] == user
    with AgentState(server.url, api_key=server.key("agent")) as tenant:
        bobs = uid("bob")
        tenant.create_session(id=bobs, user_id="bob")
    with AgentState(server.url, api_key=ann_key["secret"]) as ann:
        assert ann.whoami()["user_id"] == user
        mine = uid("ann")
        assert ann.create_session(id=mine)["user_id"] == user
        with pytest.raises(NotFound):
            ann.get_session(bobs)
        assert [s["id"] for s in ann.list_sessions()["items"]] == [mine]


def test_an_idempotency_key_belongs_to_the_api_key_that_sent_it(server):
    sid = uid("scoped")
    key = str(uuid.uuid4())
    with AgentState(server.url, api_key=server.key("agent")) as agent:
        agent.create_session(id=sid)
        agent.append_messages(sid, [{"role": "user", "content": "one"}], idempotency_key=key)
    with AgentState(server.url, api_key=server.key("admin")) as admin:
        admin.append_messages(sid, [{"role": "user", "content": "one"}], idempotency_key=key)
        assert admin.get_session(sid)["last_seq"] == 2, "another key's same Idempotency-Key is another request"


def test_errors_are_typed_and_name_the_field(server):
    with AgentState(server.url, api_key="as_not_a_key") as stranger:
        with pytest.raises(Unauthorized) as e:
            stranger.whoami()
        assert e.value.status == 401
    with AgentState(server.url, api_key=server.key("agent")) as state:
        with pytest.raises(InvalidInput) as bad:
            state.create_session(id="not valid!")
        assert bad.value.status in (400, 422) and bad.value.field == "id"
        with pytest.raises(NotFound):
            state.get_run(uid("missing"))
        assert state.whoami()["role"] == "agent"
    with AgentState("http://127.0.0.1:9", api_key="k", retries=1) as nowhere:
        with pytest.raises(Unavailable):
            nowhere.live()


async def test_the_change_feed_follows_a_session_and_resumes(server):
    async with AsyncAgentState(server.url, api_key=server.key("agent")) as state:
        sid = uid("feed")
        await state.create_session(id=sid)
        await state.append_messages(sid, [{"role": "user", "content": "one"}])
        await state.append_messages(sid, [{"role": "user", "content": "two"}])
        seen = [e async for e in state.events(session_id=sid, max_events=3)]
        assert [e["type"] for e in seen] == ["session.created", "message.appended", "message.appended"]
        assert [e["data"]["content"] for e in seen[1:]] == ["one", "two"]
        rest = [e async for e in state.events(session_id=sid, last_event_id=seen[1]["id"], max_events=1)]
        assert [e["id"] for e in rest] == [seen[2]["id"]]


def test_health_statistics_and_the_document(server):
    with AgentState(server.url, api_key=server.key("admin")) as state:
        assert state.live()["status"] == "ok"
        assert state.ready()["status"] == "ok"
        assert "agentstate" in state.metrics()
        assert "/v1/runs/{id}" in state.openapi()["paths"]
        assert "pending_approvals" in state.statistics()
        issued = state.create_key("operator", name="py-test")
        assert issued["secret"].startswith("as_")
        assert state.revoke_key(issued["key"]["id"])["revoked_at"]


def test_a_write_sent_again_whose_answer_was_too_large_to_keep_is_applied_not_run_twice(server):
    # The server keeps answers of up to 1 KiB for replays; a memory item of 2 kB answers with more.
    with AgentState(server.url, api_key=server.key("agent")) as state:
        value = "v" * 2000
        state.put_memory("ann", "notes", "big", value=value, idempotency_key="put-big-1")
        with pytest.raises(Applied) as raised:
            state.put_memory("ann", "notes", "big", value=value, idempotency_key="put-big-1")
        assert raised.value.status == 409 and raised.value.code == "idempotency_key_applied"
        assert state.get_memory("ann", "notes", "big")["version"] == 1, "written once"
