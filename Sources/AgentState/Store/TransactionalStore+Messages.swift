import Foundation

extension TransactionalStore {
    public func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64 {
        for (i, m) in messages.enumerated() {
            guard m.tenantId == tenant, m.sessionId == sessionId else {
                throw AgentStateError.invalidInput(field: "messages[\(i)]", "belongs to another session")
            }
        }
        return try await write { tx in
            var s = try tx.requireSession(tenant, sessionId)
            try tx.checkStoredAlready(messages.filter { $0.seq <= s.lastSeq }, in: s)
            let fresh = messages.filter { $0.seq > s.lastSeq }.sorted { $0.seq < $1.seq }
            guard !fresh.isEmpty else { return s.lastSeq }
            for (offset, m) in fresh.enumerated() where m.seq != s.lastSeq + 1 + Int64(offset) {
                throw AgentStateError(.conflict, "message \(m.seq) would leave a gap after the session's last seq \(s.lastSeq)",
                                      current: String(s.lastSeq))
            }
            try tx.insertMessages(fresh)
            if s.systemSeq == nil, let first = fresh.first(where: { $0.role == .system }) { s.systemSeq = first.seq }
            s.lastSeq = fresh.last!.seq
            s.updatedAt = max(s.updatedAt, fresh.last!.createdAt)
            // The session was last active when the newest of these was appended, not now.
            let activity = fresh.last!.createdAt
            if activity > s.lastActivityAt { s.refreshExpiry(at: activity) }
            try tx.updateSession(s)
            return s.lastSeq
        }
    }

    /// Walks the session back from its newest message: a call asked for recently, the usual
    /// question, is found after a few; the cost grows with how far back the call was made.
    public func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState {
        try Identifier.validateName(callId, field: "call_id")
        return try await read { tx in
            let s = try tx.requireSession(tenant, sessionId)
            var answer: Message?
            var before = Int64.max
            while true {
                let chunk = try tx.messagesDescending(tenant, sessionId, beforeSeq: before, afterSeq: 0, limit: 64)
                for m in chunk {
                    // Newest first: the last answer seen is the first given.
                    if m.role == .tool, m.toolCallId == callId { answer = m }
                    if let call = m.toolCalls?.first(where: { $0.id == callId }) {
                        return ToolCallState(call: call, requestSeq: m.seq, result: answer)
                    }
                }
                guard chunk.count == 64 else { break }
                before = chunk[chunk.count - 1].seq
            }
            throw AgentStateError(.notFound, "no message of session '\(s.id)' asked for tool call '\(callId)'")
        }
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow {
        switch query {
        case .last(let n): try Rules.checkLimit(n, field: "last")
        case .tail(let n): try Rules.checkLimit(n, field: "tail")
        case .after(let seq, let limit):
            try Rules.checkLimit(limit)
            if seq < 0 { throw AgentStateError.invalidInput(field: "after_seq", "must not be negative") }
        case .between(let since, let until, let limit):
            try Rules.checkLimit(limit)
            if let since, let until, until < since { throw AgentStateError.invalidInput(field: "until", "must not be before since") }
        case .tokenBudget(let budget):
            guard budget > 0 else { throw AgentStateError.invalidInput(field: "max_tokens", "must be positive") }
        }
        let (window, stale) = try await lookUp { tx in
            let s = try tx.requireSession(tenant, sessionId)
            return (try tx.window(s, query), s.expiryIsStale(at: tx.now))
        }
        if stale {
            try await write { tx in
                guard var s = try tx.session(tenant, sessionId) else { return }
                s.refreshExpiry(at: tx.now)
                try tx.updateSession(s)
            }
        }
        return window
    }

}

extension StoreTransaction {
    /// Messages of an import at seqs the session has already must be the turns stored there (a
    /// repeated flush); a different turn at one of them means the store took other turns
    /// meanwhile, and skipping it would lose it.
    func checkStoredAlready(_ overlap: [Message], in s: Session) throws {
        guard let low = overlap.map(\.seq).min(), let high = overlap.map(\.seq).max() else { return }
        let stored = Dictionary(try messages(s.tenantId, s.id, afterSeq: low - 1, limit: Int(high - low + 1)).map { ($0.seq, $0.identity) },
                                uniquingKeysWith: { a, _ in a })
        for m in overlap where stored[m.seq] != m.identity {
            throw AgentStateError(.conflict, "message \(m.seq) is not the turn the session holds at that seq", current: String(s.lastSeq))
        }
    }

