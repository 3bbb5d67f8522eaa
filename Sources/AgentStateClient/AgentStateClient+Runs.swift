import AgentState
import Foundation
import NIOHTTP1

extension AgentStateClient {
    static func r(_ id: String) -> String { "/v1/runs/" + segment(id) }

    /// The server decides (a run in progress is a `conflict`); the client cannot purge.
    public func deleteRun(_ tenant: TenantID, _ id: String) async throws {
        _ = try await send(tenant, .DELETE, Self.r(id), as: Empty.self)
    }
}
