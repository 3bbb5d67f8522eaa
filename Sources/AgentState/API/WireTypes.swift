import Foundation

// The bodies of the HTTP API that are not domain records themselves. The server decodes what
// the client encodes, so both use these.

/// `POST /v1/sessions/{id}/messages` with several messages.
public struct AppendBody: Sendable, Codable, Hashable {
    public var messages: [NewMessage]
    public var expectedLastSeq: Int64?
    public init(messages: [NewMessage], expectedLastSeq: Int64?) {
        self.messages = messages
        self.expectedLastSeq = expectedLastSeq
    }
}

/// What `POST /v1/sessions/{id}/messages` accepts: one message, or `{"messages": [...],
/// "expected_last_seq": n}`, told apart in one pass over the body.
public struct AppendRequest: Sendable, Decodable, Hashable {
    public var messages: [NewMessage]
    public var expectedLastSeq: Int64?

    private enum Keys: String, CodingKey { case messages, expectedLastSeq }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if c.contains(.messages) {
            messages = try c.decode([NewMessage].self, forKey: .messages)
            expectedLastSeq = try c.decodeIfPresent(Int64.self, forKey: .expectedLastSeq)
        } else {
            messages = [try NewMessage(from: decoder)]
            expectedLastSeq = nil
        }
    }
}

public struct AppendedBody: Sendable, Codable, Hashable {
    public var messages: [Message]
    public var lastSeq: Int64
    public init(messages: [Message], lastSeq: Int64) {
        self.messages = messages
        self.lastSeq = lastSeq
    }
}

public struct CompactBody: Sendable, Codable, Hashable {
    public var summary: String
    public var throughSeq: Int64
    public var tokens: Int?
    public init(summary: String, throughSeq: Int64, tokens: Int?) {
        self.summary = summary
        self.throughSeq = throughSeq
        self.tokens = tokens
    }
}

public struct ContextBody: Sendable, Codable, Hashable {
    public var context: JSONValue
    public var version: Int64
    public init(context: JSONValue, version: Int64) {
        self.context = context
        self.version = version
    }
}

/// A list that is not paged.
public struct Items<T: Sendable & Codable & Hashable>: Sendable, Codable, Hashable {
    public var items: [T]
    public init(items: [T]) { self.items = items }
}

/// `POST /v1/runs/{id}/checkpoints`: exactly one of `state` (whole) or `patch` (RFC 7396).
public struct CheckpointBody: Sendable, Codable, Hashable {
    public var step: String?
    public var state: JSONValue?
    public var patch: JSONValue?
    public var fencingToken: Int64?
    public var expectedSeq: Int64?
    public init(_ write: CheckpointWrite) {
        step = write.step
        fencingToken = write.fencingToken
        expectedSeq = write.expectedSeq
        switch write.state {
        case .full(let s): state = s
        case .patch(let p): patch = p
        }
    }

    public func write() throws -> CheckpointWrite {
        switch (state, patch) {
        case (let s?, nil): return CheckpointWrite(step: step, state: .full(s), fencingToken: fencingToken, expectedSeq: expectedSeq)
        case (nil, let p?): return CheckpointWrite(step: step, state: .patch(p), fencingToken: fencingToken, expectedSeq: expectedSeq)
        default: throw AgentStateError.invalidInput(field: "state", "give exactly one of state (whole) or patch (RFC 7396)")
        }
    }
}

/// A point in a run's history, as `at_seq` or `at_time`.
public struct ForkBody: Sendable, Codable, Hashable {
    public var atSeq: Int64?
    public var atTime: Date?
    public var newId: String?
    public init(at point: HistoryPoint, newId: String?) {
        switch point {
        case .seq(let s): atSeq = s
        case .time(let t): atTime = t
        }
        self.newId = newId
    }

    public func point() throws -> HistoryPoint {
        switch (atSeq, atTime) {
        case (let s?, nil): return .seq(s)
        case (nil, let t?): return .time(t)
        default: throw AgentStateError.invalidInput(field: "at_seq", "give exactly one of at_seq or at_time")
        }
    }
}

public struct EventBody: Sendable, Codable, Hashable {
    public var type: String
    public var data: JSONValue?
    public init(type: String, data: JSONValue?) {
        self.type = type
        self.data = data
    }
}

public struct RenewBody: Sendable, Codable, Hashable {
    public var token: Int64
    public var leaseSeconds: Int?
    public init(token: Int64, leaseSeconds: Int?) {
        self.token = token
        self.leaseSeconds = leaseSeconds
    }
}

public struct SignalBody: Sendable, Codable, Hashable {
    public var payload: JSONValue?
    public init(payload: JSONValue?) { self.payload = payload }
}

public struct CompleteEffectBody: Sendable, Codable, Hashable {
    public var attemptToken: Int64
    public var result: JSONValue?
    public var externalId: String?
    public init(attemptToken: Int64, result: JSONValue?, externalId: String?) {
        self.attemptToken = attemptToken
        self.result = result
        self.externalId = externalId
    }
}

public struct FailEffectBody: Sendable, Codable, Hashable {
    public var attemptToken: Int64
    public var error: ErrorInfo
    public init(attemptToken: Int64, error: ErrorInfo) {
        self.attemptToken = attemptToken
        self.error = error
    }
}

public struct KeyCreateBody: Sendable, Codable, Hashable {
    public var role: Role
    public var name: String?
    /// Binds an agent key to this user of the tenant.
    public var userId: String?
    public init(role: Role, name: String?, userId: String? = nil) {
        self.role = role
        self.name = name
        self.userId = userId
    }
}

/// A key as the API shows it: never its hash.
public struct KeyView: Sendable, Codable, Hashable {
    public var id: String
    public var tenantId: String
    public var role: Role
    public var name: String?
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// The user the key is bound to; absent for a key of the whole tenant.
    public var userId: String?

    public init(_ k: APIKey) {
        (id, tenantId, role, name, prefix, createdAt, revokedAt, userId) = (k.id, k.tenantId, k.role, k.name, k.prefix, k.createdAt, k.revokedAt, k.userId)
    }
}

public struct IssuedKeyView: Sendable, Codable, Hashable {
    public var key: KeyView
    public var secret: String
    public init(key: KeyView, secret: String) {
        self.key = key
        self.secret = secret
    }
}
