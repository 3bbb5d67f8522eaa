import AgentState
import AgentStateClient
import AgentStateServer
import ArgumentParser
import Foundation

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

    var tenantID: TenantID { resolvedTenant ?? namedTenant }

    private var namedTenant: TenantID { tenant ?? ProcessInfo.processInfo.environment["AGENTSTATE_TENANT"] ?? "default" }

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
        let (store, tenant) = try await opened()
        resolvedTenant = tenant
        return store
    }

    /// The store and the tenant to act in: with a server, the tenant of the key.
    private func opened() async throws -> (any StateStore, TenantID) {
        let env = ProcessInfo.processInfo.environment
        guard let server = server ?? env["AGENTSTATE_SERVER"] else {
            return (try await StoreOpener.open(try url(), dataKeys: dataKeys, signingKeys: signingKeys), namedTenant)
        }
        guard let key = key ?? env["AGENTSTATE_KEY"] else {
            throw AgentStateError.invalidInput(field: "key", "--server needs --key (or AGENTSTATE_KEY)")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw AgentStateError.invalidInput(field: "server", "'\(server)' is not an http:// or https:// URL")
        }
        guard let me = try await AgentStateClient(baseURL: server, keys: [:]).authenticate(secret: key) else {
            throw AgentStateError(.unauthorized, "the server does not accept this key")
        }
        return (AgentStateClient(baseURL: server, keys: [me.tenantId: key]), me.tenantId)
    }

    /// Opens the store, hands it with the tenant to `work`, and closes it whether `work` returns
    /// or throws: a SQLite store still checkpoints its log, a PostgreSQL one ends its sessions.
    func using<T>(_ work: (any StateStore, TenantID) async throws -> T) async throws -> T {
        let (store, tenant) = try await opened()
        let result: T
        do {
            result = try await work(store, tenant)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return result
    }

    /// Prints a value as JSON with --json, else as the text `describe` makes of it.
    func show<T: Encodable>(_ value: T, _ describe: (T) throws -> String) throws {
        print(json ? try Output.json(value) : try describe(value))
    }

    /// Prints a page as JSON with --json, else as a table with the cursor of the next page under it.
    func show<T: Encodable>(_ page: Page<T>, _ header: [String], _ row: (T) -> [String]) throws {
        if json { return print(try Output.json(page)) }
        print(Output.table(header, page.items.map(row)))
        if let next = page.nextCursor { print("more: --cursor \(next)") }
    }
}

/// Paging through a list.
struct PageOptions: ParsableArguments {
    @Option(help: "How many to show.") var limit = 50
    @Option(help: "Continue after this cursor (printed under a full page).") var cursor: String?
}
