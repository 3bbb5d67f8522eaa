import Foundation

/// Says what became of an idempotency key before this attempt, reserving it only for an
/// attempt that `reservesKey`. Writes made while the attempt is `IdempotentAttempt.current`
/// record that it applied (starting the key's record), atomically with what they change.
public struct BeginIdempotent: ServerSideOperation {
    public static let name = "beginIdempotent"
    public static let notOffered = "idempotency records live inside the server; send an Idempotency-Key header instead"
    public var attempt: IdempotentAttempt

    public init(_ attempt: IdempotentAttempt) {
        self.attempt = attempt
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> IdempotencyStart {
        try Identifier.validateName(attempt.requestKey, field: "Idempotency-Key")
        // A key seen for the first time (nearly every one) costs a read: its record is written
        // with the attempt's change or its answer.
        if !attempt.reservesKey, try await store.lookUp({ [attempt] tx in try tx.idempotencyRecord(attempt.tenant, key: attempt.key) == nil }) {
            return .proceed
        }
        return try await store.write { [attempt] tx in
            guard var record = try tx.idempotencyRecord(attempt.tenant, key: attempt.key) else {
                guard attempt.reservesKey else { return .proceed }
                try tx.saveIdempotencyRecord(IdempotencyRecord(tenantId: attempt.tenant, key: attempt.key, requestHash: attempt.requestHash, status: nil,
                                                               headers: [:], body: nil, createdAt: tx.now, attempt: attempt.token, reservedAt: tx.now))
                return .proceed
            }
            if record.requestHash != attempt.requestHash { return .mismatch }
            if record.status != nil { return .replay(record) }
            let heldSince = record.reservedAt ?? record.createdAt
            if tx.now.timeIntervalSince(heldSince) < IdempotentAttempt.lease { return .inProgress }
            if record.appliedAt != nil { return .applied }
            record.attempt = attempt.token
            record.reservedAt = tx.now
            try tx.saveIdempotencyRecord(record)
            return .takeOver
        }
    }
}

/// Stores the response to send again, if the attempt still holds the key.
public struct FinishIdempotent: ServerSideOperation {
    public static let name = "finishIdempotent"
    public static let notOffered = "idempotency records live inside the server"
    public var answer: IdempotentAnswer

    public init(_ answer: IdempotentAnswer) {
        self.answer = answer
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws {
        try await store.write { [answer] tx in try tx.keep([answer]) }
    }
}

/// Frees the key of an attempt that failed on the server's side without changing anything, so
/// a retry runs again.
public struct AbandonIdempotent: ServerSideOperation {
    public static let name = "abandonIdempotent"
    public static let notOffered = "idempotency records live inside the server"
    public var attempt: IdempotentAttempt

    public init(_ attempt: IdempotentAttempt) {
        self.attempt = attempt
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws {
        try await store.write { [attempt] tx in
            guard let record = try tx.idempotencyRecord(attempt.tenant, key: attempt.key), record.attempt == attempt.token || record.attempt == nil,
                record.status == nil, record.appliedAt == nil
            else { return }
            try tx.deleteIdempotencyRecord(attempt.tenant, key: attempt.key)
        }
    }
}

extension StateStore {
    public func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        try await perform(BeginIdempotent(attempt))
    }

    public func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws {
        try await perform(FinishIdempotent(IdempotentAnswer(attempt: attempt, status: status, headers: headers, body: body)))
    }

    public func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        try await perform(AbandonIdempotent(attempt))
    }
}
