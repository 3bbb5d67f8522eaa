import AgentState
import AgentStateClient
import AgentStateTesting
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// What an attacker with a copy of the store's directory finds: no API key secret, in any file,
/// and nothing readable by other users of the host.
@Suite("Secrets at rest")
struct SecretsAtRestTests {
    @Test("keys made through a SQLite server, with and without Idempotency-Key, leave no secret in any file; every file is 0600")
    func noSecretOnDisk() async throws {
        let dir = temporaryDirectory()
        let store = "sqlite:" + dir.appendingPathComponent("state.sqlite").path
        let admin = try makeKey(store: store, tenant: "acme", role: "admin")
        let server = try await ServerProcess(store: store)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        func createKey(_ name: String, idempotencyKey: String?) async throws -> (status: Int, body: String) {
            var request = HTTPClientRequest(url: "\(server.url)/v1/keys")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(admin)")
            request.headers.add(name: "Content-Type", value: "application/json")
            if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
            request.body = .bytes(ByteBuffer(string: #"{"role":"agent","name":"\#(name)"}"#))
            let response = try await http.execute(request, timeout: .seconds(10))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }

        var secrets = [admin]
        for (name, idempotencyKey) in [("plain", nil), ("retried", "make-retried"), ("other", "make-other")] {
            let made = try await createKey(name, idempotencyKey: idempotencyKey)
            #expect(made.status == 201, "\(made.body)")
            let secret = try #require(try JSONParser.parse(made.body)["secret"]?.stringValue)
            secrets.append(secret)
            if let idempotencyKey {
                let again = try await createKey(name, idempotencyKey: idempotencyKey)
                #expect(again.status == 409 && !again.body.contains(secret), "\(again.body)")
            }
        }

        // While the server runs, what it wrote is in the -wal; after it stops, in the database.
        func check(_ moment: String) throws {
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).map { dir.appendingPathComponent($0).path }
            #expect(files.contains { $0.hasSuffix("-wal") } || moment == "stopped", "\(files)")
            for file in files {
                let bytes = try #require(FileManager.default.contents(atPath: file))
                for secret in secrets {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(moment): \(file) holds a secret")
                    // Nor the part after the prefix the store keeps to tell keys apart.
                    #expect(bytes.range(of: Data(secret.dropFirst(10).utf8)) == nil, "\(moment): \(file) holds most of a secret")
                }
                let mode = ((try FileManager.default.attributesOfItem(atPath: file))[.posixPermissions] as? NSNumber)?.intValue ?? -1
                #expect(mode & 0o777 == 0o600, "\(moment): \(file) is mode \(String(mode & 0o777, radix: 8))")
            }
        }
        try check("running")
        try await http.shutdown()
        #expect(server.terminate() == 0)
        try check("stopped")
    }

    @Test("a sealed, signing server keeps neither its data key nor its signing key in any file of the store")
    func noKeyMaterialOnDisk() async throws {
        let cli = builtExecutable("agentstate")
        let dir = temporaryDirectory(), keys = temporaryDirectory()
        let store = "sqlite:" + dir.appendingPathComponent("state.sqlite").path
        let dataKey = try runProcess(cli, ["keys", "new-data-key", "--id", "d1"]).stdout
        let signingKey = try runProcess(cli, ["keys", "new-signing-key", "--id", "s1"]).stdout
        let ring = keys.appendingPathComponent("data-keys").path, signing = keys.appendingPathComponent("signing-keys").path
        try Data(dataKey.utf8).write(to: URL(fileURLWithPath: ring))
        try Data(signingKey.utf8).write(to: URL(fileURLWithPath: signing))
        let agent = try makeKey(store: store, tenant: "acme", role: "agent")
        let server = try await ServerProcess(store: store, environment: ["AGENTSTATE_DATA_KEYS_FILE": ring, "AGENTSTATE_SIGNING_KEYS_FILE": signing])
        let client = AgentStateClient(baseURL: server.url, apiKey: agent, tenant: "acme")
        _ = try await client.createRun("acme", RunCreate(id: "r", workflow: "wf", input: ["note": "hello"]))
        #expect(try await client.verifyChain("acme", stream: "run:r").signature == .valid)
        #expect(server.terminate() == 0)
        let material = [dataKey, signingKey].map { String($0.split(separator: ":")[1]).trimmingCharacters(in: .whitespacesAndNewlines) }
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).map({ dir.appendingPathComponent($0).path }) {
            let bytes = try #require(FileManager.default.contents(atPath: file))
            for key in material {
                #expect(bytes.range(of: Data(key.utf8)) == nil && bytes.range(of: Data(base64Encoded: key)!) == nil, "\(file) holds key material")
            }
        }
    }
}
