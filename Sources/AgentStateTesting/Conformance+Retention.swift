import AgentState
import Foundation
import Testing

extension Conformance {
    static let retentionChecks: [Check] = [
        check("retention: a policy keeps finished sessions and runs its days, then hands them over whole and purges them whole; live ones stay") { h in
            #expect(try await h.store.retentionPolicy(tenant).sessionsDays == nil, "everything is kept until a policy is set")
            await expectFailure(.invalidInput) { try await h.store.setRetentionPolicy(tenant, RetentionUpdate(sessionsDays: 0)) }
            let policy = try await h.store.setRetentionPolicy(tenant, RetentionUpdate(sessionsDays: 30, runsDays: 7))
            #expect(policy.sessionsDays == 30 && policy.runsDays == 7)
            #expect(try await h.store.retentionPolicies().map(\.tenantId) == [tenant])

            _ = try await h.store.createSession(tenant, SessionCreate(id: "old"))
            _ = try await h.store.appendMessages(tenant, "old", [.user("hi"), .assistant("hello")], expectedLastSeq: nil)
            _ = try await h.store.closeSession(tenant, "old")
            _ = try await h.store.createSession(tenant, SessionCreate(id: "live"))
            _ = try await h.store.createSession(otherTenant, SessionCreate(id: "theirs"))
            _ = try await h.store.closeSession(otherTenant, "theirs")
            _ = try await h.store.createRun(tenant, RunCreate(id: "done", workflow: "w"))
            let claimed = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w", workflow: "w")))
            _ = try await h.store.putStep(tenant, "done", "s", StepWrite(status: .completed, fencingToken: claimed.lease.token))
            _ = try await h.store.saveCheckpoint(tenant, "done", CheckpointWrite(state: .full(["n": 1])))
            _ = try await h.store.transition(tenant, "done", RunTransition(to: .completed, fencingToken: claimed.lease.token))
            _ = try await h.store.createRun(tenant, RunCreate(id: "open", workflow: "other"))

            h.clock.advance(by: 8 * 86_400)
            let runsOnly = try await h.store.expiredRecords(tenant, limit: 10)
            #expect(runsOnly.map(\.key) == [RetentionKey(kind: .run, id: "done")], "the run is past 7 days, the session not yet past 30")
            guard case .run(let run, let steps, _, _, let checkpoints, let events) = runsOnly.first else { return }
            #expect(run.status == .completed && steps.map(\.name) == ["s"] && checkpoints.count == 1 && !events.isEmpty)

            h.clock.advance(by: 30 * 86_400)
            let due = try await h.store.expiredRecords(tenant, limit: 10)
            #expect(Set(due.map(\.key)) == [RetentionKey(kind: .session, id: "old"), RetentionKey(kind: .run, id: "done")])
            guard case .session(_, let messages, _)? = due.first(where: { $0.key.kind == .session }) else { return }
            #expect(messages.map(\.content) == ["hi", "hello"])
            #expect(try await h.store.expiredRecords(tenant, limit: 1).count == 1)

            let report = try await h.store.purge(tenant, due.map(\.key) + [RetentionKey(kind: .run, id: "open"), RetentionKey(kind: .session, id: "live")])
            #expect(report.sessions == 1 && report.messages == 2 && report.runs == 1 && report.steps == 1 && report.checkpoints == 1 && report.events > 0)
            await expectFailure(.notFound) { try await h.store.session(tenant, "old") }
            await expectFailure(.notFound) { try await h.store.run(tenant, "done") }
            #expect(try await h.store.session(tenant, "live").status == .active, "a live session is never purged")
            #expect(try await h.store.run(tenant, "open").status == .created, "an unfinished run is never purged")
            #expect(try await h.store.session(otherTenant, "theirs").status == .closed, "another tenant's policy is its own")
            #expect(try await h.store.expiredRecords(tenant, limit: 10).isEmpty)
        },
    ]
}
