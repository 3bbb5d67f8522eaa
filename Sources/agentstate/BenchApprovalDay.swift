import AgentState
import Foundation

/// The approval day: many runs waiting on approvals, a quarter of them decided, then the clock
/// moves past every deadline and the sweeper expires the rest. What it measures is the sweeper:
/// how long it takes per expired approval, and how long any one pass holds the store's write
/// lock (a pass expires at most a batch, so live requests never wait behind the whole backlog).
/// The bench owns the store's clock, so it opens the store itself: SQLite or memory only.
struct ApprovalDay {
    let url: StoreURL
    let runs: Int
    let clients: Int
    let tenant: TenantID
    let prefix: String

    func run() async throws {
        switch url {
        case .memory, .sqlite: break
        default: throw AgentStateError.invalidInput(field: "store", "must be sqlite: or memory: for the approvals workload, which moves the store's clock")
        }
        let clock = ManualClock(Date())
        let store = try await StoreOpener.open(url, migrate: false, keyRing: try DataKeyRing.configured(), clock: clock)
        let approvalIds = Array(0..<runs).map { "\(prefix)-a\($0)" }

        // Runs waiting on approvals: created, claimed and asked, by `clients` workers at once.
        let setupStart = ContinuousClock.now
        try await BenchCommand.inLanes(runs, lanes: clients, label: "runs waiting") { [clients] i in
            let workflow = "\(prefix)-w\(i)"
            _ = try await store.createRun(tenant, RunCreate(id: "\(prefix)-r\(i)", workflow: workflow))
            guard let claimed = try await store.claim(tenant, ClaimRequest(worker: "w\(i % clients)", workflow: workflow)) else {
                throw AgentStateError(.conflict, "run \(prefix)-r\(i) could not be claimed")
            }
            _ = try await store.requestApproval(tenant, claimed.run.id, ApprovalRequest(
                id: approvalIds[i], approver: "ops@example.com", reason: "refund", timeoutSeconds: 3600, fencingToken: claimed.lease.token))
        }
        let setup = ContinuousClock.now - setupStart

        // A quarter decided by operators during the day.
        let quarter = Array(stride(from: 0, to: runs, by: 4))
        let decisions = try await timedInParallel(quarter) { i in
            _ = try await store.decide(tenant, approvalIds[i], Decision(.approved, by: "ops@example.com"))
        }

        // Night falls: every other deadline has passed; the sweeper expires them pass by pass.
        clock.advance(by: 2 * 3600)
        var passes: [Double] = []
        var expired = 0
        let sweepStart = ContinuousClock.now
        while true {
            let t0 = ContinuousClock.now
            let report = try await store.sweep()
            passes.append((ContinuousClock.now - t0).milliseconds)
            expired += report.approvalsExpired
            if !report.moreDue { break }
        }
        let sweeping = (ContinuousClock.now - sweepStart).milliseconds
        let stats = try await store.statistics(tenant: tenant)
        try await store.close()
        guard expired == runs - quarter.count, stats.pendingApprovals == 0 else {
            throw AgentStateError(.conflict, "the sweeper expired \(expired) of \(runs - quarter.count) approvals; \(stats.pendingApprovals) still pending")
        }
        func ms(_ x: Double) -> String { String(format: "%.2f ms", x) }
        print("""
            target       store \(url)
            workload     approvals   \(runs) runs waiting on approvals, \(quarter.count) decided, \(expired) expired by the sweeper
            set up       \(String(format: "%.1f", setup.milliseconds / 1000)) s (\(String(format: "%.0f", Double(runs) / (setup.milliseconds / 1000))) runs/s, \(clients) workers): create, claim, ask
            decisions    p50 \(ms(BenchCommand.percentile(decisions, 0.5)))   p99 \(ms(BenchCommand.percentile(decisions, 0.99)))
            sweeping     \(ms(sweeping)) in \(passes.count) passes: \(String(format: "%.0f", sweeping * 1000 / Double(max(expired, 1)))) µs per expired approval, longest pass \(ms(passes.max() ?? 0))
            """)
    }

    private func timedInParallel(_ items: [Int], _ body: @escaping @Sendable (Int) async throws -> Void) async throws -> [Double] {
        let lanes = clients
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var mine: [Double] = []
                    for i in stride(from: lane, to: items.count, by: lanes) {
                        let t0 = ContinuousClock.now
                        try await body(items[i])
                        mine.append((ContinuousClock.now - t0).milliseconds)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }.sorted()
    }
}
