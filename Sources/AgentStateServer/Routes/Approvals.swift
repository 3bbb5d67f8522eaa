import AgentState
import Foundation
import Hummingbird

extension AgentStateAPI {
    func addApprovalRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("runs/:id/approvals") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(ApprovalRequest.self, limits: limits)
            let approval = try await store.requestApproval(context.tenant, try context.parameters.decoded("id"), body)
            return try Reply.json(approval, status: .created, etag: approval.version, headers: [.location: "/v1/approvals/\(approval.id)"])
        }
        v1.get("approvals") { request, context in
            try await context.authorize(.read, .caller)
            let overdue = request.query("overdue").map { $0 == "true" || $0 == "1" } ?? false
            let query = ApprovalQuery(status: try request.queryChoice("status"), approver: request.query("approver"), group: request.query("group"),
                                  runId: request.query("run_id"), overdue: overdue, limit: try request.queryInt("limit") ?? 50,
                                  cursor: request.query("cursor"))
            var page = try await store.approvals(context.tenant, query)
            if let user = context.key?.userId {
                // Approvals carry no user; their runs do. A page may come back shorter, its cursor still right.
                var mine: [String: Bool] = [:]
                var kept: [Approval] = []
                for approval in page.items {
                    if mine[approval.runId] == nil { mine[approval.runId] = try await Target.run(approval.runId, belongsTo: user, context.tenant, store) }
                    if mine[approval.runId] == true { kept.append(approval) }
                }
                page.items = kept
            }
            return try Reply.json(page)
        }
        v1.post("approvals/:id/decision") { request, context in
            try await context.authorize(.decide, .approval(try context.parameters.decoded("id")))
            var request = request
            var decision = try await request.decode(Decision.self, limits: limits)
            let approval = try await preconditioned(try request.ifMatch()) { expected in
                if let expected { decision.expectedVersion = expected }
                return try await store.decide(context.tenant, try context.parameters.decoded("id"), decision)
            }
            return try Reply.json(approval, etag: approval.version)
        }
    }
}
