import AgentState
import Foundation
import Testing

extension Conformance {
    static let userChecks: [Check] = [
        check("users: export holds everything of a user; erasure removes every record and leaves others alone") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s1", userId: "u1"))
            _ = try await h.store.appendMessages(tenant, "s1", [.user("my card is 4111"), .assistant("noted")], expectedLastSeq: nil)
            let c = try await h.store.runningRun(tenant, id: "r1", userId: "u1", sessionId: "s1")
            _ = try await h.store.putStep(tenant, "r1", "a", StepWrite(status: .completed, fencingToken: c.lease.token))
            _ = try await h.store.saveCheckpoint(tenant, "r1", CheckpointWrite(state: .full(["card": "4111"])))
            let e = try await h.store.beginEffect(tenant, "r1", "pay", EffectBegin(holder: "w"))
            _ = try await h.store.completeEffect(tenant, "r1", "pay", attemptToken: e.effect.attemptToken, result: nil, externalId: "p1")
            _ = try await h.store.requestApproval(tenant, "r1", ApprovalRequest(id: "a1", approver: "ann", reason: "pay", timeoutSeconds: 60))
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u1", namespace: "facts", key: "card"), MemoryWrite(value: "4111", text: "card 4111"))
            // Someone else's data, which must survive.
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s2", userId: "u2"))
            _ = try await h.store.appendMessages(tenant, "s2", [.user("hello")], expectedLastSeq: nil)
            _ = try await h.store.createRun(tenant, RunCreate(id: "r2", workflow: "wf", userId: "u2"))
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u2", namespace: "facts", key: "x"), MemoryWrite(value: 1))

            let export = try await h.store.exportUser(tenant, "u1")
            #expect(export.sessions.map(\.session.id) == ["s1"] && export.sessions[0].messages.count == 2)
            #expect(export.runs.map(\.run.id) == ["r1"] && export.runs[0].steps.count == 1 && export.runs[0].effects.count == 1)
            #expect(export.runs[0].approvals.map(\.id) == ["a1"] && export.runs[0].checkpoint?.state == ["card": "4111"])
            #expect(export.memory.map(\.key) == ["card"])

            let receipt = try await h.store.eraseUser(tenant, "u1")
            #expect(receipt.sessions == 1 && receipt.messages == 2 && receipt.runs == 1 && receipt.steps == 1)
            #expect(receipt.effects == 1 && receipt.approvals == 1 && receipt.checkpoints == 1 && receipt.memoryItems == 1)
            #expect(receipt.events > 5 && receipt.digest.count == 64)

            let after = try await h.store.exportUser(tenant, "u1")
            #expect(after.sessions.isEmpty && after.runs.isEmpty && after.memory.isEmpty)
            await expectFailure(.notFound) { try await h.store.session(tenant, "s1") }
            await expectFailure(.notFound) { try await h.store.run(tenant, "r1") }
            await expectFailure(.notFound) { try await h.store.approval(tenant, "a1") }
            await expectFailure(.notFound) { try await h.store.events(tenant, stream: "run:r1", afterSeq: 0, limit: 10) }
            #expect(try await h.store.searchMemory(tenant, userId: "u1", MemorySearch(text: "card")).isEmpty)
            #expect(try await h.store.approvals(tenant, ApprovalQuery()).items.isEmpty)
            h.clock.advance(by: 120)
            #expect(try await h.store.sweep().approvalsExpired == 0, "no approval of the erased run lingers")

            #expect(try await h.store.messages(tenant, "s2", .last(10)).messages.count == 1)
            #expect(try await h.store.run(tenant, "r2").userId == "u2")
            #expect(try await h.store.memory(tenant, MemoryKey(userId: "u2", namespace: "facts", key: "x")).value == 1)
            #expect(try await h.store.eraseUser(tenant, "u1").digest != receipt.digest, "an empty erasure has its own digest")
        },
    ]

    static let tenancyChecks: [Check] = [
        check("tenancy: another tenant's records read and write as not found") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s", userId: "u"))
            _ = try await h.store.appendMessages(tenant, "s", [.user("secret")], expectedLastSeq: nil)
            let c = try await h.store.runningRun(tenant, id: "r", userId: "u")
            _ = try await h.store.requestApproval(tenant, "r", ApprovalRequest(id: "a", approver: "ann", reason: "x"))
            _ = try await h.store.putMemory(tenant, MemoryKey(userId: "u", namespace: "n", key: "k"), MemoryWrite(value: 1, text: "secret"))
            let o = otherTenant
            await expectFailure(.notFound) { try await h.store.session(o, "s") }
            await expectFailure(.notFound) { try await h.store.messages(o, "s", .last(10)) }
            await expectFailure(.notFound) { try await h.store.appendMessages(o, "s", [.user("x")], expectedLastSeq: nil) }
            await expectFailure(.notFound) { try await h.store.patchContext(o, "s", ["x": 1], expectedVersion: nil) }
            await expectFailure(.notFound) { try await h.store.deleteSession(o, "s") }
            await expectFailure(.notFound) { try await h.store.run(o, "r") }
            await expectFailure(.notFound) { try await h.store.transition(o, "r", RunTransition(to: .cancelled)) }
            await expectFailure(.notFound) { try await h.store.putStep(o, "r", "x", StepWrite(status: .running)) }
            await expectFailure(.notFound) { try await h.store.beginEffect(o, "r", "e", EffectBegin(holder: "w")) }
            await expectFailure(.notFound) { try await h.store.renewLease(o, "r", token: c.lease.token, leaseSeconds: 10) }
            await expectFailure(.notFound) { try await h.store.approval(o, "a") }
            await expectFailure(.notFound) { try await h.store.decide(o, "a", Decision(.approved, by: "mallory")) }
            await expectFailure(.notFound) { try await h.store.events(o, stream: "run:r", afterSeq: 0, limit: 10) }
            await expectFailure(.notFound) { try await h.store.runState(o, "r", at: .seq(1)) }
            await expectFailure(.notFound) { try await h.store.fork(o, "r", at: .seq(1), newId: nil) }
            await expectFailure(.notFound) { try await h.store.memory(o, MemoryKey(userId: "u", namespace: "n", key: "k")) }
            #expect(try await h.store.sessions(o, SessionQuery()).items.isEmpty)
            #expect(try await h.store.runs(o, RunQuery()).items.isEmpty)
            #expect(try await h.store.approvals(o, ApprovalQuery()).items.isEmpty)
            #expect(try await h.store.claim(o, ClaimRequest(worker: "w")) == nil)
            #expect(try await h.store.searchMemory(o, userId: "u", MemorySearch(text: "secret")).isEmpty)
            let theirs = try await h.store.exportUser(o, "u")
            #expect(theirs.sessions.isEmpty && theirs.runs.isEmpty && theirs.memory.isEmpty)
            #expect(try await h.store.eraseUser(o, "u").runs == 0)
            // The same ids may exist independently in each tenant.
            _ = try await h.store.createSession(o, SessionCreate(id: "s"))
            #expect(try await h.store.messages(tenant, "s", .last(10)).messages.map(\.content) == ["secret"])
            #expect(try await h.store.messages(o, "s", .last(10)).messages.isEmpty)
            #expect(try await h.store.run(tenant, "r").status == .waitingForApproval)
        },
    ]
}
