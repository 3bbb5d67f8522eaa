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
            let k1 = IdempotentAttempt(tenant: tenant, key: "k1")
            #expect(try await h.store.beginIdempotent(k1, requestHash: "A") == .proceed)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1"), requestHash: "A") == .inProgress)
            try await h.store.finishIdempotent(k1, status: 201, headers: ["ETag": "\"1\""], body: "{\"id\":\"r\"}")
            guard case .replay(let record) = try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1"), requestHash: "A") else {
                Issue.record("expected a replay")
                return
            }
            #expect(record.status == 201 && record.headers == ["ETag": "\"1\""] && record.body == "{\"id\":\"r\"}")
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1"), requestHash: "B") == .mismatch)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: otherTenant, key: "k1"), requestHash: "B") == .proceed, "keys are per tenant")

            let k2 = IdempotentAttempt(tenant: tenant, key: "k2")
            #expect(try await h.store.beginIdempotent(k2, requestHash: "A") == .proceed)
            try await h.store.abandonIdempotent(k2)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k2"), requestHash: "B") == .proceed, "a failed first try frees the key")

            h.clock.advance(by: APIKeys.idempotencyWindow + 1)
            #expect(try await h.store.sweep().idempotencyRecordsRemoved == 3)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1"), requestHash: "B") == .proceed)
        },
        check("idempotency: an attempt whose server died is taken over if it changed nothing, and reported applied if it did; never both") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "chat"))
            // The first attempt reserves the key and dies before writing anything.
            let first = IdempotentAttempt(tenant: tenant, key: "append-1")
            #expect(try await h.store.beginIdempotent(first, requestHash: "A") == .proceed)
            let retry = IdempotentAttempt(tenant: tenant, key: "append-1")
            #expect(try await h.store.beginIdempotent(retry, requestHash: "A") == .inProgress, "within its lease it may still be working")
            h.clock.advance(by: IdempotentAttempt.lease)
            #expect(try await h.store.beginIdempotent(retry, requestHash: "A") == .takeOver)
            // The first attempt was only slow: its write now refuses, and changes nothing.
            await expectFailure(.conflict, "a write of an attempt that lost its key") {
                try await IdempotentAttempt.$current.withValue(first) {
                    _ = try await h.store.appendMessages(tenant, "chat", [.user("from the first attempt")], expectedLastSeq: nil)
                }
            }
            try await h.store.finishIdempotent(first, status: 201, headers: [:], body: "first")
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "append-1"), requestHash: "A") == .inProgress,
                    "the attempt that lost its key keeps no response")
            // The retry applies, and its server dies before keeping the response.
            try await IdempotentAttempt.$current.withValue(retry) {
                _ = try await h.store.appendMessages(tenant, "chat", [.user("from the retry")], expectedLastSeq: nil)
                _ = try await h.store.appendMessages(tenant, "chat", [.assistant("a second write of the same attempt")], expectedLastSeq: nil)
            }
            try await h.store.abandonIdempotent(retry)
            h.clock.advance(by: IdempotentAttempt.lease)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "append-1"), requestHash: "A") == .applied,
                    "an applied attempt is neither run again nor freed by a failure after it")
            #expect(try await h.store.messages(tenant, "chat", .last(10)).messages.map(\.content) == ["from the retry", "a second write of the same attempt"])
            // An attempt that keeps its response is replayed as ever.
            let third = IdempotentAttempt(tenant: tenant, key: "append-2")
            #expect(try await h.store.beginIdempotent(third, requestHash: "A") == .proceed)
            try await IdempotentAttempt.$current.withValue(third) {
                _ = try await h.store.appendMessages(tenant, "chat", [.user("third")], expectedLastSeq: nil)
            }
            try await h.store.finishIdempotent(third, status: 201, headers: [:], body: "third")
            h.clock.advance(by: IdempotentAttempt.lease)
            guard case .replay(let record) = try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "append-2"), requestHash: "A") else {
                Issue.record("expected a replay")
                return
            }
            #expect(record.body == "third")
        },
    ]
}
