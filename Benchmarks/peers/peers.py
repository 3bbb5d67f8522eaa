"""What users would otherwise pick, on the workloads of BENCHMARKS.md (run by scripts/bench-peers).

- turn: append a user message (300 bytes) and an assistant reply (600 bytes), then read the last
  20 messages. LangGraph: a graph whose one node answers, over `MessagesState`, invoked once per
  turn on the session's thread, then `get_state` (the checkpointer stores the messages as the
  graph's state). OpenAI Agents SDK: `SQLiteSession.add_items` and `get_items(limit=20)`.
- step: write a step's result and a 2 KB checkpoint, read it back. LangGraph: a graph of ten
  nodes, each returning its result and the 2 KB notes as state (a checkpoint per node), then
  `get_state`; the time of a run divided by ten.

LangGraph's InMemorySaver runs the same graphs with nothing stored: the graph's own cost, which
every saver pays on top of what it stores (its rows come first, with the sqlite peers).

With --agentstate-bin, the same LangGraph graphs and SDK calls also run through this repository's
Python adapters (AgentStateSaver, AgentStateSession) against an `agentstate serve` on a fresh
SQLite file each: what a LangGraph or Agents SDK user gets by changing one line.

With --only floor (and in a full run), what one request costs from Python before any adapter:
http.client's keep-alive connection (the floor), a bare httpx.Client, and this repository's
client, each for a ping and for the Agents SDK turn sent as two requests. With --only shared,
one AsyncAgentState shared by 1 and by 16 asyncio tasks doing that turn.

One client, in one Python process, on a fresh store each. Prints one CSV line per measurement:
peer,workload,shape,turns_or_steps,p50_ms,p99_ms,p999_ms,per_s,bytes_per_item
"""
import argparse
import asyncio
import contextlib
import os
import re
import sqlite3
import subprocess
import time
import uuid

USER = "u" * 300
ASSISTANT = "a" * 600
NOTES = "n" * 2000


def duration_totals(metrics_text, part="sum"):
    """From a server's /metrics text: each duration histogram's total (`part` "sum", in seconds,
    or "count"), by its labels, e.g. {'operation="saveCheckpoint"': 1.25}."""
    out = {}
    marker = f"_duration_seconds_{part}" + "{"
    for line in metrics_text.splitlines():
        if line.startswith("agentstate_") and marker in line:
            name, value = line.rsplit(" ", 1)
            out[name.split("{", 1)[1].rstrip("}")] = float(value)
    return out


def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(len(s) * q))]
    return pick(0.5), pick(0.99), pick(0.999)


