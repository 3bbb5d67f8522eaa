import Foundation

extension TransactionalStore {
    public func putStep(_ tenant: TenantID, _ runId: String, _ name: String, _ w: StepWrite) async throws -> Step {
        try Identifier.validate(name, field: "name")
        if w.status == .failed, w.error == nil {
            throw AgentStateError.invalidInput(field: "error", "is required for a failed step")
        }
        return try await write { tx in
            let old = try tx.requireRun(tenant, runId)
            guard [.created, .running, .waiting, .waitingForApproval].contains(old.status) else {
                throw AgentStateError(.conflict, "run '\(runId)' is \(old.status.rawValue); its steps can no longer change",
                                      current: old.status.rawValue)
            }
            try Rules.checkFence(old, w.fencingToken)
            let now = tx.now
            let existing = try tx.step(tenant, runId, name)
            if let existing, existing.status.isFinal {
                if existing.status == w.status, w.result == nil || w.result == existing.result { return existing }
                throw AgentStateError(.conflict, "step '\(name)' is already \(existing.status.rawValue)",
                                      current: existing.status.rawValue)
            }
            let nextIndex = existing == nil ? try tx.nextStepIndex(tenant, runId) : 0
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
            try tx.saveStep(step)
            try tx.commitRun(from: old, to: run, event: "step.updated", data: ["step": try JSONValue(encoding: step)])
            return step
        }
    }

    public func steps(_ tenant: TenantID, _ runId: String) async throws -> [Step] {
        try await read { tx in
            _ = try tx.requireRun(tenant, runId)
            return try tx.steps(tenant, runId)
        }
    }
}
