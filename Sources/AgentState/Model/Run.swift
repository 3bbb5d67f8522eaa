import Foundation

/// A run: what an agent has done on one task and what comes next.
public struct Run: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var id: String
    public var workflow: String
    public var sessionId: String?
    public var userId: String?
    public var status: RunStatus
    public var currentStep: String?
    /// Who must act next (a worker, a person, a team).
    public var owner: String?
    public var retryCount: Int
    public var lastError: ErrorInfo?
    public var lastAttemptAt: Date?
    /// The input exactly as received.
    public var input: JSONValue
    public var output: JSONValue?
    public var promptVersion: String?
    public var model: String?
    public var usage: Usage
    /// The worker holding the run, if any; a lease past `expiresAt` no longer holds.
    public var lease: Lease?
    /// The last fencing token issued for this run; each claim issues the next.
    public var fencingToken: Int64
    public var waitUntil: Date?
    public var waitReason: String?
    public var pendingApprovalId: String?
    public var forkedFrom: ForkOrigin?
    public var metadata: JSONValue
    /// The seq of the run's newest event.
    public var eventSeq: Int64
    public var version: Int64
    public var schemaVersion: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public static let currentSchemaVersion = 1

    /// When a worker may claim the run: now-ish when runnable and unheld, at lease expiry when
    /// held, never when waiting or finished. Backends index this so a claim is one lookup.
    public var claimableAt: Date? {
        switch status {
        case .created, .running: return lease?.expiresAt ?? updatedAt
        default: return nil
        }
    }

    /// Whether `lease` is still held at `now`.
    public func isLeased(at now: Date) -> Bool {
        guard let lease else { return false }
        return lease.expiresAt > now
    }
}

/// An error as the run records it: a kind you can branch on and a message for people.
public struct ErrorInfo: Sendable, Codable, Hashable {
    /// `timeout`, `empty_response`, `rejected`, `invalid_format`, `internal`, `approval_expired`, …
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }
}

public struct Usage: Sendable, Codable, Hashable {
    public var tokensIn: Int64 = 0
    public var tokensOut: Int64 = 0
    public var toolCalls: Int64 = 0
    public var retries: Int64 = 0
    public var wallTimeMs: Int64 = 0
    public var modelRequestIds: [String] = []

    public init(tokensIn: Int64 = 0, tokensOut: Int64 = 0, toolCalls: Int64 = 0, retries: Int64 = 0,
                wallTimeMs: Int64 = 0, modelRequestIds: [String] = []) {
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.toolCalls = toolCalls
        self.retries = retries
        self.wallTimeMs = wallTimeMs
        self.modelRequestIds = modelRequestIds
    }

    /// Adds a delta; request ids are appended. A total past what the counts can hold is refused
    /// (and changes nothing), where plain addition would stop the process.
    public func adding(_ d: Usage) throws -> Usage {
        func sum(_ a: Int64, _ b: Int64, _ field: String) throws -> Int64 {
            let (total, overflow) = a.addingReportingOverflow(b)
            if overflow { throw AgentStateError.invalidInput(field: field, "would take the run's total past \(Int64.max)") }
            return total
        }
        return Usage(tokensIn: try sum(tokensIn, d.tokensIn, "tokens_in"), tokensOut: try sum(tokensOut, d.tokensOut, "tokens_out"),
                     toolCalls: try sum(toolCalls, d.toolCalls, "tool_calls"), retries: try sum(retries, d.retries, "retries"),
                     wallTimeMs: try sum(wallTimeMs, d.wallTimeMs, "wall_time_ms"), modelRequestIds: modelRequestIds + d.modelRequestIds)
    }
}

public struct ForkOrigin: Sendable, Codable, Hashable {
    public var runId: String
    public var eventSeq: Int64

    public init(runId: String, eventSeq: Int64) {
        self.runId = runId
        self.eventSeq = eventSeq
    }
}

