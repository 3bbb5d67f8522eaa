import AgentState
import Crypto
import Foundation
import Logging
import NIOCore
import RESP

/// The Redis side of the tiered store, for conversations: each session's counters and newest
/// messages, appends numbered atomically by a script, and an outbox stream naming the sessions
/// whose appends the durable store does not have yet.
///
/// It holds no rules of its own about sessions beyond numbering; the tiered store decides when
/// to hydrate, append, read and flush.
public final class RedisHotTier: Sendable, ValueSealing {
    public let client: RESPClient
    /// Key prefix, so several deployments can share one Redis.
    public let prefix: String
    /// How long a session whose every turn is flushed stays cached after its last use.
    public let ttl: Duration
    /// Messages kept per session once flushed: the longest window served from Redis.
    public let cap: Int
    /// The consumer group of the flushers.
    public let group = "agentstate-flushers"
    /// Seals each cached message and summary before it reaches Redis; nil caches them plain.
    public let keyRing: DataKeyRing?

    private let logger: Logger

    public init(client: RESPClient, prefix: String = "agentstate", ttl: Duration = .seconds(3600), cap: Int = 200,
                keyRing: DataKeyRing? = nil, logger: Logger = Logger(label: "agentstate.hot-tier")) {
        self.client = client
        self.keyRing = keyRing
        self.logger = logger
        self.prefix = prefix
        self.ttl = ttl
        self.cap = cap
    }

    var outbox: String { HotTierKeys.outbox(prefix: prefix) }
    /// Where appends announce themselves: `tenant\nstream` per changed stream.
    public var changesChannel: String { prefix + ":changes" }
    private var ttlSeconds: RESPArgument { .integer(max(1, ttl.components.seconds)) }

    /// Where the append script records which attempt at an idempotent request appended. Named
    /// by tenant and key alone, since a retry asks before it knows anything else (so it is not
    /// in the session's cluster slot: the tiered store runs on one primary).
    private func attemptMarker(_ tenant: TenantID, _ key: String) -> String { "\(prefix):idem:{\(tenant)}:\(key)" }

    /// Makes the key of an idempotent request the retry's (`attempt`), unless an earlier
    /// attempt appended under it: then false.
    public func claim(_ attempt: IdempotentAttempt) async throws -> Bool {
        try await client.run(HotTierScripts.claimAttempt, keys: [attemptMarker(attempt.tenant, attempt.key)], [.string(attempt.token)]).string == "OK"
    }

    /// Whether `attempt` appended under its idempotent request's key.
    public func appended(_ attempt: IdempotentAttempt) async throws -> Bool {
        try await client.send(RESPCommand("GET", .string(attemptMarker(attempt.tenant, attempt.key)))).string == attempt.token + "|1"
    }

    private func keys(_ tenant: TenantID, _ session: String) -> HotTierKeys {
        HotTierKeys(prefix: prefix, tenant: tenant, session: session)
    }

    // MARK: Sessions

    public enum AppendOutcome: Sendable, Equatable {
        /// Stored; the messages got seqs from `firstSeq` on, in the cached copy made by the
        /// hydration `generation` names.
        case appended(firstSeq: Int64, generation: String)
        /// The session is not cached: hydrate it and try again.
        case miss
        case closed(lastSeq: Int64)
        case conflict(lastSeq: Int64)
        /// Another attempt at the same idempotent request appended already.
        case taken
    }

    /// Caches a session as the durable store has it: its last seq and status, its system
    /// message, and its newest messages (oldest first). Returns false if it was cached already.
    @discardableResult
    public func hydrate(_ tenant: TenantID, _ session: String, lastSeq: Int64, status: SessionStatus,
                        system: Message?, summary: Summary? = nil, recent: [Message]) async throws -> Bool {
        let k = keys(tenant, session)
        var arguments: [RESPArgument] = [.integer(lastSeq), .string(status.rawValue), ttlSeconds]
        if let system {
            arguments += [.integer(system.seq), .string(try entry(system))]
        } else {
            arguments += ["", ""]
        }
        arguments.append(.string(try summary.map { seal(try StoredDocument.encode($0)) } ?? ""))
        arguments.append(.string(String(UInt64.random(in: .min ... .max), radix: 36)))
        arguments.append(.string(Self.calls(recent.map { ($0.seq, $0) })))
        for m in recent { arguments += [.integer(m.createdAt.millisecondsSince1970), .string(try entry(m))] }
        return try await client.run(HotTierScripts.hydrate, keys: [k.meta, k.recent, k.times, k.calls], arguments) == .integer(1)
    }

