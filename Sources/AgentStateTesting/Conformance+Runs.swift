import AgentState
import Foundation
import Testing

extension Conformance {
    /// Puts a new run into `status` through the public operations.
    static func run(in status: RunStatus, _ store: any StateStore, id: String) async throws -> Run {
        _ = try await store.createRun(tenant, RunCreate(id: id, workflow: "sm", input: ["n": 1]))
        switch status {
        case .created: break
        case .running: _ = try await store.transition(tenant, id, RunTransition(to: .running))
        case .waitingForApproval:
            _ = try await store.transition(tenant, id, RunTransition(to: .running))
            _ = try await store.requestApproval(tenant, id, ApprovalRequest(approver: "ann", reason: "ok?"))
        case .waiting:
            _ = try await store.transition(tenant, id, RunTransition(to: .running))
            _ = try await store.wait(tenant, id, WaitRequest(reason: "callback"))
        case .completed:
            _ = try await store.transition(tenant, id, RunTransition(to: .running))
            _ = try await store.transition(tenant, id, RunTransition(to: .completed, output: ["ok": true]))
        case .failed:
            _ = try await store.transition(tenant, id, RunTransition(to: .running))
            _ = try await store.transition(tenant, id, RunTransition(to: .failed, error: ErrorInfo(kind: "timeout", message: "model timed out")))
        case .cancelled:
            _ = try await store.transition(tenant, id, RunTransition(to: .cancelled))
        }
        let run = try await store.run(tenant, id)
        #expect(run.status == status)
        return run
    }

    /// Asks for the move `from → to` the way a user would: a decision or a signal to leave a
    /// wait, a request or a wait to enter one, a transition otherwise.
    static func attempt(_ to: RunStatus, _ run: Run, _ store: any StateStore) async throws {
        switch (run.status, to) {
        case (.waitingForApproval, .running):
            _ = try await store.decide(tenant, run.pendingApprovalId!, Decision(.approved, by: "ann"))
        case (.waiting, .running):
            _ = try await store.signal(tenant, run.id, payload: ["done": true])
        case (_, .waitingForApproval):
            _ = try await store.requestApproval(tenant, run.id, ApprovalRequest(group: "ops", reason: "check"))
        case (_, .waiting):
            _ = try await store.wait(tenant, run.id, WaitRequest(until: Date(timeIntervalSince1970: 4_000_000_000)))
        case (_, .failed):
            _ = try await store.transition(tenant, run.id, RunTransition(to: .failed, error: ErrorInfo(kind: "internal", message: "x")))
        default:
            _ = try await store.transition(tenant, run.id, RunTransition(to: to))
        }
    }

