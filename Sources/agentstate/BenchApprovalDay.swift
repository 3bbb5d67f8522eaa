import AgentState
import AgentStateWorkloads
import Foundation

extension BenchCommand {
    /// `--workload approvals`: the approval day (see `ApprovalDay`) on a store this command opens
    /// itself, because the workload moves the store's clock: SQLite or memory only.
    static func approvalDay(url: StoreURL, runs: Int, clients: Int, tenant: TenantID, prefix: String) async throws {
        switch url {
        case .memory, .sqlite: break
        default: throw AgentStateError.invalidInput(field: "store", "must be sqlite: or memory: for the approvals workload, which moves the store's clock")
        }
        let clock = ManualClock(Date())
        let store = try await StoreOpener.open(url, migrate: false, keyRing: try DataKeyRing.configured(), clock: clock)
        let day = ApprovalDay(store: store, clock: clock, runs: runs, clients: clients, tenant: tenant, prefix: prefix)

        let setupStart = ContinuousClock.now
        let bar = ProgressBar(label: "runs waiting")
        try await day.prepare { bar.show($0, of: runs) }
        bar.finish()
        let setup = (ContinuousClock.now - setupStart).milliseconds / 1000
        let decisions = try await day.decideQuarter()
        let sweepStart = ContinuousClock.now
        let night = try await day.nightfall()
        let sweeping = (ContinuousClock.now - sweepStart).milliseconds
        try await store.close()

        func ms(_ x: Double) -> String { String(format: "%.2f ms", x) }
        print("""
            target       store \(url)
            workload     approvals   \(runs) runs waiting on approvals, \(decisions.count) decided, \(night.expired) expired by the sweeper
            set up       \(String(format: "%.1f", setup)) s (\(String(format: "%.0f", Double(runs) / setup)) runs/s, \(clients) workers): create, claim, ask
            decisions    p50 \(ms(percentile(decisions, 0.5)))   p99 \(ms(percentile(decisions, 0.99)))
            sweeping     \(ms(sweeping)) in \(night.passes.count) passes: \(String(format: "%.0f", sweeping * 1000 / Double(max(night.expired, 1)))) µs per expired approval, longest pass \(ms(night.passes.max() ?? 0))
            """)
    }
}
