import Foundation

/// One entry of an append-only, hash-chained stream (`run:<id>` or `session:<id>`).
public struct Event: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var stream: String
    public var seq: Int64
    public var type: String
    public var data: JSONValue
    public var at: Date
    public var prevHash: String
    public var hash: String

    public init(tenantId: TenantID, stream: String, seq: Int64, type: String, data: JSONValue, at: Date, prevHash: String, hash: String) {
        self.tenantId = tenantId
        self.stream = stream
        self.seq = seq
        self.type = type
        self.data = data
        self.at = at
        self.prevHash = prevHash
        self.hash = hash
    }
}

public enum EventStream {
    public static func run(_ id: String) -> String { "run:" + id }
    public static func session(_ id: String) -> String { "session:" + id }
}

public struct ChainVerification: Sendable, Codable, Hashable {
    public var stream: String
    public var valid: Bool
    public var events: Int
    /// The first event whose hash does not match what it holds, or whose seq or link is broken.
    public var firstInvalidSeq: Int64?
    public var headHash: String?
}

/// A point in a run's history.
public enum HistoryPoint: Sendable, Codable, Hashable {
    case seq(Int64)
    case time(Date)
}

/// A run as it stood at a point of its history, rebuilt from its events.
public struct RunSnapshot: Sendable, Codable, Hashable {
    public var run: Run
    public var steps: [Step]
    public var effects: [Effect]
    public var approvals: [Approval]
    public var checkpoint: Checkpoint?
    public var atSeq: Int64
}