    func window(_ s: Session, _ query: MessageQuery) throws -> MessageWindow {
        let floor = s.summary?.throughSeq ?? 0
        var summary: Summary? = nil
        var messages: [Message]
        switch query {
        case .after(let seq, let limit):
            messages = try self.messages(s.tenantId, s.id, afterSeq: seq, limit: limit)
        case .between(let since, let until, let limit):
            messages = try self.messages(s.tenantId, s.id, since: since, until: until, limit: limit)
        case .last(let n):
            return try ContextWindow.recent(Array(messagesDescending(s.tenantId, s.id, beforeSeq: .max, afterSeq: floor, limit: n).reversed()),
                                            summary: s.summary, lastSeq: s.lastSeq, systemSeq: s.systemSeq) {
                try message(s.tenantId, s.id, seq: $0)
            }
        case .tail(let n):
            messages = try messagesDescending(s.tenantId, s.id, beforeSeq: .max, afterSeq: 0, limit: n).reversed()
        case .tokenBudget(let budget):
            summary = s.summary
            let system = try s.systemSeq.map { try message(s.tenantId, s.id, seq: $0) } ?? nil
            var used = (summary?.tokens ?? 0) + (system?.tokens ?? 0)
            var picked: [Message] = []
            var before = Int64.max
            scan: while true {
                let chunk = try messagesDescending(s.tenantId, s.id, beforeSeq: before, afterSeq: floor, limit: 64)
                for m in chunk where m.seq != system?.seq {
                    if used + m.tokens > budget { break scan }
                    used += m.tokens
                    picked.append(m)
                }
                if chunk.count < 64 { break }
                before = chunk[chunk.count - 1].seq
            }
            messages = ContextWindow.droppingOrphanedToolResults(picked.reversed())
            if let system { messages.insert(system, at: 0) }
        }
        let tokens = messages.reduce(summary?.tokens ?? 0) { $0 + $1.tokens }
        return MessageWindow(summary: summary, messages: messages, lastSeq: s.lastSeq, tokens: tokens)
    }

}

extension NewMessage {
    /// Checks a batch to append: not empty, at most 1,000, each message valid.
    public static func validate(_ messages: [NewMessage]) throws {
        guard !messages.isEmpty else { throw AgentStateError.invalidInput(field: "messages", "must not be empty") }
        guard messages.count <= 1000 else { throw AgentStateError.invalidInput(field: "messages", "at most 1000 per append") }
        for (i, m) in messages.enumerated() { try m.validate(field: "messages[\(i)]") }
    }

    /// Checks one message of an append, naming `field` in the error.
    public func validate(field: String) throws {
        let m = self
        try Rules.checkText(m.content, field: "\(field).content", max: 4 << 20)
        if let t = m.tokens, t < 0 { throw AgentStateError.invalidInput(field: "\(field).tokens", "must not be negative") }
        if let n = m.name { try Identifier.validateName(n, field: "\(field).name") }
        switch m.role {
        case .tool:
            guard let id = m.toolCallId else {
                throw AgentStateError.invalidInput(field: "\(field).tool_call_id", "is required for a tool message")
            }
            try Identifier.validateName(id, field: "\(field).tool_call_id")
        default:
            if m.toolCallId != nil {
                throw AgentStateError.invalidInput(field: "\(field).tool_call_id", "is only for tool messages")
            }
        }
        if let calls = m.toolCalls {
            guard m.role == .assistant else {
                throw AgentStateError.invalidInput(field: "\(field).tool_calls", "are only for assistant messages")
            }
            for (i, c) in calls.enumerated() {
                try Identifier.validateName(c.id, field: "\(field).tool_calls[\(i)].id")
                try Identifier.validateName(c.name, field: "\(field).tool_calls[\(i)].name")
            }
        }
        try Rules.checkObject(m.metadata, field: "\(field).metadata")
    }
}
