import Foundation

/// Starts a run (its id made when none is given), at `created`.
public struct CreateRun: StoreOperation {
    public static let name = "createRun"
    public var tenant: TenantID
    public var request: RunCreate

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        try Identifier.validate(tenant, field: "tenant")
        try Identifier.validate(request.workflow, field: "workflow")
        if let s = request.sessionId { try Identifier.validate(s, field: "session_id") }
        if let u = request.userId { try Identifier.validate(u, field: "user_id") }
        if let o = request.owner { try Identifier.validateName(o, field: "owner") }
        try Rules.checkText(request.promptVersion, field: "prompt_version", max: 256)
        try Rules.checkText(request.model, field: "model", max: 256)
        try Rules.checkObject(request.metadata, field: "metadata")
        return try await store.write { [tenant, request] tx in
            let now = tx.now
            let id = try Identifier.make("run", supplied: request.id, at: now)
            if try tx.run(tenant, id) != nil { throw AgentStateError(.alreadyExists, "run '\(id)' already exists") }
            if let sid = request.sessionId { _ = try tx.requireSession(tenant, sid) }
            let run = Run(
                tenantId: tenant, id: id, workflow: request.workflow, sessionId: request.sessionId, userId: request.userId,
                status: .created, currentStep: nil, owner: request.owner, retryCount: 0, lastError: nil, lastAttemptAt: nil,
                input: request.input, output: nil, promptVersion: request.promptVersion, model: request.model, usage: Usage(),
                lease: nil, fencingToken: 0, waitUntil: nil, waitReason: nil, pendingApprovalId: nil, forkedFrom: nil,
                metadata: request.metadata ?? .emptyObject, eventSeq: 0, version: 0, schemaVersion: Run.currentSchemaVersion,
                createdAt: now, updatedAt: now, finishedAt: nil)
            return try tx.commitRun(from: nil, to: run, event: "run.created")
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs", body: request)
    }
}

/// A page of runs, newest first, by status, owner, workflow, user or last change.
public struct ListRuns: StoreOperation {
    public static let name = "runs"
    public var tenant: TenantID
    public var query: RunQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<Run> {
        try Rules.checkLimit(query.limit)
        let cursor = try PageCursor.parse(query.cursor)
        let filter = RunFilter(status: query.status, owner: query.owner, workflow: query.workflow, userId: query.userId,
                               updatedBefore: query.updatedBefore)
        return try await store.read { [tenant, query] tx in
            let rows = try tx.runs(tenant, filter, before: cursor, limit: query.limit + 1)
            return Rules.page(rows, limit: query.limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Page<Run> {
        try await transport.call(tenant, "GET", "/v1/runs", query: [
            "status": query.status?.rawValue, "owner": query.owner, "workflow": query.workflow, "user_id": query.userId,
            "updated_before": query.updatedBefore.map(APICoding.format), "limit": String(query.limit), "cursor": query.cursor,
        ], body: nil)
    }
}

/// Moves a run along its state machine (approvals and waits have operations of their own).
public struct TransitionRun: StoreOperation {
    public static let name = "transition"
    public var tenant: TenantID
    public var runId: String
    public var transition: RunTransition

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        let t = transition
        if let o = t.owner { try Identifier.validateName(o, field: "owner") }
        try Rules.checkText(t.reason, field: "reason", max: 4096)
        if t.to == .failed, t.error == nil {
            throw AgentStateError.invalidInput(field: "error", "is required to fail a run (kind and message)")
        }
        return try await store.write { [tenant, runId] tx in
            let old = try tx.requireRun(tenant, runId)
            try old.status.check(to: t.to)
            switch (old.status, t.to) {
            case (_, .waitingForApproval):
                throw AgentStateError(.conflict, "request an approval to move a run to waiting_for_approval", current: old.status.rawValue)
            case (_, .waiting):
                throw AgentStateError(.conflict, "use wait to move a run to waiting", current: old.status.rawValue)
            case (.waitingForApproval, .running):
                throw AgentStateError(.conflict, "decide the pending approval to resume this run", current: old.status.rawValue)
            default: break
            }
            try Rules.checkVersion("run", expected: t.expectedVersion, current: old.version)
            try Rules.checkFence(old, t.fencingToken)
            var run = old
            try tx.move(&run, to: t.to)
            if let o = t.owner { run.owner = o }
            switch t.to {
            case .completed: run.output = t.output
            case .failed: run.lastError = t.error
            default: break
            }
            var data: [String: JSONValue] = ["from": .string(old.status.rawValue), "to": .string(t.to.rawValue)]
            if let r = t.reason { data["reason"] = .string(r) }
            // Leaving an approval wait cancels the approval; the event says so, for replay.
            if let pending = old.pendingApprovalId, let approval = try tx.approval(tenant, pending) {
                data["approval"] = try JSONValue(encoding: approval)
            }
            return try tx.commitRun(from: old, to: run, event: "run.transitioned", data: data)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/transitions", body: transition)
    }
}

/// Adds to a run's usage: token counts, tool calls, retries, wall time, model request ids.
public struct RecordUsage: StoreOperation {
    public static let name = "recordUsage"
    public var tenant: TenantID
    public var runId: String
    public var delta: Usage

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        guard delta.tokensIn >= 0, delta.tokensOut >= 0, delta.toolCalls >= 0, delta.retries >= 0, delta.wallTimeMs >= 0 else {
            throw AgentStateError.invalidInput(field: "usage", "counts must not be negative")
        }
        guard delta.modelRequestIds.count <= 100 else {
            throw AgentStateError.invalidInput(field: "model_request_ids", "at most 100 per call")
        }
        return try await store.write { [tenant, runId, delta] tx in
            let old = try tx.requireRun(tenant, runId)
            var run = old
            run.usage = try old.usage.adding(delta)
            return try tx.commitRun(from: old, to: run, event: "run.usage", data: ["delta": try JSONValue(encoding: delta)])
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/usage", body: delta)
    }
}

extension StateStore {
    public func createRun(_ tenant: TenantID, _ request: RunCreate) async throws -> Run {
        try await perform(CreateRun(tenant: tenant, request: request))
    }

    public func run(_ tenant: TenantID, _ id: String) async throws -> Run {
        try await perform(GetRun(tenant: tenant, id: id))
    }

    public func runs(_ tenant: TenantID, _ query: RunQuery) async throws -> Page<Run> {
        try await perform(ListRuns(tenant: tenant, query: query))
    }

    public func transition(_ tenant: TenantID, _ runId: String, _ transition: RunTransition) async throws -> Run {
        try await perform(TransitionRun(tenant: tenant, runId: runId, transition: transition))
    }

    public func recordUsage(_ tenant: TenantID, _ runId: String, _ delta: Usage) async throws -> Run {
        try await perform(RecordUsage(tenant: tenant, runId: runId, delta: delta))
    }
}
