import Foundation

/// A record a client reads by its id alone, at `GET` on a path whose one parameter is the id.
public protocol IdentifiedRecord: Codable, Sendable, Versioned {
    /// The reading's name in metrics and logs.
    static var readName: String { get }
    static var readRoute: OperationRoute { get }
    /// The record, or "not found".
    static func read<Transaction: StoreTransaction>(_ tenant: TenantID, _ id: String, in tx: Transaction) throws -> Self
}

/// One record, by id: a session, a run or an approval are read alike, so the operation is
/// written once for the three.
public struct GetRecord<Record: IdentifiedRecord>: RoutedOperation {
    public static var name: String { Record.readName }
    public static var route: OperationRoute { Record.readRoute }
    public var tenant: TenantID
    public var id: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Record {
        try await store.lookUp { [tenant, id] tx in try Record.read(tenant, id, in: tx) }
    }
}

extension GetRecord {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, id: try request.parameter("id"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["id": id]) }
}

public typealias GetSession = GetRecord<Session>
public typealias GetRun = GetRecord<Run>
public typealias GetApproval = GetRecord<Approval>

extension Session: IdentifiedRecord {
    public static let readName = "session"
    public static let readRoute = OperationRoute("GET", "/v1/sessions/{id}", .read, reach: .session(parameter: "id"))

    public static func read<Transaction: StoreTransaction>(_ tenant: TenantID, _ id: String, in tx: Transaction) throws -> Session {
        try tx.requireSession(tenant, id)
    }
}

extension Run: IdentifiedRecord {
    public static let readName = "run"
    public static let readRoute = OperationRoute("GET", "/v1/runs/{id}", .read, reach: .run(parameter: "id"))

    public static func read<Transaction: StoreTransaction>(_ tenant: TenantID, _ id: String, in tx: Transaction) throws -> Run {
        try tx.requireRun(tenant, id)
    }
}

extension Approval: IdentifiedRecord {
    public static let readName = "approval"
    public static let readRoute = OperationRoute("GET", "/v1/approvals/{id}", .read, reach: .approval(parameter: "id"))

    public static func read<Transaction: StoreTransaction>(_ tenant: TenantID, _ id: String, in tx: Transaction) throws -> Approval {
        guard let approval = try tx.approval(tenant, id) else { throw AgentStateError.notFound("approval", id) }
        return approval
    }
}

extension StateStore {
    public func session(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await perform(GetSession(tenant: tenant, id: id))
    }
}
