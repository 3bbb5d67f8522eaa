import AgentState
import Foundation
import Hummingbird

extension OperatorPage {
    func addHealthPage(to ui: RouterGroup<AppRequestContext>) {
        ui.get("health") { request, context in
            try await signedIn(request, context) { session, _ in
                let started = ContinuousClock.now
                let storeState: String
                do {
                    _ = try await store.sessions("health-check", SessionQuery(limit: 1))
                    storeState = "ok (answered in \(Self.milliseconds(ContinuousClock.now - started)) ms)"
                } catch {
                    storeState = "failing: \(error)"
                }
                var tier: Tier?
                if let tiers {
                    let health = await tiers.tierHealth()
                    tier = Tier(status: health.cache == "ok" ? "ok" : "failed", cache: health.cache,
                                lag: (health.outboxLength.map { "\($0) appends waiting" } ?? "–") + (health.flushLag.map { ", oldest \(Self.milliseconds($0)) ms" } ?? ""),
                                hits: health.hitRatio.map { String(format: "%.0f%% of context reads", $0 * 100) } ?? "–")
                }
                let stats = try await store.statistics(tenant: session.tenant)
                let hour = try await runsChangedLastHour(session.tenant)
                return HTML.page("Health", session: session, "health", Health(
                    storeStatus: storeState.hasPrefix("ok") ? "ok" : "failed", store: storeState, tier: tier,
                    pending: stats.pendingApprovals, overdue: stats.overdueApprovals,
                    rows: RunStatus.allCases.map { s in HealthRow(status: s.rawValue, hour: hour[s] ?? 0, all: stats.runsByStatus[s.rawValue] ?? 0) }))
            }
        }
    }

    private struct Tier {
        let status: String
        let cache: String
        let lag: String
        let hits: String
    }

    private struct HealthRow {
        let status: String
        let hour: Int
        let all: Int
    }

    private struct Health {
        let storeStatus: String
        let store: String
        let tier: Tier?
        let pending: Int
        let overdue: Int
        let rows: [HealthRow]
    }

    /// Runs whose last change was within the hour, by status: newest first, at most 5,000.
    private func runsChangedLastHour(_ tenant: TenantID) async throws -> [RunStatus: Int] {
        let since = Date().addingTimeInterval(-3600)
        var counts: [RunStatus: Int] = [:]
        var cursor: String?
        var seen = 0
        repeat {
            let page = try await store.runs(tenant, RunQuery(limit: 500, cursor: cursor))
            for run in page.items where run.updatedAt >= since { counts[run.status, default: 0] += 1 }
            seen += page.items.count
            cursor = page.nextCursor
            // Runs are listed newest first by creation; one made over a day ago rarely changed now.
            if let last = page.items.last, last.createdAt < since.addingTimeInterval(-86_400) { break }
        } while cursor != nil && seen < 5_000
        return counts
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
