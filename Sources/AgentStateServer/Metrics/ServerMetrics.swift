import AgentState
import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry of its own (not the process-wide metrics
/// system), so several servers in one process — tests — do not mix their figures.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let requestCounters = Mutex<[String: Counter]>([:])
    private let requestTimers = Mutex<[String: DurationHistogram]>([:])
    private let storeTimers = Mutex<[String: DurationHistogram]>([:])
    private let storeFailures = Mutex<[String: Counter]>([:])
    private let runs = Mutex<[String: Gauge]>([:])
    private let secrets = Mutex<[String: Counter]>([:])
    private let pending: Gauge
    private let overdue: Gauge
    private let cacheUp: Gauge
    private let outboxLength: Gauge
    private let flushLag: Gauge
    private let hitRatio: Gauge
    private let resident: Gauge
    private let peakResident: Gauge

    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    public init() {
        pending = registry.makeGauge(name: "agentstate_approvals_pending", help: "Approvals waiting for a decision")
        overdue = registry.makeGauge(name: "agentstate_approvals_overdue", help: "Pending approvals past their deadline")
        cacheUp = registry.makeGauge(name: "agentstate_cache_up", help: "1 while the Redis hot tier answers, 0 while the store serves without it")
        outboxLength = registry.makeGauge(name: "agentstate_outbox_length", help: "Appends in the Redis outbox not yet flushed to the durable store")
        flushLag = registry.makeGauge(name: "agentstate_flush_lag_seconds", help: "How long the oldest append not yet flushed to the durable store has waited")
        hitRatio = registry.makeGauge(name: "agentstate_cache_hit_ratio", help: "Share of context reads served by the Redis hot tier alone")
        resident = registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory of the server process")
        peakResident = registry.makeGauge(name: "agentstate_process_peak_resident_memory_bytes",
                                          help: "The most resident memory the server process has held since it started")
    }

    /// Refreshes the process's memory gauges.
    func updateProcess() {
        let now = ProcessMemory.residentBytes
        if let now { resident.set(now) }
        // The kernel keeps the two counts apart and refreshes them lazily, so the peak it reports
        // can trail what /proc shows resident a moment earlier.
        peakResident.set(max(ProcessMemory.peakResidentBytes, now ?? 0))
    }

    /// Refreshes the hot tier's gauges.
    func update(_ tier: TierHealth) {
        cacheUp.set(tier.isDegraded ? 0.0 : 1.0)
        if let length = tier.outboxLength { outboxLength.set(Double(length)) }
        if let lag = tier.flushLag { flushLag.set(AgentStateAPI.seconds(lag)) }
        if let ratio = tier.hitRatio { hitRatio.set(ratio) }
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        let key = "\(method) \(route) \(status)"
        let counter = requestCounters.withLock { cache in
            if let c = cache[key] { return c }
            let c = registry.makeCounter(name: "agentstate_http_requests_total", labels: labels, help: "HTTP requests by route and status")
            cache[key] = c
            return c
        }
        counter.increment()
        let timer = requestTimers.withLock { cache in
            if let t = cache[key] { return t }
            let t = registry.makeDurationHistogram(name: "agentstate_http_request_duration_seconds", labels: labels, buckets: Self.latencyBuckets,
                                                   help: "HTTP request latency by route and status")
            cache[key] = t
            return t
        }
        timer.record(duration)
    }

    func recordStore(_ operation: String, _ duration: Duration, failed: Bool) {
        let timer = storeTimers.withLock { cache in
            if let t = cache[operation] { return t }
            let t = registry.makeDurationHistogram(name: "agentstate_store_operation_duration_seconds", labels: [("operation", operation)],
                                                   buckets: Self.latencyBuckets, help: "Store operation latency")
            cache[operation] = t
            return t
        }
        timer.record(duration)
        if failed {
            storeFailures.withLock { cache in
                if cache[operation] == nil {
                    cache[operation] = registry.makeCounter(name: "agentstate_store_failures_total", labels: [("operation", operation)],
                                                            help: "Store operations that failed on the store's side")
                }
                return cache[operation]!
            }.increment()
        }
    }

    /// A value that looked like a credential, and what the policy did with it.
    func recordSecret(_ kind: String, _ policy: SecretPolicy) {
        let action = policy == .reject ? "rejected" : "redacted"
        secrets.withLock { cache in
            let key = kind + " " + action
            if cache[key] == nil {
                cache[key] = registry.makeCounter(name: "agentstate_secrets_total", labels: [("kind", kind), ("action", action)],
                                                  help: "Values that looked like credentials in writes, by kind and what was done")
            }
            return cache[key]!
        }.increment()
    }

    /// Refreshes the gauges from the store's counts.
    func update(_ s: StoreStatistics) {
        for (status, count) in s.runsByStatus {
            runs.withLock { cache in
                if cache[status] == nil {
                    cache[status] = registry.makeGauge(name: "agentstate_runs", labels: [("status", status)], help: "Runs by status")
                }
                return cache[status]!
            }.set(Double(count))
        }
        pending.set(Double(s.pendingApprovals))
        overdue.set(Double(s.overdueApprovals))
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        var out: [UInt8] = []
        registry.emit(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
