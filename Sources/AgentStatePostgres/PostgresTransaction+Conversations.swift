import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    // MARK: Sessions

    public func session(_ tenant: TenantID, _ id: String) throws -> Session? {
        let session = try doc(Session.self, "SELECT doc FROM sessions WHERE tenant_id = $1 AND id = $2" + lock, [tenant, id])
        if session != nil { hold(tenant, stream: EventStream.session(id)) }
        return session
    }

    /// A row this transaction inserts is its own until it commits (another insert of the key
    /// waits, then fails), and so is the row's event stream.
    public func insertSession(_ s: Session) throws {
        hold(s.tenantId, stream: EventStream.session(s.id))
        execute("INSERT INTO sessions (tenant_id, id, user_id, status, created_at, updated_at, expires_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                [s.tenantId, s.id, s.userId, s.status.rawValue, s.createdAt, Self.finishedAt(s), s.expiresAt, seal(try StoredDocument.encode(s))])
    }

    public func updateSession(_ s: Session) throws {
        execute("UPDATE sessions SET user_id = $1, status = $2, updated_at = $3, expires_at = $4, doc = $5 WHERE tenant_id = $6 AND id = $7",
                [s.userId, s.status.rawValue, Self.finishedAt(s), s.expiresAt, seal(try StoredDocument.encode(s)), s.tenantId, s.id])
    }

    /// The `updated_at` column: only retention reads it, of closed and expired sessions alone, so
    /// an active session leaves it empty. An append then changes no indexed column (for a session
    /// without a TTL), and PostgreSQL updates the row in place (a HOT update) instead of writing
    /// an entry in each of the table's indexes.
    private static func finishedAt(_ s: Session) -> Date? {
        s.status == .active ? nil : s.updatedAt
    }

    public func deleteSession(_ tenant: TenantID, _ id: String) throws {
        execute("DELETE FROM sessions WHERE tenant_id = $1 AND id = $2", [tenant, id])
    }

    public func sessions(_ tenant: TenantID, userId: String?, status: SessionStatus?, before: PageCursor?, limit: Int) throws -> [Session] {
        var list = ListQuery(tenant: tenant)
        if let userId { list.add("user_id = ?", userId) }
        if let status { list.add("status = ?", status.rawValue) }
        list.after(before, descending: true)
        let q = list.select(from: "sessions", descending: true, limit: limit)
        return try docs(Session.self, q.sql, q.arguments)
    }

    public func expiredSessions(at now: Date, limit: Int) throws -> [Session] {
        let sessions = try docs(Session.self, """
            SELECT doc FROM sessions WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2
            """ + lockOrSkip, [now, limit])
        if writing { for s in sessions { hold(s.tenantId, stream: EventStream.session(s.id)) } }
        return sessions
    }

    // MARK: Messages

    /// One statement for the whole batch: the columns go as arrays and come back as rows. The
    /// session's change notice rides in the same statement, costing no round trip.
    public func insertMessages(_ ms: [Message]) throws {
        guard let first = ms.first else { return }
        var seqs: [Int64] = [], roles: [String] = [], contents: [String] = [], tokens: [Int64] = [], times: [Int64] = []
        var extras: [String] = []  // "" for none: the driver sends no NULLs inside arrays
        for m in ms {
            seqs.append(m.seq)
            roles.append(m.role.rawValue)
            contents.append(seal(m.content))
            tokens.append(Int64(m.tokens))
            times.append(m.createdAt.millisecondsSince1970)
            extras.append(try StoredMessageExtras.encode(m).map(seal) ?? "")
        }
        execute("""
            INSERT INTO messages (tenant_id, session_id, seq, role, content, tokens, created_at, extra)
            SELECT $1, $2, m.seq, m.role, m.content, m.tokens, m.created_at, NULLIF(m.extra, '')
            FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[])
                AS m(seq, role, content, tokens, created_at, extra), \(Self.announcement)
            """, [first.tenantId, first.sessionId, SQLArray.ints(seqs), SQLArray.texts(roles), SQLArray.texts(contents),
                  SQLArray.ints(tokens), SQLArray.ints(times), SQLArray.texts(extras),
                  channel, notice(first.tenantId, EventStream.session(first.sessionId))])
    }

    private func message(from row: SQLRow, tenant: TenantID, session: String) throws -> Message {
        var m = Message(tenantId: tenant, sessionId: session, seq: try row[0].decode(Int64.self),
                        role: MessageRole(rawValue: try row[1].decode(String.self)) ?? .user,
                        content: try open(row[2].decode(String.self)), tokens: try row[3].decode(Int.self),
                        createdAt: Date(millisecondsSince1970: try row[4].decode(Int64.self)))
        if let text = try row[5].decode(String?.self) {
            try StoredMessageExtras.apply(open(text), to: &m)
        }
        return m
    }

    private static let messageColumns = "seq, role, content, tokens, created_at, extra"

    public func messages(_ tenant: TenantID, _ sessionId: String, afterSeq: Int64, limit: Int) throws -> [Message] {
        try rows("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = $1 AND session_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
                 [tenant, sessionId, afterSeq, limit]).map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func messagesDescending(_ tenant: TenantID, _ sessionId: String, beforeSeq: Int64, afterSeq: Int64, limit: Int) throws -> [Message] {
        try rows("""
            SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = $1 AND session_id = $2 AND seq < $3 AND seq > $4
            ORDER BY seq DESC LIMIT $5
            """, [tenant, sessionId, beforeSeq, afterSeq, limit]).map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, since: Date?, until: Date?, limit: Int) throws -> [Message] {
        try rows("""
            SELECT \(Self.messageColumns) FROM messages
            WHERE tenant_id = $1 AND session_id = $2 AND created_at >= $3 AND created_at < $4 ORDER BY created_at, seq LIMIT $5
            """, [tenant, sessionId, since?.millisecondsSince1970 ?? Int64.min, until?.millisecondsSince1970 ?? Int64.max, limit])
            .map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func message(_ tenant: TenantID, _ sessionId: String, seq: Int64) throws -> Message? {
        try row("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = $1 AND session_id = $2 AND seq = $3", [tenant, sessionId, seq])
            .map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func deleteMessages(_ tenant: TenantID, _ sessionId: String) throws -> Int {
        try rowsChanged("DELETE FROM messages WHERE tenant_id = $1 AND session_id = $2", [tenant, sessionId])
    }

    // MARK: Events

    private func event(from row: SQLRow, tenant: TenantID, stream: String) throws -> Event {
        Event(tenantId: tenant, stream: stream, seq: try row[0].decode(Int64.self), type: try row[1].decode(String.self),
              data: try document(JSONValue.self, in: row[3]),
              at: Date(millisecondsSince1970: try row[2].decode(Int64.self)), prevHash: try row[4].decode(String.self), hash: try row[5].decode(String.self),
              signature: try row[6].decode(String?.self))
    }

    /// In a write transaction the stream must be this transaction's alone until it ends, so the
    /// next event's seq and link cannot be taken twice (the partitioned events table cannot
    /// enforce `(stream, seq)` unique by itself). Holding the run's or session's row does that;
    /// otherwise the stream's own advisory lock is taken.
    public func streamHead(_ tenant: TenantID, stream: String) throws -> (seq: Int64, hash: String)? {
        if let known = knownHeads[ChangedStream(tenant, stream)] { return known.head }
        if writing, !lockedStreams.contains(ChangedStream(tenant, stream)) {
            execute("SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))", [tenant, stream])
        }
        return try row("SELECT seq, hash FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq DESC LIMIT 1", [tenant, stream])
            .map { (try $0[0].decode(Int64.self), try $0[1].decode(String.self)) }
    }

    /// The stream's change notice rides in the insert (see `insertMessages`).
    public func insertEvent(_ e: Event) throws {
        let key = ChangedStream(e.tenantId, e.stream)
        if knownHeads[key] != nil { knownHeads[key] = KnownHead(head: (e.seq, e.hash)) }
        execute("""
            INSERT INTO events (tenant_id, stream, seq, type, at, data, prev_hash, hash, signature)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $11 FROM \(Self.announcement)
            """, [e.tenantId, e.stream, e.seq, e.type, e.at, seal(try StoredDocument.encode(e.data)), e.prevHash, e.hash,
                  channel, notice(e.tenantId, e.stream), e.signature])
    }

    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) throws -> [Event] {
        try rows("SELECT seq, type, at, data, prev_hash, hash, signature FROM events WHERE tenant_id = $1 AND stream = $2 AND seq > $3 ORDER BY seq LIMIT $4",
                 [tenant, stream, afterSeq, limit]).map { try event(from: $0, tenant: tenant, stream: stream) }
    }

    public func deleteEvents(_ tenant: TenantID, stream: String) throws -> Int {
        knownHeads[ChangedStream(tenant, stream)] = nil
        return try rowsChanged("DELETE FROM events WHERE tenant_id = $1 AND stream = $2", [tenant, stream])
    }
}
