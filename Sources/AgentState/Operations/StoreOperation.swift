import Foundation

/// One operation of the store, declared once as a value: what it takes (its fields), what it
/// gives back (`Output`), its rule over the row primitives (`run(on:)`), and the facts the
/// layers around a store need: its name (metrics), and its HTTP call (the client).
///
/// Every store answers any operation through one generic entry point, `StateStore.perform`: a
/// transactional backend runs the rule, and a wrapper (metrics, secret screening, the tiered
/// store, the HTTP client) handles all operations in one place, picking out by type the few it
/// treats differently. The methods callers use (`store.session(tenant, id)`) build the value and
/// perform it.
///
/// Operations are moving here from the `StateStore` protocol's methods one by one; the ones not
/// yet moved are still written out in each layer.
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
    /// `method` on `path` (with `query`, and `body` as JSON), its JSON answer decoded.
    func call<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?],
                                            body: (any Encodable & Sendable)?) async throws -> Answer
    /// The same, for a call that may be answered with no body (`nil`).
    func answer<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?],
                                              body: (any Encodable & Sendable)?) async throws -> Answer?
    /// The same, for a call answered with no body.
    func send(_ tenant: TenantID, _ method: String, _ path: String, query: [String: String?], body: (any Encodable & Sendable)?) async throws
}

extension OperationTransport {
    func call<Answer: Decodable & Sendable>(_ tenant: TenantID, _ method: String, _ path: String,
                                            body: (any Encodable & Sendable)? = nil) async throws -> Answer {
        try await call(tenant, method, path, query: [:], body: body)
    }
}

/// One path segment, with everything but unreserved characters escaped ('/' too).
func pathSegment(_ value: String) -> String {
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
