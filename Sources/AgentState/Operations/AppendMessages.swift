import Foundation

/// Appends messages to a session in order, all or none; with `expectedLastSeq`, only if the
/// session's newest seq is still that one.
public struct AppendMessages: StoreOperation {
    public static let name = "appendMessages"
    public var tenant: TenantID
    public var sessionId: String
    public var messages: [NewMessage]
    public var expectedLastSeq: Int64?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [Message] {
        try NewMessage.validate(messages)
        return try await store.write { [tenant, sessionId, messages, expectedLastSeq] tx in
            var s = try tx.requireSession(tenant, sessionId)
            guard s.status == .active else {
                throw AgentStateError(.conflict, "session '\(sessionId)' is \(s.status.rawValue)", current: s.status.rawValue)
            }
            if let expectedLastSeq, expectedLastSeq != s.lastSeq {
                throw AgentStateError(.versionConflict, "the session's last seq is \(s.lastSeq), not \(expectedLastSeq)",
                                      current: String(s.lastSeq))
            }
            let now = tx.now
            var seq = s.lastSeq
            let stored = messages.map { m -> Message in
                seq += 1
                return Message(tenantId: tenant, sessionId: sessionId, seq: seq, role: m.role, content: m.content,
                               toolCallId: m.toolCallId, name: m.name, toolCalls: m.toolCalls,
                               tokens: m.tokens ?? ContextWindow.estimateTokens(m), metadata: m.metadata, createdAt: now)
            }
            try tx.insertMessages(stored)
            if s.systemSeq == nil, let first = stored.first(where: { $0.role == .system }) { s.systemSeq = first.seq }
            s.lastSeq = seq
            s.updatedAt = now
            s.refreshExpiry(at: now)
            try tx.updateSession(s)
            return stored
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [Message] {
        let appended: AppendedBody = try await transport.call(tenant, "POST", "/v1/sessions/" + pathSegment(sessionId) + "/messages",
                                                             body: AppendBody(messages: messages, expectedLastSeq: expectedLastSeq))
        return appended.messages
    }
}

extension StateStore {
    /// Appends in order; with `expectedLastSeq`, only if the session's newest seq is still that.
    public func appendMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [NewMessage], expectedLastSeq: Int64?) async throws -> [Message] {
        try await perform(AppendMessages(tenant: tenant, sessionId: sessionId, messages: messages, expectedLastSeq: expectedLastSeq))
    }
}
