import AgentState
import Hummingbird
import NIOCore

struct HealthBody: Encodable {
    var status: String
    var store: String
    var detail: String?
    /// For a tiered store: `ok`, or why its Redis cannot be used.
    var cache: String?
    /// For a tiered store: appends not yet flushed to the durable store, and how long the oldest
    /// has waited.
    var outboxLength: Int?
    var flushLagSeconds: Double?
}

extension AgentStateAPI {
    /// Prometheus text format, unauthenticated like the health checks (expose it only where
    /// your scraper can reach it).
    func addMetricsRoute(to router: Router<AppRequestContext>, metrics: ServerMetrics) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("metrics") { _, _ in
            metrics.updateProcess()
            if let counts = try? await store.statistics(tenant: nil) { metrics.update(counts) }
            if let tiers { metrics.update(await tiers.tierHealth()) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Liveness says the same every time, so its body is encoded once: a probe, or the ping
    /// floor of `agentstate bench`, then costs the server its HTTP path and nothing more.
    private static let live = ByteBuffer(string: #"{"status":"ok","store":"not checked"}"#)

    /// Unauthenticated: for load balancers and orchestrators.
    func addHealthRoutes(to router: Router<AppRequestContext>) {
        router.get("health/live") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: Self.live))
        }
        router.get("health/ready") { _, _ in
            do {
                _ = try await store.sessions("health-check", SessionQuery(limit: 1))
                guard let tiers else { return try Reply.json(HealthBody(status: "ok", store: "ok")) }
                // Without its cache the store still serves (degraded), so the server stays ready.
                let tier = await tiers.tierHealth()
                return try Reply.json(HealthBody(status: tier.isDegraded ? "degraded" : "ok", store: "ok", cache: tier.cache,
                                                 outboxLength: tier.outboxLength, flushLagSeconds: tier.flushLag.map(Self.seconds)))
            } catch {
                return try Reply.json(HealthBody(status: "unavailable", store: "failing", detail: "\(error)"), status: .serviceUnavailable)
            }
        }
    }
}
