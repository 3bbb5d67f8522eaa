import Foundation

/// What a key may do. `agent` reads and writes state; `operator` reads, decides approvals and
/// cancels runs; `admin` also manages keys, retention and erasure.
public enum Role: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    case agent, `operator`, admin

    public static func < (a: Role, b: Role) -> Bool {
        let order: [Role] = [.agent, .operator, .admin]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// An API key as stored: only a hash of its secret is kept.
public struct APIKey: Sendable, Codable, Hashable {
    public var id: String
    public var tenantId: TenantID
    public var role: Role
    public var name: String?
    /// The first characters of the secret, so people can tell their keys apart.
    public var prefix: String
    /// SHA-256 of the secret, hex.
    public var secretHash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    public init(id: String, tenantId: TenantID, role: Role, name: String?, prefix: String, secretHash: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.tenantId = tenantId
        self.role = role
        self.name = name
        self.prefix = prefix
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A key just made: the secret is shown this once and never stored.
public struct IssuedKey: Sendable, Codable, Hashable {
    public var key: APIKey
    public var secret: String

    public init(key: APIKey, secret: String) {
        self.key = key
        self.secret = secret
    }
}

/// A stored response to a request made with an `Idempotency-Key`.
public struct IdempotencyRecord: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var key: String
    /// A digest of the method, path and body the key was first used with.
    public var requestHash: String
    /// `nil` while the first request is still being handled.
    public var status: Int?
    public var headers: [String: String]
    public var body: String?
    public var createdAt: Date

    public init(tenantId: TenantID, key: String, requestHash: String, status: Int?, headers: [String: String], body: String?, createdAt: Date) {
        self.tenantId = tenantId
        self.key = key
        self.requestHash = requestHash
        self.status = status
        self.headers = headers
        self.body = body
        self.createdAt = createdAt
    }
}

/// What `beginIdempotent` answers.
public enum IdempotencyStart: Sendable, Hashable {
    /// The key is new and now reserved: handle the request, then `finishIdempotent`.
    case proceed
    /// The key was used with the same request: send this response again.
    case replay(IdempotencyRecord)
    /// The key was used with a different request.
    case mismatch
    /// The first request with this key is still being handled.
    case inProgress
}
