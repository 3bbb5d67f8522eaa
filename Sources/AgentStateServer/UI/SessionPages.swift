import AgentState
import Foundation
import Hummingbird

extension OperatorPage {
    func addSessionPages(to ui: RouterGroup<AppRequestContext>) {
        ui.get("sessions") { request, context in
            try await signedIn(request, context) { session, _ in
                let status = request.queryValue("status").flatMap(SessionStatus.init(rawValue:))
                let page = try await store.sessions(session.tenant, SessionQuery(userId: request.queryValue("user"), status: status, limit: 50, cursor: request.queryValue("cursor")))
                let rows = page.items.map { s in
                    ["<a href=\"/ui/sessions/\(HTML.query(s.id))\">\(HTML.escape(s.id))</a>", HTML.escape(s.title ?? "–"), HTML.escape(s.userId ?? "–"),
                     HTML.status(s.status.rawValue), String(s.lastSeq), HTML.time(s.lastActivityAt)]
                }
                let next = page.nextCursor.map { "<p><a href=\"/ui/sessions?cursor=\(HTML.query($0))\">Next page →</a></p>" } ?? ""
                return HTML.page("Sessions", session: session, """
                    <form class="filters" method="get" action="/ui/sessions"><input name="user" placeholder="user id" value="\(HTML.escape(request.queryValue("user") ?? ""))">
                    <select name="status" aria-label="status"><option value="">any status</option>\(SessionStatus.allCases.map { "<option\(status == $0 ? " selected" : "")>\($0.rawValue)</option>" }.joined())</select>
                    <button type="submit">Filter</button></form>
                    \(HTML.table(["Session", "Title", "User", "Status", "Messages", "Last activity"], rows, empty: "No sessions match."))
                    \(next)
                    """)
            }
        }
        ui.get("sessions/:id") { request, context in
            try await signedIn(request, context) { session, _ in
                try await sessionPage(session, id: try context.parameters.require("id"))
            }
        }
    }

    private func sessionPage(_ session: UISession, id: String) async throws -> Response {
        let s = try await store.session(session.tenant, id)
        let window = try await store.messages(session.tenant, id, .last(200))
        let transcript = window.messages.map { m -> String in
            let calls = (m.toolCalls ?? []).map { call in
                "<div class=\"call\"><span class=\"role\">calls \(HTML.escape(call.name))</span> <code>\(HTML.escape(call.id))</code><pre>\(HTML.escape(call.arguments))</pre></div>"
            }.joined()
            let answers = m.toolCallId.map { " answering <code>\(HTML.escape($0))</code>" + (m.name.map { " (" + HTML.escape($0) + ")" } ?? "") } ?? ""
            return """
                <div class="msg \(m.role == .tool ? "tool" : "")"><span class="role">#\(m.seq) \(m.role.rawValue)\(answers)</span> · \(HTML.time(m.createdAt))
                <pre>\(HTML.escape(m.content))</pre>\(calls)</div>
                """
        }.joined(separator: "\n")
        let older = window.messages.first.map { $0.seq > 1 ? "<p class=\"empty\">The \(window.messages.count) newest messages of \(s.lastSeq).</p>" : "" } ?? ""
        return HTML.page("Session \(id)", session: session, """
            <dl class="facts">
            <dt>Status</dt><dd>\(HTML.status(s.status.rawValue))</dd>
            <dt>Title</dt><dd>\(HTML.escape(s.title ?? "–"))</dd>
            <dt>User · agent</dt><dd>\(HTML.escape(s.userId ?? "–")) · \(HTML.escape(s.agentId ?? "–"))</dd>
            <dt>Messages</dt><dd>\(s.lastSeq)</dd>
            <dt>Summary</dt><dd>\(s.summary.map { "<pre>\(HTML.escape($0.text))</pre>(through message \($0.throughSeq))" } ?? "–")</dd>
            <dt>Context</dt><dd>\(HTML.json(s.context))</dd>
            </dl>
            <h2>Transcript</h2>\(older)\(transcript.isEmpty ? "<p class=\"empty\">No messages yet.</p>" : transcript)
            """)
    }

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
