import AgentState
import Foundation
import Testing

extension Conformance {
    static let effectChecks: [Check] = [
        check("effects: the same key begun twice at once is acquired exactly once; the other sees it in progress, then completed") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            let store = h.store
            let results = try await withThrowingTaskGroup(of: EffectBeginResult.self) { group in
                for i in 0..<8 {
                    group.addTask { try await store.beginEffect(tenant, "r", "send-email", EffectBegin(holder: "w\(i)", leaseSeconds: 60)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let acquired = results.filter { $0.outcome == .acquired }
            #expect(acquired.count == 1)
            #expect(results.filter { $0.outcome == .inProgress }.count == 7)
            let owner = try #require(acquired.first).effect
            let done = try await store.completeEffect(tenant, "r", "send-email", attemptToken: owner.attemptToken,
                                                      result: ["status": "sent"], externalId: "msg-123")
            #expect(done.status == .completed && done.externalId == "msg-123")
            let again = try await store.beginEffect(tenant, "r", "send-email", EffectBegin(holder: "late", leaseSeconds: 60))
            #expect(again.outcome == .completed && again.effect.result == ["status": "sent"] && again.effect.externalId == "msg-123")
            // A retried completion after a timeout answers the same; a different attempt cannot finish it.
            #expect(try await store.completeEffect(tenant, "r", "send-email", attemptToken: owner.attemptToken, result: ["status": "sent"], externalId: "msg-123") == done)
            await expectFailure(.leaseLost) { try await store.completeEffect(tenant, "r", "send-email", attemptToken: 99, result: nil, externalId: nil) }
            #expect(try await store.effect(tenant, "r", "send-email") == done)
        },
        check("effects: an attempt whose lease ran out is taken over, and the old attempt can no longer finish") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            let first = try await h.store.beginEffect(tenant, "r", "charge", EffectBegin(holder: "w1", leaseSeconds: 10, request: ["amount": 5]))
            #expect(first.outcome == .acquired)
            h.clock.advance(by: 11)
            let second = try await h.store.beginEffect(tenant, "r", "charge", EffectBegin(holder: "w2", leaseSeconds: 10))
            #expect(second.outcome == .acquired && second.effect.attempts == 2 && second.effect.attemptToken > first.effect.attemptToken)
            #expect(second.effect.request == ["amount": 5])
            await expectFailure(.leaseLost) {
                try await h.store.completeEffect(tenant, "r", "charge", attemptToken: first.effect.attemptToken, result: nil, externalId: "ch_1")
            }
            let failed = try await h.store.failEffect(tenant, "r", "charge", attemptToken: second.effect.attemptToken,
                                                      error: ErrorInfo(kind: "rejected", message: "card declined"))
            #expect(failed.status == .failed)
            let third = try await h.store.beginEffect(tenant, "r", "charge", EffectBegin(holder: "w2", leaseSeconds: 10))
            #expect(third.outcome == .acquired && third.effect.attempts == 3, "a failed effect may be tried again")
            await expectFailure(.notFound) { try await h.store.effect(tenant, "r", "nope") }
        },
    ]

    static let leaseChecks: [Check] = [
        check("leases: a claim takes the oldest runnable run; a dead worker's lease expires and a stale token is refused") { h in
            _ = try await h.store.createRun(tenant, RunCreate(id: "a", workflow: "wf"))
            h.clock.advance(by: 1)
            _ = try await h.store.createRun(tenant, RunCreate(id: "b", workflow: "wf"))
            let first = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w1", leaseSeconds: 30)))
            #expect(first.run.id == "a" && first.run.status == .running && first.lease.token == 1)
            _ = try await h.store.putStep(tenant, "a", "one", StepWrite(status: .completed, fencingToken: first.lease.token))
            _ = try await h.store.putStep(tenant, "a", "two", StepWrite(status: .running, fencingToken: first.lease.token))
            let second = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w2", leaseSeconds: 30)))
            #expect(second.run.id == "b")
            #expect(try await h.store.claim(tenant, ClaimRequest(worker: "w3", leaseSeconds: 30)) == nil, "both are held")

            // w1 dies. After its lease runs out, w3 resumes run a from its current step.
            h.clock.advance(by: 31)
            let resumed = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w3", leaseSeconds: 30)))
            #expect(resumed.run.id == "a" && resumed.lease.token == 2 && resumed.run.currentStep == "two")
            #expect(try await h.store.steps(tenant, "a").first?.status == .completed)

            // w1 wakes up and tries to write: every write with its token is refused and changes nothing.
            let before = try await h.store.run(tenant, "a")
            await expectFailure(.leaseLost, "step") { try await h.store.putStep(tenant, "a", "two", StepWrite(status: .completed, fencingToken: 1)) }
            await expectFailure(.leaseLost, "checkpoint") { try await h.store.saveCheckpoint(tenant, "a", CheckpointWrite(state: .full(["x": 1]), fencingToken: 1)) }
            await expectFailure(.leaseLost, "transition") { try await h.store.transition(tenant, "a", RunTransition(to: .completed, fencingToken: 1)) }
            await expectFailure(.leaseLost, "renew") { try await h.store.renewLease(tenant, "a", token: 1, leaseSeconds: 30) }
            await expectFailure(.leaseLost, "release") { try await h.store.releaseLease(tenant, "a", token: 1) }
            #expect(try await h.store.run(tenant, "a") == before)

            // The new holder renews and releases.
            h.clock.advance(by: 20)
            let renewed = try await h.store.renewLease(tenant, "a", token: 2, leaseSeconds: 30)
            #expect(renewed.expiresAt == h.clock.now().adding(seconds: 30))
            h.clock.advance(by: 20)
            #expect(try await h.store.claim(tenant, ClaimRequest(worker: "w4", leaseSeconds: 30, workflow: "wf"))?.run.id == "b", "b's lease ran out; a's was renewed")
            let released = try await h.store.releaseLease(tenant, "a", token: 2)
            #expect(released.lease == nil && released.status == .running)
            #expect(try await h.store.claim(tenant, ClaimRequest(worker: "w5", leaseSeconds: 30))?.lease.token == 3)
        },
        check("leases: many workers claiming at once never get the same run") { h in
            for i in 0..<24 { _ = try await h.store.createRun(tenant, RunCreate(id: "r\(i)", workflow: "wf")) }
            let store = h.store
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for w in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        while let c = try await store.claim(tenant, ClaimRequest(worker: "w\(w)", leaseSeconds: 300)) { mine.append(c.run.id) }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 24 && Set(claimed).count == 24)
        },
    ]
}
