import AgentState
import AgentStateServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP/JSON API (SIGTERM or SIGINT drains requests and stops).",
        discussion: """
            Every setting comes from, in this order, the first that has it: a flag; the environment \
            (AGENTSTATE_ and the setting's name in capitals, e.g. AGENTSTATE_RATE_LIMIT); the JSON file \
            --config or AGENTSTATE_CONFIG names, an object of settings by lower-case name \
            (e.g. {"port": 9000, "rate_limit": "50/s"}); the default. A value that does not parse is \
            refused, naming where it came from. Settings with no flag: \
            \(Settings.names.subtracting(["host", "port", "store", "cache", "secrets", "rate_limit", "audit", "migrate"]).sorted().joined(separator: ", ")).
            """)

    @Option(help: "Store URL (env AGENTSTATE_STORE; default sqlite:./agentstate.sqlite).") var store: String?
    @Option(help: "Redis hot tier in front of the store: redis://, rediss:// or redis+sentinel:// (env AGENTSTATE_CACHE).") var cache: String?
    @Option(help: "Address to listen on (env AGENTSTATE_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port (env AGENTSTATE_PORT; default 8080; 0 picks a free one).") var port: Int?
    @Option(help: "Values that look like credentials (API keys, bearer tokens, private keys) in what agents store: redact (default), reject or off (env AGENTSTATE_SECRETS).")
    var secrets: String?
    @Option(help: "Requests per API key, N/s or N/m with an optional :BURST, e.g. 50/s:100; off by default (env AGENTSTATE_RATE_LIMIT).")
    var rateLimit: String?
    @Option(help: "What the audit trail records: all (every authenticated request, the default), changes (all but GET and HEAD) or off (env AGENTSTATE_AUDIT; keep it AGENTSTATE_AUDIT_RETENTION_DAYS, default 90).")
    var audit: String?
    @Option(help: "File of the data key ring: what agents store is sealed with AES-256-GCM under its last key (env AGENTSTATE_DATA_KEYS_FILE, or the keys themselves in AGENTSTATE_DATA_KEYS); off when neither is set.")
    var dataKeys: String?
    @Option(help: "File of the Ed25519 keys signing each run's and session's event chain head, kept outside the store (env AGENTSTATE_SIGNING_KEYS_FILE, or the keys in AGENTSTATE_SIGNING_KEYS); off when neither is set. Make one with 'keys new-signing-key'.")
    var signingKeys: String?
    @Flag(help: "Bring a PostgreSQL store's schema up to date before serving (env AGENTSTATE_MIGRATE=1).") var migrate = false
    @Flag(help: "For local use: create an admin key for tenant 'default' and print it.") var dev = false
    @Option(help: "A JSON file of settings, below flags and the environment (env AGENTSTATE_CONFIG).") var config: String?

    func run() async throws {
        var flags: [String: String] = [:]
        (flags["host"], flags["port"], flags["store"], flags["cache"]) = (host, port.map(String.init), store, cache)
        (flags["secrets"], flags["rate_limit"], flags["audit"]) = (secrets, rateLimit, audit)
        if migrate { flags["migrate"] = "true" }
        let settings = try Settings(flags: flags, environment: ProcessInfo.processInfo.environment, file: self.config)
        let config = try ServerConfiguration.resolve(settings)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
        let logger = Logger(label: "agentstate")
        let migrate = try settings.flag("migrate") ?? false
        let keyRing = try DataKeyRing.configured(file: dataKeys, environment: settings.effectiveEnvironment)
        let signer = try ChainSigner.configured(file: signingKeys, environment: settings.effectiveEnvironment)
        let (backend, storeServices, underlyingServices) = try await StoreOpener.openForServing(config.store, migrate: migrate, keyRing: keyRing, signer: signer,
                                                                            settings: settings)
        // The key's id only: key material is never logged.
        logger.info("serving", metadata: ["store": "\(config.store)", "host": "\(config.host)", "port": "\(config.port)",
                                          "sealing": "\(keyRing.map { "key \($0.activeKeyId)" } ?? "off")",
                                          "signing": "\(signer.map { "key \($0.activeKeyId)" } ?? "off")"])
        let app = buildApplication(store: backend, configuration: config, logger: logger, storeServices: storeServices,
                                   underlyingServices: underlyingServices) { [dev] port in
            // Made once the group runs: a PostgreSQL store answers only from then on.
            if dev {
                do {
                    let issued = try await backend.createAPIKey("default", role: .admin, name: "dev", userId: nil)
                    FileHandle.standardOutput.write(Data("dev key for tenant 'default' (role admin): \(issued.secret)\n".utf8))
                } catch {
                    logger.error("could not make the dev key", metadata: ["error": "\(error)"])
                }
            }
            // Tests and scripts read this line to find a port chosen with --port 0.
            FileHandle.standardOutput.write(Data("listening on http://\(config.host):\(port)\n".utf8))
        }
        var lifecycle = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A drain that outlasts its bound (a change feed held open) is cancelled, so the store
        // still closes before an orchestrator's grace period ends in SIGKILL.
        lifecycle.maximumGracefulShutdownDuration = .seconds(config.drainSeconds)
        do {
            try await ServiceGroup(configuration: lifecycle).run()
        } catch let error as IOError {
            throw AgentStateError(.unavailable, "cannot listen on \(config.host):\(config.port): \(String(cString: strerror(error.errnoCode)))")
        }
    }
}
