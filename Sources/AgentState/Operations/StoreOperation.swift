import Foundation

/// One operation of the store, declared once as a value: what it takes (its fields), what it
/// gives back (`Output`), its rule over the row primitives (`run(on:)`), and the facts the
/// layers around a store need: its name (metrics), and its HTTP call (the client).
///
/// Every store answers any operation through one generic entry point, `StateStore.perform`: a
/// transactional backend runs the rule, and a wrapper (metrics, secret screening, the tiered
/// store, the HTTP client) handles all operations in one place, picking out by type the few it
/// treats differently. The methods callers use (`store.session(tenant, id)`) build the value and
/// perform it. An operation that also declares its HTTP route is a `RoutedOperation`.
public protocol StoreOperation: Sendable {
    associatedtype Output: Sendable
    /// The operation's name in metrics and logs.
    static var name: String { get }
    /// The operation's rule, on a backend of row primitives and transactions.
    func run<Store: TransactionalStore>(on store: Store) async throws -> Output
    /// The operation as an HTTP call to a server.
    func send<Transport: OperationTransport>(through transport: Transport) async throws -> Output
}

/// Where an operation goes as an HTTP call: the Swift client.
public protocol OperationTransport: Sendable {
    /// `method` on `path` (with `query`, `body` as JSON, and `headers` beside the client's own):
    /// its JSON answer decoded, or `nil` when the server answered with no body. An
    /// `Authorization` header here takes the place of the tenant's key.
    func answer<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?],
                                              body: (any Encodable & Sendable)?, headers: [String: String]) async throws -> Answer?
    /// The tenants this transport holds keys for, in a fixed order: a call that names no tenant
    /// goes as the first, or as each in turn.
    var tenants: [TenantID] { get }
}

extension OperationTransport {
    /// A call that must be answered with a body.
    public func call<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?] = [:],
                                                   body: (any Encodable & Sendable)? = nil, headers: [String: String] = [:]) async throws -> Answer {
        guard let value: Answer = try await answer(tenant, method, path, query: query, body: body, headers: headers) else {
            throw AgentStateError(.unavailable, "the server sent no body for \(method) \(path)")
        }
        return value
    }

    /// A call whose answer, if any, says nothing more.
    public func send(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?] = [:],
                     body: (any Encodable & Sendable)? = nil) async throws {
        let _: Ignored? = try await answer(tenant, method, path, query: query, body: body, headers: [:])
    }

    /// The tenant a call that names none goes as.
    public func firstTenant() throws -> TenantID {
        guard let first = tenants.first else { throw AgentStateError(.unauthorized, "this client holds no key") }
        return first
    }
}

/// An operation a server runs for itself and does not offer over HTTP (the tiered store's
/// flush, the idempotency records behind `Idempotency-Key`, the audit trail it writes): sent
/// through a client, it is `unsupported`, saying why.
public protocol ServerSideOperation: StoreOperation {
    static var notOffered: String { get }
}

extension ServerSideOperation {
    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Output {
        throw AgentStateError(.unsupported, Self.notOffered)
    }
}

/// An answer read and set aside.
private struct Ignored: Decodable, Sendable {}

/// One path segment, with everything but unreserved characters escaped ('/' too).
public func pathSegment(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
}

extension TransactionalStore {
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await operation.run(on: self)
    }
}

extension ForwardingStore {
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await base.perform(operation)
    }
}
