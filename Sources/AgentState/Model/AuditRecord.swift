import Foundation

/// One API request as the audit trail keeps it: who (key and role) read or changed what
/// (method, route and path), when, from where, and how it ended. Kept apart from the state it
/// describes, append-only, with a retention of its own.
public struct AuditRecord: Sendable, Codable, Hashable {
    public var id: String
    public var tenantId: TenantID
    public var at: Date
    public var keyId: String?
    public var role: Role?
    public var method: String
    /// The route's template, e.g. `/v1/sessions/{id}/messages`.
    public var route: String
    /// The path as requested.
    public var path: String
    public var status: Int
    /// The client's address.
    public var remote: String?

    public init(id: String, tenantId: TenantID, at: Date, keyId: String?, role: Role?, method: String, route: String, path: String,
                status: Int, remote: String?) {
        self.id = id
        self.tenantId = tenantId
        self.at = at
        self.keyId = keyId
        self.role = role
        self.method = method
        self.route = route
        self.path = path
        self.status = status
        self.remote = remote
    }

    /// Reads change nothing; everything else is a change, attempted or done.
    public var isChange: Bool { !["GET", "HEAD"].contains(method) }
}

public struct AuditQuery: Sendable, Codable, Hashable {
    public var keyId: String?
    public var since: Date?
    public var until: Date?
    /// Only changes (requests other than GET and HEAD).
    public var changesOnly: Bool
    public var limit: Int
    public var cursor: String?

    public init(keyId: String? = nil, since: Date? = nil, until: Date? = nil, changesOnly: Bool = false, limit: Int = 50, cursor: String? = nil) {
        self.keyId = keyId
        self.since = since
        self.until = until
        self.changesOnly = changesOnly
        self.limit = limit
        self.cursor = cursor
    }
}
