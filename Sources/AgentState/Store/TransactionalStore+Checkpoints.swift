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
                if head != nil, let lastFull = try tx.lastFullCheckpointSeq(tenant, runId, atOrBefore: seq),
                    CheckpointPolicy.storesPatch(patchesSinceWholeCopy: seq - lastFull, stateSize: state.approximateSize,
                                                 patchSize: p.approximateSize)
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
        try await lookUp { tx in
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

/// When a checkpoint saved as a patch is stored whole instead. A whole copy now and then bounds
/// what reading an old checkpoint replays; storing one costs the state's size. So a run stores
/// one when its patches since the last have likely added up to a whole state: then whole copies
/// at most double what the patches store (storage still grows with what changed, not with the
/// state's size) and a read replays at most about two states' worth. Counts bound it both ways.
public enum CheckpointPolicy {
    /// A run whose patches are as big as its state still stores this many between whole copies.
    public static let minPatchesBetweenWholeCopies: Int64 = 32
    /// And one with a huge state and tiny patches no more, so a read replays a bounded number of rows.
    public static let maxPatchesBetweenWholeCopies: Int64 = 1024

    public static func storesPatch(patchesSinceWholeCopy: Int64, stateSize: Int, patchSize: Int) -> Bool {
        let worth = Int64(stateSize / max(patchSize, 1))
        return patchesSinceWholeCopy < min(max(worth, minPatchesBetweenWholeCopies), maxPatchesBetweenWholeCopies)
    }
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
