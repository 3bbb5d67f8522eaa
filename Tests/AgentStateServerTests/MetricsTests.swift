import AgentState
import Foundation
import HTTPTypes
import Testing

@Suite("API: health and metrics")
struct MetricsTests {
    @Test("/metrics counts requests by route pattern and status, times store operations, and shows runs and approvals")
    func metrics() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r1","workflow":"wf"}"#)
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r2","workflow":"wf"}"#)
            _ = try await api.call(.post, "/v1/runs/r2/transitions", #"{"to":"running"}"#)
            _ = try await api.call(.post, "/v1/runs/r2/approvals", #"{"approver":"ann","reason":"ok?"}"#)
            _ = try await api.call(.get, "/v1/runs/r1")
            _ = try await api.call(.get, "/v1/runs/nope")
            let m = try await api.call(.get, "/metrics", key: "")
            #expect(m.status == 200 && m.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = m.text
            let lines = text.split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> String? { lines.first { $0.hasPrefix(prefix) }?.split(separator: " ").last.map(String.init) }
            #expect(lines.contains { $0.hasPrefix("agentstate_http_requests_total{") && $0.contains(#"route="/v1/runs/{id}""#) && $0.contains(#"status="200""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("agentstate_http_requests_total{") && $0.contains(#"route="/v1/runs/{id}""#) && $0.contains(#"status="404""#) })
            #expect(!text.contains("r1"), "concrete ids never become labels")
            #expect(lines.contains { $0.hasPrefix("agentstate_store_operation_duration_seconds_count{") && $0.contains(#"operation="createRun""#) && $0.hasSuffix(" 2") })
            #expect(value(#"agentstate_runs{status="created"}"#) == "1.0" && value(#"agentstate_runs{status="waiting_for_approval"}"#) == "1.0")
            #expect(value("agentstate_approvals_pending") == "1.0")
            #expect(text.contains("agentstate_http_request_duration_seconds_bucket"))
            // The process's memory, for load tests to read from outside: more than the 1 MiB any Swift server holds.
            let peak = value("agentstate_process_peak_resident_memory_bytes").flatMap(Double.init) ?? 0
            let resident = value("process_resident_memory_bytes").flatMap(Double.init) ?? 0
            #expect(peak > 1_048_576 && resident > 1_048_576 && resident <= peak, "\(peak) \(resident)")
        }
    }
}
