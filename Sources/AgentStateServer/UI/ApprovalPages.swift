import AgentState
import Foundation
import Hummingbird

extension OperatorPage {
    func addApprovalPages(to ui: RouterGroup<AppRequestContext>) {
        ui.get("approvals") { request, context in
            try await signedIn(request, context) { session, _ in try await approvalsPage(request, session) }
        }
        ui.post("approvals/:id/decide") { request, context in
            try await signedIn(request, context, form: true) { session, form in
                let id = try context.parameters.require("id")
                guard let decision = form["decision"].flatMap(ApprovalDecision.init(rawValue:)) else {
                    return errorPage(session, "Choose approve or reject.", status: .unprocessableContent)
                }
                let comment = form["comment"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                // The decider is the key, by its name where it has one: the run's audit says who.
                let by = session.key.name.map { "\($0) (\(session.key.id))" } ?? session.key.id
                _ = try await store.decide(session.tenant, id, Decision(decision, by: by, comment: comment))
                let back = form["back"].flatMap { $0.hasPrefix("/ui/") ? $0 : nil } ?? "/ui/approvals"
                return HTML.redirect(back)
            }
        }
    }

    private func approvalsPage(_ request: Request, _ session: UISession) async throws -> Response {
        let t = session.tenant
        let overdueOnly = request.queryValue("overdue") != nil
        // Overdue ones first: they are what someone must act on now.
        let overdue = try await store.approvals(t, ApprovalQuery(status: .pending, overdue: true, limit: 200)).items
        let pending = overdueOnly ? [] : try await store.approvals(t, ApprovalQuery(status: .pending, limit: 200)).items
        let overdueIds = Set(overdue.map(\.id))
        let shown = overdue + pending.filter { !overdueIds.contains($0.id) }
        let decided = overdueOnly ? [] : try await recentlyDecided(t)
        let rows = shown.map { a in
            let decide = ApprovalDecision.allCases.map { d in
                HTML.form("/ui/approvals/\(HTML.query(a.id))/decide", csrf: session.csrf,
                          "<input type=\"hidden\" name=\"decision\" value=\"\(d.rawValue)\"><input name=\"comment\" placeholder=\"comment\" aria-label=\"comment\">",
                          button: d == .approved ? "Approve" : "Reject", style: d == .approved ? "approve" : "reject")
            }.joined()
            return [
                HTML.escape(a.id) + (overdueIds.contains(a.id) ? " <span class=\"status overdue\">overdue</span>" : ""),
                "<a href=\"/ui/runs/\(HTML.query(a.runId))\">\(HTML.escape(a.runId))</a>", HTML.escape(a.reason),
                HTML.escape(a.approver ?? a.group.map { "group " + $0 } ?? "anyone"), HTML.time(a.createdAt), HTML.time(a.expiresAt), decide,
            ]
        }
        let history = HTML.table(["Approval", "Run", "Decision", "By", "Comment", "When"], decided.map { a in
            [HTML.escape(a.id), "<a href=\"/ui/runs/\(HTML.query(a.runId))\">\(HTML.escape(a.runId))</a>", HTML.status(a.status.rawValue),
             HTML.escape(a.decidedBy ?? "–"), HTML.escape(a.comment ?? "–"), HTML.time(a.decidedAt ?? a.updatedAt)]
        }, empty: "Nothing decided yet.")
        return HTML.page("Approvals", session: session, """
            <div class="counts"><a href="/ui/approvals" class="\(overdueOnly ? "" : "on")">pending \(shown.count)</a><a href="/ui/approvals?overdue=1" class="\(overdueOnly ? "on" : "")">overdue \(overdue.count)</a></div>
            \(HTML.table(["Approval", "Run", "Reason", "Who decides", "Asked", "Due", "Decide"], rows, empty: "Nothing waits for a decision."))
            \(overdueOnly ? "" : "<h2>Decided lately</h2>" + history)
            """)
    }

    private func recentlyDecided(_ tenant: TenantID) async throws -> [Approval] {
        var decided: [Approval] = []
        for status in [ApprovalStatus.approved, .rejected, .expired] {
            decided += try await store.approvals(tenant, ApprovalQuery(status: status, limit: 20)).items
        }
        return Array(decided.sorted { ($0.decidedAt ?? $0.updatedAt) > ($1.decidedAt ?? $1.updatedAt) }.prefix(20))
    }
}
