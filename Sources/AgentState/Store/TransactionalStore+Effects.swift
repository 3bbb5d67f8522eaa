import Foundation

extension TransactionalStore {
    public func beginEffect(_ tenant: TenantID, _ runId: String, _ key: String, _ b: EffectBegin) async throws -> EffectBeginResult {
        try Identifier.validate(key, field: "key")
        try Identifier.validateName(b.holder, field: "holder")
        try Rules.checkSeconds(b.leaseSeconds, field: "lease_seconds", max: 86400)
        return try await write { tx in
            let run = try tx.requireRun(tenant, runId)
            let now = tx.now
            let existing = try tx.effect(tenant, runId, key)
            if let e = existing {
                if e.status == .completed { return EffectBeginResult(outcome: .completed, effect: e) }
                if e.status == .inProgress, let until = e.leaseExpiresAt, until > now {
                    return EffectBeginResult(outcome: .inProgress, effect: e)
                }
            }
            guard !run.status.isTerminal else {
                throw AgentStateError(.conflict, "run '\(runId)' is \(run.status.rawValue); no new effects may start",
                                      current: run.status.rawValue)
            }
            try Rules.checkFence(run, b.fencingToken)
            let effect = Effect(
                tenantId: tenant, runId: runId, key: key, status: .inProgress, holder: b.holder,
                attemptToken: (existing?.attemptToken ?? 0) + 1, leaseExpiresAt: now.adding(seconds: TimeInterval(b.leaseSeconds)),
                request: b.request ?? existing?.request, result: nil, externalId: nil, error: nil,
                attempts: (existing?.attempts ?? 0) + 1, createdAt: existing?.createdAt ?? now, updatedAt: now, completedAt: nil)
            try tx.saveEffect(effect)
            try tx.commitRun(from: run, to: run, event: "effect.begun", data: ["effect": try JSONValue(encoding: effect)])
            return EffectBeginResult(outcome: .acquired, effect: effect)
        }
    }

    public func completeEffect(_ tenant: TenantID, _ runId: String, _ key: String, attemptToken: Int64, result: JSONValue?, externalId: String?) async throws -> Effect {
        if let x = externalId { try Identifier.validateName(x, field: "external_id") }
        return try await finishEffect(tenant, runId, key, attemptToken, event: "effect.completed") { e, now in
            e.status = .completed
            e.result = result
            e.externalId = externalId
            e.completedAt = now
        }
    }

    public func failEffect(_ tenant: TenantID, _ runId: String, _ key: String, attemptToken: Int64, error: ErrorInfo) async throws -> Effect {
        try await finishEffect(tenant, runId, key, attemptToken, event: "effect.failed") { e, _ in
            e.status = .failed
            e.error = error
        }
    }

    public func effect(_ tenant: TenantID, _ runId: String, _ key: String) async throws -> Effect {
        try await lookUp { tx in
            _ = try tx.requireRun(tenant, runId)
            guard let e = try tx.effect(tenant, runId, key) else { throw AgentStateError.notFound("effect", key) }
            return e
        }
    }

    /// Ends the attempt that `token` names. Repeating the same completion answers the stored
    /// effect again; an attempt that someone else has since taken over is `leaseLost`.
    private func finishEffect(_ tenant: TenantID, _ runId: String, _ key: String, _ token: Int64, event: String,
                              _ change: @escaping @Sendable (inout Effect, Date) -> Void) async throws -> Effect {
        try await write { tx in
            let run = try tx.requireRun(tenant, runId)
            guard var e = try tx.effect(tenant, runId, key) else { throw AgentStateError.notFound("effect", key) }
            guard e.attemptToken == token else {
                throw AgentStateError.leaseLost("attempt \(token) of effect '\(key)' was superseded by attempt \(e.attemptToken)")
            }
            guard e.status == .inProgress else {
                if (e.status == .completed) == (event == "effect.completed") { return e }
                throw AgentStateError(.conflict, "effect '\(key)' is already \(e.status.rawValue)", current: e.status.rawValue)
            }
            change(&e, tx.now)
            e.holder = nil
            e.leaseExpiresAt = nil
            e.updatedAt = tx.now
            try tx.saveEffect(e)
            try tx.commitRun(from: run, to: run, event: event, data: ["effect": try JSONValue(encoding: e)])
            return e
        }
    }
}
