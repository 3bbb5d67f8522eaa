import AgentState
import Hummingbird

/// The `/v1` API over one store. Handlers decode, call the store, encode: the rules live in
/// the store, the mapping of errors in `Problem`.
struct AgentStateAPI: Sendable {
    let store: any StateStore
    let limits: ServerConfiguration.Limits
    let keyCache: KeyCache
    /// Archives and removes what a tenant's retention policy lets go.
    let retention: RetentionPass
    /// The store's change notices, when it gives them: feeds then wait for news instead of polling.
    var changes: ChangeHub?
    /// The store's tiers, when it has some that can fail apart (the tiered store).
    var tiers: (any TierHealthReporting)?
    /// How often an idle change feed looks for news without notices, and how often with them
    /// (`ServerConfiguration.feedRecheckInterval`).
    var feedPollInterval: Duration = .milliseconds(200)
    var feedRecheckInterval: Duration = .seconds(1)
    /// How often an idle feed says it is alive.
    var feedHeartbeat: Duration = .seconds(15)
    /// The change feeds open now.
    var streamSlots: StreamSlots

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        addSessionRoutes(to: group)
        addRunRoutes(to: group)
        addLeaseRoutes(to: group)
        addApprovalRoutes(to: group)
        addMemoryRoutes(to: group)
        addAdminRoutes(to: group)
        addEventStreamRoutes(to: group)
        addRoutedOperations(to: group)
    }
}
