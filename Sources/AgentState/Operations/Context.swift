import Foundation

/// A window of a session's messages: the newest, a page, a time range or a token budget.
public struct ReadMessages: StoreOperation {
    public static let name = "messages"
    public var tenant: TenantID
    public var sessionId: String
    public var query: MessageQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> MessageWindow {
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
        let (window, stale) = try await store.lookUp { [tenant, sessionId, query] tx in
            let s = try tx.requireSession(tenant, sessionId)
            return (try tx.window(s, query), s.expiryIsStale(at: tx.now))
        }
        if stale {
            try await store.write { [tenant, sessionId] tx in
                guard var s = try tx.session(tenant, sessionId) else { return }
                s.refreshExpiry(at: tx.now)
                try tx.updateSession(s)
            }
        }
        return window
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> MessageWindow {
        let params: [String: String?]
        switch query {
        case .last(let n): params = ["last": String(n)]
        case .after(let seq, let limit): params = ["after_seq": String(seq), "limit": String(limit)]
        case .between(let since, let until, let limit):
            // An open end is sent as a far bound, so the server sees a time range either way.
            params = ["since": APICoding.format(since ?? Date(timeIntervalSince1970: 0)),
                      "until": until.map(APICoding.format), "limit": String(limit)]
        case .tokenBudget(let budget): params = ["max_tokens": String(budget)]
        case .tail(let n): params = ["tail": String(n)]
        }
        return try await transport.call(tenant, "GET", "/v1/sessions/" + pathSegment(sessionId) + "/messages", query: params)
    }
}

/// Stores messages already numbered and acknowledged elsewhere (the tiered store's hot tier
/// flushing to its durable store): those at or below the session's last seq must be the turns
/// stored there (same `Message.identity`) and are skipped, so a flush can be repeated; a
/// different turn at such a seq is a `conflict` and nothing is stored. The rest must continue
/// the session without a gap. Taken even for a closed session, since they were acknowledged
/// before it closed. Gives the session's last seq afterwards.
public struct ImportMessages: ServerSideOperation {
    public static let name = "importMessages"
    public static let notOffered = "importing numbered messages is for a durable store under a hot tier, not for the API"
    public var tenant: TenantID
    public var sessionId: String
    public var messages: [Message]

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Int64 {
        for (i, m) in messages.enumerated() {
            guard m.tenantId == tenant, m.sessionId == sessionId else {
                throw AgentStateError.invalidInput(field: "messages[\(i)]", "belongs to another session")
            }
        }
        return try await store.write { [tenant, sessionId, messages] tx in
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
}

/// The tool call `callId` of the session: the assistant message that asked for it and the
/// first tool message answering it, if any; `notFound` when no message of the session asked.
public struct GetToolCall: RoutedOperation {
    public static let name = "toolCall"
    public static let route = OperationRoute("GET", "/v1/sessions/{id}/tool-calls/{call_id}", .read, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var sessionId: String
    public var callId: String

    /// Walks the session back from its newest message: a call asked for recently, the usual
    /// question, is found after a few; the cost grows with how far back the call was made.
    public func run<Store: TransactionalStore>(on store: Store) async throws -> ToolCallState {
        try Identifier.validateName(callId, field: "call_id")
        return try await store.read { [tenant, sessionId, callId] tx in
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

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["id": sessionId, "call_id": callId]) }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> ToolCallState {
        // An empty id would name another path: refuse it here, as the stores do.
        try Identifier.validateName(callId, field: "call_id")
        return try await transport.call(tenant, Self.route.method, Self.route.path(request.parameters))
    }
}

extension GetToolCall {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, sessionId: try request.parameter("id"), callId: try request.parameter("call_id"))
    }
}

/// Records a summary of the messages up to `throughSeq`; they stay stored for audit.
public struct Compact: RoutedOperation {
    public static let name = "compact"
    public static let route = OperationRoute("POST", "/v1/sessions/{id}/compact", .write, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var sessionId: String
    public var body: CompactBody

    public init(tenant: TenantID, sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) {
        self.tenant = tenant
        self.sessionId = sessionId
        self.body = CompactBody(summary: summary, throughSeq: throughSeq, tokens: tokens)
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        let (summary, throughSeq, tokens) = (body.summary, body.throughSeq, body.tokens)
        guard !summary.isEmpty else { throw AgentStateError.invalidInput(field: "summary", "must not be empty") }
        try Rules.checkText(summary, field: "summary", max: 1 << 20)
        if let tokens, !(0...Rules.maxTokens).contains(tokens) {
            throw AgentStateError.invalidInput(field: "tokens", "must be from 0 to \(Rules.maxTokens)")
        }
        return try await store.write { [tenant, sessionId] tx in
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

    public init(tenant: TenantID, request: RouteRequest<CompactBody>) throws {
        self.tenant = tenant
        self.sessionId = try request.parameter("id")
        self.body = try request.requiredBody()
    }

    public var request: RouteRequest<CompactBody> { RouteRequest(parameters: ["id": sessionId], body: body) }
}

/// Applies an RFC 7396 merge patch to the session's context.
public struct PatchContext: StoreOperation {
    public static let name = "patchContext"
    public var tenant: TenantID
    public var sessionId: String
    public var patch: JSONValue
    public var expectedVersion: Int64?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try Rules.checkObject(patch, field: "context")
        return try await store.write { [tenant, sessionId, patch, expectedVersion] tx in
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

    /// The route answers with the context alone; the session is read after it.
    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Session {
        let path = "/v1/sessions/" + pathSegment(sessionId)
        let _: ContextBody = try await transport.call(tenant, "PATCH", path + "/context", body: patch,
                                                      headers: expectedVersion.map { ["If-Match": "\"\($0)\""] } ?? [:])
        return try await transport.call(tenant, "GET", path)
    }
}

extension StateStore {
    public func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow {
        try await perform(ReadMessages(tenant: tenant, sessionId: sessionId, query: query))
    }

    public func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64 {
        try await perform(ImportMessages(tenant: tenant, sessionId: sessionId, messages: messages))
    }

    public func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState {
        try await perform(GetToolCall(tenant: tenant, sessionId: sessionId, callId: callId))
    }

    public func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session {
        try await perform(Compact(tenant: tenant, sessionId: sessionId, summary: summary, throughSeq: throughSeq, tokens: tokens))
    }

    public func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session {
        try await perform(PatchContext(tenant: tenant, sessionId: sessionId, patch: patch, expectedVersion: expectedVersion))
    }
}
