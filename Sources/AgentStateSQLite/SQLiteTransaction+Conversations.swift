import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    // MARK: Sessions

    public func session(_ tenant: TenantID, _ id: String) throws -> Session? {
        try doc(Session.self, "SELECT doc FROM sessions WHERE tenant_id = ? AND id = ?", [tenant, id])
    }

    public func insertSession(_ s: Session) throws {
        try execute("INSERT INTO sessions (tenant_id, id, user_id, status, created_at, updated_at, expires_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [s.tenantId, s.id, s.userId, s.status.rawValue, s.createdAt.ms, s.updatedAt.ms, s.expiresAt?.ms, seal(try StoredDocument.encode(s))])
    }

    public func updateSession(_ s: Session) throws {
        try execute("UPDATE sessions SET user_id = ?, status = ?, updated_at = ?, expires_at = ?, doc = ? WHERE tenant_id = ? AND id = ?",
                    [s.userId, s.status.rawValue, s.updatedAt.ms, s.expiresAt?.ms, seal(try StoredDocument.encode(s)), s.tenantId, s.id])
    }

    public func deleteSession(_ tenant: TenantID, _ id: String) throws {
        try execute("DELETE FROM sessions WHERE tenant_id = ? AND id = ?", [tenant, id])
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

    public func insertMessages(_ ms: [Message]) throws {
        if let first = ms.first { changed.insert(ChangedStream(first.tenantId, EventStream.session(first.sessionId))) }
        let sql = "INSERT INTO messages (tenant_id, session_id, seq, role, content, tokens, created_at, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        let statement = try db.cachedStatement(sql: sql)
        for m in ms {
            try statement.execute(arguments: [m.tenantId, m.sessionId, m.seq, m.role.rawValue, seal(m.content), m.tokens, m.createdAt.ms,
                                              try StoredMessageExtras.encode(m).map(seal)])
        }
    }

    private func message(from row: Row, tenant: TenantID, session: String) throws -> Message {
        var m = Message(tenantId: tenant, sessionId: session, seq: row[0], role: MessageRole(rawValue: row[1]) ?? .user,
                        content: try open(row[2]), tokens: row[3], createdAt: Date(millisecondsSince1970: row[4]))
        if let text: String = row[5] {
            try StoredMessageExtras.apply(open(text), to: &m)
        }
        return m
    }

    private static let messageColumns = "seq, role, content, tokens, created_at, extra"

    public func messages(_ tenant: TenantID, _ sessionId: String, afterSeq: Int64, limit: Int) throws -> [Message] {
        try rows("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = ? AND session_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                 [tenant, sessionId, afterSeq, limit]).map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func messagesDescending(_ tenant: TenantID, _ sessionId: String, beforeSeq: Int64, afterSeq: Int64, limit: Int) throws -> [Message] {
        try rows("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = ? AND session_id = ? AND seq < ? AND seq > ? ORDER BY seq DESC LIMIT ?",
                 [tenant, sessionId, beforeSeq, afterSeq, limit]).map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, since: Date?, until: Date?, limit: Int) throws -> [Message] {
        try rows("""
            SELECT \(Self.messageColumns) FROM messages
            WHERE tenant_id = ? AND session_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, seq LIMIT ?
            """, [tenant, sessionId, since?.ms ?? Int64.min, until?.ms ?? Int64.max, limit])
            .map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func message(_ tenant: TenantID, _ sessionId: String, seq: Int64) throws -> Message? {
        try row("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = ? AND session_id = ? AND seq = ?", [tenant, sessionId, seq])
            .map { try message(from: $0, tenant: tenant, session: sessionId) }
    }

    public func deleteMessages(_ tenant: TenantID, _ sessionId: String) throws -> Int {
        try delete("DELETE FROM messages WHERE tenant_id = ? AND session_id = ?", [tenant, sessionId])
    }

    // MARK: Events

    private func event(from row: Row, tenant: TenantID, stream: String) throws -> Event {
        Event(tenantId: tenant, stream: stream, seq: row[0], type: row[1], data: try StoredDocument.decode(JSONValue.self, open(row[3])),
              at: Date(millisecondsSince1970: row[2]), prevHash: row[4], hash: row[5])
    }

    public func streamHead(_ tenant: TenantID, stream: String) throws -> (seq: Int64, hash: String)? {
        try row("SELECT seq, hash FROM events WHERE tenant_id = ? AND stream = ? ORDER BY seq DESC LIMIT 1", [tenant, stream])
            .map { ($0[0], $0[1]) }
    }

    public func insertEvent(_ e: Event) throws {
        changed.insert(ChangedStream(e.tenantId, e.stream))
        try execute("INSERT INTO events (tenant_id, stream, seq, type, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [e.tenantId, e.stream, e.seq, e.type, e.at.ms, seal(try StoredDocument.encode(e.data)), e.prevHash, e.hash])
    }

    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) throws -> [Event] {
        try rows("SELECT seq, type, at, data, prev_hash, hash FROM events WHERE tenant_id = ? AND stream = ? AND seq > ? ORDER BY seq LIMIT ?",
                 [tenant, stream, afterSeq, limit]).map { try event(from: $0, tenant: tenant, stream: stream) }
    }

    public func deleteEvents(_ tenant: TenantID, stream: String) throws -> Int {
        try delete("DELETE FROM events WHERE tenant_id = ? AND stream = ?", [tenant, stream])
    }
}
