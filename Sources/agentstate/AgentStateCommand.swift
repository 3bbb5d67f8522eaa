import AgentState
import AgentStateClient
import AgentStateServer
import ArgumentParser
import Foundation

@main
struct AgentStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentstate",
        abstract: "The state layer for long-running AI agents: conversations, runs and memory that survive restarts.",
        subcommands: [ServeCommand.self, VersionCommand.self, MigrateCommand.self, RunsCommand.self, ApprovalsCommand.self, SessionsCommand.self, MemoryCommand.self, UsersCommand.self, KeysCommand.self, RetentionCommand.self, BenchCommand.self, OpenAPICommand.self, DoctorCommand.self, HealthCommand.self])

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

/// Reads an option naming one of a fixed set of values (a status, a role).
func parseChoice<T: RawRepresentable & CaseIterable>(_ text: String?, field: String) throws -> T? where T.RawValue == String {
    guard let text else { return nil }
    guard let value = T(rawValue: text) else {
        throw AgentStateError.invalidInput(
            field: field, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
