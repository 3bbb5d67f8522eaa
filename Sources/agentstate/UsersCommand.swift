import AgentState
import ArgumentParser
import Foundation

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Everything stored about a user: export it, or erase it in every tier.", subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print everything of a user as JSON: sessions with messages, runs with their records, memory.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user's id.") var user: String

        mutating func run() async throws {
            let store = try await options.open()
            let export = try await store.exportUser(options.tenantID, user)
            try await store.close()
            print(try Output.json(export))
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a user's sessions, messages, runs, events, checkpoints and memory; prints the receipt.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user's id.") var user: String
        @Flag(help: "Erase without asking: it cannot be undone.") var yes = false

        mutating func run() async throws {
            guard yes else {
                throw AgentStateError.invalidInput(field: "yes", "erasing '\(user)' cannot be undone: run again with --yes")
            }
            let store = try await options.open()
            let receipt = try await store.eraseUser(options.tenantID, user)
            try await store.close()
            if options.json { return print(try Output.json(receipt)) }
            print("""
                erased user \(user): \(receipt.sessions) sessions, \(receipt.messages) messages, \(receipt.runs) runs, \(receipt.steps) steps, \
                \(receipt.effects) effects, \(receipt.approvals) approvals, \(receipt.checkpoints) checkpoints, \(receipt.events) events, \
                \(receipt.memoryItems) memory items
                digest \(receipt.digest)
                """)
        }
    }
}
