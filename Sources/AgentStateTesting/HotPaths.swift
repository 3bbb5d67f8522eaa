import AgentState
import Foundation
import Testing

/// A little of every hot path, for tests that watch what a backend does underneath (which
/// statements it runs, and whether each one is an index lookup).
public enum HotPaths {
    public static func exercise(_ store: any StateStore, clock: ManualClock) async throws {
        let t = "acme"
        _ = try await store.createSession(t, SessionCreate(id: "s", userId: "u", ttlSeconds: 60))
        _ = try await store.appendMessages(t, "s", [.system("sys"), .user("hi"), .assistant("hello")], expectedLastSeq: nil)
        _ = try await store.messages(t, "s", .last(20))
        _ = try await store.messages(t, "s", .tokenBudget(100))
        _ = try await store.messages(t, "s", .after(seq: 1, limit: 10))
        _ = try await store.messages(t, "s", .between(since: clock.now(), until: nil, limit: 10))
        _ = try await store.sessions(t, SessionQuery(userId: "u"))
        _ = try await store.createRun(t, RunCreate(id: "r", workflow: "wf", sessionId: "s", userId: "u"))
        let claimed = try #require(try await store.claim(t, ClaimRequest(worker: "w", workflow: "wf")))
        _ = try await store.claim(t, ClaimRequest(worker: "w"))
        _ = try await store.putStep(t, "r", "a", StepWrite(status: .running, fencingToken: claimed.lease.token))
        let e = try await store.beginEffect(t, "r", "k", EffectBegin(holder: "w"))
        _ = try await store.completeEffect(t, "r", "k", attemptToken: e.effect.attemptToken, result: nil, externalId: nil)
        _ = try await store.saveCheckpoint(t, "r", CheckpointWrite(step: "a", state: .full(["x": 1])))
        _ = try await store.saveCheckpoint(t, "r", CheckpointWrite(step: "a", state: .patch(["y": 2])))
        _ = try await store.checkpoint(t, "r", .seq(1))
        _ = try await store.checkpoint(t, "r", .step("a"))
        _ = try await store.requestApproval(t, "r", ApprovalRequest(id: "a", approver: "ann", reason: "x", timeoutSeconds: 5))
        _ = try await store.approvals(t, ApprovalQuery(status: .pending, approver: "ann"))
        _ = try await store.approvals(t, ApprovalQuery(group: "ops", overdue: true))
        _ = try await store.runs(t, RunQuery(status: .waitingForApproval))
        _ = try await store.runs(t, RunQuery(owner: "ann", updatedBefore: clock.now()))
        _ = try await store.runs(t, RunQuery(workflow: "wf"))
        _ = try await store.putMemory(t, MemoryKey(userId: "u", namespace: "n", key: "k"), MemoryWrite(value: 1, text: "hello world", embedding: [1, 0]))
        _ = try await store.memoryItems(t, MemoryQuery(userId: "u", namespace: "n", prefix: "k"))
        _ = try await store.searchMemory(t, userId: "u", MemorySearch(text: "hello"))
        _ = try await store.searchMemory(t, userId: "u", MemorySearch(vector: [1, 0]))
        let key = try await store.createAPIKey(t, role: .agent, name: nil)
        _ = try await store.authenticate(secret: key.secret)
        _ = try await store.apiKeys(tenant: t)
        let attempt = IdempotentAttempt(tenant: t, key: "i", requestHash: "h")
        _ = try await store.beginIdempotent(attempt)
        try await IdempotentAttempt.$current.withValue(attempt) { _ = try await store.createSession(t, SessionCreate(id: "idempotent")) }
        try await store.finishIdempotent(attempt, status: 200, headers: [:], body: nil)
        clock.advance(by: 3600)
        _ = try await store.sweep()
        clock.advance(by: APIKeys.idempotencyWindow)
        _ = try await store.sweep()
        _ = try await store.runState(t, "r", at: .seq(3))
        _ = try await store.eraseUser(t, "u")
    }
}
