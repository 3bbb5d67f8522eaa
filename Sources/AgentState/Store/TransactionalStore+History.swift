import Foundation

extension TransactionalStore {
    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) async throws -> [Event] {
        try Rules.checkLimit(limit)
        return try await read { tx in
            try tx.requireStream(tenant, stream)
            return try tx.events(tenant, stream: stream, afterSeq: afterSeq, limit: limit)
        }
    }

    public func appendEvent(_ tenant: TenantID, runId: String, type: String, data: JSONValue) async throws -> Event {
        try EventTypes.validateCustom(type)
        return try await write { tx in
            let run = try tx.requireRun(tenant, runId)
            let after = try tx.commitRun(from: run, to: run, event: type, data: ["data": data])
            return try tx.events(tenant, stream: EventStream.run(runId), afterSeq: after.eventSeq - 1, limit: 1)[0]
        }
    }

    public func verifyChain(_ tenant: TenantID, stream: String) async throws -> ChainVerification {
        try await read { tx in
            try tx.requireStream(tenant, stream)
            var previous: Event? = nil
            var count = 0
            while true {
                let batch = try tx.events(tenant, stream: stream, afterSeq: previous?.seq ?? 0, limit: 1000)
                if let bad = HashChain.firstBroken(batch, after: previous) {
                    return ChainVerification(stream: stream, valid: false, events: count + batch.count, firstInvalidSeq: bad, headHash: nil)
                }
                count += batch.count
                if let last = batch.last { previous = last }
                if batch.count < 1000 { break }
            }
            guard let signer = tx.chainSigner, let head = previous else {
                return ChainVerification(stream: stream, valid: true, events: count, firstInvalidSeq: nil, headHash: previous?.hash)
            }
            var signature = signer.check(head)
            // A run knows how far its stream reached; a chain cut back to an earlier signed head is caught by that.
            if signature == .valid, stream.hasPrefix("run:"), try tx.requireRun(tenant, String(stream.dropFirst(4))).eventSeq != head.seq {
                signature = .truncated
            }
            return ChainVerification(stream: stream, valid: signature == .valid, events: count, firstInvalidSeq: nil, headHash: head.hash,
                                     signature: signature)
        }
    }

    public func runState(_ tenant: TenantID, _ runId: String, at point: HistoryPoint) async throws -> RunSnapshot {
        try await read { tx in try tx.replay(tenant, runId, at: point) }
    }

    public func fork(_ tenant: TenantID, _ runId: String, at point: HistoryPoint, newId: String?) async throws -> Run {
        try await write { tx in
            let snap = try tx.replay(tenant, runId, at: point)
            let now = tx.now
            let id = try Identifier.make("run", supplied: newId, field: "new_id", at: now)
            if try tx.run(tenant, id) != nil { throw AgentStateError(.alreadyExists, "run '\(id)' already exists") }
            let past = snap.run
            let fresh = Run(
                tenantId: tenant, id: id, workflow: past.workflow, sessionId: past.sessionId, userId: past.userId,
                status: .created, currentStep: past.currentStep, owner: nil, retryCount: 0, lastError: nil, lastAttemptAt: nil,
                input: past.input, output: nil, promptVersion: past.promptVersion, model: past.model, usage: Usage(),
                lease: nil, fencingToken: 0, waitUntil: nil, waitReason: nil, pendingApprovalId: nil,
                forkedFrom: ForkOrigin(runId: runId, eventSeq: snap.atSeq), metadata: past.metadata, eventSeq: 0,
                version: 0, schemaVersion: Run.currentSchemaVersion, createdAt: now, updatedAt: now, finishedAt: nil)
            var run = try tx.commitRun(from: nil, to: fresh, event: "run.created")
            // Steps carry over as they stood; one caught mid-attempt starts again.
            for var step in snap.steps {
                step.runId = id
                if step.status == .running { step.status = .pending }
                try tx.saveStep(step)
                run = try tx.commitRun(from: run, to: run, event: "step.updated", data: ["step": try JSONValue(encoding: step)])
            }
            // A completed effect stays done in the fork: forking must not send the email twice.
            for var effect in snap.effects where effect.status == .completed {
                effect.runId = id
                try tx.saveEffect(effect)
                run = try tx.commitRun(from: run, to: run, event: "effect.completed", data: ["effect": try JSONValue(encoding: effect)])
            }
            if let c = snap.checkpoint {
                try tx.insertCheckpoint(CheckpointRecord(tenantId: tenant, runId: id, seq: 1, step: c.step, kind: .full, body: c.state, createdAt: now))
                try tx.saveCheckpointHead(Checkpoint(tenantId: tenant, runId: id, seq: 1, step: c.step, kind: .full, state: c.state, createdAt: now))
                run = try tx.commitRun(from: run, to: run, event: "checkpoint.saved", data: ["seq": 1, "kind": "full"])
            }
            return run
        }
    }
}

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
