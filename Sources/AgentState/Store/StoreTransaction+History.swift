import Foundation

extension StoreTransaction {
    func requireStream(_ tenant: TenantID, _ stream: String) throws {
        if stream.hasPrefix("run:") {
            _ = try requireRun(tenant, String(stream.dropFirst(4)))
        } else if stream.hasPrefix("session:") {
            _ = try requireSession(tenant, String(stream.dropFirst(8)))
        } else {
            throw AgentStateError.invalidInput(field: "stream", "must be run:<id> or session:<id>")
        }
    }

    func replay(_ tenant: TenantID, _ runId: String, at point: HistoryPoint) throws -> RunSnapshot {
        let current = try requireRun(tenant, runId)
        let stream = EventStream.run(runId)
        let target: Int64
        switch point {
        case .seq(let n):
            guard n > 0 else { throw AgentStateError.invalidInput(field: "at_seq", "is before the run was created") }
            guard n <= current.eventSeq else {
                throw AgentStateError.invalidInput(field: "at_seq", "is past the run's last event (\(current.eventSeq))")
            }
            target = n
        case .time(let t):
            // The last event at or before the time: a binary search over the stream, whose times
            // only grow, so a time costs what a seq does.
            var lo: Int64 = 0, hi = current.eventSeq
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                guard let e = try events(tenant, stream: stream, afterSeq: mid - 1, limit: 1).first else { break }
                if e.at <= t { lo = mid } else { hi = mid - 1 }
            }
            guard lo > 0 else { throw AgentStateError.invalidInput(field: "at", "is before the run was created") }
            target = lo
        }
        // Start at the last whole-state copy at or before the target (every `stateInterval`-th
        // event carries one), or at the first event.
        var after: Int64 = 0
        if target >= RunReplay.stateInterval {
            let base = target / RunReplay.stateInterval * RunReplay.stateInterval
            if let e = try events(tenant, stream: stream, afterSeq: base - 1, limit: 1).first, e.seq == base, e.data["state"] != nil {
                after = base - 1
            }
        }
        var replay = RunReplay()
        while after < target {
            let batch = try events(tenant, stream: stream, afterSeq: after, limit: Int(min(500, target - after)))
            for e in batch { try replay.apply(e) }
            guard let last = batch.last else { break }
            after = last.seq
        }
        let checkpoint = try replay.checkpointSeq.flatMap { try resolveCheckpoint(tenant, runId, seq: $0) }
        return try replay.snapshot(checkpoint: checkpoint)
    }
}

/// Built-in event types, and the rules for an agent's own.
public enum EventTypes {
    static let reservedPrefixes = ["run.", "step.", "effect.", "approval.", "lease.", "timer.", "checkpoint.", "session.", "context.", "messages."]

    static func validateCustom(_ type: String) throws {
        guard !type.isEmpty, type.utf8.count <= 64,
            type.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 45 })
        else {
            throw AgentStateError.invalidInput(field: "type", "must be 1 to 64 of a-z, 0-9, '.', '_', '-'")
        }
        if let p = reservedPrefixes.first(where: { type.hasPrefix($0) }) {
            throw AgentStateError.invalidInput(field: "type", "must not start with the reserved prefix '\(p)'")
        }
    }
}