public struct RunCreate: Sendable, Codable, Hashable {
    public var id: String?
    public var workflow: String
    public var sessionId: String?
    public var userId: String?
    public var input: JSONValue
    public var owner: String?
    public var promptVersion: String?
    public var model: String?
    public var metadata: JSONValue?

    public init(id: String? = nil, workflow: String, sessionId: String? = nil, userId: String? = nil,
                input: JSONValue = .emptyObject, owner: String? = nil, promptVersion: String? = nil,
                model: String? = nil, metadata: JSONValue? = nil) {
        self.id = id
        self.workflow = workflow
        self.sessionId = sessionId
        self.userId = userId
        self.input = input
        self.owner = owner
        self.promptVersion = promptVersion
        self.model = model
        self.metadata = metadata
    }
}

/// A move of the run's state machine requested by a worker or an operator.
public struct RunTransition: Sendable, Codable, Hashable {
    public var to: RunStatus
    /// For `failed`: why.
    public var error: ErrorInfo?
    /// For `completed`: the run's result.
    public var output: JSONValue?
    public var owner: String?
    public var reason: String?
    public var expectedVersion: Int64?
    public var fencingToken: Int64?

    public init(to: RunStatus, error: ErrorInfo? = nil, output: JSONValue? = nil, owner: String? = nil,
                reason: String? = nil, expectedVersion: Int64? = nil, fencingToken: Int64? = nil) {
        self.to = to
        self.error = error
        self.output = output
        self.owner = owner
        self.reason = reason
        self.expectedVersion = expectedVersion
        self.fencingToken = fencingToken
    }
}

public struct RunQuery: Sendable, Codable, Hashable {
    public var status: RunStatus?
    public var owner: String?
    public var workflow: String?
    public var userId: String?
    public var updatedBefore: Date?
    public var limit: Int
    public var cursor: String?

    public init(status: RunStatus? = nil, owner: String? = nil, workflow: String? = nil, userId: String? = nil,
                updatedBefore: Date? = nil, limit: Int = 50, cursor: String? = nil) {
        self.status = status
        self.owner = owner
        self.workflow = workflow
        self.userId = userId
        self.updatedBefore = updatedBefore
        self.limit = limit
        self.cursor = cursor
    }
}

/// Absent fields take their defaults, so a client may leave them out.
extension RunCreate {
    enum CodingKeys: String, CodingKey { case id, workflow, sessionId, userId, input, owner, promptVersion, model, metadata }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decodeIfPresent(String.self, forKey: .id), workflow: try c.decode(String.self, forKey: .workflow),
                  sessionId: try c.decodeIfPresent(String.self, forKey: .sessionId), userId: try c.decodeIfPresent(String.self, forKey: .userId),
                  input: try c.decodeIfPresent(JSONValue.self, forKey: .input) ?? .emptyObject,
                  owner: try c.decodeIfPresent(String.self, forKey: .owner), promptVersion: try c.decodeIfPresent(String.self, forKey: .promptVersion),
                  model: try c.decodeIfPresent(String.self, forKey: .model), metadata: try c.decodeIfPresent(JSONValue.self, forKey: .metadata))
    }
}

/// Absent fields take their defaults, so a client may leave them out.
extension Usage {
    enum CodingKeys: String, CodingKey { case tokensIn, tokensOut, toolCalls, retries, wallTimeMs, modelRequestIds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tokensIn: try c.decodeIfPresent(Int64.self, forKey: .tokensIn) ?? 0, tokensOut: try c.decodeIfPresent(Int64.self, forKey: .tokensOut) ?? 0,
                  toolCalls: try c.decodeIfPresent(Int64.self, forKey: .toolCalls) ?? 0, retries: try c.decodeIfPresent(Int64.self, forKey: .retries) ?? 0,
                  wallTimeMs: try c.decodeIfPresent(Int64.self, forKey: .wallTimeMs) ?? 0,
                  modelRequestIds: try c.decodeIfPresent([String].self, forKey: .modelRequestIds) ?? [])
    }
}
