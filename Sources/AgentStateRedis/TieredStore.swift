import AgentState
import Foundation
import Logging
import NIOCore
import RESP
import ServiceLifecycle
import Synchronization

/// Redis in front of a durable store (SQLite or PostgreSQL), for conversations.
///
/// Appends are numbered and stored in Redis, with an outbox entry, by one script, and
/// acknowledged from there; a flusher moves them into the durable store in the background and
/// acknowledges its outbox entries only after the durable commit. Until a session's turns are
/// flushed its Redis keys carry no TTL, so a `volatile-*` eviction policy never drops them, and
/// Redis's append-only file keeps them across a Redis restart.
///
/// Everything else — runs, steps, effects, approvals, memory, keys — is the durable store's
/// alone (written through: those are the facts most expensive to lose). Context reads of the
/// newest turns, time ranges the cached turns cover and tool calls are answered by Redis (a
/// context read of a session it does not hold caches it first); other reads of a session first
/// flush what is pending for it, so they see every acknowledged turn.
///
/// When Redis cannot be reached, the durable store serves everything, appends included
/// (degraded: reads miss turns Redis holds unflushed until it is back). A turn appended there
/// may take a seq Redis had already given an acknowledged turn; when Redis is back, the flusher
/// finds the clash (the durable store refuses a different turn at a stored seq), keeps both
/// turns by renumbering Redis's after the durable store's, and drops the session's cached copy.
/// Sessions this process appended to durably are not read from Redis again until they have
/// been flushed and dropped, so the cache re-warms from the durable store.
public final class TieredStore: ForwardingStore, ChangeNotifying, TierHealthReporting, Sendable {
    public let durable: any StateStore
    public let hot: RedisHotTier
    public let flusher: HotTierFlusher
    public let changes: ChangeHub
    private let clock: any StoreClock
    private let flushTask: Task<Void, Never>?
    private let listenTask: Task<Void, Never>?
    /// Context reads served by Redis alone, and those the durable store answered.
    private let hits = Atomic<Int>(0)
    private let misses = Atomic<Int>(0)
    /// Sessions appended to in the durable store while Redis was unreachable ("tenant\nid"),
    /// whose cached copies are stale.
    private let diverged = Mutex<Set<String>>([])
    private let windows = WindowCache()

    public var base: any StateStore { durable }

    private let logger: Logger

    /// - Parameters:
    ///   - background: run the flusher and the change-notice listener in tasks of this store's
    ///     own, stopped (and the outbox drained) by `close()`. A server leaves it off and runs
    ///     the store as a `Service` of its group instead; a test may drive `flusher` itself.
    ///   - linger: how long the flusher waits after a round that moved turns, so that the next
    ///     round takes more at once.
    public init(hot: RedisHotTier, durable: any StateStore, consumer: String, clock: any StoreClock = SystemClock(),
                background: Bool = true, linger: Duration = .milliseconds(20), logger: Logger = Logger(label: "agentstate.tiered")) {
        self.hot = hot
        self.durable = durable
        self.clock = clock
        self.logger = logger
        changes = (durable as? any ChangeNotifying)?.changes ?? ChangeHub()
        let flusher = HotTierFlusher(tier: hot, durable: durable, consumer: consumer, linger: linger, logger: logger)
        self.flusher = flusher
        flushTask = background ? Task { await flusher.run() } : nil
        listenTask = background ? Task { [changes] in await Self.listen(hot, changes, logger) } : nil
    }

