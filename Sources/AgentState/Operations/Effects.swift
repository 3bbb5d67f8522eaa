import Foundation

/// Begins an external action under a key of the run: acquired (do it now), in progress
/// (someone else holds it) or completed (done before: its result).
public struct BeginEffect: RoutedOperation {
    public static let name = "beginEffect"
    public static let route = OperationRoute("POST", "/v1/runs/{id}/effects/{key}/begin", .write, reach: .run(parameter: "id"))
    public var tenant: TenantID
    public var runId: String
    public var key: String
    public var begin: EffectBegin

    public func run<Store: TransactionalStore>(on store: Store) async throws -> EffectBeginResult {
        let b = begin
        try Identifier.validate(key, field: "key")
        try Identifier.validateName(b.holder, field: "holder")
        try Rules.checkSeconds(b.leaseSeconds, field: "lease_seconds", max: 86400)
        return try await store.write { [tenant, runId, key] tx in
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
}

extension BeginEffect {
    public init(tenant: TenantID, request: RouteRequest<EffectBegin>) throws {
        self.init(tenant: tenant, runId: try request.parameter("id"), key: try request.parameter("key"), begin: try request.requiredBody())
    }

    public var request: RouteRequest<EffectBegin> { RouteRequest(parameters: ["id": runId, "key": key], body: begin) }
}

/// Completes the attempt `attemptToken` names, with its result.
public struct CompleteEffect: RoutedOperation {
    public static let name = "completeEffect"
    public static let route = OperationRoute("POST", "/v1/runs/{id}/effects/{key}/complete", .write, reach: .run(parameter: "id"))
    public var tenant: TenantID
    public var runId: String
    public var key: String
    public var completion: CompleteEffectBody

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Effect {
        let (result, externalId) = (completion.result, completion.externalId)
        if let x = externalId { try Identifier.validateName(x, field: "external_id") }
        return try await store.finishEffect(tenant, runId, key, completion.attemptToken, event: "effect.completed") { e, now in
            e.status = .completed
            e.result = result
            e.externalId = externalId
            e.completedAt = now
        }
    }
}

extension CompleteEffect {
    public init(tenant: TenantID, request: RouteRequest<CompleteEffectBody>) throws {
        self.init(tenant: tenant, runId: try request.parameter("id"), key: try request.parameter("key"), completion: try request.requiredBody())
    }

    public var request: RouteRequest<CompleteEffectBody> { RouteRequest(parameters: ["id": runId, "key": key], body: completion) }
}

/// Fails the attempt `attemptToken` names; the effect may be begun again.
public struct FailEffect: RoutedOperation {
    public static let name = "failEffect"
    public static let route = OperationRoute("POST", "/v1/runs/{id}/effects/{key}/fail", .write, reach: .run(parameter: "id"))
    public var tenant: TenantID
    public var runId: String
    public var key: String
    public var failure: FailEffectBody

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Effect {
        let error = failure.error
        return try await store.finishEffect(tenant, runId, key, failure.attemptToken, event: "effect.failed") { e, _ in
            e.status = .failed
            e.error = error
        }
    }
}

extension FailEffect {
    public init(tenant: TenantID, request: RouteRequest<FailEffectBody>) throws {
        self.init(tenant: tenant, runId: try request.parameter("id"), key: try request.parameter("key"), failure: try request.requiredBody())
    }

    public var request: RouteRequest<FailEffectBody> { RouteRequest(parameters: ["id": runId, "key": key], body: failure) }
}

/// An effect, by its run and key.
public struct GetEffect: RoutedOperation {
    public static let name = "effect"
    public static let route = OperationRoute("GET", "/v1/runs/{id}/effects/{key}", .read, reach: .run(parameter: "id"))
    public var tenant: TenantID
    public var runId: String
    public var key: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Effect {
        try await store.lookUp { [tenant, runId, key] tx in
            _ = try tx.requireRun(tenant, runId)
            guard let e = try tx.effect(tenant, runId, key) else { throw AgentStateError.notFound("effect", key) }
            return e
        }
    }
}

extension GetEffect {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, runId: try request.parameter("id"), key: try request.parameter("key"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["id": runId, "key": key]) }
}

extension TransactionalStore {
    /// Ends the attempt that `token` names. Repeating the same completion answers the stored
    /// effect again; an attempt that someone else has since taken over is `leaseLost`.
    func finishEffect(_ tenant: TenantID, _ runId: String, _ key: String, _ token: Int64, event: String,
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

extension StateStore {
    public func beginEffect(_ tenant: TenantID, _ runId: String, _ key: String, _ begin: EffectBegin) async throws -> EffectBeginResult {
        try await perform(BeginEffect(tenant: tenant, runId: runId, key: key, begin: begin))
    }

    public func completeEffect(_ tenant: TenantID, _ runId: String, _ key: String, attemptToken: Int64, result: JSONValue?,
                               externalId: String?) async throws -> Effect {
        try await perform(CompleteEffect(tenant: tenant, runId: runId, key: key,
                                         completion: CompleteEffectBody(attemptToken: attemptToken, result: result, externalId: externalId)))
    }

    public func failEffect(_ tenant: TenantID, _ runId: String, _ key: String, attemptToken: Int64, error: ErrorInfo) async throws -> Effect {
        try await perform(FailEffect(tenant: tenant, runId: runId, key: key, failure: FailEffectBody(attemptToken: attemptToken, error: error)))
    }

    public func effect(_ tenant: TenantID, _ runId: String, _ key: String) async throws -> Effect {
        try await perform(GetEffect(tenant: tenant, runId: runId, key: key))
    }
}
