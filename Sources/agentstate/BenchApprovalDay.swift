import AgentState
import AgentStateSQLite
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
        let clock = ManualClock(Date())
        let store: any StateStore
        switch url {
        case .memory: store = InMemoryStore(clock: clock)
        case .sqlite(let path, let options):
            store = try SQLiteStore(path: path, configuration: try SQLiteStore.Configuration(urlOptions: options), clock: clock)
        default:
            throw AgentStateError.invalidInput(field: "store", "the approvals workload moves the store's clock: give a sqlite: or memory: store")
        }
        let approvalIds = Array(0..<runs).map { "\(prefix)-a\($0)" }

        // Runs waiting on approvals: created, claimed and asked, by `clients` workers at once.
        let setupStart = ContinuousClock.now
        let bar = ProgressBar(label: "runs waiting")
        try await forEachInParallel(0..<runs) { i in
            let workflow = "\(prefix)-w\(i)"
            _ = try await store.createRun(tenant, RunCreate(id: "\(prefix)-r\(i)", workflow: workflow))
            guard let claimed = try await store.claim(tenant, ClaimRequest(worker: "w\(i % clients)", workflow: workflow)) else {
                throw AgentStateError(.conflict, "run \(prefix)-r\(i) could not be claimed")
            }
            _ = try await store.requestApproval(tenant, claimed.run.id, ApprovalRequest(
                id: approvalIds[i], approver: "ops@example.com", reason: "refund", timeoutSeconds: 3600, fencingToken: claimed.lease.token))
        } progress: { bar.show($0, of: runs) }
        bar.finish()
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
            decisions    p50 \(ms(percentile(decisions, 0.5)))   p99 \(ms(percentile(decisions, 0.99)))
            sweeping     \(ms(sweeping)) in \(passes.count) passes: \(String(format: "%.0f", sweeping * 1000 / Double(max(expired, 1)))) µs per expired approval, longest pass \(ms(passes.max() ?? 0))
            """)
    }

    private func forEachInParallel(_ range: Range<Int>, _ body: @escaping @Sendable (Int) async throws -> Void,
                                   progress: (Int) -> Void) async throws {
        let chunk = 1_000
        for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
            let end = min(range.upperBound, start + chunk)
            let lanes = clients
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<lanes {
                    group.addTask { for i in stride(from: start + lane, to: end, by: lanes) { try await body(i) } }
                }
                try await group.waitForAll()
            }
            progress(end)
        }
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

    private func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }
}
