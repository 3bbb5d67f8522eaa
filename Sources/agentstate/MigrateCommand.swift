import AgentState
import AgentStateSQLite
import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or bring up to date a store's schema.")

    @OptionGroup var options: StoreOptions

    mutating func run() async throws {
        let store = try await options.open()
        if let sqlite = store as? SQLiteStore {
            let applied = try sqlite.appliedMigrations()
            print("\(try options.url()): schema at \(applied.last ?? "none") (\(applied.count) migrations applied)")
        } else {
            print("\(try options.url()): nothing to migrate")
        }
        try await store.close()
    }
}
