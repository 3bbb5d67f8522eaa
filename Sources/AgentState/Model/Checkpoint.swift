import Foundation

public enum CheckpointKind: String, Sendable, Codable, Hashable {
    case full, patch
}

/// The agent's own state at a point of the run, always given back whole.
public struct Checkpoint: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var runId: String
    public var seq: Int64
    public var step: String?
    /// How it was stored: whole, or as a merge patch against the previous one.
    public var kind: CheckpointKind
    public var state: JSONValue
    public var createdAt: Date
}

/// A checkpoint as stored: `body` is the whole state or the patch.
public struct CheckpointRecord: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var runId: String
    public var seq: Int64
    public var step: String?
    public var kind: CheckpointKind
    public var body: JSONValue
    public var createdAt: Date

    public init(tenantId: TenantID, runId: String, seq: Int64, step: String?, kind: CheckpointKind, body: JSONValue, createdAt: Date) {
        self.tenantId = tenantId
        self.runId = runId
        self.seq = seq
        self.step = step
        self.kind = kind
        self.body = body
        self.createdAt = createdAt
    }
}

public enum CheckpointState: Sendable, Codable, Hashable {
    case full(JSONValue)
    /// RFC 7396 merge patch against the latest checkpoint.
    case patch(JSONValue)
}

public struct CheckpointWrite: Sendable, Codable, Hashable {
    public var step: String?
    public var state: CheckpointState
    public var fencingToken: Int64?
    /// Save only if the run's newest checkpoint is still this one (0: the run has none yet). A
    /// patch is written against what its writer last saw; this keeps it from landing on a newer
    /// checkpoint that someone else saved in between.
    public var expectedSeq: Int64?

    public init(step: String? = nil, state: CheckpointState, fencingToken: Int64? = nil, expectedSeq: Int64? = nil) {
        self.step = step
        self.state = state
        self.fencingToken = fencingToken
        self.expectedSeq = expectedSeq
    }
}

/// Which checkpoint to read.
public enum CheckpointSelector: Sendable, Codable, Hashable {
    case latest
    case seq(Int64)
    /// The latest checkpoint written for this step.
    case step(String)
}
