import Foundation

public enum EffectStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case inProgress = "in_progress", completed, failed
}

/// An external action (an email, a payment, a ticket) done at most once under its key.
public struct Effect: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var runId: String
    public var key: String
    public var status: EffectStatus
    public var holder: String?
    /// Identifies the current attempt; `complete` and `fail` must present it.
    public var attemptToken: Int64
    public var leaseExpiresAt: Date?
    public var request: JSONValue?
    public var result: JSONValue?
    /// The id the outside system gave the action (a message id, a charge id).
    public var externalId: String?
    public var error: ErrorInfo?
    public var attempts: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
}

public struct EffectBegin: Sendable, Codable, Hashable {
    public var holder: String
    public var leaseSeconds: Int
    public var request: JSONValue?
    /// The run lease's token, when the caller holds one; a stale one is refused.
    public var fencingToken: Int64?

    public init(holder: String, leaseSeconds: Int = 60, request: JSONValue? = nil, fencingToken: Int64? = nil) {
        self.holder = holder
        self.leaseSeconds = leaseSeconds
        self.request = request
        self.fencingToken = fencingToken
    }
}

/// What `beginEffect` answers.
public enum EffectOutcome: String, Sendable, Codable, Hashable {
    /// You own the attempt: perform the action, then complete or fail it with `effect.attemptToken`.
    case acquired
    /// Someone else holds a live attempt; do not perform it. Ask again later.
    case inProgress = "in_progress"
    /// It was done: `effect.result` and `effect.externalId` hold what it returned.
    case completed
}

public struct EffectBeginResult: Sendable, Codable, Hashable {
    public var outcome: EffectOutcome
    public var effect: Effect
}

/// Absent fields take their defaults, so a client may leave them out.
extension EffectBegin {
    enum CodingKeys: String, CodingKey { case holder, leaseSeconds, request, fencingToken }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(holder: try c.decode(String.self, forKey: .holder), leaseSeconds: try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? 60,
                  request: try c.decodeIfPresent(JSONValue.self, forKey: .request), fencingToken: try c.decodeIfPresent(Int64.self, forKey: .fencingToken))
    }
}
