import AgentState
import ArgumentParser
import Foundation

@main
struct AgentStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentstate",
        abstract: "The state layer for long-running AI agents: conversations, runs and memory that survive restarts.",
        subcommands: [ServeCommand.self, VersionCommand.self, MigrateCommand.self, RunsCommand.self, SessionsCommand.self, KeysCommand.self])

    /// Every failure leaves as one line on stderr; bad input exits 2, anything else 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as AgentStateError {
            FileHandle.standardError.write(Data("agentstate: \(error.message)\n".utf8))
            Foundation.exit(error.code == .invalidInput ? 2 : 1)
        } catch {
            exit(withError: error)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("agentstate \(AgentStateVersion.current)")
    }
}

enum AgentStateVersion {
    static let current = "0.1.0"
}

/// Options every command that reads a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Store URL: sqlite:PATH, memory: or postgres://… (env AGENTSTATE_STORE).")
    var store: String?

    @Option(name: .long, help: "Tenant to act in (env AGENTSTATE_TENANT).")
    var tenant: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    var tenantID: TenantID { tenant ?? ProcessInfo.processInfo.environment["AGENTSTATE_TENANT"] ?? "default" }

    func url() throws -> StoreURL {
        guard let text = store ?? ProcessInfo.processInfo.environment["AGENTSTATE_STORE"] else { return .default }
        return try StoreURL(parsing: text)
    }

    func open() throws -> any StateStore {
        try StoreOpener.open(try url())
    }
}

/// Paging through a list.
struct PageOptions: ParsableArguments {
    @Option(help: "How many to show.") var limit = 50
    @Option(help: "Continue after this cursor (printed under a full page).") var cursor: String?
}

/// Reads an option naming one of a fixed set of values (a status, a role).
func parseChoice<T: RawRepresentable & CaseIterable>(_ text: String?, field: String) throws -> T? where T.RawValue == String {
    guard let text else { return nil }
    guard let value = T(rawValue: text) else {
        throw AgentStateError.invalidInput(
            field: field, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
