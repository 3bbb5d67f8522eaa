import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    // MARK: Sessions

    public func session(_ tenant: TenantID, _ id: String) throws -> Session? {
        guard let row = try row("SELECT doc, skey FROM sessions WHERE tenant_id = ? AND id = ?", [tenant, id]) else { return nil }
        let stored: String = row[0]
        lastSessionKey = (tenant, id, row[1])
        let decode = { (stored: String) in try StoredDocument.decode(Session.self, self.open(stored)) }
        guard let sessionDocuments else { return try decode(stored) }
        return try sessionDocuments.session(tenant, id, stored: stored, decode: decode)
    }

    /// The session's message key is one past the highest any session or message holds, so a
    /// new session never inherits messages that outlived theirs (both maxima are index lookups).
    public func insertSession(_ s: Session) throws {
        try execute("""
            INSERT INTO sessions (tenant_id, id, user_id, status, created_at, updated_at, expires_at, doc, skey)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?,
                    MAX((SELECT IFNULL(MAX(skey), 0) FROM sessions), (SELECT IFNULL(MAX(id) >> 32, 0) FROM messages)) + 1)
            """,
                    [s.tenantId, s.id, s.userId, s.status.rawValue, s.createdAt.ms, s.updatedAt.ms, s.expiresAt?.ms, seal(try StoredDocument.encode(s))])
    }

    public func updateSession(_ s: Session) throws {
        try execute("UPDATE sessions SET user_id = ?, status = ?, updated_at = ?, expires_at = ?, doc = ? WHERE tenant_id = ? AND id = ?",
                    [s.userId, s.status.rawValue, s.updatedAt.ms, s.expiresAt?.ms, seal(try StoredDocument.encode(s)), s.tenantId, s.id])
    }

    public func deleteSession(_ tenant: TenantID, _ id: String) throws {
        try execute("DELETE FROM sessions WHERE tenant_id = ? AND id = ?", [tenant, id])
        lastSessionKey = nil
    }

    public func sessions(_ tenant: TenantID, userId: String?, status: SessionStatus?, before: PageCursor?, limit: Int) throws -> [Session] {
        var conditions = ["tenant_id = ?"]
        var args: StatementArguments = [tenant]
        if let userId { conditions.append("user_id = ?"); args += [userId] }
        if let status { conditions.append("status = ?"); args += [status.rawValue] }
        Self.keyset(before, timeColumn: "created_at", descending: true, into: &conditions, &args)
        args += [limit]
        return try docs(Session.self, "SELECT doc FROM sessions WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at DESC, id DESC LIMIT ?", args)
    }

    public func expiredSessions(at now: Date, limit: Int) throws -> [Session] {
        try docs(Session.self, "SELECT doc FROM sessions WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?",
                 [now.ms, limit])
    }

    // MARK: Messages

    /// The integer key the session's messages are stored under; nil if there is no such session.
    private func messageKey(_ tenant: TenantID, _ sessionId: String) throws -> Int64? {
        if let last = lastSessionKey, last.tenant == tenant, last.id == sessionId { return last.key }
        return try row("SELECT skey FROM sessions WHERE tenant_id = ? AND id = ?", [tenant, sessionId])?[0]
    }

    public func insertMessages(_ ms: [Message]) throws {
        guard let first = ms.first else { return }
        changed.insert(ChangedStream(first.tenantId, EventStream.session(first.sessionId)))
        guard let key = try messageKey(first.tenantId, first.sessionId) else {
            throw AgentStateError(.notFound, "no session \(first.sessionId) to append to")
        }
        let statement = try db.cachedStatement(sql: "INSERT INTO messages (id, role, content, tokens, created_at, extra) VALUES (?, ?, ?, ?, ?, ?)")
        for m in ms {
            guard m.tenantId == first.tenantId, m.sessionId == first.sessionId else {
                throw AgentStateError(.invalidInput, "one append goes to one session", field: "messages")
            }
            guard m.seq <= MessageID.maxSeq else {
                throw AgentStateError(.invalidInput, "a session holds at most \(MessageID.maxSeq) messages", field: "messages")
            }
            try statement.execute(arguments: [MessageID.of(key, m.seq), m.role.rawValue, seal(m.content), m.tokens, m.createdAt.ms,
                                              try StoredMessageExtras.encode(m).map(seal)])
        }
    }

    private func message(from row: Row, tenant: TenantID, session: String) throws -> Message {
        var m = Message(tenantId: tenant, sessionId: session, seq: MessageID.seq(row[0]), role: MessageRole(rawValue: row[1]) ?? .user,
                        content: try open(row[2]), tokens: row[3], createdAt: Date(millisecondsSince1970: row[4]))
        if let text: String = row[5] {
            try StoredMessageExtras.apply(open(text), to: &m)
        }
        return m
    }

    private static let messageColumns = "id, role, content, tokens, created_at, extra"

    /// The session's messages whose seq is above `afterSeq` and below `beforeSeq`: a range of ids.
    private func messages(_ tenant: TenantID, _ sessionId: String, after afterSeq: Int64, before beforeSeq: Int64,
                          descending: Bool, limit: Int) throws -> [Message] {
        guard let key = try messageKey(tenant, sessionId), let ids = MessageID.range(key, after: afterSeq, before: beforeSeq) else { return [] }
        return try rows("SELECT \(Self.messageColumns) FROM messages WHERE id BETWEEN ? AND ? ORDER BY id \(descending ? "DESC" : "") LIMIT ?",
                        [ids.lowerBound, ids.upperBound, limit]) { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, afterSeq: Int64, limit: Int) throws -> [Message] {
        try messages(tenant, sessionId, after: afterSeq, before: .max, descending: false, limit: limit)
    }

    public func messagesDescending(_ tenant: TenantID, _ sessionId: String, beforeSeq: Int64, afterSeq: Int64, limit: Int) throws -> [Message] {
        try messages(tenant, sessionId, after: afterSeq, before: beforeSeq, descending: true, limit: limit)
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, since: Date?, until: Date?, limit: Int) throws -> [Message] {
        guard let key = try messageKey(tenant, sessionId) else { return [] }
        return try rows("""
            SELECT \(Self.messageColumns) FROM messages
            WHERE id >> 32 = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id LIMIT ?
            """, [key, since?.ms ?? Int64.min, until?.ms ?? Int64.max, limit]) { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func message(_ tenant: TenantID, _ sessionId: String, seq: Int64) throws -> Message? {
        guard (0...MessageID.maxSeq).contains(seq), let key = try messageKey(tenant, sessionId) else { return nil }
        return try row("SELECT \(Self.messageColumns) FROM messages WHERE id = ?", [MessageID.of(key, seq)])
            .map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func deleteMessages(_ tenant: TenantID, _ sessionId: String) throws -> Int {
        guard let key = try messageKey(tenant, sessionId), let ids = MessageID.range(key, after: .min, before: .max) else { return 0 }
        return try rowsChanged("DELETE FROM messages WHERE id BETWEEN ? AND ?", [ids.lowerBound, ids.upperBound])
    }

    // MARK: Events

    private func event(from row: Row, tenant: TenantID, stream: String) throws -> Event {
        Event(tenantId: tenant, stream: stream, seq: row[0], type: row[1], data: try StoredDocument.decode(JSONValue.self, open(row[3])),
              at: Date(millisecondsSince1970: row[2]), prevHash: row[4], hash: row[5], signature: row[6])
    }

    public func streamHead(_ tenant: TenantID, stream: String) throws -> (seq: Int64, hash: String)? {
        try row("SELECT seq, hash FROM events WHERE tenant_id = ? AND stream = ? ORDER BY seq DESC LIMIT 1", [tenant, stream])
            .map { ($0[0], $0[1]) }
    }

    public func insertEvent(_ e: Event) throws {
        changed.insert(ChangedStream(e.tenantId, e.stream))
        try execute("INSERT INTO events (tenant_id, stream, seq, type, at, data, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [e.tenantId, e.stream, e.seq, e.type, e.at.ms, seal(try StoredDocument.encode(e.data)), e.prevHash, e.hash, e.signature])
    }

    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) throws -> [Event] {
        try rows("SELECT seq, type, at, data, prev_hash, hash, signature FROM events WHERE tenant_id = ? AND stream = ? AND seq > ? ORDER BY seq LIMIT ?",
                 [tenant, stream, afterSeq, limit]).map { try event(from: $0, tenant: tenant, stream: stream) }
    }

    public func deleteEvents(_ tenant: TenantID, stream: String) throws -> Int {
        try rowsChanged("DELETE FROM events WHERE tenant_id = ? AND stream = ?", [tenant, stream])
    }
}
