import AgentState
import Foundation
import Testing

extension Conformance {
    static let checkpointChecks: [Check] = [
        check("checkpoints: whole or as merge patches; latest, by seq, by step; stored as written") { h in
            let c = try await h.store.runningRun(tenant, id: "r")
            let t = c.lease.token
            _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "plan", state: .full(["plan": ["a", "b"], "done": []]), fencingToken: t))
            _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "a", state: .patch(["done": ["a"], "cursor": 1]), fencingToken: t))
            let third = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "b", state: .patch(["done": ["a", "b"], "cursor": nil])))
            #expect(third.seq == 3 && third.kind == .patch)
            #expect(third.state == ["plan": ["a", "b"], "done": ["a", "b"]])
            #expect(try await h.store.checkpoint(tenant, "r", .latest) == third)
            #expect(try await h.store.checkpoint(tenant, "r", .seq(2)).state == ["plan": ["a", "b"], "done": ["a"], "cursor": 1])
            #expect(try await h.store.checkpoint(tenant, "r", .step("plan")).seq == 1)
            let stored = try await h.store.checkpoints(tenant, "r", afterSeq: 0, limit: 10)
            #expect(stored.map(\.kind) == [.full, .patch, .patch])
            #expect(stored[1].body == ["done": ["a"], "cursor": 1], "a patch is stored as the patch, not the whole state")
            await expectFailure(.notFound) { try await h.store.checkpoint(tenant, "r", .seq(4)) }
            await expectFailure(.notFound) { try await h.store.checkpoint(tenant, "r", .step("nope")) }
            #expect(try await h.store.checkpoints(tenant, "r", afterSeq: .max, limit: 10).isEmpty, "after the largest seq: none, not an overflow")
            await expectFailure(.invalidInput) { try await h.store.checkpoints(tenant, "r", afterSeq: -1, limit: 10) }
        },
        check("checkpoints: expected_seq saves only on the newest checkpoint its writer saw") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            let first = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .full(["a": 1]), expectedSeq: 0))
            _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .patch(["b": 2]), expectedSeq: first.seq))
            let stale = await expectFailure(.versionConflict) {
                try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .patch(["a": nil]), expectedSeq: first.seq))
            }
            #expect(stale?.current == "2", "the refusal names the newest seq")
            #expect(try await h.store.checkpoint(tenant, "r", .latest).state == ["a": 1, "b": 2], "the refused patch changed nothing")
        },
        check("progress: a step and its checkpoint written in one transaction, fenced alike; a refused checkpoint takes the step with it") { h in
            let c = try await h.store.runningRun(tenant, id: "r")
            let t = c.lease.token
            let first = try await h.store.saveProgress(tenant, "r", step: "fetch", StepWrite(status: .completed, result: ["rows": 3], fencingToken: t),
                                                       checkpoint: CheckpointWrite(state: .full(["cursor": 3]), expectedSeq: 0))
            #expect(first.step.name == "fetch" && first.step.status == .completed && first.step.index == 0)
            #expect(first.checkpoint.seq == 1 && first.checkpoint.step == "fetch" && first.checkpoint.state == ["cursor": 3])
            #expect(try await h.store.run(tenant, "r").currentStep == "fetch")
            await expectFailure(.versionConflict) {
                try await h.store.saveProgress(tenant, "r", step: "parse", StepWrite(status: .completed, fencingToken: t),
                                               checkpoint: CheckpointWrite(state: .patch(["cursor": 4]), expectedSeq: 0))
            }
            #expect(try await h.store.steps(tenant, "r").map(\.name) == ["fetch"], "the refused checkpoint's step was not written")
            await expectFailure(.leaseLost) {
                try await h.store.saveProgress(tenant, "r", step: "parse", StepWrite(status: .completed, fencingToken: t + 1),
                                               checkpoint: CheckpointWrite(state: .patch(["cursor": 4])))
            }
            await expectFailure(.invalidInput) {
                try await h.store.saveProgress(tenant, "r", step: "parse", StepWrite(status: .completed, fencingToken: t),
                                               checkpoint: CheckpointWrite(step: "other", state: .patch(["cursor": 4])))
            }
            let second = try await h.store.saveProgress(tenant, "r", step: "parse", StepWrite(status: .completed, fencingToken: t),
                                                        checkpoint: CheckpointWrite(state: .patch(["cursor": 4])))
            #expect(second.step.index == 1 && second.checkpoint.seq == 2 && second.checkpoint.state == ["cursor": 4])
            #expect(try await h.store.checkpoint(tenant, "r", .latest) == second.checkpoint)
        },
        check("checkpoints: a long chain of patches reads back every point exactly") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            var expected: [JSONValue] = []
            var state = JSONValue.emptyObject
            for i in 1...70 {
                let patch: JSONValue = ["i": .int(Int64(i)), "k\(i % 5)": .string("v\(i)")]
                state = state.merging(patch: patch)
                expected.append(state)
                _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .patch(patch)))
            }
            for seq in [1, 2, 31, 32, 33, 34, 64, 65, 66, 70] {
                #expect(try await h.store.checkpoint(tenant, "r", .seq(Int64(seq))).state == expected[seq - 1], "seq \(seq)")
            }
            let kinds = try await h.store.checkpoints(tenant, "r", afterSeq: 0, limit: 100).map(\.kind)
            #expect(kinds.filter { $0 == .full }.count == 3, "patches as big as the state: a whole copy every \(CheckpointPolicy.minPatchesBetweenWholeCopies)")
        },
        check("checkpoints: small patches to a big state store a whole copy only once they add up to one") { h in
            _ = try await h.store.runningRun(tenant, id: "r")
            let document = String(repeating: "d", count: 20_000)
            _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .full(["document": .string(document), "i": 0])))
            for i in 1...100 {
                _ = try await h.store.saveCheckpoint(tenant, "r", CheckpointWrite(state: .patch(["i": .int(Int64(i))])))
            }
            let stored = try await h.store.checkpoints(tenant, "r", afterSeq: 0, limit: 200)
            #expect(stored.map(\.kind).filter { $0 == .full }.count == 1, "100 patches of a few bytes are far from 20 kB")
            #expect(try await h.store.checkpoint(tenant, "r", .seq(77)).state == ["document": .string(document), "i": 76])
        },
    ]
}
