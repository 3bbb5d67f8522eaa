import Foundation

/// Parks a running run until a time (its timer) or a signal.
public struct WaitRun: StoreOperation {
    public static let name = "wait"
    public var tenant: TenantID
    public var runId: String
    public var request: WaitRequest

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        let r = request
        try Rules.checkText(r.reason, field: "reason", max: 4096)
        return try await store.write { [tenant, runId] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/wait", body: request)
    }
}

/// Wakes a waiting run, with an optional payload for its event.
public struct SignalRun: StoreOperation {
    public static let name = "signal"
    public var tenant: TenantID
    public var runId: String
    public var payload: JSONValue?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        try await store.write { [tenant, runId, payload] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/signal", body: SignalBody(payload: payload))
    }
}

/// The next runnable run for a worker, with a lease and a new fencing token; `nil` when none.
public struct ClaimRun: StoreOperation {
    public static let name = "claim"
    public var tenant: TenantID
    public var request: ClaimRequest

    public func run<Store: TransactionalStore>(on store: Store) async throws -> ClaimedRun? {
        let r = request
        try Identifier.validateName(r.worker, field: "worker")
        try Rules.checkSeconds(r.leaseSeconds, field: "lease_seconds", max: 86400)
        if let w = r.workflow { try Identifier.validate(w, field: "workflow") }
        return try await store.write { [tenant] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> ClaimedRun? {
        try await transport.answer(tenant, "POST", "/v1/runs/claim", query: [:], body: request, headers: [:])
    }
}

/// Extends the lease the token holds.
public struct RenewLease: StoreOperation {
    public static let name = "renewLease"
    public var tenant: TenantID
    public var runId: String
    public var token: Int64
    public var leaseSeconds: Int

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Lease {
        try Rules.checkSeconds(leaseSeconds, field: "lease_seconds", max: 86400)
        return try await store.write { [tenant, runId, token, leaseSeconds] tx in
            let old = try tx.requireRun(tenant, runId)
            try Rules.checkFence(old, token)
            var run = old
            run.lease!.expiresAt = tx.now.adding(seconds: TimeInterval(leaseSeconds))
            return try tx.commitRun(from: old, to: run, event: "lease.renewed").lease!
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Lease {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/lease/renew", body: RenewBody(token: token, leaseSeconds: leaseSeconds))
    }
}

/// Gives up the lease the token holds.
public struct ReleaseLease: StoreOperation {
    public static let name = "releaseLease"
    public var tenant: TenantID
    public var runId: String
    public var token: Int64

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        try await store.write { [tenant, runId, token] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "DELETE", "/v1/runs/" + pathSegment(runId) + "/lease", query: ["token": String(token)], body: nil)
    }
}

extension StateStore {
    public func wait(_ tenant: TenantID, _ runId: String, _ request: WaitRequest) async throws -> Run {
        try await perform(WaitRun(tenant: tenant, runId: runId, request: request))
    }

    public func signal(_ tenant: TenantID, _ runId: String, payload: JSONValue?) async throws -> Run {
        try await perform(SignalRun(tenant: tenant, runId: runId, payload: payload))
    }

    public func claim(_ tenant: TenantID, _ request: ClaimRequest) async throws -> ClaimedRun? {
        try await perform(ClaimRun(tenant: tenant, request: request))
    }

    public func renewLease(_ tenant: TenantID, _ runId: String, token: Int64, leaseSeconds: Int) async throws -> Lease {
        try await perform(RenewLease(tenant: tenant, runId: runId, token: token, leaseSeconds: leaseSeconds))
    }

    public func releaseLease(_ tenant: TenantID, _ runId: String, token: Int64) async throws -> Run {
        try await perform(ReleaseLease(tenant: tenant, runId: runId, token: token))
    }
}
