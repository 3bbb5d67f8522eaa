import Foundation

/// Writes a step of a run: started, done, failed or skipped; a finished step stays as first finished.
public struct PutStep: StoreOperation {
    public static let name = "putStep"
    public var tenant: TenantID
    public var runId: String
    public var name: String
    public var write: StepWrite

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Step {
        try Self.validate(name, write)
        return try await store.write { [tenant, runId, name, write] tx in try tx.putStep(tenant, runId, name, write) }
    }

    static func validate(_ name: String, _ write: StepWrite) throws {
        try Identifier.validate(name, field: "name")
        if write.status == .failed, write.error == nil {
            throw AgentStateError.invalidInput(field: "error", "is required for a failed step")
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Step {
        try await transport.call(tenant, "PUT", "/v1/runs/" + pathSegment(runId) + "/steps/" + pathSegment(name), body: write)
    }
}

/// A run's steps, in the order each was first written.
public struct ListSteps: StoreOperation {
    public static let name = "steps"
    public var tenant: TenantID
    public var runId: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [Step] {
        try await store.read { [tenant, runId] tx in
            _ = try tx.requireRun(tenant, runId)
            return try tx.steps(tenant, runId)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [Step] {
        let steps: Items<Step> = try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/steps")
        return steps.items
    }
}

/// Saves the run's state whole or as a merge patch of the newest, under `expectedSeq` if given.
public struct SaveCheckpoint: StoreOperation {
    public static let name = "saveCheckpoint"
    public var tenant: TenantID
    public var runId: String
    public var write: CheckpointWrite

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Checkpoint {
        if let s = write.step { try Identifier.validate(s, field: "step") }
        return try await store.write { [tenant, runId, write] tx in try tx.saveCheckpoint(tenant, runId, write) }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Checkpoint {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/checkpoints", body: CheckpointBody(write))
    }
}

/// A checkpoint, whole: the newest, the newest of a step, or one by seq.
public struct GetCheckpoint: StoreOperation {
    public static let name = "checkpoint"
    public var tenant: TenantID
    public var runId: String
    public var selector: CheckpointSelector

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Checkpoint {
        try await store.lookUp { [tenant, runId, selector] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Checkpoint {
        switch selector {
        case .latest: try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/checkpoints/latest")
        case .step(let name): try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/checkpoints/latest", query: ["step": name], body: nil)
        case .seq(let seq): try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/checkpoints/\(seq)")
        }
    }
}

/// A run's checkpoints as stored (whole or patches), after a seq.
public struct ListCheckpoints: StoreOperation {
    public static let name = "checkpoints"
    public var tenant: TenantID
    public var runId: String
    public var afterSeq: Int64
    public var limit: Int

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [CheckpointRecord] {
        try Rules.checkLimit(limit)
        if afterSeq < 0 { throw AgentStateError.invalidInput(field: "after_seq", "must not be negative") }
        // After the largest seq there is none; adding one to it would overflow.
        let (fromSeq, past) = afterSeq.addingReportingOverflow(1)
        return try await store.read { [tenant, runId, limit] tx in
            _ = try tx.requireRun(tenant, runId)
            return past ? [] : try tx.checkpointRecords(tenant, runId, fromSeq: fromSeq, throughSeq: .max, limit: limit)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [CheckpointRecord] {
        let records: Items<CheckpointRecord> = try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/checkpoints",
                                                                        query: ["after_seq": String(afterSeq), "limit": String(limit)], body: nil)
        return records.items
    }
}

extension StateStore {
    public func putStep(_ tenant: TenantID, _ runId: String, _ name: String, _ write: StepWrite) async throws -> Step {
        try await perform(PutStep(tenant: tenant, runId: runId, name: name, write: write))
    }

    public func steps(_ tenant: TenantID, _ runId: String) async throws -> [Step] {
        try await perform(ListSteps(tenant: tenant, runId: runId))
    }

    public func saveCheckpoint(_ tenant: TenantID, _ runId: String, _ write: CheckpointWrite) async throws -> Checkpoint {
        try await perform(SaveCheckpoint(tenant: tenant, runId: runId, write: write))
    }

    public func checkpoint(_ tenant: TenantID, _ runId: String, _ selector: CheckpointSelector) async throws -> Checkpoint {
        try await perform(GetCheckpoint(tenant: tenant, runId: runId, selector: selector))
    }

    public func checkpoints(_ tenant: TenantID, _ runId: String, afterSeq: Int64, limit: Int) async throws -> [CheckpointRecord] {
        try await perform(ListCheckpoints(tenant: tenant, runId: runId, afterSeq: afterSeq, limit: limit))
    }
}

extension StoreTransaction {
    /// The rule of a step write, inside a write transaction (`PutStep`, `SaveProgress`).
    func putStep(_ tenant: TenantID, _ runId: String, _ name: String, _ w: StepWrite) throws -> Step {
        let old = try requireRun(tenant, runId)
        guard [.created, .running, .waiting, .waitingForApproval].contains(old.status) else {
            throw AgentStateError(.conflict, "run '\(runId)' is \(old.status.rawValue); its steps can no longer change",
                                  current: old.status.rawValue)
        }
        try Rules.checkFence(old, w.fencingToken)
        let existing = try step(tenant, runId, name)
        if let existing, existing.status.isFinal {
            if existing.status == w.status, w.result == nil || w.result == existing.result { return existing }
            throw AgentStateError(.conflict, "step '\(name)' is already \(existing.status.rawValue)",
                                  current: existing.status.rawValue)
        }
        let nextIndex = existing == nil ? try nextStepIndex(tenant, runId) : 0
        var step = existing ?? Step(
            tenantId: tenant, runId: runId, name: name, index: nextIndex, status: .pending,
            input: nil, result: nil, error: nil, attempts: 0, startedAt: nil, finishedAt: nil, createdAt: now, updatedAt: now)
        var run = old
        step.status = w.status
        if let i = w.input { step.input = i }
        if let r = w.result { step.result = r }
        // The run is at the step it last worked on, whatever came of it.
        if w.status != .pending { run.currentStep = name }
        switch w.status {
        case .running:
            step.attempts += 1
            step.startedAt = now
            step.error = nil
            run.lastAttemptAt = now
        case .completed, .skipped:
            step.finishedAt = now
        case .failed:
            step.error = w.error
            step.finishedAt = now
            run.lastError = w.error
        case .pending:
            break
        }
        // A step reported done without being reported started still took one attempt.
        if w.status == .completed || w.status == .failed, step.attempts == 0 { step.attempts = 1 }
        step.updatedAt = now
        try saveStep(step)
        try commitRun(from: old, to: run, event: "step.updated", data: ["step": try JSONValue(encoding: step)])
        return step
    }

    /// The rule of a checkpoint save, inside a write transaction (`SaveCheckpoint`, `SaveProgress`).
    func saveCheckpoint(_ tenant: TenantID, _ runId: String, _ w: CheckpointWrite) throws -> Checkpoint {
        let run = try requireRun(tenant, runId)
        guard !run.status.isTerminal else {
            throw AgentStateError(.conflict, "run '\(runId)' is \(run.status.rawValue)", current: run.status.rawValue)
        }
        try Rules.checkFence(run, w.fencingToken)
        let head = try checkpointHead(tenant, runId)
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
            if head != nil, let lastFull = try lastFullCheckpointSeq(tenant, runId, atOrBefore: seq),
                CheckpointPolicy.storesPatch(patchesSinceWholeCopy: seq - lastFull, stateSize: state.approximateSize,
                                             patchSize: p.approximateSize)
            {
                kind = .patch
            }
        }
        let body: JSONValue
        if kind == .patch, case .patch(let p) = w.state { body = p } else { body = state }
        let now = self.now
        try insertCheckpoint(CheckpointRecord(tenantId: tenant, runId: runId, seq: seq, step: w.step, kind: kind, body: body, createdAt: now))
        let checkpoint = Checkpoint(tenantId: tenant, runId: runId, seq: seq, step: w.step, kind: kind, state: state, createdAt: now)
        try saveCheckpointHead(checkpoint)
        var data: [String: JSONValue] = ["seq": .int(seq), "kind": .string(kind.rawValue)]
        if let s = w.step { data["checkpoint_step"] = .string(s) }
        try commitRun(from: run, to: run, event: "checkpoint.saved", data: data)
        return checkpoint
    }
}
