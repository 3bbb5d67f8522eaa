import Foundation

/// Starts a session (its id made when none is given).
public struct CreateSession: StoreOperation {
    public static let name = "createSession"
    public var tenant: TenantID
    public var request: SessionCreate

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try Identifier.validate(tenant, field: "tenant")
        if let u = request.userId { try Identifier.validate(u, field: "user_id") }
        if let a = request.agentId { try Identifier.validate(a, field: "agent_id") }
        try Rules.checkText(request.title, field: "title", max: 1024)
        try Rules.checkObject(request.metadata, field: "metadata")
        try Rules.checkObject(request.context, field: "context")
        try Rules.checkSeconds(request.ttlSeconds, field: "ttl_seconds")
        return try await store.write { [tenant, request] tx in
            let now = tx.now
            let id = try Identifier.make("ses", supplied: request.id, at: now)
            if try tx.session(tenant, id) != nil {
                throw AgentStateError(.alreadyExists, "session '\(id)' already exists")
            }
            let session = Session(
                tenantId: tenant, id: id, userId: request.userId, agentId: request.agentId, title: request.title,
                status: .active, metadata: request.metadata ?? .emptyObject, context: request.context ?? .emptyObject,
                ttlSeconds: request.ttlSeconds, expiresAt: request.ttlSeconds.map { now.adding(seconds: TimeInterval($0)) },
                lastSeq: 0, systemSeq: nil, summary: nil, version: 1, schemaVersion: Session.currentSchemaVersion,
                createdAt: now, updatedAt: now, lastActivityAt: now)
            try tx.insertSession(session)
            try tx.recordSessionEvent(session, "session.created", ["session": try JSONValue(encoding: session)])
            return session
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Session {
        try await transport.call(tenant, "POST", "/v1/sessions", body: request)
    }
}

/// Changes a session's title, metadata (by merge patch) or TTL.
public struct UpdateSession: RoutedOperation {
    public static let name = "updateSession"
    public static let route = OperationRoute("PATCH", "/v1/sessions/{id}", .write, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var id: String
    public var update: SessionUpdate

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try Rules.checkText(update.title, field: "title", max: 1024)
        try Rules.checkObject(update.metadata, field: "metadata")
        try Rules.checkSeconds(update.ttlSeconds, field: "ttl_seconds")
        return try await store.write { [tenant, id, update] tx in
            var s = try tx.requireSession(tenant, id)
            try Rules.checkVersion("session", expected: update.expectedVersion, current: s.version)
            if let t = update.title { s.title = t }
            if let m = update.metadata { s.metadata = s.metadata.merging(patch: m) }
            if let ttl = update.ttlSeconds {
                s.ttlSeconds = ttl
                s.expiresAt = tx.now.adding(seconds: TimeInterval(ttl))
            }
            s.version += 1
            s.updatedAt = tx.now
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "session.updated", ["changes": try JSONValue(encoding: update)])
            return s
        }
    }
}

extension UpdateSession {
    /// An `If-Match` version stands for the body's `expected_version`.
    public init(tenant: TenantID, request: RouteRequest<SessionUpdate>) throws {
        var update = try request.requiredBody()
        if let version = request.ifMatch { update.expectedVersion = version }
        self.init(tenant: tenant, id: try request.parameter("id"), update: update)
    }

    public var request: RouteRequest<SessionUpdate> { RouteRequest(parameters: ["id": id], body: update) }
}

/// Closes a session: no more appends. Closing a closed one changes nothing.
public struct CloseSession: RoutedOperation {
    public static let name = "closeSession"
    public static let route = OperationRoute("POST", "/v1/sessions/{id}/close", .write, reach: .session(parameter: "id"))
    public var tenant: TenantID
    public var id: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Session {
        try await store.write { [tenant, id] tx in
            var s = try tx.requireSession(tenant, id)
            guard s.status == .active else { return s }
            s.status = .closed
            s.expiresAt = nil
            s.version += 1
            s.updatedAt = tx.now
            try tx.updateSession(s)
            try tx.recordSessionEvent(s, "session.closed")
            return s
        }
    }
}

extension CloseSession {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, id: try request.parameter("id"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["id": id]) }
}

/// Removes a session with its messages and events.
public struct DeleteSession: StoreOperation {
    public static let name = "deleteSession"
    public var tenant: TenantID
    public var id: String

    public func run<Store: TransactionalStore>(on store: Store) async throws {
        try await store.write { [tenant, id] tx in
            _ = try tx.requireSession(tenant, id)
            _ = try tx.deleteMessages(tenant, id)
            _ = try tx.deleteEvents(tenant, stream: EventStream.session(id))
            try tx.deleteSession(tenant, id)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws {
        try await transport.send(tenant, "DELETE", "/v1/sessions/" + pathSegment(id), query: [:], body: nil)
    }
}

/// A page of sessions, newest first, by user and status.
public struct ListSessions: StoreOperation {
    public static let name = "sessions"
    public var tenant: TenantID
    public var query: SessionQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<Session> {
        try Rules.checkLimit(query.limit)
        let cursor = try PageCursor.parse(query.cursor)
        return try await store.read { [tenant, query] tx in
            let rows = try tx.sessions(tenant, userId: query.userId, status: query.status, before: cursor, limit: query.limit + 1)
            return Rules.page(rows, limit: query.limit) { PageCursor(time: $0.createdAt.millisecondsSince1970, id: $0.id) }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Page<Session> {
        try await transport.call(tenant, "GET", "/v1/sessions",
                                 query: ["user_id": query.userId, "status": query.status?.rawValue, "limit": String(query.limit), "cursor": query.cursor],
                                 body: nil)
    }
}

extension StateStore {
    public func createSession(_ tenant: TenantID, _ request: SessionCreate) async throws -> Session {
        try await perform(CreateSession(tenant: tenant, request: request))
    }

    public func updateSession(_ tenant: TenantID, _ id: String, _ update: SessionUpdate) async throws -> Session {
        try await perform(UpdateSession(tenant: tenant, id: id, update: update))
    }

    public func closeSession(_ tenant: TenantID, _ id: String) async throws -> Session {
        try await perform(CloseSession(tenant: tenant, id: id))
    }

    /// Removes the session, its messages and its events.
    public func deleteSession(_ tenant: TenantID, _ id: String) async throws {
        try await perform(DeleteSession(tenant: tenant, id: id))
    }

    public func sessions(_ tenant: TenantID, _ query: SessionQuery) async throws -> Page<Session> {
        try await perform(ListSessions(tenant: tenant, query: query))
    }
}
