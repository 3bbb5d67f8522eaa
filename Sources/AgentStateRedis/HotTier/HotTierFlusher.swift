import AgentState
import Logging
import RESP
import Synchronization

/// Moves appended turns from the hot tier into the durable store.
///
/// It reads the outbox as one consumer of the flushers' group (every server runs one), imports
/// each named session's unflushed turns into the durable store, and only then acknowledges the
/// entries: a flusher that dies mid-way leaves its entries pending, and another takes them over
/// after `claimIdle`. Importing is idempotent, so a session flushed twice is stored once.
public final class HotTierFlusher: Sendable {
    public let tier: RedisHotTier
    public let durable: any StateStore
    public let consumer: String
    public let claimIdle: Duration
    /// How long `run` waits after a round that found work, so that the turns arriving meanwhile
    /// are flushed together: a busy session then costs one import per round, not one per turn,
    /// for at most this much more flush lag (the turns are safe in Redis meanwhile).
    public let linger: Duration
    private let logger: Logger
    private let lastClaim = Mutex<ContinuousClock.Instant?>(nil)
    /// Flushes under way in this process, whoever started them.
    private let flushing = Mutex(0)

    public init(tier: RedisHotTier, durable: any StateStore, consumer: String, claimIdle: Duration = .seconds(30),
                linger: Duration = .milliseconds(20), logger: Logger = Logger(label: "agentstate.flusher")) {
        self.tier = tier
        self.durable = durable
        self.consumer = consumer
        self.claimIdle = claimIdle
        self.linger = linger
        self.logger = logger
    }

    /// Imports a session's unflushed turns; returns the seq the durable store now holds, or nil
    /// if there was nothing to flush. A session deleted from the durable store is dropped from
    /// the cache, its turns with it (the deletion came after them).
    @discardableResult
    public func flush(_ tenant: TenantID, _ session: String) async throws -> Int64? {
        flushing.withLock { $0 += 1 }
        defer { flushing.withLock { $0 -= 1 } }
        let pending = try await tier.unflushed(tenant, session)
        guard !pending.isEmpty else { return nil }
        do {
            let last: Int64
            do {
                last = try await durable.importMessages(tenant, session, pending)
            } catch let error as AgentStateError where error.code == .conflict {
                return try await reconcile(tenant, session, pending)
            }
            try await tier.markFlushed(tenant, session, through: last)
            return last
        } catch let error as AgentStateError where error.code == .notFound {
            try await tier.evict(tenant, session)
            return nil
        }
    }

    /// The durable store has turns the cached copy never saw: they were appended there while
    /// Redis was out of reach. The pending turns it lacks (a timed-out append may have reached
    /// both) go after its newest, renumbered — an acknowledged turn is kept even though its seq
    /// changes — and the cached copy, numbered wrongly now, is dropped, so the next use caches
    /// the session afresh. Returns the durable store's last seq.
    private func reconcile(_ tenant: TenantID, _ session: String, _ pending: [Message]) async throws -> Int64 {
        for _ in 0..<5 {
            var known = Set<Message.Identity>()
            var cursor = pending[0].seq - 1
            var last: Int64 = 0
            while true {
                let page = try await durable.messages(tenant, session, .after(seq: cursor, limit: 500))
                known.formUnion(page.messages.map(\.identity))
                last = page.lastSeq
                guard page.messages.count == 500, let end = page.messages.last?.seq else { break }
                cursor = end
            }
            let missing = pending.filter { !known.contains($0.identity) }
            do {
                if !missing.isEmpty {
                    last = try await durable.importMessages(tenant, session, missing.numbered(from: last + 1))
                }
            } catch let error as AgentStateError where error.code == .conflict {
                continue  // yet another turn reached the durable store meanwhile
            }
            logger.warning("the durable store took turns while Redis was unreachable; cached turns renumbered after them", metadata: [
                "tenant": "\(tenant)", "session": "\(session)", "renumbered": "\(missing.count)", "last_seq": "\(last)",
            ])
            try await tier.markFlushed(tenant, session, through: pending[pending.count - 1].seq)
            _ = try await tier.evictIfFlushed(tenant, session)
            return last
        }
        throw AgentStateError(.conflict, "session '\(session)' kept taking turns in the durable store while being reconciled")
    }

    /// One round: entries a dead flusher left, then new ones (waiting up to `block` for some, on
    /// `connection` if given). Returns how many entries were acknowledged.
    @discardableResult
    public func runOnce(block: Duration = .seconds(1), reading connection: RESPConnection? = nil) async throws -> Int {
        // Entries go stale only after `claimIdle`, so looking for them every round is waste.
        let now = ContinuousClock.now
        let claimDue = lastClaim.withLock { last in
            guard last.map({ now - $0 >= min(claimIdle / 2, .seconds(5)) }) ?? true else { return false }
            last = now
            return true
        }
        var entries = claimDue ? try await tier.claimStale(consumer: consumer, idle: claimIdle) : []
        entries += try await tier.readOutbox(consumer: consumer, block: entries.isEmpty ? block : .milliseconds(1), on: connection)
        var done: [String] = []
        var flushed: Set<String> = []
        for entry in entries {
            // Several entries of one session are one flush.
            let key = entry.tenant + "\n" + entry.session
            if !flushed.contains(key) {
                do {
                    try await flush(entry.tenant, entry.session)
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("flushing a session failed; it stays pending", metadata: [
                        "tenant": "\(entry.tenant)", "session": "\(entry.session)", "error": "\(error)",
                    ])
                    continue
                }
                flushed.insert(key)
            }
            done.append(entry.id)
        }
        try await tier.acknowledge(done)
        return done.count
    }

    /// Flushes what the outbox holds now, on one connection, for at most `rounds` rounds.
    public func drain(rounds: Int = 100) async throws {
        try await tier.client.withDedicatedConnection { connection in
            for _ in 0..<rounds {
                guard try await runOnce(block: .milliseconds(1), reading: connection) > 0 else { return }
            }
        }
    }

    /// Waits, at most `limit`, until no flush of this process is under way: a flush holds its
    /// session's row in the durable store, and a sweep that follows a drain must find it free,
    /// not pass it over as taken by another server.
    public func settle(limit: Duration = .seconds(2)) async {
        let deadline = ContinuousClock.now + limit
        while flushing.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Flushes until cancelled, pausing after a failure (Redis or the durable store away).
    public func run() async {
        try? await tier.prepareOutbox()
        var pause = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                // One connection for the blocking reads, kept while it lasts, rather than one
                // opened per round.
                try await tier.client.withDedicatedConnection { connection in
                    while !Task.isCancelled {
                        if try await runOnce(reading: connection) > 0, linger > .zero {
                            try await Task.sleep(for: linger)
                        }
                        pause = .milliseconds(100)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the flusher could not run; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
                // A Redis that lost its data (no append-only file) lost the group too.
                try? await tier.prepareOutbox()
            }
        }
    }
}
