import Foundation

/// The attempt at a request with an `Idempotency-Key` that the current task is handling. The
/// server sets it around the request's handler; every store write made under it records, in
/// the same transaction, that the attempt changed something. A server that dies between that
/// commit and keeping the response so leaves an answer for the retry: the request was applied,
/// and must not run again. One that dies before it leaves none, and the retry runs it.
public struct IdempotentAttempt: Sendable, Hashable {
    public var tenant: TenantID
    /// The `Idempotency-Key` as the client sent it.
    public var requestKey: String
    /// What the record is stored under: the request key, scoped to the caller's API key when
    /// there is one, so that another key sending the same `Idempotency-Key` makes another
    /// request and never sees this one's response.
    public var key: String
    /// Made up by the server for this attempt; a later attempt that takes the key over gets another.
    public var token: String

    public init(tenant: TenantID, key: String, caller: String? = nil, token: String = UUID().uuidString) {
        self.tenant = tenant
        self.requestKey = key
        // A key id holds no space, so the caller's part cannot run into the request key's.
        self.key = caller.map { "\($0) \(key)" } ?? key
        self.token = token
    }

    @TaskLocal public static var current: IdempotentAttempt?

    /// How long an attempt holds its key without a response before a retry may take it over.
    /// A request takes far less; one held this long lost its server.
    public static let lease: TimeInterval = 10
}

extension StoreTransaction {
    /// Records that `attempt` changed something, in the transaction making the change. Refuses
    /// when another attempt has taken the key over: the change rolls back with it, so two
    /// attempts never both apply.
    public func markApplied(_ attempt: IdempotentAttempt?) throws {
        guard let attempt else { return }
        guard var record = try idempotencyRecord(attempt.tenant, key: attempt.key), record.status == nil, record.attempt == attempt.token else {
            throw AgentStateError(.conflict, "another attempt with this Idempotency-Key took it over; this one changes nothing")
        }
        guard record.appliedAt == nil else { return }
        record.appliedAt = now
        try saveIdempotencyRecord(record)
    }
}
