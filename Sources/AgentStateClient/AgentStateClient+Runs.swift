import AgentState
import Foundation
import NIOHTTP1

extension AgentStateClient {
    static func r(_ id: String) -> String { "/v1/runs/" + segment(id) }

    /// The server decides (a run in progress is a `conflict`); the client cannot purge.
    public func deleteRun(_ tenant: TenantID, _ id: String) async throws {
        _ = try await send(tenant, .DELETE, Self.r(id), as: Empty.self)
    }

    // MARK: Checkpoints and history

    /// `run:<id>` and `session:<id>` map to their resources' paths.
    static func stream(_ stream: String) throws -> String {
        if stream.hasPrefix("run:") { return r(String(stream.dropFirst(4))) }
        if stream.hasPrefix("session:") { return s(String(stream.dropFirst(8))) }
        throw AgentStateError.invalidInput(field: "stream", "must be run:<id> or session:<id>")
    }

    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) async throws -> [Event] {
        let r: Items<Event> = try await call(tenant, .GET, try Self.stream(stream) + "/events", query: ["after_seq": String(afterSeq), "limit": String(limit)])
        return r.items
    }

    public func appendEvent(_ tenant: TenantID, runId: String, type: String, data: JSONValue) async throws -> Event {
        try await call(tenant, .POST, Self.r(runId) + "/events", body: EventBody(type: type, data: data))
    }

    public func verifyChain(_ tenant: TenantID, stream: String) async throws -> ChainVerification {
        try await call(tenant, .GET, try Self.stream(stream) + "/verify")
    }

    public func runState(_ tenant: TenantID, _ runId: String, at point: HistoryPoint) async throws -> RunSnapshot {
        switch point {
        case .seq(let seq): try await call(tenant, .GET, Self.r(runId) + "/state", query: ["at_seq": String(seq)])
        case .time(let t): try await call(tenant, .GET, Self.r(runId) + "/state", query: ["at_time": APICoding.format(t)])
        }
    }

    public func fork(_ tenant: TenantID, _ runId: String, at point: HistoryPoint, newId: String?) async throws -> Run {
        try await call(tenant, .POST, Self.r(runId) + "/fork", body: ForkBody(at: point, newId: newId))
    }
}