def sqlite_bytes(path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = con.execute("PRAGMA page_count").fetchone()[0] - con.execute("PRAGMA freelist_count").fetchone()[0]
    size = pages * con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    return size


def postgres_bytes(conn, tables):
    with conn.cursor() as cur:
        cur.execute("CHECKPOINT")
        cur.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname = ANY(%s)", (tables,))
        return int(cur.fetchone()[0] or 0)


def report(peer, workload, shape, samples, seconds, stored_bytes, items):
    p50, p99, p999 = percentiles(samples)
    print(f"{peer},{workload},{shape},{len(samples)},{p50:.2f},{p99:.2f},{p999:.2f},{len(samples) / seconds:.0f},"
          f"{stored_bytes / items:.0f}", flush=True)


def timed(once, seconds, warmup):
    samples = []
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + seconds
    i = 0
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        once(i)
        i += 1
        if t0 >= measure_from:
            samples.append((time.perf_counter() - t0) * 1000)
    return samples, i


# LangGraph ----------------------------------------------------------------------------------

def chat_graph(saver):
    from langchain_core.messages import AIMessage
    from langgraph.graph import START, MessagesState, StateGraph

    def reply(state):
        return {"messages": [AIMessage(ASSISTANT)]}

    g = StateGraph(MessagesState)
    g.add_node("reply", reply)
    g.add_edge(START, "reply")
    return g.compile(checkpointer=saver)


def step_graph(saver):
    from typing import TypedDict

    from langgraph.graph import START, StateGraph

    class State(TypedDict, total=False):
        notes: str
        cursor: int
        result: dict

    g = StateGraph(State)
    previous = START
    for n in range(10):
        name = f"s{n}"
        g.add_node(name, lambda state, n=n: {"notes": NOTES, "cursor": n, "result": {"ok": True, "n": n}})
        g.add_edge(previous, name)
        previous = name
    return g.compile(checkpointer=saver)


def langgraph_turns(peer, saver, sessions, depth, seconds, warmup, stored):
    from langchain_core.messages import HumanMessage

    graph = chat_graph(saver)
    prefix = uuid.uuid4().hex[:8]

    def turn(session):
        config = {"configurable": {"thread_id": f"{prefix}-{session}"}}
        graph.invoke({"messages": [HumanMessage(USER)]}, config)
        window = graph.get_state(config).values["messages"][-20:]
        assert len(window) >= 2

    for _ in range(depth):
        turn(0)
    samples, done = timed(lambda i: turn(0 if depth else i % sessions), seconds, warmup)
    shape = f"1 session {depth} turns deep" if depth else f"{sessions} sessions"
    report(peer, "turn", shape, samples, seconds, stored(), depth + done)


def langgraph_steps(peer, saver, seconds, warmup, stored):
    graph = step_graph(saver)
    prefix = uuid.uuid4().hex[:8]

    def run(i):
        config = {"configurable": {"thread_id": f"{prefix}-run-{i}"}}
        graph.invoke({"cursor": 0}, config)
        assert graph.get_state(config).values["cursor"] == 9

    samples, done = timed(run, seconds, warmup)
    report(peer, "step", "runs of 10 steps", [s / 10 for s in samples], seconds / 10, stored(), done * 10)


def langgraph_memory(args):
    """LangGraph with its in-process InMemorySaver: the graph's own cost, with no store to pay for.
    Any saver's row minus this one is what storing cost that saver (LangGraph's floor)."""
    from langgraph.checkpoint.memory import InMemorySaver

    peer = "LangGraph InMemorySaver (no store: the floor)"
    for sessions, depth in ((200, 0), (1, args.langgraph_depth)):
        langgraph_turns(peer, InMemorySaver(), sessions, depth, args.seconds, args.warmup, lambda: 0)
    langgraph_steps(peer, InMemorySaver(), args.seconds, args.warmup, lambda: 0)


def langgraph_sqlite(args, directory):
    from langgraph.checkpoint.sqlite import SqliteSaver

    for shape in (("sessions", 200, 0), ("depth", 1, args.langgraph_depth)):
        path = os.path.join(directory, f"lg-{shape[0]}.sqlite")
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        langgraph_turns("LangGraph SqliteSaver", SqliteSaver(conn), shape[1], shape[2], args.seconds, args.warmup, lambda: sqlite_bytes(path))
        conn.close()
    path = os.path.join(directory, "lg-steps.sqlite")
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    langgraph_steps("LangGraph SqliteSaver", SqliteSaver(conn), args.seconds, args.warmup, lambda: sqlite_bytes(path))
    conn.close()


def langgraph_postgres(args):
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver

    url = args.postgres.replace("?sslmode=disable", "").split("?")[0]
    tables = ["checkpoints", "checkpoint_blobs", "checkpoint_writes"]
    for workload in ("turn-sessions", "turn-depth", "step"):
        with psycopg.connect(url, autocommit=True) as conn:
            with conn.cursor() as cur:
                for t in tables + ["checkpoint_migrations"]:
                    cur.execute(f"DROP TABLE IF EXISTS {t}")
            saver = PostgresSaver(conn)
            saver.setup()
            stored = lambda: postgres_bytes(conn, tables)
            if workload == "turn-sessions":
                langgraph_turns("LangGraph PostgresSaver", saver, 200, 0, args.seconds, args.warmup, stored)
            elif workload == "turn-depth":
                langgraph_turns("LangGraph PostgresSaver", saver, 1, args.langgraph_depth, args.seconds, args.warmup, stored)
            else:
                langgraph_steps("LangGraph PostgresSaver", saver, args.seconds, args.warmup, stored)


# Through AgentState's adapters ---------------------------------------------------------------

@contextlib.contextmanager
def agentstate_server(binary, directory, name):
    """A fresh `agentstate serve` on its own SQLite file and a free port, with an agent key."""
    path = os.path.join(directory, f"as-{name}.sqlite")
    store = f"sqlite:{path}"
    made = subprocess.run([binary, "keys", "create", "--store", store, "--tenant", "bench", "--role", "agent"],
                          check=True, capture_output=True, text=True)
    key = re.search(r"as_[A-Za-z0-9]+", made.stdout).group(0)
    server = subprocess.Popen([binary, "serve", "--store", store, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env={**os.environ, "LOG_LEVEL": "error"})
    url = None
    for raw in server.stdout:
        found = re.search(r"http://127\.0\.0\.1:\d+", raw.decode())
        if found:
            url = found.group(0)
            break
    try:
        yield url, key, path
    finally:
        server.terminate()
        server.wait()


def agentstate_langgraph(args, directory):
    from agentstate.langgraph import AgentStateSaver

    peer = "LangGraph AgentStateSaver (server on SQLite)"
    for name, sessions, depth in (("sessions", 200, 0), ("depth", 1, args.langgraph_depth)):
        with agentstate_server(args.agentstate_bin, directory, f"lg-{name}") as (url, key, path):
            saver = AgentStateSaver(url, api_key=key)
            langgraph_turns(peer, saver, sessions, depth, args.seconds, args.warmup, lambda: sqlite_bytes(path))
            saver.close()
    with agentstate_server(args.agentstate_bin, directory, "lg-steps") as (url, key, path):
        saver = AgentStateSaver(url, api_key=key)
        langgraph_steps(peer, saver, args.seconds, args.warmup, lambda: sqlite_bytes(path))
        saver.close()


def agentstate_sessions(args, directory):
    from agentstate.openai_agents import AgentStateSession

    for sessions, depth in ((200, 0), (1, args.depth)):
        with agentstate_server(args.agentstate_bin, directory, f"oa-{sessions}-{depth}") as (url, key, path):
            asyncio.run(session_turns("OpenAI Agents AgentStateSession (server on SQLite)", lambda n: AgentStateSession(f"s{n}", url, api_key=key),
                                      sessions, depth, args, lambda: sqlite_bytes(path)))


# OpenAI Agents SDK -------------------------------------------------------------------------

async def session_turns(peer, make, sessions, depth, args, stored):
    """Turns through an Agents SDK session: add both messages, then read the newest 20 items."""
    cache = {}

    def session(n):
        if n not in cache:
            cache[n] = make(n)
        return cache[n]

    async def turn(n):
        s = session(n)
        await s.add_items([{"role": "user", "content": USER}, {"role": "assistant", "content": ASSISTANT}])
        window = await s.get_items(limit=20)
        assert len(window) >= 2

    for _ in range(depth):
        await turn(0)
    samples = []
    start = time.perf_counter()
    measure_from, end = start + args.warmup, start + args.warmup + args.seconds
    i = 0
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        await turn(0 if depth else i % sessions)
        i += 1
        if t0 >= measure_from:
            samples.append((time.perf_counter() - t0) * 1000)
    for s in cache.values():
        s.close()
    shape = f"1 session {depth} turns deep" if depth else f"{sessions} sessions"
    report(peer, "turn", shape, samples, args.seconds, stored(), depth + i)


def openai_agents(args, directory):
    from agents import SQLiteSession

    for sessions, depth in ((200, 0), (1, args.depth)):
        path = os.path.join(directory, f"oa-{sessions}-{depth}.sqlite")
        asyncio.run(session_turns("OpenAI Agents SQLiteSession", lambda n: SQLiteSession(f"s{n}", path), sessions, depth, args,
                                  lambda: sqlite_bytes(path)))


# The client's floor -------------------------------------------------------------------------

def client_floor(args, directory):
    """What a request costs from Python before any adapter: a keep-alive connection of the
    standard library's http.client (the floor), a bare httpx.Client (what the client is built
    on), and this repository's clients; each for a ping (GET /health/live, answered without the
    store) and for the Agents SDK's turn sent as two requests (append both messages, read the
    newest 20). One client, one server on SQLite, one session per turn shape."""
    import http.client
    import json

    import httpx
    from agentstate import AgentState

    with agentstate_server(args.agentstate_bin, directory, "floor") as (url, key, path):
        host, port = url.removeprefix("http://").split(":")
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        turn_body = json.dumps({"messages": [{"role": "user", "content": USER}, {"role": "assistant", "content": ASSISTANT}]}).encode()

        conn = http.client.HTTPConnection(host, int(port))

        def raw(method, target, body=None):
            conn.request(method, target, body=body, headers=auth)
            response = conn.getresponse()
            data = response.read()
            assert response.status < 300, (response.status, data)
            return data

        raw("POST", "/v1/sessions", json.dumps({"id": "floor-raw"}).encode())
        for label, once in (
            ("ping", lambda i: raw("GET", "/health/live")),
            ("turn", lambda i: (raw("POST", "/v1/sessions/floor-raw/messages", turn_body), raw("GET", "/v1/sessions/floor-raw/messages?last=20"))),
        ):
            samples, done = timed(once, args.seconds, args.warmup)
            report("floor: http.client keep-alive", label, "2 requests" if label == "turn" else "1 request", samples, args.seconds, 0, 1)
        conn.close()

        with httpx.Client(base_url=url, headers=auth) as http:
            http.post("/v1/sessions", content=json.dumps({"id": "floor-httpx"}).encode())
            for label, once in (
                ("ping", lambda i: http.get("/health/live").raise_for_status()),
                ("turn", lambda i: (http.post("/v1/sessions/floor-httpx/messages", content=turn_body).raise_for_status(),
                                    http.get("/v1/sessions/floor-httpx/messages", params={"last": "20"}).raise_for_status())),
            ):
                samples, done = timed(once, args.seconds, args.warmup)
                report("floor: bare httpx.Client", label, "2 requests" if label == "turn" else "1 request", samples, args.seconds, 0, 1)

        with AgentState(url, api_key=key) as state:
            state.create_session(id="floor-client")
            messages = [{"role": "user", "content": USER}, {"role": "assistant", "content": ASSISTANT}]
            for label, once in (
                ("ping", lambda i: state.live()),
                ("turn", lambda i: (state.append_messages("floor-client", messages), state.read_messages("floor-client", last=20))),
            ):
                samples, done = timed(once, args.seconds, args.warmup)
                report("floor: agentstate.AgentState", label, "2 requests" if label == "turn" else "1 request", samples, args.seconds, 0, 1)


def shared_client(args, directory):
    """One AsyncAgentState shared by 1 and then 16 asyncio tasks, each doing the Agents SDK's turn
    as two requests (append both messages, read the newest 20 with the session) on a session of
    its own: what an async agent server gets from one client object."""
    from agentstate import AsyncAgentState

    messages = [{"role": "user", "content": USER}, {"role": "assistant", "content": ASSISTANT}]

    async def run(url, key, tasks, ping=False):
        async with AsyncAgentState(url, api_key=key) as client:
            for t in range(tasks):
                await client.create_session(id=f"shared-{tasks}-{t}-{ping}")
            samples = []
            start = time.perf_counter()
            measure_from, end = start + args.warmup, start + args.warmup + args.seconds

            async def worker(t):
                sid = f"shared-{tasks}-{t}-{ping}"
                while True:
                    t0 = time.perf_counter()
                    if t0 >= end:
                        return
                    if ping:
                        await client.live()
                        await client.live()
                    else:
                        await client.append_messages(sid, messages)
                        await client.read_messages(sid, tail=20, include_session=True)
                    if t0 >= measure_from:
                        samples.append((time.perf_counter() - t0) * 1000)

            await asyncio.gather(*(worker(t) for t in range(tasks)))
            return samples

    # The floor under the 16 tasks' turns: two requests the server answers without the store
    # (GET /health/live), sent the same way. Client and server share this machine's cores, so a
    # turn can go no faster than this round.
    with agentstate_server(args.agentstate_bin, directory, "shared") as (url, key, path):
        for tasks in (1, 16):
            samples = asyncio.run(run(url, key, tasks))
            report("AsyncAgentState shared by asyncio tasks (server on SQLite)", "turn", f"{tasks} tasks", samples, args.seconds, 0, 1)
        for tasks in (1, 16):
            samples = asyncio.run(run(url, key, tasks, ping=True))
            report("AsyncAgentState shared by asyncio tasks (server on SQLite)", "ping round", f"{tasks} tasks", samples, args.seconds, 0, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--depth", type=int, default=1000)
    # LangGraph stores the whole history in every checkpoint, so filling a thread 1,000 turns deep
    # writes about a gigabyte; its deep case is measured shallower and says so.
    parser.add_argument("--langgraph-depth", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL URL for PostgresSaver")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--agentstate-bin", help="an agentstate binary, to measure the Python adapters against its server")
    parser.add_argument("--only", choices=["sqlite", "postgres", "openai", "agentstate", "floor", "shared"])
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        langgraph_memory(args)
        langgraph_sqlite(args, args.dir)
    if args.only in (None, "postgres") and args.postgres:
        langgraph_postgres(args)
    if args.only in (None, "openai"):
        openai_agents(args, args.dir)
    if args.only in (None, "agentstate") and args.agentstate_bin:
        agentstate_langgraph(args, args.dir)
        agentstate_sessions(args, args.dir)
    if args.only in (None, "floor") and args.agentstate_bin:
        client_floor(args, args.dir)
    if args.only in (None, "shared") and args.agentstate_bin:
        shared_client(args, args.dir)


if __name__ == "__main__":
    main()
