import Foundation

extension TransactionalStore {
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
