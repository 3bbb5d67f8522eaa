import AgentState
import ArgumentParser
import Foundation

struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "A user's long-term memory: read, write and search it.", subcommands: [Get.self, Put.self, Search.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one item's value (JSON).")
        @OptionGroup var options: StoreOptions
        @Option(help: "Whose memory.") var user: String
        @Option(help: "The namespace.") var namespace: String
        @Argument(help: "The item's key.") var key: String

        mutating func run() async throws {
            let store = try await options.open()
            let item = try await store.memory(options.tenantID, MemoryKey(userId: user, namespace: namespace, key: key))
            try await store.close()
            if options.json { return print(try Output.json(item)) }
            print(String(decoding: item.value.canonicalData, as: UTF8.self))
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an item: its value as JSON, and text to find it by.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Whose memory.") var user: String
        @Option(help: "The namespace.") var namespace: String
        @Argument(help: "The item's key.") var key: String
        @Argument(help: "The value, as JSON (a bare word is taken as a string).") var value: String
        @Option(help: "Text for full-text search.") var text: String?
        @Option(help: "Forget it after this many seconds.") var ttl: Int?

        mutating func run() async throws {
            let parsed = (try? JSONParser.parse(value)) ?? .string(value)
            let store = try await options.open()
            let item = try await store.putMemory(options.tenantID, MemoryKey(userId: user, namespace: namespace, key: key),
                                                 MemoryWrite(value: parsed, text: text, ttlSeconds: ttl))
            try await store.close()
            if options.json { return print(try Output.json(item)) }
            print("stored \(user)/\(namespace)/\(key) (version \(item.version))")
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
            let store = try await options.open()
            let hits = try await store.searchMemory(options.tenantID, userId: user, MemorySearch(namespace: namespace, text: text, limit: limit))
            try await store.close()
            if options.json { return print(try Output.json(hits)) }
            print(Output.table(["NAMESPACE", "KEY", "SCORE", "TEXT"], hits.map { h in
                [h.item.namespace, h.item.key, String(format: "%.3f", h.score), h.item.text ?? "-"]
            }))
        }
    }
}
