import AgentState
import Foundation
import Testing

extension Conformance {
    /// A run with a little of everything in its history.
    static func eventfulRun(_ h: Harness) async throws -> (mid: Int64, midTime: Date) {
        let c = try await h.store.runningRun(tenant, id: "r")
        let t = c.lease.token
        _ = try await h.store.putStep(tenant, "r", "search", StepWrite(status: .completed, result: ["hits": 3], fencingToken: t))
        let begun = try await h.store.beginEffect(tenant, "r", "email", EffectBegin(holder: "w1", fencingToken: t))
        _ = try await h.store.completeEffect(tenant, "r", "email", attemptToken: begun.effect.attemptToken, result: ["ok": true], externalId: "m-1")
        _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "search", state: .full(["hits": 3]), fencingToken: t))
        h.clock.advance(by: 10)
        let mid = try await h.store.run(tenant, "r").eventSeq
        let midTime = h.clock.now()
        h.clock.advance(by: 10)
        _ = try await h.store.putStep(tenant, "r", "answer", StepWrite(status: .running, fencingToken: t))
        _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "answer", state: .patch(["draft": "..."]), fencingToken: t))
        _ = try await h.store.transition(tenant, "r", RunTransition(to: .completed, output: ["answer": 42], fencingToken: t))
        return (mid, midTime)
    }

    static let historyChecks: [Check] = [
        check("history: every change is an event in a gap-free, hash-chained stream") { h in
            _ = try await eventfulRun(h)
            let events = try await h.store.events(tenant, stream: "run:r", afterSeq: 0, limit: 1000)
            #expect(events.map(\.seq) == Array(1...Int64(events.count)))
            #expect(events.first?.type == "run.created" && events.last?.type == "run.transitioned")
            #expect(Set(events.map(\.type)).isSuperset(of: ["run.claimed", "step.updated", "effect.begun", "effect.completed", "checkpoint.saved"]))
            #expect(try await h.store.run(tenant, "r").eventSeq == events.last?.seq)
            let v = try await h.store.verifyChain(tenant, stream: "run:r")
            #expect(v.valid && v.events == events.count && v.headHash == events.last?.hash)
            #expect(try await h.store.events(tenant, stream: "run:r", afterSeq: 3, limit: 2).map(\.seq) == [4, 5])
        },
        check("history: a tampered event breaks the chain at that event") { h in
            _ = try await eventfulRun(h)
            try await h.backend.tamper(h.store, tenant, "run:r", 4, ["forged": true])
            let v = try await h.store.verifyChain(tenant, stream: "run:r")
            #expect(!v.valid && v.firstInvalidSeq == 4)
        },
        check("history: agents append their own events; built-in names are reserved") { h in
            _ = try await h.store.createRun(tenant, RunCreate(id: "r", workflow: "wf"))
            let e = try await h.store.appendEvent(tenant, runId: "r", type: "tool.output", data: ["rows": 3])
            #expect(e.seq == 2 && e.data["data"] == ["rows": 3])
            await expectFailure(.invalidInput) { try await h.store.appendEvent(tenant, runId: "r", type: "run.completed", data: nil) }
            await expectFailure(.invalidInput) { try await h.store.appendEvent(tenant, runId: "r", type: "Bad Type", data: nil) }
            #expect(try await h.store.verifyChain(tenant, stream: "run:r").valid)
        },
        check("history: replay rebuilds the run at a seq and at a time") { h in
            let (mid, midTime) = try await eventfulRun(h)
            let now = try await h.store.run(tenant, "r")
            let atEnd = try await h.store.runState(tenant, "r", at: .seq(now.eventSeq))
            #expect(atEnd.run == now, "replaying every event gives the current run")
            #expect(atEnd.steps == (try await h.store.steps(tenant, "r")))
            #expect(atEnd.checkpoint == (try await h.store.checkpoint(tenant, "r", .latest)))

            let past = try await h.store.runState(tenant, "r", at: .seq(mid))
            #expect(past.run.status == .running && past.run.currentStep == "search" && past.atSeq == mid)
            #expect(past.steps.map(\.name) == ["search"])
            #expect(past.effects.map(\.status) == [.completed])
            #expect(past.checkpoint?.state == ["hits": 3])
            #expect(try await h.store.runState(tenant, "r", at: .time(midTime)) == past)
            let first = try await h.store.runState(tenant, "r", at: .seq(1))
            #expect(first.run.status == .created && first.run.input == ["task": "demo"])
            await expectFailure(.invalidInput) { try await h.store.runState(tenant, "r", at: .seq(now.eventSeq + 1)) }
            await expectFailure(.invalidInput) { try await h.store.runState(tenant, "r", at: .time(Date(timeIntervalSince1970: 0))) }
        },
        check("history: replay over a long log starts from whole-state copies and agrees with folding every event") { h in
            let c = try await h.store.runningRun(tenant, id: "long")
            let t = c.lease.token
            for i in 1...120 {
                if i % 2 == 0 { h.clock.advance(by: 1) }
                _ = try await h.store.putStep(tenant, "long", "s\(i % 7)", StepWrite(status: i % 3 == 0 ? .failed : .running,
                    error: i % 3 == 0 ? ErrorInfo(kind: "timeout", message: "try \(i)") : nil, fencingToken: t))
                if i % 10 == 0 { _ = try await h.store.saveCheckpoint(tenant, "long", CheckpointWrite(step: "s\(i % 7)", state: .patch(["i": .int(Int64(i))]), fencingToken: t)) }
                if i % 25 == 0 {
                    let e = try await h.store.beginEffect(tenant, "long", "e\(i)", EffectBegin(holder: "w", fencingToken: t))
                    _ = try await h.store.completeEffect(tenant, "long", "e\(i)", attemptToken: e.effect.attemptToken, result: nil, externalId: "x\(i)")
                }
            }
            _ = try await h.store.requestApproval(tenant, "long", ApprovalRequest(id: "ap", approver: "ann", reason: "x", fencingToken: t))
            _ = try await h.store.transition(tenant, "long", RunTransition(to: .cancelled, reason: "enough"))
            let all = try await h.store.events(tenant, stream: "run:long", afterSeq: 0, limit: 1000)
            #expect(all.count > 2 * Int(RunReplay.stateInterval))
            #expect(all[Int(RunReplay.stateInterval) - 1].data["state"] != nil && all[Int(RunReplay.stateInterval)].data["state"] == nil)
            var fold = RunReplay()
            for e in all {
                // The copies are checked against folding the patches alone.
                var plain = e
                plain.data = .object((e.data.objectValue ?? [:]).filter { $0.key != "state" })
                try fold.apply(plain)
                if [1, 63, 64, 65, 100, 127, 128, 129, Int64(all.count)].contains(e.seq) {
                    let replayed = try await h.store.runState(tenant, "long", at: .seq(e.seq))
                    var checkpoint: Checkpoint? = nil
                    if let seq = fold.checkpointSeq { checkpoint = try await h.store.checkpoint(tenant, "long", .seq(seq)) }
                    #expect(replayed == (try fold.snapshot(checkpoint: checkpoint)), "at seq \(e.seq)")
                }
            }
            // A time replays to the last event at or before it.
            for probe in [5, 64, 70, 100, all.count - 1] {
                let at = all[probe].at
                let lastAtThatTime = all.last { $0.at <= at }!.seq
                #expect(try await h.store.runState(tenant, "long", at: .time(at)) == (try await h.store.runState(tenant, "long", at: .seq(lastAtThatTime))))
            }
            let end = try await h.store.runState(tenant, "long", at: .seq(Int64(all.count)))
            #expect(end.run == (try await h.store.run(tenant, "long")) && end.approvals.map(\.status) == [.cancelled])
        },
        check("history: a fork starts from the past point, keeping finished steps and done effects") { h in
            let (mid, _) = try await eventfulRun(h)
            let fork = try await h.store.fork(tenant, "r", at: .seq(mid), newId: "r2")
            #expect(fork.status == .created && fork.forkedFrom == ForkOrigin(runId: "r", eventSeq: mid) && fork.input == ["task": "demo"])
            #expect(try await h.store.steps(tenant, "r2").map(\.name) == ["search"])
            #expect(try await h.store.checkpoint(tenant, "r2", .latest).state == ["hits": 3])
            let effect = try await h.store.beginEffect(tenant, "r2", "email", EffectBegin(holder: "w9"))
            #expect(effect.outcome == .completed && effect.effect.externalId == "m-1", "the fork does not send the email again")
            #expect(try await h.store.run(tenant, "r").status == .completed, "the original is untouched")
            #expect(try await h.store.verifyChain(tenant, stream: "run:r2").valid)
            let claimed = try await h.store.claim(tenant, ClaimRequest(worker: "w9", workflow: fork.workflow))
            #expect(claimed?.run.id == "r2")
        },
    ]
}
