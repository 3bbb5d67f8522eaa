import Foundation

/// How long a tenant keeps what is finished. Retention removes whole records, never part of
/// one: a session with its messages and events, a run with its steps, effects, approvals,
/// checkpoints and events. So hash chains, context windows and runs that may still move are
/// never cut into. `nil` keeps them for good.
public struct RetentionPolicy: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    /// Days a closed or expired session is kept after its last change.
    public var sessionsDays: Int?
    /// Days a completed or cancelled run is kept after its last change.
    public var runsDays: Int?
    public var updatedAt: Date

    public init(tenantId: TenantID, sessionsDays: Int? = nil, runsDays: Int? = nil, updatedAt: Date) {
        self.tenantId = tenantId
        self.sessionsDays = sessionsDays
        self.runsDays = runsDays
        self.updatedAt = updatedAt
    }
}

/// A new policy for a tenant: it replaces the old one whole.
public struct RetentionUpdate: Sendable, Codable, Hashable {
    public var sessionsDays: Int?
    public var runsDays: Int?

    public init(sessionsDays: Int? = nil, runsDays: Int? = nil) {
        self.sessionsDays = sessionsDays
        self.runsDays = runsDays
    }
}

/// A finished record past its tenant's retention, whole, as it is archived before removal.
public enum ExpiredRecord: Sendable, Codable, Hashable {
    case session(session: Session, messages: [Message], events: [Event])
    case run(run: Run, steps: [Step], effects: [Effect], approvals: [Approval], checkpoints: [CheckpointRecord], events: [Event])

    public var key: RetentionKey {
        switch self {
        case .session(let s, _, _): RetentionKey(kind: .session, id: s.id)
        case .run(let r, _, _, _, _, _): RetentionKey(kind: .run, id: r.id)
        }
    }
}

public struct RetentionKey: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable { case session, run }
    public var kind: Kind
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// What a purge removed.
public struct PurgeReport: Sendable, Codable, Hashable {
    public var sessions = 0
    public var messages = 0
    public var runs = 0
    public var steps = 0
    public var effects = 0
    public var approvals = 0
    public var checkpoints = 0
    public var events = 0

    public init() {}
}
