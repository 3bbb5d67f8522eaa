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

/// Options every command that reads a store takes: a store directly, or a server.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Store URL: sqlite:PATH, memory: or postgres://… (env AGENTSTATE_STORE, with the Redis tier of AGENTSTATE_CACHE in front).")
    var store: String?

    @Option(name: .long, help: "Talk to a server instead of a store, e.g. http://127.0.0.1:8080 (env AGENTSTATE_SERVER).")
    var server: String?

    @Option(name: .long, help: "API key for --server (env AGENTSTATE_KEY).")
    var key: String?

    @Option(name: .long, help: "Tenant to act in (env AGENTSTATE_TENANT).")
    var tenant: String?

    @Option(name: .long, help: "File of the data key ring sealing what agents store (env AGENTSTATE_DATA_KEYS_FILE, or the keys in AGENTSTATE_DATA_KEYS).")
    var dataKeys: String?

    @Option(name: .long, help: "File of the keys signing each event chain's head (env AGENTSTATE_SIGNING_KEYS_FILE, or the keys in AGENTSTATE_SIGNING_KEYS).")
    var signingKeys: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    var tenantID: TenantID { resolvedTenant ?? tenant ?? ProcessInfo.processInfo.environment["AGENTSTATE_TENANT"] ?? "default" }

    /// With a server, the tenant is the key's, learned when the store is opened.
    private var resolvedTenant: TenantID?

    /// The store, fronted (as `serve` does it) by the Redis tier `AGENTSTATE_CACHE` names, so that
    /// a command beside a tiered server sees what it sees and purges Redis with the durable store.
    func url() throws -> StoreURL {
        let settings = try Settings(environment: ProcessInfo.processInfo.environment)
        let url = try (store ?? settings.secretText("store")).map(StoreURL.init(parsing:)) ?? .default
        guard let cache = try settings.secretText("cache") else { return url }
        if case .tiered = url { return url }
        return .tiered(cache: cache, durable: url)
    }

    mutating func open() async throws -> any StateStore {
        let env = ProcessInfo.processInfo.environment
        guard let server = server ?? env["AGENTSTATE_SERVER"] else { return try await StoreOpener.open(try url(), dataKeys: dataKeys, signingKeys: signingKeys) }
        guard let key = key ?? env["AGENTSTATE_KEY"] else {
            throw AgentStateError.invalidInput(field: "key", "--server needs --key (or AGENTSTATE_KEY)")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw AgentStateError.invalidInput(field: "server", "'\(server)' is not an http:// or https:// URL")
        }
        guard let me = try await AgentStateClient(baseURL: server, keys: [:]).authenticate(secret: key) else {
            throw AgentStateError(.unauthorized, "the server does not accept this key")
        }
        resolvedTenant = me.tenantId
        return AgentStateClient(baseURL: server, keys: [me.tenantId: key])
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
