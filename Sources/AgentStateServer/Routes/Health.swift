import AgentState
import Hummingbird

struct HealthBody: Encodable {
    var status: String
    var store: String
    var detail: String?
}

extension AgentStateAPI {
    /// Unauthenticated: for load balancers and orchestrators.
    func addHealthRoutes(to router: Router<AppRequestContext>) {
        router.get("health/live") { _, _ in
            try Reply.json(HealthBody(status: "ok", store: "not checked"))
        }
        router.get("health/ready") { _, _ in
            do {
                _ = try await store.sessions("health-check", SessionQuery(limit: 1))
                return try Reply.json(HealthBody(status: "ok", store: "ok"))
            } catch {
                return try Reply.json(HealthBody(status: "unavailable", store: "failing", detail: "\(error)"), status: .serviceUnavailable)
            }
        }
    }
}
