import Foundation

/// A pending timer: when `fireAt` passes, the sweeper makes the run claimable again. Timers are
/// rows, so they survive restarts.
public struct RunTimer: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var runId: String
    public var fireAt: Date

    public init(tenantId: TenantID, runId: String, fireAt: Date) {
        self.tenantId = tenantId
        self.runId = runId
        self.fireAt = fireAt
    }
}

public struct WaitRequest: Sendable, Codable, Hashable {
    /// Wake the run at this time; `nil` waits for an external signal.
    public var until: Date?
    public var reason: String?
    public var fencingToken: Int64?

    public init(until: Date? = nil, reason: String? = nil, fencingToken: Int64? = nil) {
        self.until = until
        self.reason = reason
        self.fencingToken = fencingToken
    }
}
