import Foundation

extension StoreTransaction {
    /// Moves a run along the chart and does what each arrow implies for leases, waits and
    /// approvals. Every status change of every operation passes through here.
    func move(_ run: inout Run, to next: RunStatus) throws {
        try run.status.check(to: next)
        let from = run.status
        if from == .waiting {
            try deleteTimer(run.tenantId, runId: run.id)
            run.waitUntil = nil
            run.waitReason = nil
        }
        if from == .waitingForApproval, next != .running, let pending = run.pendingApprovalId,
            var approval = try approval(run.tenantId, pending), approval.status == .pending
        {
            approval.status = .cancelled
            approval.version += 1
            approval.updatedAt = now
            try saveApproval(approval)
        }
        if from == .waitingForApproval { run.pendingApprovalId = nil }
        if from == .failed, next == .running {
            run.retryCount += 1
            run.usage.retries += 1
        }
        switch next {
        case .completed, .failed, .cancelled:
            run.lease = nil
            run.finishedAt = now
        case .waiting, .waitingForApproval:
            run.lease = nil
        case .running:
            run.finishedAt = nil
        case .created:
            break
        }
        run.status = next
    }
}
