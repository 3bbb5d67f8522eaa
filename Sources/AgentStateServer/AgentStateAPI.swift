import AgentState
import Hummingbird

/// The `/v1` API over one store. Handlers decode, call the store, encode: the rules live in
/// the store, the mapping of errors in `Problem`.
struct AgentStateAPI: Sendable {
    let store: any StateStore
    let limits: ServerConfiguration.Limits
    let keyCache: KeyCache
    /// How often an idle change feed looks for news, and how often it says it is alive.
    var feedPollInterval: Duration = .milliseconds(200)
    var feedHeartbeat: Duration = .seconds(15)

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        addSessionRoutes(to: group)
        addRunRoutes(to: group)
        addWorkerRoutes(to: group)
        addApprovalRoutes(to: group)
        addMemoryRoutes(to: group)
        addAdminRoutes(to: group)
        addEventStreamRoutes(to: group)
    }
}
