import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or bring up to date a store's schema.")

    @OptionGroup var options: StoreOptions

    mutating func run() async throws {
        let url = try options.url()
        let store = try await StoreOpener.open(url, migrate: true)
        let applied: [String]?
        // A tiered store's schema is its durable store's.
        switch (store as? TieredStore)?.durable ?? store {
        case let sqlite as SQLiteStore: applied = try sqlite.appliedMigrations()
        case let postgres as PostgresStore:
            applied = try await postgres.appliedMigrations()
            // The months' partitions too, so that the first rows do not wait for a server to make them.
            _ = try await postgres.keepPartitions()
        default: applied = nil
        }
        if let applied {
            print("\(url): schema at \(applied.last ?? "none") (\(applied.count) migrations applied)")
        } else {
            print("\(url): nothing to migrate")
        }
        try await store.close()
    }
}
