import Foundation
import Synchronization

/// The answer a server keeps for an idempotent request, for replays.
public struct IdempotentAnswer: Sendable {
    public let attempt: IdempotentAttempt
    public let status: Int
    public let headers: [String: String]
    /// `nil` for an answer that is not kept (a secret shown once): only that it was applied.
    public let body: String?

    public init(attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) {
        self.attempt = attempt
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Answers of idempotent requests on their way to the store. The request's change, with the
/// mark that it was applied, committed before its answer went out; the answer follows in the
/// store's next write transaction (any request's), so keeping it costs a row, not a commit of
/// its own. When no write comes within `delay`, `flush` writes what waits. Until then a retry
/// to this process is answered from here; one to another server finds the applied mark and is
/// told the request is in progress, and asks again. A process that dies in between leaves the
/// mark, which a retry is answered with, as when it dies before answering.
public final class AnswerQueue: Sendable {
    private struct State {
        var pending: [String: IdempotentAnswer] = [:]
        var queued: [String] = []
        var flushScheduled = false
        var flush: (@Sendable () async -> Void)?
    }

    private let state = Mutex(State())
    public let delay: Duration
    /// Answers waiting past this many (the store away for long) are dropped, oldest first: a
    /// retry of one is then told it was applied instead of getting the answer again.
    public let capacity: Int

    public init(delay: Duration = .milliseconds(2), capacity: Int = 20_000) {
        self.delay = delay
        self.capacity = capacity
    }

    /// What writes the waiting answers when no write transaction comes to take them.
    public func setFlush(_ flush: @escaping @Sendable () async -> Void) {
        state.withLock { $0.flush = flush }
    }

    private static func slot(_ attempt: IdempotentAttempt) -> String { "\(attempt.tenant) \(attempt.key)" }

    public func keep(_ answer: IdempotentAnswer) {
        state.withLock { s in
            let slot = Self.slot(answer.attempt)
            // Of two attempts at once that changed nothing, the first answer stays the key's.
            if let held = s.pending[slot], held.attempt.token != answer.attempt.token { return }
            if s.pending.updateValue(answer, forKey: slot) == nil { s.queued.append(slot) }
            while s.queued.count > capacity {
                s.pending[s.queued.removeFirst()] = nil
            }
        }
        scheduleFlush()
    }

    /// The answer waiting for this attempt's key, as the store will hold it.
    public func pending(_ attempt: IdempotentAttempt) -> IdempotencyRecord? {
        guard let a = state.withLock({ $0.pending[Self.slot(attempt)] }) else { return nil }
        return IdempotencyRecord(tenantId: a.attempt.tenant, key: a.attempt.key, requestHash: a.attempt.requestHash, status: a.status,
                                 headers: a.headers, body: a.body, createdAt: .now, attempt: a.attempt.token)
    }

    public var isEmpty: Bool { state.withLock { $0.pending.isEmpty } }

    /// The answers to write in the transaction about to run; they stay `pending` until `settle`.
    public func take() -> [IdempotentAnswer] {
        state.withLock { s in
            guard !s.queued.isEmpty else { return [] }
            let slots = s.queued
            s.queued = []
            return slots.compactMap { s.pending[$0] }
        }
    }

    /// After the transaction: written answers leave; the others wait for the next one.
    public func settle(_ taken: [IdempotentAnswer], written: Bool) {
        guard !taken.isEmpty else { return }
        state.withLock { s in
            for a in taken {
                let slot = Self.slot(a.attempt)
                guard s.pending[slot]?.attempt.token == a.attempt.token else { continue }
                if written {
                    s.pending[slot] = nil
                } else {
                    s.queued.append(slot)
                }
            }
        }
        if !written { scheduleFlush() }
    }

    /// Runs a store's write transaction so that it carries the answers waiting: `commit` writes
    /// them (`StoreTransaction.openWrite`) with its change. Written, they leave the queue; if the
    /// transaction fails they wait for the next. Once it committed, `attempt`'s change is known to.
    public func carried<T>(by attempt: IdempotentAttempt?, _ commit: ([IdempotentAnswer]) async throws -> T) async throws -> T {
        let taken = take()
        let result: T
        do {
            result = try await commit(taken)
        } catch {
            settle(taken, written: false)
            throw error
        }
        settle(taken, written: true)
        attempt?.committed.set()
        return result
    }

    /// Writes what waits now (at shutdown, before the store closes); gives up after a few tries.
    public func flushNow() async {
        for _ in 0..<3 where !isEmpty {
            guard let flush = state.withLock({ $0.flush }) else { return }
            await flush()
        }
    }

    /// Writes what waits, then stops: a store that closed takes no more writes, so nothing is
    /// scheduled after this.
    public func close() async {
        await flushNow()
        state.withLock { $0.flush = nil }
    }

    private func scheduleFlush() {
        guard let flush = state.withLock({ s -> (@Sendable () async -> Void)? in
            guard !s.flushScheduled, let f = s.flush else { return nil }
            s.flushScheduled = true
            return f
        }) else { return }
        Task { [delay] in
            try? await Task.sleep(for: delay)
            await flush()
            let again = self.state.withLock { s in
                s.flushScheduled = false
                return !s.queued.isEmpty
            }
            if again {
                // Failed (the store is away) or more came meanwhile: try again, not in a tight loop.
                try? await Task.sleep(for: .milliseconds(100))
                self.scheduleFlush()
            }
        }
    }
}

/// A store that writes the answers of idempotent requests with its own write transactions.
public protocol AnswerKeeping {
    var answers: AnswerQueue { get }
}

extension StoreTransaction {
    /// What every write transaction does before its change: the answers it carries
    /// (`AnswerQueue.carried`), and the mark that `attempt` applied.
    public func openWrite(carrying answers: [IdempotentAnswer], for attempt: IdempotentAttempt?) throws {
        try keep(answers)
        try markApplied(attempt)
    }

    /// Writes answers of idempotent requests: over the record their change started, or as a
    /// new record for one that changed nothing. An attempt whose key another attempt holds
    /// keeps nothing.
    public func keep(_ answers: [IdempotentAnswer]) throws {
        for a in answers {
            let answered = IdempotencyRecord(tenantId: a.attempt.tenant, key: a.attempt.key, requestHash: a.attempt.requestHash, status: a.status,
                                             headers: a.headers, body: a.body, createdAt: now, attempt: a.attempt.token, reservedAt: now,
                                             appliedAt: a.attempt.committed.isSet ? now : nil)
            if a.attempt.committed.isSet {
                // Its change started the record, applied: no other attempt can take that over
                // (only one that changed nothing is taken over), so there is nothing to look at.
                try saveIdempotencyRecord(answered)
                continue
            }
            if try insertIdempotencyRecord(answered) { continue }
            guard var record = try idempotencyRecord(a.attempt.tenant, key: a.attempt.key),
                  record.attempt == a.attempt.token || record.attempt == nil else { continue }
            record.status = a.status
            record.headers = a.headers
            record.body = a.body
            try saveIdempotencyRecord(record)
        }
    }
}
