import AgentState
import Foundation
import Testing

extension Conformance {
    static let auditChecks: [Check] = [
        check("audit: records read back newest first, filtered by key, time and kind, in pages; other tenants' unseen; pruned oldest first") { h in
            let t0 = h.clock.now()
            func record(_ i: Int, tenant: TenantID = tenant, key: String, method: String) -> AuditRecord {
                let at = t0.addingTimeInterval(Double(i))
                return AuditRecord(id: Identifier.generate("aud", at: at), tenantId: tenant, at: at, keyId: key, role: .agent, method: method,
                                   route: "/v1/sessions/{id}", path: "/v1/sessions/s\(i)", status: 200, remote: "127.0.0.1")
            }
            let mine = (0..<6).map { record($0, key: $0 % 2 == 0 ? "key_a" : "key_b", method: $0 % 3 == 0 ? "POST" : "GET") }
            try await h.store.appendAudit(mine + [record(3, tenant: otherTenant, key: "key_a", method: "POST")])
            try await h.store.appendAudit([])

            let all = try await h.store.auditRecords(tenant, AuditQuery())
            #expect(all.items == Array(mine.reversed()), "newest first, this tenant's only")
            #expect(try await h.store.auditRecords(tenant, AuditQuery(keyId: "key_a")).items.map(\.path) == ["/v1/sessions/s4", "/v1/sessions/s2", "/v1/sessions/s0"])
            #expect(try await h.store.auditRecords(tenant, AuditQuery(changesOnly: true)).items.map(\.path) == ["/v1/sessions/s3", "/v1/sessions/s0"])
            let window = try await h.store.auditRecords(tenant, AuditQuery(since: t0.addingTimeInterval(2), until: t0.addingTimeInterval(4)))
            #expect(window.items.map(\.path) == ["/v1/sessions/s3", "/v1/sessions/s2"])

            let first = try await h.store.auditRecords(tenant, AuditQuery(limit: 4))
            let second = try await h.store.auditRecords(tenant, AuditQuery(limit: 4, cursor: first.nextCursor))
            #expect(first.items.count == 4 && second.items.count == 2 && second.nextCursor == nil)
            #expect(first.items + second.items == all.items)
            await expectFailure(.invalidInput) { try await h.store.auditRecords(tenant, AuditQuery(since: t0, until: t0.addingTimeInterval(-1))) }

            #expect(try await h.store.pruneAudit(before: t0.addingTimeInterval(3), limit: 2) == 2)
            #expect(try await h.store.pruneAudit(before: t0.addingTimeInterval(3), limit: 10) == 1)
            #expect(try await h.store.auditRecords(tenant, AuditQuery()).items.map(\.path) == ["/v1/sessions/s5", "/v1/sessions/s4", "/v1/sessions/s3"])
            #expect(try await h.store.auditRecords(otherTenant, AuditQuery()).items.count == 1, "another tenant's newer record stays")
        },
    ]
}
