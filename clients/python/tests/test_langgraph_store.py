"""AgentStateStore, LangGraph's long-term memory store, against a live server."""

from __future__ import annotations

import uuid

import pytest

from agentstate import AgentState
from agentstate.langgraph import AgentStateStore


def embed(texts: list[str]) -> list[list[float]]:
    """A toy embedding that is enough to rank: how much each text is about food, travel, music."""
    topics = [("ramen", "food", "spicy"), ("flight", "seat", "travel"), ("jazz", "music", "song")]
    return [[float(sum(t.lower().count(w) for w in words)) + 0.01 for words in topics] for t in texts]


@pytest.fixture
def store(server):
    s = AgentStateStore(server.url, api_key=server.key("agent"), user_id=f"u-{uuid.uuid4().hex[:8]}")
    yield s
    s.close()


def test_put_get_delete_with_any_namespace_and_key(store):
    ns = ("users", "ann/with slash", "prefs")
    store.put(ns, "seat: window?", {"seat": "window", "n": 2})
    item = store.get(ns, "seat: window?")
    assert item is not None and item.namespace == ns and item.key == "seat: window?" and item.value == {"seat": "window", "n": 2}
    assert item.created_at <= item.updated_at
    store.put(ns, "seat: window?", {"seat": "aisle"})
    assert store.get(ns, "seat: window?").value == {"seat": "aisle"}
    store.delete(ns, "seat: window?")
    assert store.get(ns, "seat: window?") is None
    store.delete(ns, "never there")  # deleting what is not there is not an error


def test_search_by_prefix_filter_and_words(store):
    store.put(("users", "ann", "food"), "likes", {"text": "spicy ramen", "stars": 5})
    store.put(("users", "ann", "travel"), "seat", {"text": "window seat on every flight", "stars": 3})
    store.put(("users", "bob", "food"), "likes", {"text": "plain rice", "stars": 1})
    assert sorted(i.namespace[1] for i in store.search(("users",))) == ["ann", "ann", "bob"]
    assert [i.namespace for i in store.search(("users", "ann"), filter={"stars": {"$gte": 4}})] == [("users", "ann", "food")]
    assert [i.key for i in store.search(("users", "bob"), filter={"stars": 1})] == ["likes"]
    found = store.search(("users", "ann"), query="flight")
    assert [i.namespace for i in found] == [("users", "ann", "travel")] and found[0].score > 0
    assert len(store.search(("users",), limit=2)) == 2
    assert len(store.search(("users",), limit=2, offset=2)) == 1


def test_list_namespaces_with_prefix_suffix_and_depth(store):
    for ns in [("a", "x", "1"), ("a", "y", "1"), ("b", "x", "2")]:
        store.put(ns, "k", {"v": 1})
    assert store.list_namespaces(prefix=("a",)) == [("a", "x", "1"), ("a", "y", "1")]
    assert store.list_namespaces(suffix=("1",)) == [("a", "x", "1"), ("a", "y", "1")]
    assert store.list_namespaces(prefix=("*", "x")) == [("a", "x", "1"), ("b", "x", "2")]
    assert store.list_namespaces(max_depth=1) == [("a",), ("b",)]


async def test_semantic_search_with_an_embedding_index(server):
    user = f"u-{uuid.uuid4().hex[:8]}"
    store = AgentStateStore(server.url, api_key=server.key("agent"), user_id=user, index={"dims": 3, "embed": embed, "fields": ["text"]})
    await store.aput(("mem",), "a", {"text": "loves spicy ramen"})
    await store.aput(("mem",), "b", {"text": "always books a window seat on a flight"})
    await store.aput(("mem",), "c", {"text": "listens to jazz"})
    hits = await store.asearch(("mem",), query="what music do they like? a song")
    assert hits[0].key == "c" and hits[0].score > hits[-1].score
    # The memories belong to the user: erasing the user takes them.
    with AgentState(server.url, api_key=server.key("admin")) as admin:
        admin.erase_user(user)
    assert await store.aget(("mem",), "a") is None
    await store.aclose()
