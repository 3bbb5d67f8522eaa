"""What the writes the Python adapters make cost, one after another through the blocking client on
one keep-alive connection: a checkpoint saved as a small patch of a 2 KB state (what each node of
the LangGraph step does), a small memory put (its pending writes), an append of two messages (the
Agents SDK turn's write) and a ping. For each: the client's p50 and the server's own time per call
in the store operation it made (from /metrics).

    .build/venv-peers/bin/python Benchmarks/peers/op_cost.py --agentstate-bin .build/release/agentstate
"""
import argparse
import base64
import os
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import peers  # noqa: E402


def store_sums(url):
    """Each store operation's (name, "sum" or "count") total so far, from the server's /metrics."""
    text = urllib.request.urlopen(url + "/metrics").read().decode()
    out = {}
    for part in ("sum", "count"):
        for labels, value in peers.duration_totals(text, part).items():
            if labels.startswith('operation="'):
                out[(labels.split('"')[1], part)] = value
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agentstate-bin", required=True)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    from agentstate import AgentState

    with tempfile.TemporaryDirectory() as directory, peers.agentstate_server(args.agentstate_bin, directory, "ops") as (url, key, _):
        client = AgentState(url, key)
        client.create_run(id="r", workflow="w")
        client.save_checkpoint("r", state={"notes": peers.NOTES, "cursor": 0, "result": {"ok": True}}, step="s0")
        client.create_session(id="s")
        pending = base64.b64encode(os.urandom(600)).decode()
        calls = (
            ("saveCheckpoint", lambda i: client.save_checkpoint("r", patch={"cursor": i, "result": {"n": i}}, step=f"s{i + 1}", minimal=True)),
            ("putMemory", lambda i: client.put_memory("langgraph", "writes/r", f"k{i}", value={"task_id": "t", "writes": {"0": ["x", ["msgpack", pending]]}})),
            ("appendMessages", lambda i: client.append_messages("s", [{"role": "user", "content": peers.USER}, {"role": "assistant", "content": peers.ASSISTANT}])),
            ("ping", lambda i: client.live()),
        )
        print("call,client_p50_ms,store_ms_per_call")
        for name, call in calls:
            before, samples = store_sums(url), []
            for i in range(args.calls):
                t0 = time.perf_counter()
                call(i)
                samples.append((time.perf_counter() - t0) * 1000)
            after = store_sums(url)
            count = after.get((name, "count"), 0) - before.get((name, "count"), 0)
            store = (after.get((name, "sum"), 0) - before.get((name, "sum"), 0)) / count * 1000 if count else 0
            samples.sort()
            print(f"{name},{samples[len(samples) // 2]:.3f},{store:.3f}", flush=True)


if __name__ == "__main__":
    main()
