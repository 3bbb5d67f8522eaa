import Foundation

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
        if let t = m.tokens, !(0...Rules.maxTokens).contains(t) {
            throw AgentStateError.invalidInput(field: "\(field).tokens", "must be from 0 to \(Rules.maxTokens)")
        }
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