    static let runChecks: [Check] = [
        check("runs: every transition of the chart is allowed and every other is rejected, changing nothing") { h in
            var n = 0
            for from in RunStatus.allCases {
                for to in RunStatus.allCases {
                    n += 1
                    let before = try await run(in: from, h.store, id: "r\(n)")
                    if from.canMove(to: to) {
                        try await attempt(to, before, h.store)
                        #expect(try await h.store.run(tenant, before.id).status == to, "\(from) → \(to)")
                    } else {
                        let e = await expectFailure(.invalidTransition, "\(from) → \(to)") { try await attempt(to, before, h.store) }
                        #expect(e?.current == from.rawValue, "the error names the current status")
                        #expect(try await h.store.run(tenant, before.id) == before, "\(from) → \(to) changed nothing")
                    }
                }
            }
            #expect(n == 49)
        },
        check("runs: waits are entered and left only through their own operations") { h in
            let r = try await run(in: .running, h.store, id: "r")
            await expectFailure(.conflict) { try await h.store.transition(tenant, "r", RunTransition(to: .waitingForApproval)) }
            await expectFailure(.conflict) { try await h.store.transition(tenant, "r", RunTransition(to: .waiting)) }
            let w = try await run(in: .waitingForApproval, h.store, id: "w")
            await expectFailure(.conflict) { try await h.store.transition(tenant, "w", RunTransition(to: .running)) }
            #expect(try await h.store.run(tenant, "r") == r)
            #expect(try await h.store.run(tenant, "w") == w)
            await expectFailure(.invalidInput, "failing without a reason") { try await h.store.transition(tenant, "r", RunTransition(to: .failed)) }
        },
        check("runs: a retry counts, the last error stays, the input is kept exactly") { h in
            let input: JSONValue = ["order": ["id": 9_007_199_254_740_993, "lines": [1.5, "two", nil, false]], "note": nil]
            _ = try await h.store.createRun(tenant, RunCreate(id: "r", workflow: "refund", input: input, promptVersion: "v3", model: "m-large"))
            _ = try await h.store.transition(tenant, "r", RunTransition(to: .running))
            _ = try await h.store.transition(tenant, "r", RunTransition(to: .failed, error: ErrorInfo(kind: "empty_response", message: "no content")))
            let retried = try await h.store.transition(tenant, "r", RunTransition(to: .running, reason: "retry"))
            #expect(retried.retryCount == 1 && retried.usage.retries == 1)
            #expect(retried.lastError == ErrorInfo(kind: "empty_response", message: "no content"))
            #expect(retried.input == input && retried.promptVersion == "v3" && retried.model == "m-large")
            let done = try await h.store.transition(tenant, "r", RunTransition(to: .completed, output: ["refund": "ok"]))
            #expect(done.output == ["refund": "ok"] && done.finishedAt != nil)
        },
        check("runs: optimistic concurrency on the version") { h in
            let r = try await h.store.createRun(tenant, RunCreate(id: "r", workflow: "wf"))
            let moved = try await h.store.transition(tenant, "r", RunTransition(to: .running, expectedVersion: r.version))
            #expect(moved.version == r.version + 1)
            let e = await expectFailure(.versionConflict) {
                try await h.store.transition(tenant, "r", RunTransition(to: .cancelled, expectedVersion: r.version))
            }
            #expect(e?.current == String(moved.version))
            #expect(try await h.store.run(tenant, "r").status == .running)
        },
        check("runs: listed by status, owner, workflow and age, paged by cursor") { h in
            for i in 0..<6 {
                _ = try await h.store.createRun(tenant, RunCreate(id: "r\(i)", workflow: i < 3 ? "a" : "b", owner: i % 2 == 0 ? "ann" : "bob"))
                h.clock.advance(by: 10)
            }
            _ = try await h.store.transition(tenant, "r1", RunTransition(to: .running))
            #expect(try await h.store.runs(tenant, RunQuery(status: .running)).items.map(\.id) == ["r1"])
            #expect(try await h.store.runs(tenant, RunQuery(owner: "ann")).items.map(\.id) == ["r4", "r2", "r0"])
            #expect(try await h.store.runs(tenant, RunQuery(workflow: "b")).items.map(\.id) == ["r5", "r4", "r3"])
            let cutoff = try await h.store.run(tenant, "r2").updatedAt + 1
            #expect(try await h.store.runs(tenant, RunQuery(updatedBefore: cutoff)).items.map(\.id) == ["r2", "r0"])
            let p1 = try await h.store.runs(tenant, RunQuery(limit: 4))
            let p2 = try await h.store.runs(tenant, RunQuery(limit: 4, cursor: p1.nextCursor))
            #expect(p1.items.map(\.id) == ["r5", "r4", "r3", "r2"] && p2.items.map(\.id) == ["r1", "r0"] && p2.nextCursor == nil)
        },
        check("runs: usage adds up") { h in
            _ = try await h.store.createRun(tenant, RunCreate(id: "r", workflow: "wf"))
            _ = try await h.store.recordUsage(tenant, "r", Usage(tokensIn: 100, tokensOut: 20, toolCalls: 1, wallTimeMs: 900, modelRequestIds: ["req-1"]))
            let r = try await h.store.recordUsage(tenant, "r", Usage(tokensIn: 50, tokensOut: 5, modelRequestIds: ["req-2"]))
            #expect(r.usage == Usage(tokensIn: 150, tokensOut: 25, toolCalls: 1, wallTimeMs: 900, modelRequestIds: ["req-1", "req-2"]))
            await expectFailure(.invalidInput) { try await h.store.recordUsage(tenant, "r", Usage(tokensIn: -1)) }
            // A total past what the counts hold is refused, not a crash of the process.
            await expectFailure(.invalidInput) { try await h.store.recordUsage(tenant, "r", Usage(tokensIn: .max)) }
            #expect(try await h.store.run(tenant, "r").usage == r.usage)
        },
        check("runs: deleting a finished run takes its steps and checkpoints with it; a run in progress, or another tenant's, is refused and kept") { h in
            let live = try await run(in: .running, h.store, id: "live")
            let refused = await expectFailure(.conflict, "a running run") { try await h.store.deleteRun(tenant, live.id) }
            #expect(refused?.current == "running")
            #expect(try await h.store.run(tenant, "live").status == .running)

            let c = try await h.store.runningRun(tenant, id: "done")
            _ = try await h.store.putStep(tenant, "done", "fetch", StepWrite(status: .completed, result: ["ok": true], fencingToken: c.lease.token))
            _ = try await h.store.saveCheckpoint(tenant, "done", CheckpointWrite(step: "fetch", state: .full(["cursor": 1])))
            _ = try await h.store.transition(tenant, "done", RunTransition(to: .completed, output: ["ok": true]))
            await expectFailure(.notFound, "another tenant's run") { try await h.store.deleteRun(otherTenant, "done") }
            #expect(try await h.store.steps(tenant, "done").count == 1)

            try await h.store.deleteRun(tenant, "done")
            await expectFailure(.notFound, "the deleted run") { try await h.store.run(tenant, "done") }
            await expectFailure(.notFound, "its steps") { try await h.store.steps(tenant, "done") }
            await expectFailure(.notFound, "its checkpoints") { try await h.store.checkpoint(tenant, "done", .latest) }
            await expectFailure(.notFound, "deleting it again") { try await h.store.deleteRun(tenant, "done") }
            #expect(try await h.store.run(tenant, "live").status == .running, "other runs stay")
        },
        check("runs: a session's runs, newest first, by status and page; another tenant's or a missing session is not found") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "conv"))
            _ = try await h.store.createSession(tenant, SessionCreate(id: "elsewhere"))
            for i in 1...3 {
                _ = try await h.store.createRun(tenant, RunCreate(id: "conv-\(i)", workflow: "chat", sessionId: "conv"))
                h.clock.advance(by: 1)
            }
            _ = try await h.store.createRun(tenant, RunCreate(id: "other", workflow: "chat", sessionId: "elsewhere"))
            _ = try await h.store.createRun(tenant, RunCreate(id: "loose", workflow: "chat"))
            _ = try await h.store.transition(tenant, "conv-2", RunTransition(to: .running))

            #expect(try await h.store.sessionRuns(tenant, "conv").items.map(\.id) == ["conv-3", "conv-2", "conv-1"])
            #expect(try await h.store.sessionRuns(tenant, "conv", status: .running).items.map(\.id) == ["conv-2"])
            #expect(try await h.store.sessionRuns(tenant, "conv", status: .completed).items.isEmpty)
            let first = try await h.store.sessionRuns(tenant, "conv", limit: 2)
            #expect(first.items.map(\.id) == ["conv-3", "conv-2"])
            let rest = try await h.store.sessionRuns(tenant, "conv", limit: 2, cursor: first.nextCursor)
            #expect(rest.items.map(\.id) == ["conv-1"] && rest.nextCursor == nil)
            #expect(try await h.store.sessionRuns(tenant, "elsewhere").items.map(\.id) == ["other"])

            await expectFailure(.notFound, "another tenant's session") { try await h.store.sessionRuns(otherTenant, "conv") }
            await expectFailure(.notFound, "a session never made") { try await h.store.sessionRuns(tenant, "nobody") }
            await expectFailure(.invalidInput, "a limit out of range") { try await h.store.sessionRuns(tenant, "conv", limit: 0) }
        },
    ]

    static let stepChecks: [Check] = [
        check("steps: ordered, attempts counted, the current step tracked, finished steps final") { h in
            let c = try await h.store.runningRun(tenant, id: "r")
            let t = c.lease.token
            _ = try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .running, input: ["url": "x"], fencingToken: t))
            _ = try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .failed, error: ErrorInfo(kind: "timeout", message: "slow"), fencingToken: t))
            _ = try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .running, fencingToken: t))
            let done = try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .completed, result: ["bytes": 10], fencingToken: t))
            #expect(done.attempts == 2 && done.input == ["url": "x"] && done.result == ["bytes": 10] && done.error == nil)
            _ = try await h.store.putStep(tenant, "r", "summarise", StepWrite(status: .running, fencingToken: t))
            let run = try await h.store.run(tenant, "r")
            #expect(run.currentStep == "summarise" && run.lastError?.kind == "timeout")
            #expect(try await h.store.putStep(tenant, "r", "cache", StepWrite(status: .skipped, fencingToken: t)).attempts == 0)
            #expect(try await h.store.putStep(tenant, "r", "notify", StepWrite(status: .completed, fencingToken: t)).attempts == 1,
                    "a step reported done at once took one attempt")
            #expect(try await h.store.steps(tenant, "r").map(\.name) == ["fetch", "summarise", "cache", "notify"])
            // Repeating the same completion is harmless; changing a finished step is not.
            #expect(try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .completed, result: ["bytes": 10])) == done)
            await expectFailure(.conflict) { try await h.store.putStep(tenant, "r", "fetch", StepWrite(status: .running)) }
            await expectFailure(.invalidInput) { try await h.store.putStep(tenant, "r", "bad name!", StepWrite(status: .running)) }
            _ = try await h.store.transition(tenant, "r", RunTransition(to: .completed))
            await expectFailure(.conflict, "steps of a finished run") { try await h.store.putStep(tenant, "r", "late", StepWrite(status: .running)) }
        },
    ]
}
