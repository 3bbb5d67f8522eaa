import Foundation

/// A session, by id.
public struct GetSession: RoutedOperation {
    public static let name = "session"
    public static let route = OperationRoute("GET", "/v1/sessions/{id}", .read, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var id: String

    public init(tenant: TenantID, id: String) {
        self.tenant = tenant
        self.id = id
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try await store.lookUp { [tenant, id] tx in try tx.requireSession(tenant, id) }
    }

    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, id: try request.parameter("id"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["id": id]) }
}

extension StateStore {
    public func session(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await perform(GetSession(tenant: tenant, id: id))
    }
}
