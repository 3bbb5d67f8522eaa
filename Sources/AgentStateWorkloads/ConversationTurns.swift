import AgentState

/// The conversation turn: append a user message (300 bytes) and an assistant reply (600 bytes)
/// in one call, then read the last 20 messages.
public struct ConversationTurns: Workload {
    public static let messages = [NewMessage.user(String(repeating: "u", count: 300)), .assistant(String(repeating: "a", count: 600))]

    public let store: any StateStore
    public let tenant: TenantID
    public let prefix: String
    /// Without a spread each client has a session of its own (`prefix-client`); with one, each
    /// turn goes to one of that many sessions (`prefix-sN`) at random.
    public let spread: Int?

    public init(store: any StateStore, tenant: TenantID, prefix: String, spread: Int? = nil) {
        self.store = store
        self.tenant = tenant
        self.prefix = prefix
        self.spread = spread
    }

    public func once(client: Int, iteration: Int) async throws {
        let session = spread.map { "\(prefix)-s\(Int.random(in: 0..<$0))" } ?? "\(prefix)-\(client)"
        _ = try await store.appendMessages(tenant, session, Self.messages, expectedLastSeq: nil)
        _ = try await store.messages(tenant, session, .last(20))
    }

    /// The sessions of `clients` clients, each filled `depth` turns deep.
    public func prepare(clients: Int, depth: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<clients {
                group.addTask {
                    _ = try await store.createSession(tenant, SessionCreate(id: "\(prefix)-\(c)"))
                    try await fill("\(prefix)-\(c)", turns: depth)
                }
            }
            try await group.waitForAll()
        }
    }

    /// The spread's empty sessions, created by 32 tasks at once.
    public func prepareSpread(progress: (Int) -> Void = { _ in }) async throws {
        guard let spread else { return }
        try await inLanes(spread, lanes: 32, progress: progress) { [store, tenant, prefix] i in
            _ = try await store.createSession(tenant, SessionCreate(id: "\(prefix)-s\(i)"))
        }
    }

    /// Turns appended to one session before the clock starts, 250 to a call.
    private func fill(_ session: String, turns: Int) async throws {
        var left = turns
        while left > 0 {
            let n = min(left, 250)
            _ = try await store.appendMessages(tenant, session, Array(repeating: Self.messages, count: n).flatMap { $0 }, expectedLastSeq: nil)
            left -= n
        }
    }
}
