import Foundation

extension TransactionalStore {
    public func wait(_ tenant: TenantID, _ runId: String, _ r: WaitRequest) async throws -> Run {
        try Rules.checkText(r.reason, field: "reason", max: 4096)
        return try await write { tx in
            let old = try tx.requireRun(tenant, runId)
            try old.status.check(to: .waiting)
            try Rules.checkFence(old, r.fencingToken)
            var run = old
            try tx.move(&run, to: .waiting)
            run.waitUntil = r.until?.wholeMilliseconds
            run.waitReason = r.reason
            if let until = run.waitUntil { try tx.saveTimer(RunTimer(tenantId: tenant, runId: runId, fireAt: until)) }
            return try tx.commitRun(from: old, to: run, event: "run.waiting")
        }
    }

    public func signal(_ tenant: TenantID, _ runId: String, payload: JSONValue?) async throws -> Run {
        try await write { tx in
            let old = try tx.requireRun(tenant, runId)
            guard old.status == .waiting else {
                throw AgentStateError(.invalidTransition, "only a waiting run can be signalled; run '\(runId)' is \(old.status.rawValue)",
                                      current: old.status.rawValue)
            }
            var run = old
            try tx.move(&run, to: .running)
            return try tx.commitRun(from: old, to: run, event: "run.signalled", data: ["payload": payload ?? .null])
        }
    }

    public func claim(_ tenant: TenantID, _ r: ClaimRequest) async throws -> ClaimedRun? {
        try Identifier.validateName(r.worker, field: "worker")
        try Rules.checkSeconds(r.leaseSeconds, field: "lease_seconds", max: 86400)
        if let w = r.workflow { try Identifier.validate(w, field: "workflow") }
        return try await write { tx in
            guard let old = try tx.nextClaimable(tenant, workflow: r.workflow, at: tx.now) else { return nil }
            var run = old
            if run.status == .created { try tx.move(&run, to: .running) }
            run.fencingToken += 1
            let lease = Lease(holder: r.worker, token: run.fencingToken, expiresAt: tx.now.adding(seconds: TimeInterval(r.leaseSeconds)))
            run.lease = lease
            run = try tx.commitRun(from: old, to: run, event: "run.claimed",
                                   data: ["worker": .string(r.worker), "token": .int(lease.token)])
            return ClaimedRun(run: run, lease: lease)
        }
    }

    public func renewLease(_ tenant: TenantID, _ runId: String, token: Int64, leaseSeconds: Int) async throws -> Lease {
        try Rules.checkSeconds(leaseSeconds, field: "lease_seconds", max: 86400)
        return try await write { tx in
            let old = try tx.requireRun(tenant, runId)
            try Rules.checkFence(old, token)
            var run = old
            run.lease!.expiresAt = tx.now.adding(seconds: TimeInterval(leaseSeconds))
            return try tx.commitRun(from: old, to: run, event: "lease.renewed").lease!
        }
    }

    public func releaseLease(_ tenant: TenantID, _ runId: String, token: Int64) async throws -> Run {
        try await write { tx in
            let old = try tx.requireRun(tenant, runId)
            // Releasing after the run already let go of the lease (it finished or began to wait)
            // is answered kindly; only a newer holder makes the token stale.
            if old.lease == nil, token == old.fencingToken { return old }
            try Rules.checkFence(old, token)
            var run = old
            run.lease = nil
            return try tx.commitRun(from: old, to: run, event: "lease.released")
        }
    }
}
