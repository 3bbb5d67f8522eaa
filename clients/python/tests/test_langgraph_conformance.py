"""LangGraph's own conformance suite (langgraph-checkpoint-conformance) against AgentStateSaver
on a live server: every base capability and every optional one must pass."""

from __future__ import annotations

from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.report import ProgressCallbacks

from agentstate.langgraph import AgentStateSaver

EVERY_CAPABILITY = {"put", "put_writes", "get_tuple", "list", "delete_thread", "delete_for_runs", "copy_thread", "prune"}


async def test_agentstate_saver_passes_every_capability(server):
    @checkpointer_test(name="AgentStateSaver")
    async def saver():
        s = AgentStateSaver(server.url, api_key=server.key("agent"))
        yield s
        await s.aclose()

    report = await validate(saver, progress=ProgressCallbacks.verbose())
    report.print_report()
    results = {name: r for name, r in report.results.items()}
    assert set(results) == EVERY_CAPABILITY
    failing = {name: r.failures for name, r in results.items() if r.passed is not True}
    assert not failing, failing
    assert all(r.tests_passed > 0 and r.tests_failed == 0 for r in results.values())
