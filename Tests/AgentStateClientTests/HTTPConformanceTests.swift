import AgentState
import AgentStateClient
import AgentStateServer
import AgentStateTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The stores behind the servers this suite starts, for the tamper hook.
let storesBehind = Mutex<[ObjectIdentifier: InMemoryStore]>([:])

/// The conformance suite through the client, over real HTTP on loopback, against a server on
/// an in-memory store: the API carries every behaviour a store has.
let httpBackend = Conformance.Backend(
    name: "http",
    make: { clock in
        let store = InMemoryStore(clock: clock)
        let acme = try await store.createAPIKey("acme", role: .admin, name: nil)
        let globex = try await store.createAPIKey("globex", role: .admin, name: nil)
        var config = ServerConfiguration()
        config.port = 0
        config.sweepInterval = nil
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(store: store, configuration: config, logger: Logger(label: "test")) { continuation.yield($0) }
        let server = Task { try await app.run() }
        guard let port = await ports.first(where: { _ in true }) else { throw AgentStateError(.unavailable, "the server did not start") }
        let client = AgentStateClient(baseURL: "http://127.0.0.1:\(port)", keys: ["acme": acme.secret, "globex": globex.secret]) {
            server.cancel()
            _ = await server.result
        }
        storesBehind.withLock { $0[ObjectIdentifier(client)] = store }
        return client
    },
    reopen: nil,
    tamper: { client, tenant, stream, seq, data in
        let store = storesBehind.withLock { $0[ObjectIdentifier(client as! AgentStateClient)] }
        store?.tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: the Swift client over HTTP")
struct HTTPConformanceTests {
    /// Keys are made and listed per tenant over the API, and idempotency records are the
    /// server's own: the server tests cover both.
    static let notOverHTTP: Set<String> = [
        "keys: a secret is shown once, stored only as a hash, and stops working when revoked",
        "idempotency: a key replays the first response, refuses another request, and expires",
        // The server archives and purges by itself; the server tests drive it over HTTP.
        "retention: a policy keeps finished sessions and runs its days, then hands them over whole and purges them whole; live ones stay",
        // The server writes its own audit trail; the server tests read it over HTTP.
        "audit: records read back newest first, filtered by key, time and kind, in pages; other tenants' unseen; pruned oldest first",
        "idempotency: of two attempts at one request exactly one applies; one whose server died is reported applied if it changed something",
        // A durable store's primitive for the hot tier's flusher, not part of the API.
        "messages: importing numbered messages keeps their seqs and times, skips those stored already, refuses a gap or another turn at a stored seq",
    ]

    @Test(arguments: Conformance.checks(excluding: notOverHTTP))
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: httpBackend)
    }
}
