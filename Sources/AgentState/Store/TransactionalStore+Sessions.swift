import Foundation

extension TransactionalStore {
    public func createSession(_ tenant: TenantID, _ request: SessionCreate) async throws -> Session {
        try Identifier.validate(tenant, field: "tenant")
        if let u = request.userId { try Identifier.validate(u, field: "user_id") }
        if let a = request.agentId { try Identifier.validate(a, field: "agent_id") }
        try Rules.checkText(request.title, field: "title", max: 1024)
        try Rules.checkObject(request.metadata, field: "metadata")
        try Rules.checkObject(request.context, field: "context")
        try Rules.checkSeconds(request.ttlSeconds, field: "ttl_seconds")
        return try await write { tx in
            let now = tx.now
            let id = try Identifier.make("ses", supplied: request.id, at: now)
            if try tx.session(tenant, id) != nil {
                throw AgentStateError(.alreadyExists, "session '\(id)' already exists")
            }
            let session = Session(
                tenantId: tenant, id: id, userId: request.userId, agentId: request.agentId, title: request.title,
                status: .active, metadata: request.metadata ?? .emptyObject, context: request.context ?? .emptyObject,
                ttlSeconds: request.ttlSeconds, expiresAt: request.ttlSeconds.map { now.adding(seconds: TimeInterval($0)) },
                lastSeq: 0, systemSeq: nil, summary: nil, version: 1, schemaVersion: Session.currentSchemaVersion,
                createdAt: now, updatedAt: now, lastActivityAt: now)
            try tx.insertSession(session)
            try tx.recordSessionEvent(session, "session.created", ["session": try JSONValue(encoding: session)])
            return session
        }
    }

    public func updateSession(_ tenant: TenantID, _ id: String, _ update: SessionUpdate) async throws -> Session {
        try Rules.checkText(update.title, field: "title", max: 1024)
        try Rules.checkObject(update.metadata, field: "metadata")
        try Rules.checkSeconds(update.ttlSeconds, field: "ttl_seconds")
        return try await write { tx in
            var s = try tx.requireSession(tenant, id)
            try Rules.checkVersion("session", expected: update.expectedVersion, current: s.version)
            if let t = update.title { s.title = t }
            if let m = update.metadata { s.metadata = s.metadata.merging(patch: m) }
            if let ttl = update.ttlSeconds {
                s.ttlSeconds = ttl
                s.expiresAt = tx.now.adding(seconds: TimeInterval(ttl))
            }
            s.version += 1
            s.updatedAt = tx.now
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "session.updated", ["changes": try JSONValue(encoding: update)])
            return s
        }
    }

    public func closeSession(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await write { tx in
            var s = try tx.requireSession(tenant, id)
            guard s.status == .active else { return s }
            s.status = .closed
            s.expiresAt = nil
            s.version += 1
            s.updatedAt = tx.now
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "session.closed")
            return s
        }
    }

    public func deleteSession(_ tenant: TenantID, _ id: String) async throws {
        try await write { tx in
            _ = try tx.requireSession(tenant, id)
            _ = try tx.deleteMessages(tenant, id)
            _ = try tx.deleteEvents(tenant, stream: EventStream.session(id))
            try tx.deleteSession(tenant, id)
        }
    }

    public func sessions(_ tenant: TenantID, _ query: SessionQuery) async throws -> Page<Session> {
        try Rules.checkLimit(query.limit)
        let cursor = try PageCursor.parse(query.cursor)
        return try await read { tx in
            let rows = try tx.sessions(tenant, userId: query.userId, status: query.status, before: cursor, limit: query.limit + 1)
            return Rules.page(rows, limit: query.limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }

    public func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session {
        try Rules.checkObject(patch, field: "context")
        return try await write { tx in
            var s = try tx.requireSession(tenant, sessionId)
            try Rules.checkVersion("session", expected: expectedVersion, current: s.version)
            s.context = s.context.merging(patch: patch)
            s.version += 1
            s.updatedAt = tx.now
            s.refreshExpiry(at: tx.now)
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "context.patched", ["patch": patch])
            return s
        }
    }

    public func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session {
        guard !summary.isEmpty else { throw AgentStateError.invalidInput(field: "summary", "must not be empty") }
        try Rules.checkText(summary, field: "summary", max: 1 << 20)
        if let tokens, tokens < 0 { throw AgentStateError.invalidInput(field: "tokens", "must not be negative") }
        return try await write { tx in
            var s = try tx.requireSession(tenant, sessionId)
            let floor = s.summary?.throughSeq ?? 0
            guard throughSeq > floor, throughSeq <= s.lastSeq else {
                throw AgentStateError.invalidInput(
                    field: "through_seq", "must be after the current summary (\(floor)) and at most the last seq (\(s.lastSeq))")
            }
            s.summary = Summary(text: summary, throughSeq: throughSeq,
                                tokens: tokens ?? ContextWindow.estimateTokens(summary), createdAt: tx.now)
            s.version += 1
            s.updatedAt = tx.now
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "session.compacted", ["through_seq": .int(throughSeq)])
            return s
        }
    }
}

extension Session {
    /// Activity pushes the inactivity deadline out again.
    mutating func refreshExpiry(at now: Date) {
        lastActivityAt = now
        if status == .active, let ttl = ttlSeconds { expiresAt = now.adding(seconds: TimeInterval(ttl)) }
    }

    /// Reads refresh the deadline too, but only once it has slipped noticeably, so a busy reader
    /// does not turn every read into a write.
    func expiryIsStale(at now: Date) -> Bool {
        guard status == .active, let ttl = ttlSeconds, let expiresAt else { return false }
        let slack = min(60, Double(ttl) / 10)
        return expiresAt < now.adding(seconds: TimeInterval(ttl)) - slack
    }
}