    /// Appends messages (their seqs are assigned here; what they carry is ignored). With an
    /// `attempt`, only if no other attempt at its idempotent request appended, and it is then
    /// recorded as the one that did.
    public func append(_ tenant: TenantID, _ session: String, _ messages: [Message], expectedLastSeq: Int64?,
                       attempt: IdempotentAttempt? = nil) async throws -> AppendOutcome {
        let k = keys(tenant, session)
        let system = (messages.firstIndex { $0.role == .system }).map { $0 + 1 } ?? 0
        var arguments: [RESPArgument] = [expectedLastSeq.map { .integer($0) } ?? "", .string(tenant), .string(session), .integer(Int64(system)),
                                         .string(changesChannel), .string(tenant + "\n" + EventStream.session(session)),
                                         .integer(messages.first?.createdAt.millisecondsSince1970 ?? 0),
                                         .string(Self.calls(messages.enumerated().map { (Int64($0.offset + 1), $0.element) })),
                                         .string(attempt?.token ?? "")]
        for m in messages { arguments.append(.string(seal(try StoredDocument.encode(m)))) }
        let marker = attemptMarker(attempt?.tenant ?? tenant, attempt?.key ?? "")
        let reply = try await scriptReplicated(HotTierScripts.append, keys: [k.meta, k.recent, outbox, k.times, k.calls, marker], arguments)
        guard let parts = reply.elements, let word = parts.first?.string else { throw Self.unexpected(reply) }
        let number = parts.count > 1 ? parts[1].integer : nil
        switch (word, number) {
        case ("OK", let first?): return .appended(firstSeq: first, generation: parts.count > 2 ? parts[2].string ?? "" : "")
        case ("MISS", _): return .miss
        case ("TAKEN", _): return .taken
        case ("CLOSED", let last?): return .closed(lastSeq: last)
        case ("CONFLICT", let last?): return .conflict(lastSeq: last)
        default: throw Self.unexpected(reply)
        }
    }

    /// A cached session's counters and newest `count` messages (oldest first), or nil if it is
    /// not cached. Reading refreshes the TTL of a session with nothing left to flush.
    public struct Window: Sendable {
        public var lastSeq: Int64
        public var flushedSeq: Int64
        public var status: SessionStatus?
        public var systemSeq: Int64?
        public var system: Message?
        /// The summary standing in for the messages up to its `throughSeq`.
        public var summary: Summary?
        /// Contiguous, ending at `lastSeq`.
        public var messages: [Message]
        /// The hydration that made the cached copy; with `lastSeq`, it names the content.
        public var generation: String
    }

    /// `count` -1 reads exactly the messages not yet flushed.
    public func window(_ tenant: TenantID, _ session: String, count: Int) async throws -> Window? {
        guard case .changed(let w)? = try await window(tenant, session, count: count, holding: nil) else { return nil }
        return w
    }

    public enum WindowRead: Sendable {
        /// The window the caller holds is current.
        case same
        case changed(Window)
    }

    /// Like `window(_:_:count:)`, but when the caller holds the window of `holding` (a
    /// generation and last seq) and it is still current, Redis answers `.same` without sending
    /// the messages again. Nil if the session is not cached.
    public func window(_ tenant: TenantID, _ session: String, count: Int, holding: (generation: String, lastSeq: Int64)?) async throws -> WindowRead? {
        let k = keys(tenant, session)
        var arguments: [RESPArgument] = [.integer(Int64(count)), ttlSeconds]
        if let holding { arguments += [.string(holding.generation), .integer(holding.lastSeq)] }
        let reply = try await client.run(HotTierScripts.window, keys: [k.meta, k.recent, k.times, k.calls], arguments)
        guard let parts = reply.elements else { throw Self.unexpected(reply) }
        if parts.count == 1, parts[0].string == "SAME" { return .same }
        guard parts.count >= 7 else { return nil }
        guard let last = parts[0].string.flatMap({ Int64($0) }), let flushed = parts[1].string.flatMap({ Int64($0) }) else {
            throw Self.unexpected(reply)
        }
        let systemEntry = parts[4].string ?? ""
        let summary = parts[5].string ?? ""
        return .changed(Window(lastSeq: last, flushedSeq: flushed, status: parts[2].string.flatMap(SessionStatus.init(rawValue:)),
                      systemSeq: parts[3].string.flatMap { Int64($0) },
                      system: systemEntry.isEmpty ? nil : try message(systemEntry, tenant, session),
                      summary: summary.isEmpty ? nil : try StoredDocument.decode(Summary.self, open(summary)),
                      messages: try parts[7...].map { try message($0.string ?? "", tenant, session) }, generation: parts[6].string ?? ""))
    }

