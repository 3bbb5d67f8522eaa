@testable import AgentState
import AgentStateServer
import Foundation
import Testing

/// An operation declared only here, in a test: no store or wrapper knows of it.
private struct SessionsOfUser: StoreOperation {
    static let name = "sessionsOfUser"
    var tenant: TenantID
    var userId: String

    func run<Store: TransactionalStore>(on store: Store) async throws -> [String] {
        try await store.read { [tenant, userId] tx in
            try tx.sessions(tenant, userId: userId, status: nil, before: nil, limit: 100).map(\.id).sorted()
        }
    }

    func send<Transport: OperationTransport>(through transport: Transport) async throws -> [String] {
        let page: Page<Session> = try await transport.call(tenant, "GET", "/v1/sessions", query: ["user_id": userId], body: nil)
        return page.items.map(\.id).sorted()
    }
}

@Suite("Store operations as values")
struct StoreOperationTests {
    @Test("an operation declared once runs through every layer of the server's store, metrics and secret screening included, with no forwarder written for it")
    func newOperationThroughTheLayers() async throws {
        let metrics = ServerMetrics()
        let store = InstrumentedStore(SecretGuard(InMemoryStore(), policy: .redact), metrics: metrics)
        for (id, user) in [("a", "ann"), ("b", "bob"), ("c", "ann")] {
            _ = try await store.createSession("acme", SessionCreate(id: id, userId: user))
        }
        #expect(try await store.perform(SessionsOfUser(tenant: "acme", userId: "ann")) == ["a", "c"])
        #expect(try await store.perform(SessionsOfUser(tenant: "globex", userId: "ann")) == [], "another tenant's are not seen")
        #expect(metrics.exposition().contains(#"operation="sessionsOfUser""#), "timed under its own name")
    }

    @Test("the operations already moved keep their behaviour through the layers: an append is screened for secrets, a session read, a memory put")
    func movedOperations() async throws {
        let store = InstrumentedStore(SecretGuard(InMemoryStore(), policy: .redact), metrics: ServerMetrics())
        _ = try await store.createSession("acme", SessionCreate(id: "s"))
        let appended = try await store.appendMessages("acme", "s", [.user("my key is sk-ant-api03-" + String(repeating: "x", count: 90))], expectedLastSeq: 0)
        #expect(!appended[0].content.contains("sk-ant-api03"), "\(appended[0].content)")
        #expect(try await store.session("acme", "s").lastSeq == 1)
        let item = try await store.putMemory("acme", MemoryKey(userId: "ann", namespace: "notes", key: "k"), MemoryWrite(value: ["x": 1]))
        #expect(item.version == 1)
    }

    @Test("the generated list of routed operations names every operation that declares its own route, and no other")
    func routedListIsFresh() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/AgentState/Operations").standardized
        var declared: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if line.hasPrefix("public struct "), line.contains(": RoutedOperation"), !line.contains("<") {
                    declared.insert(String(line.dropFirst("public struct ".count).prefix { $0 != ":" }))
                } else if line.hasPrefix("public typealias "), let generic = line.range(of: "= ") {
                    // A record read by id: the list holds the generic operation, `GetRecord<Session>`.
                    declared.insert(String(line[generic.upperBound...]))
                }
            }
        }
        #expect(!declared.isEmpty)
        #expect(Set(routedOperations.map { String(describing: $0) }) == declared, "run scripts/generate-operation-list")
    }

    @Test("a routed operation's request reads back into the same operation, and its route fills its path")
    func routedRoundTrip() throws {
        let runs = ListSessionRuns(tenant: "acme", sessionId: "a/b", status: .running, limit: 7, cursor: "c1")
        let again = try ListSessionRuns(tenant: "acme", request: runs.request)
        #expect(again.sessionId == "a/b" && again.status == .running && again.limit == 7 && again.cursor == "c1")
        #expect(ListSessionRuns.route.path(runs.request.parameters) == "/v1/sessions/a%2Fb/runs")
        #expect(GetToolCall.route.parameterNames == ["id", "call_id"])
        let compact = Compact(tenant: "acme", sessionId: "s", summary: "so far", throughSeq: 4, tokens: nil)
        #expect(try Compact(tenant: "acme", request: compact.request).body == compact.body)
        #expect(throws: AgentStateError.self) { try Compact(tenant: "acme", request: RouteRequest(parameters: ["id": "s"])) }
    }
}
