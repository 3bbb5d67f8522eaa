import AgentState
import AgentStateSQLite
import Foundation

/// Turns a store URL into a backend: the one place that knows every backend.
enum StoreOpener {
    static func open(_ url: StoreURL) throws -> any StateStore {
        switch url {
        case .memory:
            return InMemoryStore()
        case .sqlite(let path, let options):
            return try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(urlOptions: options))
        case .postgres:
            throw AgentStateError.invalidInput(field: "store", "PostgreSQL is not built into this version yet")
        }
    }
}
