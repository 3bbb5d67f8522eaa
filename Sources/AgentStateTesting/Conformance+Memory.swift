import AgentState
import Foundation
import Testing

extension Conformance {
    static let memoryChecks: [Check] = [
        check("memory: put, get, version checks, delete, list by prefix with a cursor") { h in
            let k = MemoryKey(userId: "u1", namespace: "prefs", key: "lang")
            let v1 = try await h.store.putMemory(tenant, k, MemoryWrite(value: ["lang": "nb"], expectedVersion: 0))
            #expect(v1.version == 1)
            await expectFailure(.versionConflict, "create when it exists") { try await h.store.putMemory(tenant, k, MemoryWrite(value: 1, expectedVersion: 0)) }
            let v2 = try await h.store.putMemory(tenant, k, MemoryWrite(value: ["lang": "en"], expectedVersion: 1))
            #expect(v2.version == 2 && v2.createdAt == v1.createdAt)
            #expect(try await h.store.memory(tenant, k).value == ["lang": "en"])
            for key in ["topic/a", "topic/b", "topic/c", "other"] {
                _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "prefs", key: key), MemoryWrite(value: .string(key)))
            }
            let p1 = try await h.store.memoryItems(tenant, MemoryQuery(userId: "u1", namespace: "prefs", prefix: "topic/", limit: 2))
            let p2 = try await h.store.memoryItems(tenant, MemoryQuery(userId: "u1", namespace: "prefs", prefix: "topic/", limit: 2, cursor: p1.nextCursor))
            #expect(p1.items.map(\.key) == ["topic/a", "topic/b"] && p2.items.map(\.key) == ["topic/c"] && p2.nextCursor == nil)
            try await h.store.deleteMemory(tenant, k)
            await expectFailure(.notFound) { try await h.store.memory(tenant, k) }
            await expectFailure(.notFound) { try await h.store.deleteMemory(tenant, k) }
            await expectFailure(.invalidInput) { try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "a b", key: "k"), MemoryWrite(value: 1)) }
            // Reads check their input too: a bad name is a clear error, not an empty answer.
            await expectFailure(.invalidInput) { try await h.store.memory(tenant, MemoryKey(userId: "u 1", namespace: "prefs", key: "lang")) }
            await expectFailure(.invalidInput) { try await h.store.memoryItems(tenant, MemoryQuery(userId: "u1", namespace: "a b")) }
            await expectFailure(.invalidInput) { try await h.store.searchMemory(tenant, userId: "bad/user", MemorySearch(text: "x")) }
        },
        check("memory: items with a TTL vanish when it passes, and the sweeper removes them") { h in
            let k = MemoryKey(userId: "u1", namespace: "scratch", key: "tmp")
            _ = try await h.store.putMemory(tenant, k, MemoryWrite(value: 1, text: "temporary note", ttlSeconds: 60))
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "scratch", key: "keep"), MemoryWrite(value: 2))
            h.clock.advance(by: 61)
            await expectFailure(.notFound) { try await h.store.memory(tenant, k) }
            #expect(try await h.store.memoryItems(tenant, MemoryQuery(userId: "u1", namespace: "scratch")).items.map(\.key) == ["keep"])
            #expect(try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "temporary")).isEmpty)
            #expect(try await h.store.sweep().memoryItemsRemoved == 1)
        },
        check("memory: full-text search finds items holding every word, best first") { h in
            let texts = [
                "a": "The user prefers window seats on long flights",
                "b": "User is vegetarian; no meat in meal orders",
                "c": "Prefers flights in the morning. Flights after 8pm are a no.",
                "d": "Lives in Oslo",
            ]
            for (key, text) in texts {
                _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "facts", key: key), MemoryWrite(value: .string(key), text: text))
            }
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u2", namespace: "facts", key: "x"), MemoryWrite(value: 0, text: "flights flights flights"))
            let hits = try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "Flights!"))
            #expect(Set(hits.map(\.item.key)) == ["a", "c"], "only u1's items with the word")
            #expect(hits.first?.item.key == "c", "more mentions rank higher")
            #expect(try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "prefers morning")).map(\.item.key) == ["c"])
            #expect(try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(namespace: "other", text: "flights")).isEmpty)
            await expectFailure(.invalidInput) { try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "  ")) }
        },
        check("memory: vector search ranks by cosine similarity") { h in
            let vectors: [String: [Float]] = ["north": [0, 1, 0], "east": [1, 0, 0], "northeast": [0.7, 0.7, 0], "up": [0, 0, 1]]
            for (key, v) in vectors {
                _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "dirs", key: key), MemoryWrite(value: .string(key), text: "direction \(key)", embedding: v))
            }
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "dirs", key: "flat"), MemoryWrite(value: 0, embedding: [1, 1]))
            let hits = try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(vector: [0.1, 1, 0], limit: 3))
            #expect(hits.map(\.item.key) == ["north", "northeast", "east"])
            #expect(abs(hits[0].score - 0.995) < 0.01)
            let both = try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "direction east", vector: [0.1, 1, 0], limit: 3))
            #expect(both.map(\.item.key) == ["east"], "text narrows, the vector ranks")
        },
    ]
}
