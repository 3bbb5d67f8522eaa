import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import Foundation
import RESP

/// Turns a store URL into a backend: the one place that knows every backend.
enum StoreOpener {
    /// `migrate` brings a PostgreSQL schema up to date first; an embedded SQLite file is always
    /// brought up to date, since only this process uses it. What agents store is sealed under
    /// the data key ring of `dataKeys` (a file) or the environment, when one is configured.
    /// Event chains are signed with the key of `signingKeys` (a file) or the environment, likewise.
    static func open(_ url: StoreURL, migrate: Bool = false, dataKeys: String? = nil, signingKeys: String? = nil) async throws -> any StateStore {
        try await open(url, migrate: migrate, keyRing: try DataKeyRing.configured(file: dataKeys), signer: try ChainSigner.configured(file: signingKeys))
    }

    /// `clock` is the time an embedded store (memory or SQLite) reads; the others keep their own.
    static func open(_ url: StoreURL, migrate: Bool, keyRing: DataKeyRing?, signer: ChainSigner? = nil,
                     clock: any StoreClock = SystemClock()) async throws -> any StateStore {
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
            // AGENTSTATE_FLUSHER=off leaves flushing to other processes (or, in tests, to none).
            let flushes = ProcessInfo.processInfo.environment["AGENTSTATE_FLUSHER"] != "off"
            return TieredStore(hot: RedisHotTier(client: RESPClient(configuration: configuration), keyRing: keyRing), durable: durable, consumer: consumer,
                               background: flushes)
        }
    }
}
