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
            let user = user
            print(try Output.json(try await options.using { store, tenant in try await store.exportUser(tenant, user) }))
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
            let user = user
            let receipt = try await options.using { store, tenant in try await store.eraseUser(tenant, user) }
            try options.show(receipt) { r in
                """
                erased user \(user): \(r.sessions) sessions, \(r.messages) messages, \(r.runs) runs, \(r.steps) steps, \
                \(r.effects) effects, \(r.approvals) approvals, \(r.checkpoints) checkpoints, \(r.events) events, \
                \(r.memoryItems) memory items
                digest \(r.digest)
                """
            }
        }
    }
}
