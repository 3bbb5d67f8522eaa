import Foundation

public enum SessionStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case active, closed, expired
}

/// A conversation: its messages live apart, keyed by `(tenant, session, seq)`.
public struct Session: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var id: String
    public var userId: String?
    public var agentId: String?
    public var title: String?
    public var status: SessionStatus
    public var metadata: JSONValue
    /// A small document beside the transcript (goals, retrieved facts), changed by merge patch.
    public var context: JSONValue
    /// Inactivity after which the session expires; `nil` never expires.
    public var ttlSeconds: Int?
    public var expiresAt: Date?
    /// The seq of the newest message; 0 before the first.
    public var lastSeq: Int64
    /// The seq of the first system message, kept in every context window.
    public var systemSeq: Int64?
    /// The latest compaction summary.
    public var summary: Summary?
    public var version: Int64
    public var schemaVersion: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var lastActivityAt: Date

    public static let currentSchemaVersion = 1
}

/// A summary standing in for the messages up to and including `throughSeq` in context reads.
public struct Summary: Sendable, Codable, Hashable {
    public var text: String
    public var throughSeq: Int64
    public var tokens: Int
    public var createdAt: Date

    public init(text: String, throughSeq: Int64, tokens: Int, createdAt: Date) {
        self.text = text
        self.throughSeq = throughSeq
        self.tokens = tokens
        self.createdAt = createdAt
    }
}

public struct SessionCreate: Sendable, Codable, Hashable {
    public var id: String?
    public var userId: String?
    public var agentId: String?
    public var title: String?
    public var metadata: JSONValue?
    public var context: JSONValue?
    public var ttlSeconds: Int?

    public init(id: String? = nil, userId: String? = nil, agentId: String? = nil, title: String? = nil,
                metadata: JSONValue? = nil, context: JSONValue? = nil, ttlSeconds: Int? = nil) {
        self.id = id
        self.userId = userId
        self.agentId = agentId
        self.title = title
        self.metadata = metadata
        self.context = context
        self.ttlSeconds = ttlSeconds
    }
}

/// Changes to a session; `nil` leaves a field as it is. `metadata` is a merge patch.
public struct SessionUpdate: Sendable, Codable, Hashable {
    public var title: String?
    public var metadata: JSONValue?
    public var ttlSeconds: Int?
    public var expectedVersion: Int64?

    public init(title: String? = nil, metadata: JSONValue? = nil, ttlSeconds: Int? = nil, expectedVersion: Int64? = nil) {
        self.title = title
        self.metadata = metadata
        self.ttlSeconds = ttlSeconds
        self.expectedVersion = expectedVersion
    }
}

public struct SessionQuery: Sendable, Codable, Hashable {
    public var userId: String?
    public var status: SessionStatus?
    public var limit: Int
    public var cursor: String?

    public init(userId: String? = nil, status: SessionStatus? = nil, limit: Int = 50, cursor: String? = nil) {
        self.userId = userId
        self.status = status
        self.limit = limit
        self.cursor = cursor
    }
}
