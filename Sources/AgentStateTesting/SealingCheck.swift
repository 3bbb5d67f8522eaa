import AgentState
import Foundation
import Testing

/// What the tests of encryption at rest write through a store, then look for in the engine's
/// own bytes (the SQLite file, a `pg_dump`, every Redis value): a word no engine writes of its
/// own accord, put in every kind of value an agent stores.
public enum SealingCheck {
    /// The keys of the tests: `old` was the ring's newest before `new` was added.
    public static let oldRing = try! DataKeyRing(keys: [("old", [UInt8](repeating: 7, count: 32))])
    public static let ring = try! DataKeyRing(keys: [("old", [UInt8](repeating: 7, count: 32)), ("new", [UInt8](repeating: 9, count: 32))])

    public static let tenant: TenantID = "sealed"

    /// Letters and digits only, so memory search finds it as one word.
    public static func canary() -> String {
        "canary" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Writes the canary into a session's context, summary and messages, a run's input, a
    /// step's result, an effect's result, an approval's reason, a checkpoint, an event, a memory
    /// value and its searchable text, and an idempotent response kept for retries.
    public static func writeEverywhere(_ store: any StateStore, canary: String) async throws {
        let t = tenant
        _ = try await store.createSession(t, SessionCreate(id: "s", userId: "u", context: ["goal": .string(canary)]))
        _ = try await store.appendMessages(t, "s", [.user("my secret is \(canary)"), .assistant("I will keep \(canary) safe")], expectedLastSeq: nil)
        _ = try await store.compact(t, "s", summary: "they said \(canary)", throughSeq: 1, tokens: nil)
        _ = try await store.appendMessages(t, "s", [.user("and again \(canary)")], expectedLastSeq: nil)
        _ = try await store.createRun(t, RunCreate(id: "r", workflow: "sealed", userId: "u", input: ["task": .string(canary)]))
        let claimed = try #require(try await store.claim(t, ClaimRequest(worker: "w", leaseSeconds: 30, workflow: "sealed")))
        let token = claimed.lease.token
        _ = try await store.putStep(t, "r", "a", StepWrite(status: .completed, result: ["found": .string(canary)], fencingToken: token))
        _ = try await store.saveCheckpoint(t, "r", CheckpointWrite(state: .full(["memo": .string(canary)])))
        let effect = try await store.beginEffect(t, "r", "mail", EffectBegin(holder: "w"))
        _ = try await store.completeEffect(t, "r", "mail", attemptToken: effect.effect.attemptToken, result: ["sent": .string(canary)], externalId: "m1")
        _ = try await store.appendEvent(t, runId: "r", type: "note", data: ["said": .string(canary)])
        _ = try await store.requestApproval(t, "r", ApprovalRequest(id: "a", approver: "ann", reason: "send \(canary)"))
        _ = try await store.putMemory(t, MemoryKey(userId: "u", namespace: "facts", key: "k"),
                                      MemoryWrite(value: .string(canary), text: "the word is \(canary)"))
        let attempt = IdempotentAttempt(tenant: t, key: "idem", requestHash: "h")
        _ = try await store.beginIdempotent(attempt)
        try await store.finishIdempotent(attempt, status: 200, headers: [:], body: "{\"said\":\"\(canary)\"}")
    }

    /// Reads every value back through the store: sealing must change nothing a user sees.
    public static func readBack(_ store: any StateStore, canary: String) async throws {
        let t = tenant
        let session = try await store.session(t, "s")
        #expect(session.context["goal"] == .string(canary) && session.summary?.text == "they said \(canary)")
        let window = try await store.messages(t, "s", .last(10))
        #expect(window.messages.map(\.content).contains("and again \(canary)"))
        #expect(try await store.messages(t, "s", .after(seq: 0, limit: 10)).messages.first?.content == "my secret is \(canary)")
        #expect(try await store.run(t, "r").input == ["task": .string(canary)])
        #expect(try await store.steps(t, "r").first?.result == ["found": .string(canary)])
        #expect(try await store.checkpoint(t, "r", .latest).state == ["memo": .string(canary)])
        #expect(try await store.effect(t, "r", "mail").result == ["sent": .string(canary)])
        #expect(try await store.approval(t, "a").reason == "send \(canary)")
        #expect(try await store.events(t, stream: "run:r", afterSeq: 0, limit: 100).contains { $0.data["data"]?["said"] == .string(canary) })
        #expect(try await store.verifyChain(t, stream: "run:r").valid)
        #expect(try await store.memory(t, MemoryKey(userId: "u", namespace: "facts", key: "k")).value == .string(canary))
        #expect(try await store.searchMemory(t, userId: "u", MemorySearch(text: canary)).map(\.item.key) == ["k"])
        guard case .replay(let record) = try await store.beginIdempotent(IdempotentAttempt(tenant: t, key: "idem", requestHash: "h")) else {
            Issue.record("the kept response is not replayed")
            return
        }
        #expect(record.body?.contains(canary) == true)
    }

    /// Whether the bytes hold the canary anywhere.
    public static func contains(_ bytes: some Collection<UInt8>, _ canary: String) -> Bool {
        let needle = Array(canary.utf8)
        let hay = Array(bytes)
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
