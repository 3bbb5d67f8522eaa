import AgentState
import Foundation
import NIOHTTP1

extension AgentStateClient {
    static func s(_ id: String) -> String { "/v1/sessions/" + segment(id) }

    public func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState {
        // An empty id would name another path: refuse it here, as the stores do.
        try Identifier.validateName(callId, field: "call_id")
        return try await call(tenant, .GET, Self.s(sessionId) + "/tool-calls/" + Self.segment(callId))
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow {
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
        return try await call(tenant, .GET, Self.s(sessionId) + "/messages", query: params)
    }

    public func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session {
        try await call(tenant, .POST, Self.s(sessionId) + "/compact", body: CompactBody(summary: summary, throughSeq: throughSeq, tokens: tokens))
    }

    public func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session {
        let _: ContextBody = try await call(tenant, .PATCH, Self.s(sessionId) + "/context", body: patch, ifMatch: expectedVersion)
        return try await session(tenant, sessionId)
    }

    // MARK: Users

    public func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport {
        try await call(tenant, .GET, "/v1/users/\(Self.segment(userId))/export")
    }

    public func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt {
        try await call(tenant, .DELETE, "/v1/users/\(Self.segment(userId))")
    }
}

extension AgentStateClient: OperationTransport {
    public func answer<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?],
                                                     body: (any Encodable & Sendable)?) async throws -> Answer? {
        let method = HTTPMethod(rawValue: method)
        guard let body else { return try await send(tenant, method, path, query: query, as: Answer.self) }
        return try await send(tenant, method, path, query: query, body: AnyEncodable(body), as: Answer.self)
    }

    /// Every operation declared as a value goes as the HTTP call it declares.
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await operation.send(through: self)
    }
}

/// A body whose type is known only at run time, encoded as itself.
private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
