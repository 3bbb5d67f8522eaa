import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import Foundation
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

    /// For `agentstate serve`: the store, and the services that run its background work in the
    /// server's group (the tiered store's flusher, which drains its outbox when the server stops).
    static func openForServing(_ url: StoreURL, migrate: Bool, keyRing: DataKeyRing?,
                               signer: ChainSigner?) async throws -> (store: any StateStore, services: [any Service]) {
        let store = try await open(url, migrate: migrate, keyRing: keyRing, signer: signer, serving: true)
        guard case .tiered = url, let tiered = store as? TieredStore, flushes else { return (store, []) }
        return (store, [tiered])
    }

    /// AGENTSTATE_FLUSHER=off leaves flushing to other processes (or, in tests, to none).
    private static var flushes: Bool { ProcessInfo.processInfo.environment["AGENTSTATE_FLUSHER"] != "off" }

    /// `clock` is the time an embedded store (memory or SQLite) reads; the others keep their own.
    /// A store opened for `serving` runs no background work of its own: see `openForServing`.
    static func open(_ url: StoreURL, migrate: Bool, keyRing: DataKeyRing?, signer: ChainSigner? = nil,
                     clock: any StoreClock = SystemClock(), serving: Bool = false) async throws -> any StateStore {
        switch url {
        case .memory:
            // Nothing of it is at rest.
            return InMemoryStore(clock: clock, chainSigner: signer)
        case .sqlite(let path, let options):
            var configuration = try SQLiteStore.Configuration(urlOptions: options)
            configuration.keyRing = keyRing
            configuration.chainSigner = signer
            return try SQLiteStore(path: path, configuration: configuration, clock: clock)
        case .postgres(let url):
            return try await PostgresStore.open(url: url, migrate: migrate, keyRing: keyRing, chainSigner: signer)
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
            let durable = try await open(durableURL, migrate: migrate, keyRing: keyRing, signer: signer)
            // Each process is one consumer of the flushers' group: its name must be its own.
            let consumer = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
            // How long the flusher waits after moving turns, to take more at once next time.
            let linger = try ProcessInfo.processInfo.environment["AGENTSTATE_FLUSH_LINGER_MS"].map { text in
                guard let ms = Int(text), (0...600_000).contains(ms) else {
                    throw AgentStateError.invalidInput(field: "AGENTSTATE_FLUSH_LINGER_MS", "must be a whole number of milliseconds from 0 to 600000")
                }
                return Duration.milliseconds(ms)
            } ?? .milliseconds(20)
            return TieredStore(hot: RedisHotTier(client: RESPClient(configuration: configuration), keyRing: keyRing), durable: durable, consumer: consumer,
                               background: flushes && !serving, linger: linger)
        }
    }
}
