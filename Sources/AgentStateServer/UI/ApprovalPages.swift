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

    private struct DecisionForm {
        let path: String
        let style: String
        let csrf: String
        let value: String
        let button: String
    }

    private struct WaitingRow {
        let id: String
        let overdue: Bool
        let runPath: String
        let runId: String
        let reason: String
        let approver: String
        let asked: HTML.Time
        let due: HTML.Time?
        let decisions: [DecisionForm]
    }

    private struct DecidedRow {
        let id: String
        let runPath: String
        let runId: String
        let status: String
        let by: String
        let comment: String
        let when: HTML.Time
    }

    private struct Approvals {
        let overdueOnly: Bool
        let pendingCount: Int
        let overdueCount: Int
        let waiting: [WaitingRow]
        let decided: [DecidedRow]
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
        let waiting = shown.map { a in
            WaitingRow(id: a.id, overdue: overdueIds.contains(a.id), runPath: HTML.query(a.runId), runId: a.runId, reason: a.reason,
                       approver: a.approver ?? a.group.map { "group " + $0 } ?? "anyone", asked: HTML.time(a.createdAt),
                       due: a.expiresAt.map(HTML.time),
                       decisions: ApprovalDecision.allCases.map { d in
                           DecisionForm(path: HTML.query(a.id), style: d == .approved ? "approve" : "reject", csrf: session.csrf, value: d.rawValue,
                                        button: d == .approved ? "Approve" : "Reject")
                       })
        }
        let history = decided.map { a in
            DecidedRow(id: a.id, runPath: HTML.query(a.runId), runId: a.runId, status: a.status.rawValue, by: a.decidedBy ?? "–",
                       comment: a.comment ?? "–", when: HTML.time(a.decidedAt ?? a.updatedAt))
        }
        return HTML.page("Approvals", session: session, "approvals",
                         Approvals(overdueOnly: overdueOnly, pendingCount: shown.count, overdueCount: overdue.count, waiting: waiting, decided: history))
    }

    private func recentlyDecided(_ tenant: TenantID) async throws -> [Approval] {
        var decided: [Approval] = []
        for status in [ApprovalStatus.approved, .rejected, .expired] {
            decided += try await store.approvals(tenant, ApprovalQuery(status: status, limit: 20)).items
        }
        return Array(decided.sorted { ($0.decidedAt ?? $0.updatedAt) > ($1.decidedAt ?? $1.updatedAt) }.prefix(20))
    }
}
