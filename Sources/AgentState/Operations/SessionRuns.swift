import Foundation

/// The runs started on one conversation, newest first, by status: what is working on it now and
/// what waits its turn. To a key bound to a user, only that user's runs.
public struct ListSessionRuns: RoutedOperation {
    public static let name = "sessionRuns"
    public static let route = OperationRoute("GET", "/v1/sessions/{id}/runs", .read, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var sessionId: String
    public var status: RunStatus?
    public var limit: Int
    public var cursor: String?
    /// Keeps the list to one user's runs.
    public var userId: String?

    public var request: RouteRequest<NoBody> {
        RouteRequest(parameters: ["id": sessionId], query: ["status": status?.rawValue, "limit": String(limit), "cursor": cursor])
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<Run> {
        try Rules.checkLimit(limit)
        let cursor = try PageCursor.parse(cursor)
        let filter = RunFilter(status: status, userId: userId, sessionId: sessionId)
        return try await store.read { [tenant, sessionId, limit] tx in
            _ = try tx.requireSession(tenant, sessionId)
            let rows = try tx.runs(tenant, filter, before: cursor, limit: limit + 1)
            return Rules.page(rows, limit: limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }
}

extension ListSessionRuns {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, sessionId: try request.parameter("id"), status: try request.queryChoice("status"),
                  limit: try request.queryInt("limit") ?? 50, cursor: request.query("cursor"), userId: request.callerUser)
    }
}

extension StateStore {
    /// The runs of a session, newest first, by status.
    public func sessionRuns(_ tenant: TenantID, _ sessionId: String, status: RunStatus? = nil, limit: Int = 50,
                            cursor: String? = nil) async throws -> Page<Run> {
        try await perform(ListSessionRuns(tenant: tenant, sessionId: sessionId, status: status, limit: limit, cursor: cursor))
    }
}
