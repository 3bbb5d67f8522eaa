import AgentState
import AgentStatePostgres
import AgentStateSQLite
import Foundation

/// Turns a store URL into a backend: the one place that knows every backend.
enum StoreOpener {
    /// `migrate` brings a PostgreSQL schema up to date first; an embedded SQLite file is always
    /// brought up to date, since only this process uses it.
    static func open(_ url: StoreURL, migrate: Bool = false) async throws -> any StateStore {
        switch url {
        case .memory:
            return InMemoryStore()
        case .sqlite(let path, let options):
            return try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(urlOptions: options))
        case .postgres(let url):
            return try await PostgresStore.open(url: url, migrate: migrate)
        }
    }
}
