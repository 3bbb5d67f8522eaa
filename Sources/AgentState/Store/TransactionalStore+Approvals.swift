import Foundation

extension TransactionalStore {
    public func requestApproval(_ tenant: TenantID, _ runId: String, _ r: ApprovalRequest) async throws -> Approval {
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
        return try await write { tx in
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

    public func decide(_ tenant: TenantID, _ approvalId: String, _ d: Decision) async throws -> Approval {
        try Identifier.validateName(d.by, field: "by")
        try Rules.checkText(d.comment, field: "comment", max: 4096)
        return try await write { tx in
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

    public func approval(_ tenant: TenantID, _ id: String) async throws -> Approval {
        try await lookUp { tx in
            guard let a = try tx.approval(tenant, id) else { throw AgentStateError.notFound("approval", id) }
            return a
        }
    }

    public func approvals(_ tenant: TenantID, _ q: ApprovalQuery) async throws -> Page<Approval> {
        try Rules.checkLimit(q.limit)
        let cursor = try PageCursor.parse(q.cursor)
        return try await read { tx in
            let filter = ApprovalFilter(status: q.overdue ? .pending : q.status, approver: q.approver, group: q.group,
                                        runId: q.runId, overdueAt: q.overdue ? tx.now : nil)
            let rows = try tx.approvals(tenant, filter, after: cursor, limit: q.limit + 1)
            return Rules.page(rows, limit: q.limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }
}

extension StoreTransaction {
    /// The deadline of a pending approval has passed: escalate once if the policy says so,
    /// otherwise expire it and fail its run.
    func expire(_ approval: Approval) throws -> ExpiryPolicy {
        var a = approval
        let old = try requireRun(a.tenantId, a.runId)
        var run = old
        let escalating = a.onExpiry == .escalate && !a.escalated && a.escalateTo != nil
        if escalating, let to = a.escalateTo, let expiresAt = a.expiresAt {
            a.escalated = true
            a.approver = to
            a.group = nil
            a.expiresAt = now.adding(seconds: max(1, expiresAt.timeIntervalSince(a.createdAt)))
            run.owner = to
        } else {
            a.status = .expired
        }
        a.version += 1
        a.updatedAt = now
        try saveApproval(a)
        if !escalating, run.status == .waitingForApproval, run.pendingApprovalId == a.id {
            try move(&run, to: .failed)
            run.lastError = ErrorInfo(kind: "approval_expired", message: "approval '\(a.id)' expired undecided")
        }
        try commitRun(from: old, to: run, event: escalating ? "approval.escalated" : "approval.expired",
                      data: ["approval": try JSONValue(encoding: a)])
        return escalating ? .escalate : .fail
    }
}
