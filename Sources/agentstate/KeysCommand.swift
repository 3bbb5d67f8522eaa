import AgentState
import AgentStateRedis
import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys (the store keeps only a hash of each) and the data keys sealing what agents store.", subcommands: [Create.self, List.self, Revoke.self, NewDataKey.self, NewSigningKey.self, RotateData.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret, once.")
        @OptionGroup var options: StoreOptions
        @Option(help: "The role: agent, operator or admin.") var role: String
        @Option(help: "A name to tell the key by.") var name: String?
        @Option(help: "Bind an agent key to this user: it reaches only that user's sessions, runs, memory and approvals.") var user: String?

        mutating func run() async throws {
            guard let role: Role = try parseChoice(role, field: "role") else { return }
            let (name, user) = (name, user)
            let issued = try await options.using { store, tenant in try await store.createAPIKey(tenant, role: role, name: name, userId: user) }
            if options.json {
                var fields = ["id": issued.key.id, "tenant": issued.key.tenantId, "role": role.rawValue, "secret": issued.secret]
                if let user { fields["user"] = user }
                return print(try Output.json(fields))
            }
            print("created key \(issued.key.id) for tenant '\(issued.key.tenantId)' with role \(role.rawValue)\(user.map { ", bound to user '\($0)'" } ?? "")")
            print("secret (shown once, keep it safe): \(issued.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (every tenant's unless --tenant is given).")
        @OptionGroup var options: StoreOptions

        mutating func run() async throws {
            let keys = try await options.using { [tenant = options.tenant] store, _ in try await store.apiKeys(tenant: tenant) }
            if options.json { return print(try Output.json(keys.map { ["id": $0.id, "tenant": $0.tenantId, "role": $0.role.rawValue, "user": $0.userId ?? "", "prefix": $0.prefix, "revoked": $0.isRevoked ? "yes" : "no"] })) }
            print(Output.table(["ID", "TENANT", "ROLE", "USER", "NAME", "PREFIX", "CREATED", "REVOKED"], keys.map { k in
                [k.id, k.tenantId, k.role.rawValue, k.userId ?? "-", k.name ?? "-", k.prefix + "…", Output.time(k.createdAt), Output.time(k.revokedAt)]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; it stops working at once.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The key's id.") var id: String

        mutating func run() async throws {
            let key = try await options.using { [tenant = options.tenant, id] store, _ in try await store.revokeAPIKey(tenant, id: id) }
            print("revoked \(key.id) (tenant '\(key.tenantId)', role \(key.role.rawValue))")
        }
    }

    struct NewDataKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-data-key",
            abstract: "Print a new data key as a key ring entry (id:base64); add it as the last line of the ring to seal new values with it.")
        @Option(help: "The key's id, stored with every value it seals.") var id: String

        func run() async throws {
            print(try DataKeyRing.newEntry(id: id))
        }
    }

    struct NewSigningKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-signing-key",
            abstract: "Print a new Ed25519 key signing event chain heads (id:base64); keep it in a file outside the store and give it to serve with --signing-keys.")
        @Option(help: "The key's id, stored with every signature it makes.") var id: String

        func run() async throws {
            print(try ChainSigner.newEntry(id: id))
        }
    }

    struct RotateData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-data",
            abstract: "Re-seal everything stored under the ring's last key (and seal what was stored plain); stopped, it resumes where it was.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Rows re-sealed per transaction.") var batch = 500

        mutating func run() async throws {
            guard options.server == nil, ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] == nil else {
                throw AgentStateError.invalidInput(field: "server", "rotate-data works on a store (--store), not through a server")
            }
            guard let keyRing = try DataKeyRing.configured(file: options.dataKeys) else {
                throw AgentStateError(.invalidInput, "rotate-data needs the data key ring: --data-keys FILE, AGENTSTATE_DATA_KEYS_FILE or AGENTSTATE_DATA_KEYS", field: "data_keys")
            }
            let opened = try await StoreOpener.open(try options.url(), migrate: false, keyRing: keyRing)
            guard let store = (opened as? TieredStore)?.durable as? any DataResealing ?? opened as? any DataResealing else {
                try await opened.close()
                throw AgentStateError.invalidInput(field: "store", "this store keeps nothing at rest to re-seal")
            }
            let bar = ProgressBar(label: "re-sealing")
            let report: ResealReport
            do {
                report = try await store.resealAll(batch: max(1, batch)) { done, total in bar.show(done, of: total) }
                bar.finish()
                if let tiered = opened as? TieredStore {
                    // Cached turns come back from the durable store, now sealed under the new key.
                    let left = try await tiered.hot.evictFlushedSessions(waiting: .seconds(30))
                    if left > 0 { FileHandle.standardError.write(Data("agentstate: \(left) cached sessions still hold turns to flush; run rotate-data again\n".utf8)) }
                }
            } catch {
                bar.finish()
                try? await opened.close()
                throw error
            }
            try await opened.close()
            if options.json {
                return print(try Output.json(["key": keyRing.activeKeyId, "visited": "\(report.visited)", "resealed": "\(report.resealed)"]))
            }
            print("re-sealed \(report.resealed) of \(report.visited) rows under data key '\(keyRing.activeKeyId)'")
        }
    }
}
