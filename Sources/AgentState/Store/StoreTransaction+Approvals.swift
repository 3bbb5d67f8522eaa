import Foundation

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
