import AgentState

/// The approval day: many runs waiting on approvals, a quarter of them decided, then the clock
/// moves past every deadline and the sweeper expires the rest. What it measures is the sweeper:
/// its cost per expired approval, and how long any one pass holds the store's write lock (a pass
/// expires at most a batch, so live requests never wait behind the whole backlog). The workload
/// moves the store's clock, so the store must have been opened with `clock`.
public struct ApprovalDay: Sendable {
    public let store: any StateStore
    public let clock: ManualClock
    public let runs: Int
    public let clients: Int
    public let tenant: TenantID
    public let prefix: String

    public init(store: any StateStore, clock: ManualClock, runs: Int, clients: Int, tenant: TenantID, prefix: String) {
        self.store = store
        self.clock = clock
        self.runs = runs
        self.clients = clients
        self.tenant = tenant
        self.prefix = prefix
    }

    /// What the sweeper did at nightfall.
    public struct Night: Sendable {
        /// Each pass's time, in milliseconds, in the order they ran.
        public var passes: [Double] = []
        public var expired = 0
    }

    /// The runs, created, claimed and each waiting on an approval, by `clients` workers at once.
    public func prepare(progress: (Int) -> Void = { _ in }) async throws {
        try await inLanes(runs, lanes: clients, progress: progress) { [self] i in
            let workflow = "\(prefix)-w\(i)"
            _ = try await store.createRun(tenant, RunCreate(id: "\(prefix)-r\(i)", workflow: workflow))
            guard let claimed = try await store.claim(tenant, ClaimRequest(worker: "w\(i % clients)", workflow: workflow)) else {
                throw AgentStateError(.conflict, "run \(prefix)-r\(i) could not be claimed")
            }
            _ = try await store.requestApproval(tenant, claimed.run.id, ApprovalRequest(
                id: approvalId(i), approver: "ops@example.com", reason: "refund", timeoutSeconds: 3600, fencingToken: claimed.lease.token))
        }
    }

    /// A quarter of the approvals decided by operators during the day, `clients` at once;
    /// returns each decision's time in milliseconds, sorted.
    public func decideQuarter() async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for lane in 0..<clients {
                group.addTask {
                    var mine: [Double] = []
                    for i in stride(from: lane * 4, to: runs, by: clients * 4) {
                        let t0 = ContinuousClock.now
                        _ = try await store.decide(tenant, approvalId(i), Decision(.approved, by: "ops@example.com"))
                        mine.append((ContinuousClock.now - t0).milliseconds)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }.sorted()
    }

    /// Every undecided deadline passes; the sweeper expires them, pass by pass. Throws unless it
    /// expired exactly the undecided ones.
    public func nightfall() async throws -> Night {
        clock.advance(by: 2 * 3600)
        var night = Night()
        while true {
            let t0 = ContinuousClock.now
            let report = try await store.sweep()
            night.passes.append((ContinuousClock.now - t0).milliseconds)
            night.expired += report.approvalsExpired
            if !report.moreDue { break }
        }
        let undecided = runs - (runs + 3) / 4
        let pending = try await store.statistics(tenant: tenant).pendingApprovals
        guard night.expired == undecided, pending == 0 else {
            throw AgentStateError(.conflict, "the sweeper expired \(night.expired) of \(undecided) approvals; \(pending) still pending")
        }
        return night
    }

    private func approvalId(_ i: Int) -> String { "\(prefix)-a\(i)" }
}

extension Duration {
    /// This duration in milliseconds, as the benchmarks report latencies.
    public var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
