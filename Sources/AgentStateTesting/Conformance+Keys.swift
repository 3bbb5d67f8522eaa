import AgentState
import Foundation
import Testing

extension Conformance {
    static let keyChecks: [Check] = [
        check("keys: a secret is shown once, stored only as a hash, and stops working when revoked") { h in
            let issued = try await h.store.createAPIKey(tenant, role: .operator, name: "ops laptop")
            #expect(issued.secret.hasPrefix("as_") && issued.secret.count == 43)
            #expect(issued.key.secretHash != issued.secret && !issued.key.secretHash.contains(issued.secret))
            #expect(issued.key.prefix == String(issued.secret.prefix(10)))
            let found = try await h.store.authenticate(secret: issued.secret)
            #expect(found?.id == issued.key.id && found?.tenantId == tenant && found?.role == .operator)
            #expect(try await h.store.authenticate(secret: issued.secret + "x") == nil)
            #expect(try await h.store.authenticate(secret: "Bearer nonsense") == nil)

            let other = try await h.store.createAPIKey(otherTenant, role: .agent, name: nil)
            #expect(try await h.store.apiKeys(tenant: tenant).map(\.id) == [issued.key.id])
            #expect(Set(try await h.store.apiKeys(tenant: nil).map(\.id)) == [issued.key.id, other.key.id])
            await expectFailure(.notFound, "another tenant's key") { try await h.store.revokeAPIKey(tenant, id: other.key.id) }
            #expect(try await h.store.authenticate(secret: other.secret) != nil)

            let revoked = try await h.store.revokeAPIKey(tenant, id: issued.key.id)
            #expect(revoked.isRevoked)
            #expect(try await h.store.authenticate(secret: issued.secret) == nil)
            await expectFailure(.invalidInput) { try await h.store.createAPIKey("bad tenant!", role: .admin, name: nil) }
        },
        check("idempotency: a key replays the first response, refuses another request, and expires") { h in
            #expect(try await h.store.beginIdempotent(tenant, key: "k1", requestHash: "A") == .proceed)
            #expect(try await h.store.beginIdempotent(tenant, key: "k1", requestHash: "A") == .inProgress)
            try await h.store.finishIdempotent(tenant, key: "k1", status: 201, headers: ["ETag": "\"1\""], body: "{\"id\":\"r\"}")
            guard case .replay(let record) = try await h.store.beginIdempotent(tenant, key: "k1", requestHash: "A") else {
                Issue.record("expected a replay")
                return
            }
            #expect(record.status == 201 && record.headers == ["ETag": "\"1\""] && record.body == "{\"id\":\"r\"}")
            #expect(try await h.store.beginIdempotent(tenant, key: "k1", requestHash: "B") == .mismatch)
            #expect(try await h.store.beginIdempotent(otherTenant, key: "k1", requestHash: "B") == .proceed, "keys are per tenant")

            #expect(try await h.store.beginIdempotent(tenant, key: "k2", requestHash: "A") == .proceed)
            try await h.store.abandonIdempotent(tenant, key: "k2")
            #expect(try await h.store.beginIdempotent(tenant, key: "k2", requestHash: "B") == .proceed, "a failed first try frees the key")

            h.clock.advance(by: APIKeys.idempotencyWindow + 1)
            #expect(try await h.store.sweep().idempotencyRecordsRemoved == 3)
            #expect(try await h.store.beginIdempotent(tenant, key: "k1", requestHash: "B") == .proceed)
        },
    ]
}
