import Foundation

public enum ApprovalStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case pending, approved, rejected, expired
    /// Its run was cancelled or failed before anyone decided.
    case cancelled
}

/// What happens when an approval's deadline passes undecided.
public enum ExpiryPolicy: String, Sendable, Codable, Hashable, CaseIterable {
    /// The approval expires and the run fails with `approval_expired`.
    case fail
    /// The approval passes to `escalateTo` with a fresh deadline of the same length; if that
    /// one passes too, the run fails.
    case escalate
}

public struct Approval: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var id: String
    public var runId: String
    public var status: ApprovalStatus
    public var approver: String?
    public var group: String?
    public var reason: String
    /// The step waiting on this approval.
    public var step: String?
    public var expiresAt: Date?
    public var onExpiry: ExpiryPolicy
    public var escalateTo: String?
    public var escalated: Bool
    public var decidedBy: String?
    public var comment: String?
    public var decidedAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public func isOverdue(at now: Date) -> Bool {
        status == .pending && (expiresAt.map { $0 <= now } ?? false)
    }
}

public struct ApprovalRequest: Sendable, Codable, Hashable {
    public var id: String?
    public var approver: String?
    public var group: String?
    public var reason: String
    public var step: String?
    /// Seconds the approver has; `nil` waits for ever.
    public var timeoutSeconds: Int?
    public var onExpiry: ExpiryPolicy
    public var escalateTo: String?
    public var fencingToken: Int64?

    public init(id: String? = nil, approver: String? = nil, group: String? = nil, reason: String, step: String? = nil,
                timeoutSeconds: Int? = nil, onExpiry: ExpiryPolicy = .fail, escalateTo: String? = nil,
                fencingToken: Int64? = nil) {
        self.id = id
        self.approver = approver
        self.group = group
        self.reason = reason
        self.step = step
        self.timeoutSeconds = timeoutSeconds
        self.onExpiry = onExpiry
        self.escalateTo = escalateTo
        self.fencingToken = fencingToken
    }
}

public enum ApprovalDecision: String, Sendable, Codable, Hashable, CaseIterable {
    case approved, rejected
}

public struct Decision: Sendable, Codable, Hashable {
    public var decision: ApprovalDecision
    public var by: String
    public var comment: String?
    public var expectedVersion: Int64?

    public init(_ decision: ApprovalDecision, by: String, comment: String? = nil, expectedVersion: Int64? = nil) {
        self.decision = decision
        self.by = by
        self.comment = comment
        self.expectedVersion = expectedVersion
    }
}

public struct ApprovalQuery: Sendable, Codable, Hashable {
    public var status: ApprovalStatus?
    public var approver: String?
    public var group: String?
    public var runId: String?
    /// Only pending approvals past their deadline.
    public var overdue: Bool
    public var limit: Int
    public var cursor: String?

    public init(status: ApprovalStatus? = nil, approver: String? = nil, group: String? = nil, runId: String? = nil,
                overdue: Bool = false, limit: Int = 50, cursor: String? = nil) {
        self.status = status
        self.approver = approver
        self.group = group
        self.runId = runId
        self.overdue = overdue
        self.limit = limit
        self.cursor = cursor
    }
}

/// Absent fields take their defaults, so a client may leave them out.
extension ApprovalRequest {
    enum CodingKeys: String, CodingKey { case id, approver, group, reason, step, timeoutSeconds, onExpiry, escalateTo, fencingToken }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decodeIfPresent(String.self, forKey: .id), approver: try c.decodeIfPresent(String.self, forKey: .approver),
                  group: try c.decodeIfPresent(String.self, forKey: .group), reason: try c.decode(String.self, forKey: .reason),
                  step: try c.decodeIfPresent(String.self, forKey: .step), timeoutSeconds: try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds),
                  onExpiry: try c.decodeIfPresent(ExpiryPolicy.self, forKey: .onExpiry) ?? .fail,
                  escalateTo: try c.decodeIfPresent(String.self, forKey: .escalateTo), fencingToken: try c.decodeIfPresent(Int64.self, forKey: .fencingToken))
    }
}
