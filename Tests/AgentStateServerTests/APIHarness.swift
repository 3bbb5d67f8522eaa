import AgentState
import AgentStateServer
import AgentStateSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A server over an in-memory store (or a SQLite file), with a key of each role in tenant "acme"
/// and an agent key in tenant "globex", exercised through Hummingbird's router test client.
struct APIHarness {
    var store: any StateStore
    let clock: ManualClock
    let admin: String
    let agent: String
    let `operator`: String
    let otherTenant: String
    /// The SQLite file, when the store is one.
    var path: String? = nil

    static func make(sqlite: Bool = false) async throws -> APIHarness {
        let clock = ManualClock()
        let store: any StateStore
        var path: String? = nil
        if sqlite {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("api.sqlite").path
            store = try SQLiteStore(path: path!, clock: clock)
        } else {
            store = InMemoryStore(clock: clock)
        }
        return APIHarness(
            store: store, clock: clock,
            admin: try await store.createAPIKey("acme", role: .admin, name: nil).secret,
            agent: try await store.createAPIKey("acme", role: .agent, name: nil).secret,
            operator: try await store.createAPIKey("acme", role: .operator, name: nil).secret,
            otherTenant: try await store.createAPIKey("globex", role: .agent, name: nil).secret, path: path)
    }

    /// The same SQLite file opened again, as the next server would after this one stopped (a
    /// run closes its store).
    func reopened() throws -> APIHarness {
        var next = self
        guard let path else { throw AgentStateError(.unsupported, "only a SQLite harness can be reopened") }
        next.store = try SQLiteStore(path: path, clock: clock)
        return next
    }

    func run(limits: ServerConfiguration.Limits = .init(), feedRecheck: Duration = .seconds(1), secrets: SecretPolicy = .redact,
             configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        var config = ServerConfiguration()
        config.limits = limits
        config.secrets = secrets
        config.feedRecheckInterval = feedRecheck
        config.port = 0
        configure(&config)
        let app = buildApplication(store: store, configuration: config, logger: Logger(label: "test"))
        try await app.test(.router) { client in try await body(Client(client: client, defaultKey: agent)) }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol
        let defaultKey: String

        struct Reply: Sendable {
            var status: Int
            var headers: HTTPFields
            var text: String
            var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
            subscript(_ key: String) -> JSONValue? { json?[key] }
        }

        /// Sends a request as `key` (the agent key by default; `""` sends none).
        @discardableResult
        /// `form` sends a browser's form body instead of JSON.
        func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, key: String? = nil,
                  headers: HTTPFields = [:], form: String? = nil) async throws -> Reply {
            var h = headers
            if body != nil { h[.contentType] = "application/json" }
            if form != nil { h[.contentType] = "application/x-www-form-urlencoded" }
            return try await call(method, uri, bytes: (body ?? form).map { Array($0.utf8) }, key: key, headers: h)
        }

        /// Sends `bytes` as the body as they are, valid UTF-8 or not.
        @discardableResult
        func call(_ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8]?, key: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
            var h = headers
            let k = key ?? defaultKey
            if !k.isEmpty, h[.authorization] == nil { h[.authorization] = "Bearer \(k)" }
            if bytes != nil, h[.contentType] == nil { h[.contentType] = "application/json" }
            let r = try await client.execute(uri: uri, method: method, headers: h, body: bytes.map { ByteBuffer(bytes: $0) })
            return Reply(status: r.status.code, headers: r.headers, text: String(buffer: r.body))
        }
    }
}

extension JSONValue {
    var int: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
