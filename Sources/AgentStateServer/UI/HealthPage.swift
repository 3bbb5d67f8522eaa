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
                var facts = "<dt>Store</dt><dd>\(HTML.status(storeState.hasPrefix("ok") ? "ok" : "failed")) \(HTML.escape(storeState))</dd>"
                if let tiers {
                    let tier = await tiers.tierHealth()
                    facts += "<dt>Redis tier</dt><dd>\(HTML.status(tier.cache == "ok" ? "ok" : "failed")) \(HTML.escape(tier.cache))</dd>"
                    facts += "<dt>Flush lag</dt><dd>\(tier.outboxLength.map { "\($0) appends waiting" } ?? "–")\(tier.flushLag.map { ", oldest \(Self.milliseconds($0)) ms" } ?? "")</dd>"
                    facts += "<dt>Cache hits</dt><dd>\(tier.hitRatio.map { String(format: "%.0f%% of context reads", $0 * 100) } ?? "–")</dd>"
                } else {
                    facts += "<dt>Redis tier</dt><dd>none configured</dd>"
                }
                let stats = try await store.statistics(tenant: session.tenant)
                facts += "<dt>Approvals</dt><dd>\(stats.pendingApprovals) pending, \(stats.overdueApprovals) overdue</dd>"
                let hour = try await runsChangedLastHour(session.tenant)
                let rows = RunStatus.allCases.map { s in
                    [HTML.status(s.rawValue), String(hour[s] ?? 0), String(stats.runsByStatus[s.rawValue] ?? 0)]
                }
                return HTML.page("Health", session: session, """
                    <dl class="facts">\(facts)</dl>
                    <h2>Runs by status</h2>
                    \(HTML.table(["Status", "Changed in the last hour", "All"], rows, empty: ""))
                    """)
            }
        }
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
