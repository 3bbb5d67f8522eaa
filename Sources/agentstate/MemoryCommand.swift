import AgentState
import ArgumentParser
import Foundation

struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "A user's long-term memory: read, write and search it.", subcommands: [Get.self, Put.self, Search.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one item's value (JSON).")
        @OptionGroup var options: StoreOptions
        @OptionGroup var item: ItemOptions

        mutating func run() async throws {
            let key = item.memoryKey
            let item = try await options.using { store, tenant in try await store.memory(tenant, key) }
            try options.show(item) { String(decoding: $0.value.canonicalData, as: UTF8.self) }
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an item: its value as JSON, and text to find it by.")
        @OptionGroup var options: StoreOptions
        @OptionGroup var item: ItemOptions
        @Argument(help: "The value, as JSON (a bare word is taken as a string).") var value: String
        @Option(help: "Text for full-text search.") var text: String?
        @Option(help: "Forget it after this many seconds.") var ttl: Int?

        mutating func run() async throws {
            let parsed = (try? JSONParser.parse(value)) ?? .string(value)
            let (key, write) = (item.memoryKey, MemoryWrite(value: parsed, text: text, ttlSeconds: ttl))
            let item = try await options.using { store, tenant in try await store.putMemory(tenant, key, write) }
            try options.show(item) { "stored \($0.userId)/\($0.namespace)/\($0.key) (version \($0.version))" }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Items whose text holds every word, best first.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Whose memory.") var user: String
        @Option(help: "Only this namespace.") var namespace: String?
        @Option(help: "How many to show.") var limit = 10
        @Argument(help: "The words to look for.") var text: String

        mutating func run() async throws {
            let (user, search) = (user, MemorySearch(namespace: namespace, text: text, limit: limit))
            let hits = try await options.using { store, tenant in try await store.searchMemory(tenant, userId: user, search) }
            try options.show(hits) { hits in
                Output.table(["NAMESPACE", "KEY", "SCORE", "TEXT"], hits.map { h in
                    [h.item.namespace, h.item.key, String(format: "%.3f", h.score), h.item.text ?? "-"]
                })
            }
        }
    }

    /// The item a command reads or writes.
    struct ItemOptions: ParsableArguments {
        @Option(help: "Whose memory.") var user: String
        @Option(help: "The namespace.") var namespace: String
        @Argument(help: "The item's key.") var key: String

        var memoryKey: MemoryKey { MemoryKey(userId: user, namespace: namespace, key: key) }
    }
}
