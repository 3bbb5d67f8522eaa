import Foundation

/// A session, by id.
public struct GetSession: StoreOperation {
    public static let name = "session"
    public var tenant: TenantID
    public var id: String

    public init(tenant: TenantID, id: String) {
        self.tenant = tenant
        self.id = id
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try await store.lookUp { [tenant, id] tx in try tx.requireSession(tenant, id) }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Session {
        try await transport.call(tenant, "GET", "/v1/sessions/" + pathSegment(id))
    }
}

extension StateStore {
    public func session(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await perform(GetSession(tenant: tenant, id: id))
    }
}
