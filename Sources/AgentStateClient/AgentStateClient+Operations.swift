import AgentState
import Foundation
import NIOHTTP1

/// The client is a store: every operation goes as the HTTP call it declares
/// (`StoreOperation.send(through:)`), through the one entry point below.
extension AgentStateClient: StateStore, OperationTransport {
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await operation.send(through: self)
    }

    public var tenants: [TenantID] { keys.keys.sorted() }

    public func answer<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?],
                                                     body: (any Encodable & Sendable)?, headers: [String: String]) async throws -> Answer? {
        let method = HTTPMethod(rawValue: method)
        var headers = headers
        let secret = headers.removeValue(forKey: "Authorization").map { String($0.dropFirst("Bearer ".count)) }
        guard let body else { return try await send(tenant, method, path, query: query, headers: headers, secret: secret, as: Answer.self) }
        return try await send(tenant, method, path, query: query, body: AnyEncodable(body), headers: headers, secret: secret, as: Answer.self)
    }
}

/// A body whose type is known only at run time, encoded as itself.
private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
