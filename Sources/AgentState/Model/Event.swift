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
    /// The store's signature of the chain's head as this event made it (`ChainSigner`), when the
    /// store signs; not part of the hash.
    public var signature: String?

    public init(tenantId: TenantID, stream: String, seq: Int64, type: String, data: JSONValue, at: Date, prevHash: String, hash: String,
                signature: String? = nil) {
        self.signature = signature
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
    /// The head's signature, when the store signs chains (`nil` when it does not). Anything but
    /// `valid` makes the chain invalid: without the key a rewritten chain cannot be signed.
    public var signature: Signature?

    public enum Signature: String, Sendable, Codable, Hashable {
        case valid, invalid
        /// The head carries none: written before signing was turned on, or stripped.
        case missing
        /// A run's head is not the event its record says it reached: the chain was cut back.
        case truncated
    }

    public init(stream: String, valid: Bool, events: Int, firstInvalidSeq: Int64?, headHash: String?, signature: Signature? = nil) {
        self.stream = stream
        self.valid = valid
        self.events = events
        self.firstInvalidSeq = firstInvalidSeq
        self.headHash = headHash
        self.signature = signature
    }
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