    /// Messages created from `since` (inclusive) to `until` (exclusive), by time then seq, at
    /// most `limit`, with the session's last seq; nil when the session is not cached or its
    /// cached messages may not cover the range. Messages' times come from the clocks of the
    /// servers that appended them: `skew` is how far apart those clocks may be.
    public func range(_ tenant: TenantID, _ session: String, since: Date?, until: Date?, limit: Int,
                      skew: Duration = .seconds(60)) async throws -> (lastSeq: Int64, messages: [Message])? {
        let k = keys(tenant, session)
        let reply = try await client.run(HotTierScripts.range, keys: [k.meta, k.recent, k.times], [
            since.map { .integer($0.millisecondsSince1970) } ?? "", until.map { .integer($0.millisecondsSince1970) } ?? "",
            .integer(Int64(limit)), .integer(Self.milliseconds(skew)),
        ])
        guard let parts = reply.elements else { throw Self.unexpected(reply) }
        guard let last = parts.first?.string.flatMap({ Int64($0) }) else { return nil }
        return (last, try parts.dropFirst().map { try message($0.string ?? "", tenant, session) })
    }

    /// A tool call as the cached messages have it; nil when they do not hold the message that
    /// asked for it (it may be older than they reach, or not exist).
    public func toolCall(_ tenant: TenantID, _ session: String, _ callId: String) async throws -> ToolCallState? {
        let k = keys(tenant, session)
        let reply = try await client.run(HotTierScripts.toolCall, keys: [k.meta, k.recent, k.calls], [.string(callId)])
        guard let parts = reply.elements else { throw Self.unexpected(reply) }
        guard parts.count == 2, let requestEntry = parts[0].string, let answerEntry = parts[1].string else { return nil }
        let request = try message(requestEntry, tenant, session)
        guard let call = request.toolCalls?.first(where: { $0.id == callId }) else { return nil }
        return ToolCallState(call: call, requestSeq: request.seq,
                             result: answerEntry.isEmpty ? nil : try message(answerEntry, tenant, session))
    }

    /// The messages the durable store does not have yet, oldest first.
    public func unflushed(_ tenant: TenantID, _ session: String) async throws -> [Message] {
        // One read, counters and entries together: appends may land between two.
        try await window(tenant, session, count: -1)?.messages ?? []
    }

    /// Which of these sessions hold turns the durable store lacks, read in one round trip.
    public func withUnflushedTurns(_ tenant: TenantID, _ sessions: [String]) async throws -> Set<String> {
        guard !sessions.isEmpty else { return [] }
        let replies = try await client.pipeline(sessions.map { RESPCommand("HMGET", .string(keys(tenant, $0).meta), "last", "flushed") })
        var pending: Set<String> = []
        for (session, reply) in zip(sessions, replies) {
            guard let fields = reply.elements, fields.count == 2,
                  let last = fields[0].string.flatMap({ Int64($0) }), let flushed = fields[1].string.flatMap({ Int64($0) }) else { continue }
            if flushed < last { pending.insert(session) }
        }
        return pending
    }

    /// Records that the durable store holds the session through `seq`.
    public func markFlushed(_ tenant: TenantID, _ session: String, through seq: Int64) async throws {
        let k = keys(tenant, session)
        _ = try await client.run(HotTierScripts.markFlushed, keys: [k.meta, k.recent, k.times, k.calls], [.integer(seq), .integer(Int64(cap)), ttlSeconds])
    }

    /// Sets the cached status (after the durable store changed it).
    public func setStatus(_ tenant: TenantID, _ session: String, _ status: SessionStatus) async throws {
        let k = keys(tenant, session)
        _ = try await client.run(HotTierScripts.setStatus, keys: [k.meta], [.string(status.rawValue)])
    }

    /// Drops the session from the cache unless turns wait to be flushed; true if dropped.
    public func evictIfFlushed(_ tenant: TenantID, _ session: String) async throws -> Bool {
        let k = keys(tenant, session)
        return try await client.run(HotTierScripts.evictIfFlushed, keys: [k.meta, k.recent, k.times, k.calls], []) == .integer(1)
    }

