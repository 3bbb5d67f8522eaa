import AgentState
import AgentStateServer
import Foundation
import HTTPTypes
import Testing

@Suite("API: the audit trail")
struct AuditTests {
    /// The trail is written in batches a moment after the requests: waits for `count` records.
    func trail(_ h: APIHarness, count: Int, _ query: AuditQuery = AuditQuery(limit: 100)) async throws -> [AuditRecord] {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let items = try await h.store.auditRecords("acme", query).items
            if items.count >= count || ContinuousClock.now > deadline { return items }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("every authenticated request is recorded with its key, role, route, path and outcome; operators and admins read the trail, agents may not")
    func recorded() async throws {
        let h = try await APIHarness.make()
        try await h.run { c in
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s1"}"#).status == 201)
            #expect(try await c.call(.get, "/v1/sessions/s1").status == 200)
            #expect(try await c.call(.get, "/v1/sessions/nope").status == 404)
            #expect(try await c.call(.get, "/v1/audit").status == 403, "an agent key may not read the trail")
            let records = try await trail(h, count: 4)
            let agentKey = try #require(try await h.store.authenticate(secret: h.agent))
            #expect(records.map(\.path) == ["/v1/audit", "/v1/sessions/nope", "/v1/sessions/s1", "/v1/sessions"])
            #expect(records.map(\.status) == [403, 404, 200, 201])
            #expect(records.allSatisfy { $0.keyId == agentKey.id && $0.role == .agent && $0.tenantId == "acme" })
            #expect(records[2].route == "/v1/sessions/{id}" && records[3].method == "POST")

            let read = try await c.call(.get, "/v1/audit?changes_only=true&limit=10", key: h.operator)
            #expect(read.status == 200 && read["items"]?.array?.count == 1, "\(read.text)")
            #expect(read["items"]?.array?.first?["path"] == "/v1/sessions")
            let unauthenticated = try await c.call(.get, "/v1/sessions", key: "")
            #expect(unauthenticated.status == 401)
        }
    }

    @Test("audit=changes keeps only requests that change something; audit=off keeps nothing")
    func modes() async throws {
        let h = try await APIHarness.make()
        try await h.run(configure: { config in config.audit = ServerConfiguration.AuditMode.changes }) { (c: APIHarness.Client) async throws in
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s1"}"#).status == 201)
            #expect(try await c.call(.get, "/v1/sessions/s1").status == 200)
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s2"}"#).status == 201)
            #expect(try await trail(h, count: 2).map(\.method) == ["POST", "POST"])
        }
        let quiet = try await APIHarness.make()
        try await quiet.run(configure: { config in config.audit = ServerConfiguration.AuditMode.off }) { c in
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s1"}"#).status == 201)
            try await Task.sleep(for: .milliseconds(400))
        }
        #expect(try await quiet.store.auditRecords("acme", AuditQuery()).items.isEmpty)
    }
}
