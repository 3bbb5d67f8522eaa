import AgentState
import Foundation
import Testing

extension Conformance {
    static let approvalChecks: [Check] = [
        check("approvals: a request parks the run; a decision makes it claimable by any worker") { h in
            let c = try await h.store.runningRun(tenant, id: "r", worker: "w1")
            _ = try await h.store.putStep(tenant, "r", "draft-refund", StepWrite(status: .completed, fencingToken: c.lease.token))
            let a = try await h.store.requestApproval(tenant, "r", ApprovalRequest(
                id: "apr-1", approver: "ann@example.com", reason: "Refund of 120 EUR", timeoutSeconds: 3600, fencingToken: c.lease.token))
            #expect(a.status == .pending && a.step == "draft-refund")
            let parked = try await h.store.run(tenant, "r")
            #expect(parked.status == .waitingForApproval && parked.owner == "ann@example.com" && parked.lease == nil)
            #expect(try await h.store.claim(tenant, ClaimRequest(worker: "w2")) == nil, "a waiting run is not claimable")
            #expect(try await h.store.approvals(tenant, ApprovalQuery(status: .pending, approver: "ann@example.com")).items.map(\.id) == ["apr-1"])
            #expect(try await h.store.approvals(tenant, ApprovalQuery(status: .pending, approver: "bob")).items.isEmpty)

            let decided = try await h.store.decide(tenant, "apr-1", Decision(.approved, by: "ann@example.com", comment: "fine", expectedVersion: a.version))
            #expect(decided.status == .approved && decided.decidedBy == "ann@example.com" && decided.comment == "fine")
            let resumed = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w2")))
            #expect(resumed.run.id == "r" && resumed.run.currentStep == "draft-refund" && resumed.lease.token == c.lease.token + 1)
            let again = await expectFailure(.conflict, "deciding twice") { try await h.store.decide(tenant, "apr-1", Decision(.rejected, by: "bob")) }
            #expect(again?.current == "approved")
            await expectFailure(.invalidInput) { try await h.store.requestApproval(tenant, "r", ApprovalRequest(reason: "nobody to ask")) }
        },
        check("approvals: under the 'fail' policy an expired approval fails its run") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            _ = try await h.store.requestApproval(tenant, "r", ApprovalRequest(id: "a", group: "finance", reason: "pay", timeoutSeconds: 60, onExpiry: .fail))
            h.clock.advance(by: 59)
            #expect(try await h.store.sweep().approvalsExpired == 0)
            #expect(try await h.store.approvals(tenant, ApprovalQuery(overdue: true)).items.isEmpty)
            h.clock.advance(by: 1)
            #expect(try await h.store.approvals(tenant, ApprovalQuery(group: "finance", overdue: true)).items.map(\.id) == ["a"])
            #expect(try await h.store.sweep().approvalsExpired == 1)
            #expect(try await h.store.approval(tenant, "a").status == .expired)
            let run = try await h.store.run(tenant, "r")
            #expect(run.status == .failed && run.lastError?.kind == "approval_expired")
            await expectFailure(.conflict) { try await h.store.decide(tenant, "a", Decision(.approved, by: "late")) }
        },
        check("approvals: under the 'escalate' policy it passes to the escalation approver, then fails") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            _ = try await h.store.requestApproval(tenant, "r", ApprovalRequest(
                id: "a", approver: "ann", reason: "pay", timeoutSeconds: 100, onExpiry: .escalate, escalateTo: "boss"))
            h.clock.advance(by: 100)
            #expect(try await h.store.sweep().approvalsEscalated == 1)
            let escalated = try await h.store.approval(tenant, "a")
            #expect(escalated.status == .pending && escalated.approver == "boss" && escalated.escalated)
            #expect(escalated.expiresAt == h.clock.now().adding(seconds: 100))
            #expect(try await h.store.run(tenant, "r").owner == "boss")
            #expect(try await h.store.approvals(tenant, ApprovalQuery(approver: "boss")).items.count == 1)
            h.clock.advance(by: 100)
            #expect(try await h.store.sweep().approvalsExpired == 1)
            #expect(try await h.store.run(tenant, "r").status == .failed)
            await expectFailure(.invalidInput, "escalate with nobody to escalate to") {
                try await h.store.requestApproval(tenant, "r", ApprovalRequest(approver: "ann", reason: "x", timeoutSeconds: 5, onExpiry: .escalate))
            }
        },
        check("statistics: runs by status and approvals waiting, per tenant") { h in
            _ = try await h.store.runningRun(tenant, id: "a")
            _ = try await h.store.requestApproval(tenant, "a", ApprovalRequest(approver: "ann", reason: "x", timeoutSeconds: 10))
            _ = try await h.store.runningRun(tenant, id: "b")
            _ = try await h.store.requestApproval(tenant, "b", ApprovalRequest(approver: "ann", reason: "y"))
            _ = try await h.store.createRun(tenant, RunCreate(id: "c", workflow: "wf"))
            _ = try await h.store.createRun(otherTenant, RunCreate(id: "z", workflow: "wf"))
            h.clock.advance(by: 11)
            let s = try await h.store.statistics(tenant: tenant)
            #expect(s.runsByStatus["waiting_for_approval"] == 2 && s.runsByStatus["created"] == 1 && s.runsByStatus["completed"] == 0)
            #expect(s.pendingApprovals == 2 && s.overdueApprovals == 1)
            #expect(try await h.store.statistics(tenant: otherTenant).runsByStatus["created"] == 1)
        },
        check("approvals: cancelling a waiting run cancels its approval") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            _ = try await h.store.requestApproval(tenant, "r", ApprovalRequest(id: "a", approver: "ann", reason: "x"))
            _ = try await h.store.transition(tenant, "r", RunTransition(to: .cancelled, reason: "customer withdrew"))
            #expect(try await h.store.approval(tenant, "a").status == .cancelled)
            #expect(try await h.store.approvals(tenant, ApprovalQuery(status: .pending)).items.isEmpty)
        },
    ]

    static let waitChecks: [Check] = [
        check("timers: a waiting run wakes when its time passes, not before") { h in
            let c = try await h.store.runningRun(tenant, id: "r")
            let until = h.clock.now().adding(seconds: 3600)
            let waiting = try await h.store.wait(tenant, "r", WaitRequest(until: until, reason: "follow up tomorrow", fencingToken: c.lease.token))
            #expect(waiting.status == .waiting && waiting.waitUntil == until && waiting.lease == nil)
            h.clock.advance(by: 3599)
            #expect(try await h.store.sweep().timersFired == 0)
            #expect(try await h.store.claim(tenant, ClaimRequest(worker: "w2")) == nil)
            h.clock.advance(by: 1)
            #expect(try await h.store.sweep().timersFired == 1)
            let woken = try #require(try await h.store.claim(tenant, ClaimRequest(worker: "w2")))
            #expect(woken.run.id == "r" && woken.run.waitUntil == nil)
            #expect(try await h.store.sweep().timersFired == 0, "a timer fires once")
        },
        check("timers: an external signal wakes a waiting run and cancels its timer") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            _ = try await h.store.wait(tenant, "r", WaitRequest(until: h.clock.now().adding(seconds: 60)))
            let woken = try await h.store.signal(tenant, "r", payload: ["webhook": "paid"])
            #expect(woken.status == .running)
            h.clock.advance(by: 120)
            #expect(try await h.store.sweep().timersFired == 0)
            await expectFailure(.invalidTransition) { try await h.store.signal(tenant, "r", payload: nil) }
            let events = try await h.store.events(tenant, stream: "run:r", afterSeq: 0, limit: 100)
            #expect(events.last?.type == "run.signalled" && events.last?.data["payload"] == ["webhook": "paid"])
        },
        check("timers: they survive closing and reopening the store") { h in
            guard let reopen = h.backend.reopen else { return }
            let c = try await h.store.runningRun(tenant, id: "r")
            _ = try await h.store.wait(tenant, "r", WaitRequest(until: h.clock.now().adding(seconds: 600), fencingToken: c.lease.token))
            _ = try await h.store.runningRun(tenant, id: "q")
            _ = try await h.store.requestApproval(tenant, "q", ApprovalRequest(id: "a", approver: "ann", reason: "x", timeoutSeconds: 600))
            h.store = try await reopen(h.store, h.clock)
            h.clock.advance(by: 601)
            let report = try await h.store.sweep()
            #expect(report.timersFired == 1 && report.approvalsExpired == 1)
            #expect(try await h.store.run(tenant, "r").status == .running)
            #expect(try await h.store.run(tenant, "q").status == .failed)
        },
    ]
}
