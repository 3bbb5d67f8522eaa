import Foundation
import Synchronization

/// The attempt at a request with an `Idempotency-Key` that the current task is handling. The
/// server sets it around the request's handler; every store write made under it records, in
/// the same transaction, that the attempt changed something. A server that dies between that
/// commit and keeping the response so leaves an answer for the retry: the request was applied,
/// and must not run again. One that dies before it leaves none, and the retry runs it.
///
/// Looking a key up writes nothing: the record starts with the attempt's first change (or its
/// answer, if it changed nothing), and the answer goes with a later write transaction (see
/// `AnswerQueue`), so an idempotent write costs a row or two in its own transaction. Of two
/// attempts at once, the first to commit a change holds the key and the other's change rolls
/// back (`IdempotencyKeyHeld`).
public struct IdempotentAttempt: Sendable {
    public var tenant: TenantID
    /// The `Idempotency-Key` as the client sent it.
    public var requestKey: String
    /// A digest of the method, path and body: the same key with another request is refused.
    public var requestHash: String
    /// Reserve the key when it is first looked up, before any change: for a store that makes
    /// changes outside the transactions that record them (the tiered store's Redis appends).
    public var reservesKey = false
    /// Set once a write made under the attempt committed: an attempt that changed nothing has
    /// its key looked up before its answer is kept, since no change of its found it held.
    public let committed = CommitFlag()
    /// What the record is stored under: the request key, scoped to the caller's API key when
    /// there is one, so that another key sending the same `Idempotency-Key` makes another
    /// request and never sees this one's response.
    public var key: String
    /// Made up by the server for this attempt; a later attempt that takes the key over gets another.
    public var token: String

    public init(tenant: TenantID, key: String, caller: String? = nil, requestHash: String, token: String = UUID().uuidString) {
        self.tenant = tenant
        self.requestKey = key
        self.requestHash = requestHash
        // A key id holds no space, so the caller's part cannot run into the request key's.
        self.key = caller.map { "\($0) \(key)" } ?? key
        self.token = token
    }

    @TaskLocal public static var current: IdempotentAttempt?

    /// Whether a write made under an attempt committed; shared by the attempt's copies.
    public final class CommitFlag: Sendable {
        private let flag = Mutex(false)
        public init() {}
        public var isSet: Bool { flag.withLock { $0 } }
        public func set() { flag.withLock { $0 = true } }
    }

    /// How long an attempt holds its key without a response before a retry may take it over.
    /// A request takes far less; one held this long lost its server.
    public static let lease: TimeInterval = 10
}

/// Another attempt at the same idempotent request holds its key (it changed something first,
/// answered already, or took the key over): this attempt's change rolls back, and a retry is
/// answered what that attempt did.
public struct IdempotencyKeyHeld: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "another attempt with this Idempotency-Key holds it; this one changes nothing" }
}

extension StoreTransaction {
    /// Records that `attempt` changed something, in the transaction making the change: its
    /// record starts here when the lookup reserved nothing. Refuses when another attempt holds
    /// the key: the change rolls back with it, so two attempts never both apply.
    public func markApplied(_ attempt: IdempotentAttempt?) throws {
        guard let attempt else { return }
        // Nearly every key is new: its record starts here, without a look first.
        let first = IdempotencyRecord(tenantId: attempt.tenant, key: attempt.key, requestHash: attempt.requestHash, status: nil, headers: [:],
                                      body: nil, createdAt: now, attempt: attempt.token, reservedAt: now, appliedAt: now)
        if try insertIdempotencyRecord(first) { return }
        guard var record = try idempotencyRecord(attempt.tenant, key: attempt.key), record.status == nil, record.attempt == attempt.token else {
            throw IdempotencyKeyHeld()
        }
        guard record.appliedAt == nil else { return }
        record.appliedAt = now
        try saveIdempotencyRecord(record)
    }
}
