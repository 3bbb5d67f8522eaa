import AgentState
import AgentStateServer
import Foundation
import Testing

@Suite("Server configuration")
struct ConfigurationTests {
    @Test("flags win over the environment, which wins over the defaults")
    func precedence() throws {
        let none = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: [:])
        #expect(none.host == "127.0.0.1" && none.port == 8080 && none.store == .default && none.secrets == .redact)
        #expect(try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_SECRETS": "reject"]).secrets == .reject)
        #expect(try ServerConfiguration.resolve(host: nil, port: nil, store: nil, secrets: "off", environment: ["AGENTSTATE_SECRETS": "reject"]).secrets == .off)
        let env = ["AGENTSTATE_HOST": "0.0.0.0", "AGENTSTATE_PORT": "9000", "AGENTSTATE_STORE": "memory:", "AGENTSTATE_MAX_BODY_BYTES": "4096",
                   "AGENTSTATE_DRAIN_SECONDS": "25", "AGENTSTATE_RETENTION_INTERVAL": "off"]
        let fromEnv = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: env)
        #expect(fromEnv.host == "0.0.0.0" && fromEnv.port == 9000 && fromEnv.store == .memory && fromEnv.limits.maxBodyBytes == 4096
                && fromEnv.drainSeconds == 25 && fromEnv.retentionInterval == nil)
        #expect(none.retentionInterval == .seconds(600))
        #expect(try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_RETENTION_INTERVAL": "60"]).retentionInterval == .seconds(60))
        #expect(none.sweepInterval == .seconds(1))
        #expect(try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_SWEEP_INTERVAL": "off"]).sweepInterval == nil)
        #expect(try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_SWEEP_INTERVAL": "0.25"]).sweepInterval == .milliseconds(250))
        let flags = try ServerConfiguration.resolve(host: "::1", port: 7000, store: "sqlite:x.db", environment: env)
        #expect(flags.host == "::1" && flags.port == 7000 && flags.store == .sqlite(path: "x.db", options: [:]))
    }

    /// A settings file in a directory of its own.
    static func file(_ json: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("settings.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a JSON file of settings: below flags and the environment, above the defaults; named by --config or AGENTSTATE_CONFIG")
    func file() throws {
        let path = try Self.file(#"{"port": 9100, "rate_limit": "50/s:100", "drain_seconds": 30, "sweep_interval": "off", "secrets": "reject"}"#)
        let fromFile = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: [:], file: path)
        #expect(fromFile.port == 9100 && fromFile.rateLimit == RateLimit(rate: 50, burst: 100) && fromFile.drainSeconds == 30
                && fromFile.sweepInterval == nil && fromFile.secrets == .reject)
        let named = try ServerConfiguration.resolve(Settings(environment: ["AGENTSTATE_CONFIG": path]))
        #expect(named.port == 9100)
        let env = ["AGENTSTATE_PORT": "9200", "AGENTSTATE_SECRETS": "off"]
        let overEnv = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: env, file: path)
        #expect(overEnv.port == 9200 && overEnv.secrets == .off && overEnv.drainSeconds == 30, "the environment wins over the file")
        let overFlags = try ServerConfiguration.resolve(host: nil, port: 9300, store: nil, environment: env, file: path)
        #expect(overFlags.port == 9300, "a flag wins over both")
        let settings = try Settings(environment: [:], file: path)
        #expect(settings.effectiveEnvironment["AGENTSTATE_DRAIN_SECONDS"] == "30")
        #expect(try Settings(environment: [:], file: try Self.file(#"{"migrate": true, "flusher": "off"}"#)).flag("migrate") == true)
    }

    @Test("a settings file that cannot be read, is not an object of known settings, or holds a bad value is refused, naming the file", arguments: [
        #"{"prot": 9000}"#, #"[1, 2]"#, #"{"port": [9000]}"#, "not json", #"{"port": "ninety"}"#,
    ])
    func badFile(json: String) throws {
        let path = try Self.file(json)
        let e = #expect(throws: AgentStateError.self) { try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: [:], file: path) }
        #expect(e?.code == .invalidInput)
        #expect("\(e?.field ?? "") \(e?.message ?? "")".contains(path), "\(String(describing: e))")
    }

    @Test("a missing settings file is refused, and an unknown flag name too")
    func missingFile() {
        #expect(throws: AgentStateError.self) { try Settings(environment: ["AGENTSTATE_CONFIG": "/nonexistent/agentstate.json"]) }
        #expect(throws: AgentStateError.self) { try Settings(flags: ["prot": "1"], environment: [:]) }
    }

    @Test("a bad value is an error naming where it came from", arguments: [
        ["AGENTSTATE_PORT": "eighty"], ["AGENTSTATE_STORE": "ftp://x"], ["AGENTSTATE_MAX_BODY_BYTES": "-1"], ["AGENTSTATE_SECRETS": "sometimes"],
        ["AGENTSTATE_DRAIN_SECONDS": "soon"], ["AGENTSTATE_RETENTION_INTERVAL": "0"], ["AGENTSTATE_SWEEP_INTERVAL": "0"],
        ["AGENTSTATE_SWEEP_INTERVAL": "never"],
    ])
    func bad(environment: [String: String]) {
        let e = #expect(throws: AgentStateError.self) { try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: environment) }
        #expect(e?.code == .invalidInput)
    }

    @Test("AGENTSTATE_STORE_FILE names a file holding the store URL (a mounted Secret); AGENTSTATE_STORE itself wins")
    func fromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-url-\(UUID().uuidString)").path
        try "sqlite:from-file.db\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_STORE_FILE": path])
        #expect(fromFile.store == .sqlite(path: "from-file.db", options: [:]))
        let both = try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_STORE_FILE": path, "AGENTSTATE_STORE": "memory:"])
        #expect(both.store == .memory)
        let e = #expect(throws: AgentStateError.self) {
            try ServerConfiguration.resolve(host: nil, port: nil, store: nil, environment: ["AGENTSTATE_STORE_FILE": "/nonexistent/store-url"])
        }
        #expect(e?.code == .invalidInput && e?.message.contains("/nonexistent/store-url") == true)
    }

    @Test("a port out of range is refused")
    func port() {
        #expect(throws: AgentStateError.self) { try ServerConfiguration.resolve(host: nil, port: 70000, store: nil, environment: [:]) }
    }
}
