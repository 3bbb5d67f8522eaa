extension StateStore {
    /// A finished run never moves again, so once it is seen finished, purging it as retention
    /// does removes exactly that run.
    public func deleteRun(_ tenant: TenantID, _ id: String) async throws {
        let r = try await run(tenant, id)
        guard r.status.isTerminal else {
            throw AgentStateError(.conflict, "run '\(id)' is \(r.status.rawValue); cancel it before deleting it", current: r.status.rawValue)
        }
        _ = try await purge(tenant, [RetentionKey(kind: .run, id: id)])
    }
}
