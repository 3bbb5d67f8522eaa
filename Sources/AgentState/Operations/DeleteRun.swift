import Foundation

/// Removes a finished run with its steps, effects, approvals, checkpoints and events; a run in
/// progress is a `conflict` (cancel it first, so no worker's lease or pending approval is
/// pulled out from under it).
public struct DeleteRun: StoreOperation {
    public static let name = "deleteRun"
    public var tenant: TenantID
    public var id: String

    /// A finished run never moves again, so once it is seen finished, purging it as retention
    /// does removes exactly that run.
    public func run<Store: TransactionalStore>(on store: Store) async throws {
        let r = try await store.run(tenant, id)
        guard r.status.isTerminal else {
            throw AgentStateError(.conflict, "run '\(id)' is \(r.status.rawValue); cancel it before deleting it", current: r.status.rawValue)
        }
        _ = try await store.purge(tenant, [RetentionKey(kind: .run, id: id)])
    }

    /// The server decides (a run in progress is a `conflict`); the client cannot purge.
    public func send<Transport: OperationTransport>(through transport: Transport) async throws {
        try await transport.send(tenant, "DELETE", "/v1/runs/" + pathSegment(id))
    }
}

extension StateStore {
    public func deleteRun(_ tenant: TenantID, _ id: String) async throws {
        try await perform(DeleteRun(tenant: tenant, id: id))
    }
}