    /// Drops every cached session whose turns are all flushed, so each comes back from the
    /// durable store when next used: after re-sealing, it then comes back under the newest
    /// key. Sessions with turns left to flush are waited for (their flush takes moments) up to
    /// `waiting`; returns how many were still cached then.
    public func evictFlushedSessions(waiting: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + waiting
        while true {
            var left = 0
            var cursor = "0"
            repeat {
                let reply = try await client.send(RESPCommand("SCAN", .string(cursor), "MATCH", .string(prefix + ":{*}:meta"), "COUNT", "500"))
                guard let parts = reply.elements, parts.count == 2, let next = parts[0].string else { throw Self.unexpected(reply) }
                cursor = next
                for key in parts[1].elements?.compactMap(\.string) ?? [] {
                    // `prefix:{tenant:session}:meta`; identifiers hold no ':'.
                    let tag = key.dropFirst(prefix.count + 2).dropLast(6)
                    guard let colon = tag.firstIndex(of: ":") else { continue }
                    let evicted = try await evictIfFlushed(String(tag[..<colon]), String(tag[tag.index(after: colon)...]))
                    if !evicted { left += 1 }
                }
            } while cursor != "0"
            if left == 0 || ContinuousClock.now >= deadline { return left }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Drops the session from the cache.
    public func evict(_ tenant: TenantID, _ session: String) async throws {
        let k = keys(tenant, session)
        _ = try await client.send(RESPCommand("DEL", .string(k.meta), .string(k.recent), .string(k.times), .string(k.calls)))
    }

    // MARK: Outbox

    public struct OutboxEntry: Sendable, Equatable {
        public var id: String
        public var tenant: TenantID
        public var session: String
        public var lastSeq: Int64
    }

    /// Creates the stream and the flushers' group if they do not exist.
    public func prepareOutbox() async throws {
        do {
            _ = try await client.send(RESPCommand("XGROUP", "CREATE", .string(outbox), .string(group), "0", "MKSTREAM"))
        } catch {
            guard error.prefix == "BUSYGROUP" else { throw error }
        }
    }

    /// New entries for `consumer`, waiting up to `block` for some. The wait blocks the
    /// connection it runs on, so it runs on `connection` (a flusher keeps one for its reads), or
    /// on one opened for it.
    public func readOutbox(consumer: String, count: Int = 100, block: Duration = .seconds(1),
                           on connection: RESPConnection? = nil) async throws -> [OutboxEntry] {
        let command = RESPCommand("XREADGROUP", "GROUP", .string(group), .string(consumer), "COUNT", .integer(Int64(count)),
                                  "BLOCK", .integer(Self.milliseconds(block)), "STREAMS", .string(outbox), ">")
        let reply: RESPValue
        if let connection {
            reply = try await connection.send(command, timeout: block + .seconds(5))
        } else {
            reply = try await client.withDedicatedConnection { try await $0.send(command, timeout: block + .seconds(5)) }
        }
        // RESP3: a map from stream name to its entries; RESP2: an array of [name, entries].
        let streams = reply.pairs?.map(\.value) ?? []
        return try streams.flatMap { try Self.entries($0) }
    }

    /// Entries another consumer took and did not acknowledge within `idle` (it died): now `consumer`'s.
    public func claimStale(consumer: String, idle: Duration, count: Int = 100) async throws -> [OutboxEntry] {
        let reply = try await client.send(RESPCommand("XAUTOCLAIM", .string(outbox), .string(group), .string(consumer),
                                                      .integer(Self.milliseconds(idle)), "0-0", "COUNT", .integer(Int64(count))))
        guard let parts = reply.elements, parts.count >= 2 else { throw Self.unexpected(reply) }
        return try Self.entries(parts[1])
    }

    /// Acknowledges and deletes entries whose sessions are flushed.
    public func acknowledge(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await client.pipeline([
            RESPCommand("XACK", [.string(outbox), .string(group)] + ids.map(RESPArgument.string)),
            RESPCommand("XDEL", [.string(outbox)] + ids.map(RESPArgument.string)),
        ])
    }

    /// Entries in the outbox not yet acknowledged: the flush lag, for metrics and health.
    public func outboxLength() async throws -> Int {
        Int(try await client.send(RESPCommand("XLEN", .string(outbox))).integer ?? 0)
    }

    /// The outbox's length and when its oldest entry was added: acknowledged entries are
    /// deleted, so the first one left is the oldest append not yet flushed, and its stream id
    /// begins with the milliseconds of its adding.
    public func outboxBacklog() async throws -> (length: Int, oldest: Date?) {
        let replies = try await client.pipeline([
            RESPCommand("XLEN", .string(outbox)),
            RESPCommand("XRANGE", .string(outbox), "-", "+", "COUNT", "1"),
        ])
        let id = replies[1].elements?.first?.elements?.first?.string
        let ms = id.flatMap { $0.split(separator: "-").first }.flatMap { Int64($0) }
        return (Int(replies[0].integer ?? 0), ms.map { Date(millisecondsSince1970: $0) })
    }

    private static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    // MARK: Encoding

    /// The tool calls messages ask for and answer, as the scripts record them: a line
    /// `position<TAB>r|a<TAB>call id` for each.
    static func calls(_ messages: [(position: Int64, message: Message)]) -> String {
        var lines: [String] = []
        for (position, m) in messages {
            for call in m.toolCalls ?? [] { lines.append("\(position)\tr\t\(call.id)") }
            if m.role == .tool, let id = m.toolCallId { lines.append("\(position)\ta\t\(id)") }
        }
        return lines.joined(separator: "\n")
    }

    func entry(_ m: Message) throws -> String {
        "\(m.seq)\t" + seal(try StoredDocument.encode(m))
    }

    func message(_ entry: String, _ tenant: TenantID, _ session: String) throws -> Message {
        guard let tab = entry.firstIndex(of: "\t"), let seq = Int64(entry[..<tab]) else {
            throw AgentStateError(.unavailable, "the hot tier holds a malformed message entry for session '\(session)'")
        }
        var m = try StoredDocument.decode(Message.self, open(String(entry[entry.index(after: tab)...])))
        m.seq = seq
        m.tenantId = tenant
        m.sessionId = session
        return m
    }

    private static func entries(_ value: RESPValue) throws -> [OutboxEntry] {
        try (value.elements ?? []).compactMap { item in
            guard let parts = item.elements, parts.count == 2, let id = parts[0].string else { throw unexpected(item) }
            // A deleted entry still pending reads as a null field list.
            guard let fields = parts[1].pairs ?? parts[1].elements.map({ _ in [] }) else { return nil }
            var values: [String: String] = [:]
            for (k, v) in fields { values[k.string ?? ""] = v.string }
            guard let t = values["t"], let s = values["s"], let last = values["last"].flatMap({ Int64($0) }) else { return nil }
            return OutboxEntry(id: id, tenant: t, session: s, lastSeq: last)
        }
    }

    private static func unexpected(_ reply: RESPValue) -> AgentStateError {
        AgentStateError(.unavailable, "unexpected reply from Redis's hot tier: \(reply)")
    }

    // MARK: Scripts

    /// Runs a script whose writes must survive a failover: with `replicas` configured, `WAIT`
    /// follows it on the same connection, so the reply comes once that many replicas have the
    /// write (or the command timeout passed: the write stands, acknowledged, and a warning says
    /// a failover now could lose it).
    private func scriptReplicated(_ script: LuaScript, keys: [String], _ arguments: [RESPArgument]) async throws -> RESPValue {
        let replicas = client.configuration.replicas
        guard replicas > 0 else { return try await client.run(script, keys: keys, arguments) }
        let tail = LuaScript.arguments(keys: keys, arguments)
        let wait = RESPCommand("WAIT", .integer(Int64(replicas)), .integer(Self.milliseconds(client.configuration.commandTimeout) / 2))
        var replies = try await client.pipeline([RESPCommand("EVALSHA", [.string(script.sha1)] + tail), wait])
        if case .error(let message) = replies[0], message.hasPrefix("NOSCRIPT") {
            replies = try await client.pipeline([RESPCommand("EVAL", [.string(script.source)] + tail), wait])
        }
        if case .error(let message) = replies[0] { throw RESPError(reply: message) }
        let acknowledged = replies[1].integer ?? 0
        if acknowledged < Int64(replicas) {
            logger.warning("a write reached fewer replicas than asked for in time; a failover now could lose it", metadata: [
                "replicas": "\(acknowledged)", "asked": "\(replicas)",
            ])
        }
        return replies[0]
    }
}

extension Array where Element == Message {
    /// The same messages with seqs `first`, `first + 1`, … in order.
    func numbered(from first: Int64) -> [Message] {
        enumerated().map { i, m in
            var numbered = m
            numbered.seq = first + Int64(i)
            return numbered
        }
    }
}
