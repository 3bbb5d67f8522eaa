import Foundation

/// Parks the run until a person decides: the run waits for the approval, which expires,
/// escalates or fails the run past its deadline as `onExpiry` says.
public struct RequestApproval: StoreOperation {
    public static let name = "requestApproval"
    public var tenant: TenantID
    public var runId: String
    public var request: ApprovalRequest

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Approval {
        let r = request
        guard r.approver != nil || r.group != nil else {
            throw AgentStateError.invalidInput(field: "approver", "an approver or a group is required")
        }
        if let a = r.approver { try Identifier.validateName(a, field: "approver") }
        if let g = r.group { try Identifier.validateName(g, field: "group") }
        if let s = r.step { try Identifier.validate(s, field: "step") }
        guard !r.reason.isEmpty else { throw AgentStateError.invalidInput(field: "reason", "must not be empty") }
        try Rules.checkText(r.reason, field: "reason", max: 4096)
        try Rules.checkSeconds(r.timeoutSeconds, field: "timeout_seconds")
        if r.onExpiry == .escalate {
            guard let to = r.escalateTo else {
                throw AgentStateError.invalidInput(field: "escalate_to", "is required with on_expiry 'escalate'")
            }
            try Identifier.validateName(to, field: "escalate_to")
            guard r.timeoutSeconds != nil else {
                throw AgentStateError.invalidInput(field: "timeout_seconds", "is required with on_expiry 'escalate'")
            }
        }
        return try await store.write { [tenant, runId] tx in
            let old = try tx.requireRun(tenant, runId)
            try old.status.check(to: .waitingForApproval)
            try Rules.checkFence(old, r.fencingToken)
            let now = tx.now
            let id = try Identifier.make("apr", supplied: r.id, at: now)
            if try tx.approval(tenant, id) != nil { throw AgentStateError(.alreadyExists, "approval '\(id)' already exists") }
            let approval = Approval(
                tenantId: tenant, id: id, runId: runId, status: .pending, approver: r.approver, group: r.group,
                reason: r.reason, step: r.step ?? old.currentStep, expiresAt: r.timeoutSeconds.map { now.adding(seconds: TimeInterval($0)) },
                onExpiry: r.onExpiry, escalateTo: r.escalateTo, escalated: false, decidedBy: nil, comment: nil,
                decidedAt: nil, version: 1, createdAt: now, updatedAt: now)
            try tx.saveApproval(approval)
            var run = old
            try tx.move(&run, to: .waitingForApproval)
            run.pendingApprovalId = id
            run.owner = r.approver ?? r.group
            try tx.commitRun(from: old, to: run, event: "approval.requested", data: ["approval": try JSONValue(encoding: approval)])
            return approval
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Approval {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/approvals", body: request)
    }
}

/// Approves or rejects a pending approval; the run is claimable again either way.
public struct Decide: StoreOperation {
    public static let name = "decide"
    public var tenant: TenantID
    public var approvalId: String
    public var decision: Decision

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Approval {
        let d = decision
        try Identifier.validateName(d.by, field: "by")
        try Rules.checkText(d.comment, field: "comment", max: 4096)
        return try await store.write { [tenant, approvalId] tx in
            guard var approval = try tx.approval(tenant, approvalId) else { throw AgentStateError.notFound("approval", approvalId) }
            guard approval.status == .pending else {
                throw AgentStateError(.conflict, "approval '\(approvalId)' is already \(approval.status.rawValue)",
                                      current: approval.status.rawValue)
            }
            try Rules.checkVersion("approval", expected: d.expectedVersion, current: approval.version)
            let old = try tx.requireRun(tenant, approval.runId)
            approval.status = d.decision == .approved ? .approved : .rejected
            approval.decidedBy = d.by
            approval.comment = d.comment
            approval.decidedAt = tx.now
            approval.version += 1
            approval.updatedAt = tx.now
            try tx.saveApproval(approval)
            var run = old
            try tx.move(&run, to: .running)
            run.owner = nil
            try tx.commitRun(from: old, to: run, event: "approval.decided", data: ["approval": try JSONValue(encoding: approval)])
            return approval
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Approval {
        try await transport.call(tenant, "POST", "/v1/approvals/" + pathSegment(approvalId) + "/decision", body: decision)
    }
}

/// A page of approvals, oldest first, by status, approver, group, run, or overdue.
public struct ListApprovals: StoreOperation {
    public static let name = "approvals"
    public var tenant: TenantID
    public var query: ApprovalQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<Approval> {
        let q = query
        try Rules.checkLimit(q.limit)
        let cursor = try PageCursor.parse(q.cursor)
        return try await store.read { [tenant] tx in
            let filter = ApprovalFilter(status: q.overdue ? .pending : q.status, approver: q.approver, group: q.group,
                                        runId: q.runId, overdueAt: q.overdue ? tx.now : nil)
            let rows = try tx.approvals(tenant, filter, after: cursor, limit: q.limit + 1)
            return Rules.page(rows, limit: q.limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Page<Approval> {
        let q = query
        return try await transport.call(tenant, "GET", "/v1/approvals", query: [
            "status": q.status?.rawValue, "approver": q.approver, "group": q.group, "run_id": q.runId,
            "overdue": q.overdue ? "true" : nil, "limit": String(q.limit), "cursor": q.cursor,
        ], body: nil)
    }
}

extension StateStore {
    public func requestApproval(_ tenant: TenantID, _ runId: String, _ request: ApprovalRequest) async throws -> Approval {
        try await perform(RequestApproval(tenant: tenant, runId: runId, request: request))
    }

    public func decide(_ tenant: TenantID, _ approvalId: String, _ decision: Decision) async throws -> Approval {
        try await perform(Decide(tenant: tenant, approvalId: approvalId, decision: decision))
    }

    public func approval(_ tenant: TenantID, _ id: String) async throws -> Approval {
        try await perform(GetApproval(tenant: tenant, id: id))
    }

    public func approvals(_ tenant: TenantID, _ query: ApprovalQuery) async throws -> Page<Approval> {
        try await perform(ListApprovals(tenant: tenant, query: query))
    }
}
