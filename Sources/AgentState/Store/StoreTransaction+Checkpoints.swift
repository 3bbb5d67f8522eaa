import Foundation

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