    /// Relays the change notices every server's appends publish to this process's feeds. After
    /// a lost subscription it listens again and wakes every feed, since notices sent meanwhile
    /// were not heard.
    private static func listen(_ hot: RedisHotTier, _ changes: ChangeHub, _ logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await hot.client.subscribe(channels: [hot.changesChannel]) { messages in
                    changes.notifyAll()
                    for try await message in messages {
                        let parts = String(buffer: message.payload).split(separator: "\n", maxSplits: 1).map(String.init)
                        if parts.count == 2 { changes.notify([ChangedStream(parts[0], parts[1])]) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("listening for change notices failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    public func close() async throws {
        flushTask?.cancel()
        listenTask?.cancel()
        await flushTask?.value
        await listenTask?.value
        if flushTask != nil { await drainOutbox() }
        await hot.client.close()
        try await durable.close()
    }

    /// Moves what the outbox still holds into the durable store, so that a process that stops
    /// leaves no acknowledged turn in Redis alone. Redis or the durable store being away leaves
    /// the rest to the next flusher, as a crash would.
    private func drainOutbox() async {
        do {
            try await flusher.drain(rounds: 10_000)
        } catch {
            logger.warning("stopping with turns not yet flushed; the next flusher will move them", metadata: ["error": "\(error)"])
        }
        await flusher.settle()
    }

    public func tierHealth() async -> TierHealth {
        do {
            _ = try await hot.client.send(RESPCommand("PING"), timeout: .seconds(1))
            let (h, m) = (hits.load(ordering: .relaxed), misses.load(ordering: .relaxed))
            let backlog = try await hot.outboxBacklog()
            // Redis's clock stamped the entry; a lag below zero is skew between the hosts.
            let lag = backlog.oldest.map { Duration.milliseconds(max(0, Date().millisecondsSince1970 - $0.millisecondsSince1970)) } ?? .zero
            return TierHealth(cache: "ok", outboxLength: backlog.length, flushLag: lag, hitRatio: h + m == 0 ? nil : Double(h) / Double(h + m))
        } catch {
            return TierHealth(cache: "unreachable: \((error as? RESPError)?.message ?? "\(error)")")
        }
    }

    // MARK: Conversations

    /// Appends go to Redis first, and recent windows and tool calls are read there; an
    /// operation on a session's state flushes its pending turns first; what removes a session
    /// (delete, purge, erasure) removes it from Redis too, and what rewrites its numbering or
    /// summary (import, compaction) drops it from the cache. The idempotency begin and abandon
    /// consult Redis's marks; a sweep drains the outbox first. The rest are the durable store's.
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        let output: Any
        switch operation {
        case let append as AppendMessages:
            output = try await appendCached(append.tenant, append.sessionId, append.messages, expectedLastSeq: append.expectedLastSeq)
        case let read as ReadMessages: output = try await messages(read)
        case let get as GetSession: output = try await flushedSession(get.tenant, get.id)
        case let list as ListSessions: output = try await flushedSessions(list.tenant, list.query)
        case let call as GetToolCall: output = try await toolCall(call)
        case let close as CloseSession: output = try await closeFlushed(close.tenant, close.id)
        case let delete as DeleteSession: output = try await deleteEverywhere(delete.tenant, delete.id)
        case let update as UpdateSession: output = try await flushedFirst(update.tenant, update.id, update)
        case let patch as PatchContext: output = try await flushedFirst(patch.tenant, patch.sessionId, patch)
        case let compact as Compact: output = try await droppedAfter(compact.tenant, compact.sessionId, compact)
        case let imported as ImportMessages: output = try await droppedAfter(imported.tenant, imported.sessionId, imported)
        case let export as ExportUser: output = try await exportUser(export)
        case let erase as EraseUser: output = try await eraseUser(erase)
        case let purge as Purge: output = try await purgeEverywhere(purge)
        case let begin as BeginIdempotent: output = try await beginIdempotent(begin.attempt)
        case let abandon as AbandonIdempotent: output = try await abandonIdempotent(abandon.attempt)
        case let sweep as Sweep: output = try await sweepFlushed(sweep)
        default: return try await durable.perform(operation)
        }
        return output as! Operation.Output
    }

    private func appendCached(_ tenant: TenantID, _ sessionId: String, _ messages: [NewMessage], expectedLastSeq: Int64?) async throws -> [Message] {
        try NewMessage.validate(messages)
        let now = clock.now()
        let drafts = messages.map { m in
            Message(tenantId: tenant, sessionId: sessionId, seq: 0, role: m.role, content: m.content, toolCallId: m.toolCallId,
                    name: m.name, toolCalls: m.toolCalls, tokens: m.tokens ?? ContextWindow.estimateTokens(m), metadata: m.metadata,
                    createdAt: now)
        }
        do {
            if isDiverged(tenant, sessionId) { try await rejoin(tenant, sessionId) }
            return try await appendCached(tenant, sessionId, drafts, expectedLastSeq: expectedLastSeq)
        } catch let error as RESPError {
            return try await appendDurably(tenant, sessionId, drafts, expectedLastSeq: expectedLastSeq, because: error)
        }
    }

    /// As the durable store answers, except that an attempt that appended to Redis alone left
    /// its mark there: a retry taking the key over learns from it that the request was applied,
    /// or else takes the mark, so that the old attempt can no longer append.
    private func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        // Appends to Redis are marked there, not in the durable store's transactions: the key
        // is reserved up front, so a retry finds it held.
        var reserving = attempt
        reserving.reservesKey = true
        let start = try await durable.beginIdempotent(reserving)
        guard start == .takeOver else { return start }
        do {
            return try await hot.claim(attempt) ? .takeOver : .applied
        } catch is RESPError {
            // With Redis out of reach, appends go to the durable store, which keeps its own mark.
            return start
        }
    }

    /// Frees the key only when Redis says the attempt did not append there: an append in Redis
    /// alone is not in the durable store's record, and running the request again would repeat it.
    private func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        do {
            if try await hot.appended(attempt) { return }
        } catch is RESPError {
            // Redis cannot say: keep the key; a retry takes it over once its lease ends.
            return
        }
        try await durable.abandonIdempotent(attempt)
    }

    private func appendCached(_ tenant: TenantID, _ sessionId: String, _ drafts: [Message], expectedLastSeq: Int64?) async throws -> [Message] {
        for attempt in 1...2 {
            switch try await hot.append(tenant, sessionId, drafts, expectedLastSeq: expectedLastSeq, attempt: IdempotentAttempt.current) {
            case .appended(let first, let generation):
                // Feeds in this process hear at once; other servers by the script's PUBLISH.
                changes.notify([ChangedStream(tenant, EventStream.session(sessionId))])
                let stored = drafts.numbered(from: first)
                windows.extend(WindowCache.key(tenant, sessionId), generation: generation, with: stored)
                return stored
            case .conflict(let last):
                throw AgentStateError(.versionConflict, "the session's last seq is \(last), not \(expectedLastSeq ?? -1)", current: String(last))
            case .closed:
                // The cached status may be stale; the durable store says what it is.
                let s = try await durable.session(tenant, sessionId)
                throw AgentStateError(.conflict, "session '\(sessionId)' is \(s.status.rawValue)", current: s.status.rawValue)
            case .taken:
                throw IdempotencyKeyHeld()
            case .miss where attempt == 1:
                try await hydrate(tenant, sessionId)
            case .miss:
                break
            }
        }
        throw AgentStateError(.unavailable, "session '\(sessionId)' could not be cached in Redis; try again")
    }

    /// Redis is out of reach: the turns go to the durable store, numbered after its newest (the
    /// import refuses seqs another writer took meanwhile, and then it is read again). They keep
    /// the creation time they were given, so a flush of an append that reached Redis after all
    /// recognizes them.
    private func appendDurably(_ tenant: TenantID, _ sessionId: String, _ drafts: [Message], expectedLastSeq: Int64?,
                               because error: RESPError) async throws -> [Message] {
        diverged.withLock { _ = $0.insert(WindowCache.key(tenant, sessionId)) }
        windows.drop(WindowCache.key(tenant, sessionId))
        for _ in 0..<5 {
            let s = try await durable.session(tenant, sessionId)
            guard s.status == .active else {
                throw AgentStateError(.conflict, "session '\(sessionId)' is \(s.status.rawValue)", current: s.status.rawValue)
            }
            if let expectedLastSeq, expectedLastSeq != s.lastSeq {
                throw AgentStateError(.versionConflict, "the session's last seq is \(s.lastSeq), not \(expectedLastSeq)", current: String(s.lastSeq))
            }
            let numbered = drafts.numbered(from: s.lastSeq + 1)
            do {
                _ = try await durable.importMessages(tenant, sessionId, numbered)
            } catch let error as AgentStateError where error.code == .conflict {
                continue
            }
            changes.notify([ChangedStream(tenant, EventStream.session(sessionId))])
            return numbered
        }
        throw AgentStateError(.unavailable, "Redis is unreachable (\(error.message)) and session '\(sessionId)' kept changing; try again")
    }

    private func isDiverged(_ tenant: TenantID, _ sessionId: String) -> Bool {
        diverged.withLock { !$0.isEmpty && $0.contains(WindowCache.key(tenant, sessionId)) }
    }

    /// Brings a session appended to durably back to Redis: flushes (reconciling) what Redis held
    /// and drops the stale copy, so the next append caches it afresh. Throws `RESPError` while
    /// Redis is still away.
    private func rejoin(_ tenant: TenantID, _ sessionId: String) async throws {
        for _ in 0..<5 {
            try await flusher.flush(tenant, sessionId)
            if try await hot.evictIfFlushed(tenant, sessionId) {
                diverged.withLock { _ = $0.remove(WindowCache.key(tenant, sessionId)) }
                return
            }
        }
        throw AgentStateError(.conflict, "session '\(sessionId)' kept receiving turns; try again")
    }

    /// Caches a session from the durable store: its counters, system message and newest turns.
    /// Throws `RESPError` when Redis is away.
    private func hydrate(_ tenant: TenantID, _ sessionId: String) async throws {
        let s = try await durable.session(tenant, sessionId)
        guard s.status == .active else {
            throw AgentStateError(.conflict, "session '\(sessionId)' is \(s.status.rawValue)", current: s.status.rawValue)
        }
        let recent = try await durable.messages(tenant, sessionId, .after(seq: max(0, s.lastSeq - Int64(hot.cap)), limit: hot.cap)).messages
        var system = recent.first { $0.seq == s.systemSeq }
        if system == nil, let seq = s.systemSeq {
            system = try await durable.messages(tenant, sessionId, .after(seq: seq - 1, limit: 1)).messages.first
        }
        try await hot.hydrate(tenant, sessionId, lastSeq: s.lastSeq, status: s.status, system: system, summary: s.summary, recent: recent)
    }

    private func messages(_ read: ReadMessages) async throws -> MessageWindow {
        let (tenant, sessionId, query) = (read.tenant, read.sessionId, read.query)
        if case .last(let n) = query {
            if n > 0, n <= hot.cap, !isDiverged(tenant, sessionId) {
                switch try? await recentFromCache(tenant, sessionId, n) {
                case .served(let window)?:
                    hits.add(1, ordering: .relaxed)
                    return window
                case .notCached?:
                    // The miss caches the session, so that the reads after it are Redis's (a
                    // closed or unknown session is not cached, and the durable store answers).
                    misses.add(1, ordering: .relaxed)
                    if (try? await hydrate(tenant, sessionId)) != nil, case .served(let window)? = try? await recentFromCache(tenant, sessionId, n) {
                        return window
                    }
                case .tooShort?, nil:
                    misses.add(1, ordering: .relaxed)
                }
            } else {
                misses.add(1, ordering: .relaxed)
            }
        }
        // A time range the cached messages cover (checked as the durable store checks it first,
        // so that bad input gets the same error).
        if case .between(let since, let until, let limit) = query, (1...1000).contains(limit),
           since == nil || until == nil || until! >= since!, !isDiverged(tenant, sessionId) {
            if let cached = try? await hot.range(tenant, sessionId, since: since, until: until, limit: limit) {
                hits.add(1, ordering: .relaxed)
                return MessageWindow(summary: nil, messages: cached.messages, lastSeq: cached.lastSeq,
                                     tokens: cached.messages.reduce(0) { $0 + $1.tokens })
            }
            misses.add(1, ordering: .relaxed)
        }
        try await flushIfReachable(tenant, sessionId)
        return try await durable.perform(read)
    }

    private enum CachedRead {
        case served(MessageWindow)
        case notCached
        /// Cached, but the list does not reach back far enough for the read.
        case tooShort
    }

    /// The newest `n` messages as a context read, from Redis alone, when the cached list reaches
    /// far enough back. When this process holds the session's window and Redis says it is
    /// current, the turns are not sent again.
    private func recentFromCache(_ tenant: TenantID, _ sessionId: String, _ n: Int) async throws -> CachedRead {
        let key = WindowCache.key(tenant, sessionId)
        let held = windows.held(key, serving: n)
        let w: RedisHotTier.Window
        switch try await hot.window(tenant, sessionId, count: n, holding: held.map { ($0.generation, $0.lastSeq) }) {
        case nil:
            windows.drop(key)
            return .notCached
        case .same:
            guard let held else { return .tooShort }
            w = held
        case .changed(let fresh):
            w = fresh
            windows.store(key, fresh)
        }
        return WindowCache.recent(w, n).map(CachedRead.served) ?? .tooShort
    }

    /// From the calls hash when the cached turns hold the call; otherwise (an older call, or
    /// none) the durable store answers, after this session's pending turns are flushed.
    private func toolCall(_ call: GetToolCall) async throws -> ToolCallState {
        let (tenant, sessionId, callId) = (call.tenant, call.sessionId, call.callId)
        try Identifier.validateName(callId, field: "call_id")
        if !isDiverged(tenant, sessionId), let cached = try? await hot.toolCall(tenant, sessionId, callId) { return cached }
        try await flushIfReachable(tenant, sessionId)
        return try await durable.perform(call)
    }

    private func flushedSession(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await flushIfReachable(tenant, id)
        return try await durable.session(tenant, id)
    }

    private func flushedSessions(_ tenant: TenantID, _ query: SessionQuery) async throws -> Page<Session> {
        var page = try await durable.sessions(tenant, query)
        // A listed session with turns still in Redis is read again once they are flushed; which
        // ones those are is asked of Redis for the whole page at once.
        guard let pending = try? await hot.withUnflushedTurns(tenant, page.items.map(\.id)), !pending.isEmpty else { return page }
        for (i, s) in page.items.enumerated() where pending.contains(s.id) {
            if try await flushIfReachable(tenant, s.id) { page.items[i] = try await durable.session(tenant, s.id) }
        }
        return page
    }

    /// A change to a session's state, made once its pending turns are in the durable store.
    private func flushedFirst<Operation: StoreOperation>(_ tenant: TenantID, _ sessionId: String, _ operation: Operation) async throws -> Operation.Output {
        try await flushIfReachable(tenant, sessionId)
        return try await durable.perform(operation)
    }

    /// A change that overtakes the cache (a summary it holds, or its numbering): made in the
    /// durable store once the pending turns are there, then the session leaves the cache, and
    /// the next use caches it afresh.
    private func droppedAfter<Operation: StoreOperation>(_ tenant: TenantID, _ sessionId: String, _ operation: Operation) async throws -> Operation.Output {
        try await flushIfReachable(tenant, sessionId)
        let output = try await durable.perform(operation)
        try await dropFromCache(tenant, sessionId)
        return output
    }

    private func closeFlushed(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await flushIfReachable(tenant, id)
        let closed = try await durable.closeSession(tenant, id)
        try? await hot.setStatus(tenant, id, closed.status)
        // A turn that slipped in between is flushed now; the durable store takes it though closed.
        try await flushIfReachable(tenant, id)
        return try await durable.session(tenant, id)
    }

    private func deleteEverywhere(_ tenant: TenantID, _ id: String) async throws {
        try await durable.deleteSession(tenant, id)
        try? await hot.evict(tenant, id)
        windows.drop(WindowCache.key(tenant, id))
    }

    /// Drops a session from the cache once its turns are all in the durable store.
    private func dropFromCache(_ tenant: TenantID, _ sessionId: String) async throws {
        windows.drop(WindowCache.key(tenant, sessionId))
        for _ in 0..<5 {
            do {
                if try await hot.evictIfFlushed(tenant, sessionId) { return }
            } catch let error as RESPError {
                throw Self.unavailable(error)
            }
            // A turn was appended meanwhile: flush it and try again.
            try await flushIfReachable(tenant, sessionId)
        }
        throw AgentStateError(.conflict, "session '\(sessionId)' kept receiving turns; try again")
    }

    private func exportUser(_ export: ExportUser) async throws -> UserExport {
        try await flushSessions(of: export.userId, export.tenant)
        return try await durable.perform(export)
    }

    /// Purged sessions leave Redis too.
    private func purgeEverywhere(_ purge: Purge) async throws -> PurgeReport {
        let report = try await durable.perform(purge)
        for key in purge.keys where key.kind == .session {
            try? await hot.evict(purge.tenant, key.id)
            windows.drop(WindowCache.key(purge.tenant, key.id))
        }
        return report
    }

    private func eraseUser(_ erase: EraseUser) async throws -> ErasureReceipt {
        let ids = try await sessionIds(of: erase.userId, erase.tenant)
        let receipt = try await durable.perform(erase)
        for id in ids {
            try? await hot.evict(erase.tenant, id)
            windows.drop(WindowCache.key(erase.tenant, id))
        }
        return receipt
    }

    /// Flushes what the outbox holds first, so that idle sessions are judged on every turn
    /// acknowledged (a turn waiting in Redis is activity too).
    private func sweepFlushed(_ sweep: Sweep) async throws -> SweepReport {
        try? await flusher.drain()
        await flusher.settle()
        return try await durable.perform(sweep)
    }

    /// Flushes the session's pending turns; true if there were some. With Redis unreachable,
    /// does nothing (the durable store answers alone, degraded).
    @discardableResult
    private func flushIfReachable(_ tenant: TenantID, _ sessionId: String) async throws -> Bool {
        do {
            return try await flusher.flush(tenant, sessionId) != nil
        } catch is RESPError {
            return false
        }
    }

    private func sessionIds(of userId: String, _ tenant: TenantID) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            let page = try await durable.sessions(tenant, SessionQuery(userId: userId, limit: 200, cursor: cursor))
            ids += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        return ids
    }

    private func flushSessions(of userId: String, _ tenant: TenantID) async throws {
        for id in try await sessionIds(of: userId, tenant) { try await flushIfReachable(tenant, id) }
    }

    private static func unavailable(_ error: RESPError) -> AgentStateError {
        AgentStateError(.unavailable, "the Redis hot tier is unreachable: \(error.message)")
    }
}

/// A server runs the store's background work as a service of its group: the flusher and the
/// change-notice listener until the group shuts down, then a drain of the outbox, before the
/// store is closed.
extension TieredStore: Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { [flusher, hot, changes, logger] in
            await withDiscardingTaskGroup { group in
                group.addTask { await flusher.run() }
                group.addTask { await Self.listen(hot, changes, logger) }
            }
        }
        await drainOutbox()
    }
}
