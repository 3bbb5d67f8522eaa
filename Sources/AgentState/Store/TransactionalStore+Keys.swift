import Crypto
import Foundation

extension TransactionalStore {
    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String?) async throws -> IssuedKey {
        try Identifier.validate(tenant, field: "tenant")
        if let name { try Identifier.validateName(name, field: "name") }
        if let userId {
            try Identifier.validate(userId, field: "user_id")
            // An operator decides for and an admin manages the whole tenant: neither can be one user's.
            guard role == .agent else { throw AgentStateError.invalidInput(field: "user_id", "only an agent key can be bound to a user") }
        }
        let secret = APIKeys.newSecret()
        return try await write { tx in
            let key = APIKey(id: Identifier.generate("key", at: tx.now), tenantId: tenant, role: role, name: name,
                             prefix: String(secret.prefix(10)), secretHash: APIKeys.hash(secret), createdAt: tx.now, revokedAt: nil, userId: userId)
            try tx.saveAPIKey(key)
            return IssuedKey(key: key, secret: secret)
        }
    }

    public func apiKeys(tenant: TenantID?) async throws -> [APIKey] {
        try await read { tx in try tx.apiKeys(tenant: tenant) }
    }

    public func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey {
        try await write { tx in
            guard var key = try tx.apiKey(id: id), tenant == nil || key.tenantId == tenant else {
                throw AgentStateError.notFound("key", id)
            }
            if key.revokedAt == nil {
                key.revokedAt = tx.now
                try tx.saveAPIKey(key)
            }
            return key
        }
    }

    public func authenticate(secret: String) async throws -> APIKey? {
        guard secret.hasPrefix(APIKeys.secretPrefix), secret.utf8.count < 200 else { return nil }
        let hash = APIKeys.hash(secret)
        return try await lookUp { tx in
            guard let key = try tx.apiKey(secretHash: hash), !key.isRevoked else { return nil }
            return key
        }
    }

    public func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        try Identifier.validateName(attempt.requestKey, field: "Idempotency-Key")
        // A key seen for the first time (nearly every one) costs a read: its record is written
        // with the attempt's change or its answer.
        if !attempt.reservesKey, try await lookUp({ tx in try tx.idempotencyRecord(attempt.tenant, key: attempt.key) == nil }) {
            return .proceed
        }
        return try await write { tx in
            guard var record = try tx.idempotencyRecord(attempt.tenant, key: attempt.key) else {
                guard attempt.reservesKey else { return .proceed }
                try tx.saveIdempotencyRecord(IdempotencyRecord(tenantId: attempt.tenant, key: attempt.key, requestHash: attempt.requestHash, status: nil,
                                                               headers: [:], body: nil, createdAt: tx.now, attempt: attempt.token, reservedAt: tx.now))
                return .proceed
            }
            if record.requestHash != attempt.requestHash { return .mismatch }
            if record.status != nil { return .replay(record) }
            let heldSince = record.reservedAt ?? record.createdAt
            if tx.now.timeIntervalSince(heldSince) < IdempotentAttempt.lease { return .inProgress }
            if record.appliedAt != nil { return .applied }
            record.attempt = attempt.token
            record.reservedAt = tx.now
            try tx.saveIdempotencyRecord(record)
            return .takeOver
        }
    }

    public func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws {
        try await write { tx in try tx.keep([IdempotentAnswer(attempt: attempt, status: status, headers: headers, body: body)]) }
    }

    public func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        try await write { tx in
            guard let record = try tx.idempotencyRecord(attempt.tenant, key: attempt.key), record.attempt == attempt.token || record.attempt == nil,
                record.status == nil, record.appliedAt == nil
            else { return }
            try tx.deleteIdempotencyRecord(attempt.tenant, key: attempt.key)
        }
    }
}

/// The form of secrets: `as_` and 40 letters and digits (about 238 bits).
public enum APIKeys {
    public static let secretPrefix = "as_"
    /// How long a stored idempotent response is kept.
    public static let idempotencyWindow: TimeInterval = 24 * 3600

    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var rng = SystemRandomNumberGenerator()
        return secretPrefix + String(decoding: (0..<40).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] }, as: UTF8.self)
    }

    public static func hash(_ secret: String) -> String {
        Digests.sha256Hex(Data(secret.utf8))
    }
}
