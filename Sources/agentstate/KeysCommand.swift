import AgentState
import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys (the store keeps only a hash of each).", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret, once.")
        @OptionGroup var options: StoreOptions
        @Option(help: "The role: agent, operator or admin.") var role: String
        @Option(help: "A name to tell the key by.") var name: String?

        mutating func run() async throws {
            guard let role: Role = try parseChoice(role, field: "role") else { return }
            let store = try await options.open()
            let issued = try await store.createAPIKey(options.tenantID, role: role, name: name)
            try await store.close()
            if options.json { return print(try Output.json(["id": issued.key.id, "tenant": issued.key.tenantId, "role": role.rawValue, "secret": issued.secret])) }
            print("created key \(issued.key.id) for tenant '\(issued.key.tenantId)' with role \(role.rawValue)")
            print("secret (shown once, keep it safe): \(issued.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (every tenant's unless --tenant is given).")
        @OptionGroup var options: StoreOptions

        mutating func run() async throws {
            let store = try await options.open()
            let keys = try await store.apiKeys(tenant: options.tenant)
            try await store.close()
            if options.json { return print(try Output.json(keys.map { ["id": $0.id, "tenant": $0.tenantId, "role": $0.role.rawValue, "prefix": $0.prefix, "revoked": $0.isRevoked ? "yes" : "no"] })) }
            print(Output.table(["ID", "TENANT", "ROLE", "NAME", "PREFIX", "CREATED", "REVOKED"], keys.map { k in
                [k.id, k.tenantId, k.role.rawValue, k.name ?? "-", k.prefix + "…", Output.time(k.createdAt), Output.time(k.revokedAt)]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; it stops working at once.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The key's id.") var id: String

        mutating func run() async throws {
            let store = try await options.open()
            let key = try await store.revokeAPIKey(options.tenant, id: id)
            try await store.close()
            print("revoked \(key.id) (tenant '\(key.tenantId)', role \(key.role.rawValue))")
        }
    }
}
