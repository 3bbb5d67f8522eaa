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
    /// The user an agent key is bound to: it then reaches only that user's sessions, runs,
    /// memory and approvals, and another user's are "not found" to it. `nil`: the whole tenant.
    public var userId: String?

    public var isRevoked: Bool { revokedAt != nil }

    public init(id: String, tenantId: TenantID, role: Role, name: String?, prefix: String, secretHash: String, createdAt: Date, revokedAt: Date?,
                userId: String? = nil) {
        self.userId = userId
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

/// A stored response to a request made with an `Idempotency-Key`, and while there is none yet,
/// which attempt holds the key and whether it changed anything.
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
    /// The attempt that holds the key (a token its server made up), and since when.
    public var attempt: String?
    public var reservedAt: Date?
    /// When the attempt's change committed: set in the same transaction as the change itself,
    /// so a server that dies before keeping the response leaves a record of what happened.
    public var appliedAt: Date?

    public init(tenantId: TenantID, key: String, requestHash: String, status: Int?, headers: [String: String], body: String?, createdAt: Date,
                attempt: String? = nil, reservedAt: Date? = nil, appliedAt: Date? = nil) {
        self.tenantId = tenantId
        self.key = key
        self.requestHash = requestHash
        self.status = status
        self.headers = headers
        self.body = body
        self.createdAt = createdAt
        self.attempt = attempt
        self.reservedAt = reservedAt
        self.appliedAt = appliedAt
    }
}

/// What `beginIdempotent` answers.
public enum IdempotencyStart: Sendable, Hashable {
    /// No attempt holds the key (one that reserves keys now holds it): handle the request; its
    /// first change records it, and `finishIdempotent` keeps its answer.
    case proceed
    /// An earlier attempt held the key past its lease without changing anything (its server
    /// died or hung): the key is now this attempt's; handle the request as for `proceed`.
    case takeOver
    /// The key was used with the same request: send this response again.
    case replay(IdempotencyRecord)
    /// The key was used with a different request.
    case mismatch
    /// The first request with this key is still being handled.
    case inProgress
    /// An earlier attempt made its change, but its response could not be kept (its server or store stopped):
    /// the request must not run again, and its response cannot be sent again.
    case applied
}
