import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import Foundation
import AgentStateServer
import RESP
import ServiceLifecycle

/// Turns a store URL into a backend: the one place that knows every backend.
enum StoreOpener {
    /// `migrate` brings a PostgreSQL schema up to date first; an embedded SQLite file is always
    /// brought up to date, since only this process uses it. What agents store is sealed under
    /// the data key ring of `dataKeys` (a file) or the environment, when one is configured.
    /// Event chains are signed with the key of `signingKeys` (a file) or the environment, likewise.
    static func open(_ url: StoreURL, migrate: Bool = false, dataKeys: String? = nil, signingKeys: String? = nil) async throws -> any StateStore {
        try await open(url, migrate: migrate, keyRing: try DataKeyRing.configured(file: dataKeys), signer: try ChainSigner.configured(file: signingKeys))
    }

    /// What a tiered store's flusher does in this process: whether it runs (`flusher` off leaves
    /// flushing to other processes, or in tests to none), and how long it waits after moving
    /// turns, to take more at once next time (`flush_linger_ms`).
    struct Flushing {
        var runs = true
        var linger = Duration.milliseconds(20)

        init(_ settings: Settings) throws {
            runs = try settings.flag("flusher") ?? true
            if let text = settings.text("flush_linger_ms") {
                guard let ms = Int(text), (0...600_000).contains(ms) else {
                    throw AgentStateError.invalidInput(field: settings.origin("flush_linger_ms"), "'\(text)' is not a number of milliseconds from 0 to 600000")
                }
                linger = .milliseconds(ms)
            }
        }
    }

    /// For `agentstate serve`: the store, the services that run its background work in the
    /// server's group (the SQLite WAL checkpointer; the tiered store's flusher, which drains its
    /// outbox when the server stops), and those it stands on, which stop last (a PostgreSQL
    /// store's connections and LISTEN loop).
    static func openForServing(_ url: StoreURL, migrate: Bool, keyRing: DataKeyRing?, signer: ChainSigner?,
                               settings: Settings) async throws -> (store: any StateStore, services: [any Service], underlying: [any Service]) {
        let flushing = try Flushing(settings)
        let store = try await open(url, migrate: migrate, keyRing: keyRing, signer: signer, serving: true, flushing: flushing)
        let durable = (store as? TieredStore)?.durable ?? store
        var services: [any Service] = []
        // The durable store's work stops after the tiered store's drain, which writes to it.
        if let sqlite = durable as? SQLiteStore { services.append(sqlite) }
        if let tiered = store as? TieredStore, flushing.runs { services.append(tiered) }
        return (store, services, (durable as? PostgresStore).map { [$0] } ?? [])
    }

    /// `clock` is the time an embedded store (memory or SQLite) reads; the others keep their own.
    /// A store opened for `serving` runs no background work of its own: see `openForServing`.
    static func open(_ url: StoreURL, migrate: Bool, keyRing: DataKeyRing?, signer: ChainSigner? = nil,
                     clock: any StoreClock = SystemClock(), serving: Bool = false, flushing: Flushing? = nil) async throws -> any StateStore {
        switch url {
        case .memory:
            // Nothing of it is at rest.
            return InMemoryStore(clock: clock, chainSigner: signer)
        case .sqlite(let path, let options):
            var configuration = try SQLiteStore.Configuration(urlOptions: options)
            configuration.background = !serving
            configuration.keyRing = keyRing
            configuration.chainSigner = signer
            return try SQLiteStore(path: path, configuration: configuration, clock: clock)
        case .postgres(let url):
            return try await PostgresStore.open(url: url, migrate: migrate, keyRing: keyRing, chainSigner: signer, background: !serving)
        case .tiered(let cache, let durableURL):
            let configuration: RESPConfiguration
            do {
                configuration = try RESPConfiguration(url: cache)
            } catch {
                throw AgentStateError.invalidInput(field: "store", error.message)
            }
            guard configuration.endpoints.count == 1 || configuration.sentinelPrimary != nil else {
                throw AgentStateError.invalidInput(field: "store", RedisDeploymentCheck.clusterUnsupported)
            }
            let durable = try await open(durableURL, migrate: migrate, keyRing: keyRing, signer: signer, serving: serving)
            // Each process is one consumer of the flushers' group: its name must be its own.
            let consumer = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
            let flushing = try flushing ?? Flushing(Settings(environment: ProcessInfo.processInfo.environment))
            return TieredStore(hot: RedisHotTier(client: RESPClient(configuration: configuration), keyRing: keyRing), durable: durable, consumer: consumer,
                               background: flushing.runs && !serving, linger: flushing.linger)
        }
    }
}
