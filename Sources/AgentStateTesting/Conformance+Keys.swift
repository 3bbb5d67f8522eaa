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
            let k1 = IdempotentAttempt(tenant: tenant, key: "k1", requestHash: "A")
            #expect(try await h.store.beginIdempotent(k1) == .proceed)
            try await h.store.finishIdempotent(k1, status: 201, headers: ["ETag": "\"1\""], body: "{\"id\":\"r\"}")
            guard case .replay(let record) = try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1", requestHash: "A")) else {
                Issue.record("expected a replay")
                return
            }
            #expect(record.status == 201 && record.headers == ["ETag": "\"1\""] && record.body == "{\"id\":\"r\"}")
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1", requestHash: "B")) == .mismatch)
            let elsewhere = IdempotentAttempt(tenant: otherTenant, key: "k1", requestHash: "B")
            #expect(try await h.store.beginIdempotent(elsewhere) == .proceed, "keys are per tenant")
            try await h.store.finishIdempotent(elsewhere, status: 200, headers: [:], body: nil)

            let k2 = IdempotentAttempt(tenant: tenant, key: "k2", requestHash: "A")
            #expect(try await h.store.beginIdempotent(k2) == .proceed)
            try await h.store.abandonIdempotent(k2)
            let k2again = IdempotentAttempt(tenant: tenant, key: "k2", requestHash: "B")
            #expect(try await h.store.beginIdempotent(k2again) == .proceed, "a failed first try frees the key")
            try await h.store.finishIdempotent(k2again, status: 200, headers: [:], body: nil)

            h.clock.advance(by: APIKeys.idempotencyWindow + 1)
            #expect(try await h.store.sweep().idempotencyRecordsRemoved == 3)
            #expect(try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "k1", requestHash: "B")) == .proceed)
        },
        check("idempotency: of two attempts at one request exactly one applies; one whose server died is reported applied if it changed something") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "chat"))
            let attempt = { IdempotentAttempt(tenant: tenant, key: "append-1", requestHash: "A") }
            // The first attempt looks the key up, and its server seems to die before it changes anything.
            let first = attempt()
            #expect(try await h.store.beginIdempotent(first) == .proceed)
            // A retry runs it again (a store that reserves keys up front makes it wait out the lease).
            let retry = attempt()
            var start = try await h.store.beginIdempotent(retry)
            if start == .inProgress {
                h.clock.advance(by: IdempotentAttempt.lease)
                start = try await h.store.beginIdempotent(retry)
            }
            #expect(start == .proceed || start == .takeOver)
            // The first attempt was only slow: of its write and the retry's, exactly one applies,
            // and the other changes nothing.
            let firstWrote = await outcome {
                try await IdempotentAttempt.$current.withValue(first) {
                    _ = try await h.store.appendMessages(tenant, "chat", [.user("from the first attempt")], expectedLastSeq: nil)
                }
            }
            let retryWrote = await outcome {
                try await IdempotentAttempt.$current.withValue(retry) {
                    _ = try await h.store.appendMessages(tenant, "chat", [.user("from the retry")], expectedLastSeq: nil)
                    _ = try await h.store.appendMessages(tenant, "chat", [.assistant("a second write of the same attempt")], expectedLastSeq: nil)
                }
            }
            let contents = try await h.store.messages(tenant, "chat", .last(10)).messages.map(\.content)
            switch (firstWrote, retryWrote) {
            case (.success, .failure(let error)):
                #expect(error is IdempotencyKeyHeld, "\(error)")
                #expect(contents == ["from the first attempt"])
            case (.failure(let error), .success):
                #expect(error is IdempotencyKeyHeld, "\(error)")
                #expect(contents == ["from the retry", "a second write of the same attempt"])
            default:
                Issue.record("exactly one attempt must apply: \(firstWrote), \(retryWrote)")
            }
            let (winner, loser) = (try? firstWrote.get()) != nil ? (first, retry) : (retry, first)
            // The loser keeps no response, and the winner's server dies before keeping its own.
            try await h.store.finishIdempotent(loser, status: 201, headers: [:], body: "the loser's")
            try await h.store.abandonIdempotent(winner)
            #expect(try await h.store.beginIdempotent(attempt()) == .inProgress, "within its lease it may still be answering")
            h.clock.advance(by: IdempotentAttempt.lease)
            #expect(try await h.store.beginIdempotent(attempt()) == .applied,
                    "an applied attempt is neither run again nor freed by a failure after it")
            // An attempt that keeps its response is replayed as ever.
            let third = IdempotentAttempt(tenant: tenant, key: "append-2", requestHash: "A")
            #expect(try await h.store.beginIdempotent(third) == .proceed)
            try await IdempotentAttempt.$current.withValue(third) {
                _ = try await h.store.appendMessages(tenant, "chat", [.user("third")], expectedLastSeq: nil)
            }
            try await h.store.finishIdempotent(third, status: 201, headers: [:], body: "third")
            guard case .replay(let record) = try await h.store.beginIdempotent(IdempotentAttempt(tenant: tenant, key: "append-2", requestHash: "A")) else {
                Issue.record("expected a replay")
                return
            }
            #expect(record.body == "third")
        },
    ]
}

/// What a piece of async work came to, for comparing two that may each fail.
private func outcome(_ body: () async throws -> Void) async -> Result<Void, any Error> {
    do {
        try await body()
        return .success(())
    } catch {
        return .failure(error)
    }
}
