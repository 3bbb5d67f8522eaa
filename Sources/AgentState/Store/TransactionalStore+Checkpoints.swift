import Foundation

extension TransactionalStore {
    public func saveCheckpoint(_ tenant: TenantID, _ runId: String, _ w: CheckpointWrite) async throws -> Checkpoint {
        if let s = w.step { try Identifier.validate(s, field: "step") }
        return try await write { tx in
            let run = try tx.requireRun(tenant, runId)
            guard !run.status.isTerminal else {
                throw AgentStateError(.conflict, "run '\(runId)' is \(run.status.rawValue)", current: run.status.rawValue)
            }
            try Rules.checkFence(run, w.fencingToken)
            let head = try tx.checkpointHead(tenant, runId)
            if let expected = w.expectedSeq, expected != head?.seq ?? 0 {
                throw AgentStateError(.versionConflict, "the run's newest checkpoint is \(head?.seq ?? 0), not \(expected)",
                                      field: "expected_seq", current: String(head?.seq ?? 0))
            }
            let seq = (head?.seq ?? 0) + 1
            let state: JSONValue
            var kind = CheckpointKind.full
            switch w.state {
            case .full(let s):
                state = s
            case .patch(let p):
                state = (head?.state ?? .emptyObject).merging(patch: p)
                // A whole copy now and then keeps reading an old checkpoint to a bounded number of patches.
                if head != nil, let lastFull = try tx.lastFullCheckpointSeq(tenant, runId, atOrBefore: seq),
                    seq - lastFull < CheckpointPolicy.patchesBetweenFullCopies
                {
                    kind = .patch
                }
            }
            let body: JSONValue
            if kind == .patch, case .patch(let p) = w.state { body = p } else { body = state }
            let now = tx.now
            try tx.insertCheckpoint(CheckpointRecord(tenantId: tenant, runId: runId, seq: seq, step: w.step, kind: kind, body: body, createdAt: now))
            let checkpoint = Checkpoint(tenantId: tenant, runId: runId, seq: seq, step: w.step, kind: kind, state: state, createdAt: now)
            try tx.saveCheckpointHead(checkpoint)
            var data: [String: JSONValue] = ["seq": .int(seq), "kind": .string(kind.rawValue)]
            if let s = w.step { data["checkpoint_step"] = .string(s) }
            try tx.commitRun(from: run, to: run, event: "checkpoint.saved", data: data)
            return checkpoint
        }
    }

    public func checkpoint(_ tenant: TenantID, _ runId: String, _ selector: CheckpointSelector) async throws -> Checkpoint {
        try await read { tx in
            _ = try tx.requireRun(tenant, runId)
            let found: Checkpoint?
            switch selector {
            case .latest: found = try tx.checkpointHead(tenant, runId)
            case .seq(let seq): found = try tx.resolveCheckpoint(tenant, runId, seq: seq)
            case .step(let name):
                found = try tx.lastCheckpointSeq(tenant, runId, step: name).flatMap { try tx.resolveCheckpoint(tenant, runId, seq: $0) }
            }
            guard let found else { throw AgentStateError.notFound("checkpoint of run", runId) }
            return found
        }
    }

    public func checkpoints(_ tenant: TenantID, _ runId: String, afterSeq: Int64, limit: Int) async throws -> [CheckpointRecord] {
        try Rules.checkLimit(limit)
        return try await read { tx in
            _ = try tx.requireRun(tenant, runId)
            return try tx.checkpointRecords(tenant, runId, fromSeq: afterSeq + 1, throughSeq: .max, limit: limit)
        }
    }
}

public enum CheckpointPolicy {
    /// After this many patches the next checkpoint is stored whole.
    public static let patchesBetweenFullCopies: Int64 = 32
}

extension StoreTransaction {
    /// The state at checkpoint `seq`: the nearest whole copy at or before it, then its patches.
    func resolveCheckpoint(_ tenant: TenantID, _ runId: String, seq: Int64) throws -> Checkpoint? {
        guard let full = try lastFullCheckpointSeq(tenant, runId, atOrBefore: seq) else { return nil }
        let records = try checkpointRecords(tenant, runId, fromSeq: full, throughSeq: seq, limit: Int(seq - full) + 1)
        guard let last = records.last, last.seq == seq else { return nil }
        var state = JSONValue.emptyObject
        for r in records { state = r.kind == .full ? r.body : state.merging(patch: r.body) }
        return Checkpoint(tenantId: tenant, runId: runId, seq: seq, step: last.step, kind: last.kind, state: state, createdAt: last.createdAt)
    }
}
