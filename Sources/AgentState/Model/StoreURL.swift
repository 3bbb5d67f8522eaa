import Foundation

/// Where a store lives, parsed from a store URL: `memory:`, `sqlite:PATH[?option=value&…]`
/// (also `sqlite://PATH`), or `postgres://…`. Opening it is the caller's business; this only
/// reads the text.
public enum StoreURL: Sendable, Hashable, CustomStringConvertible {
    case memory
    case sqlite(path: String, options: [String: String])
    case postgres(url: String)
    /// Redis (`redis://`, `rediss://`, `redis+sentinel://`) in front of a durable store:
    /// `tiered:redis://…|postgres://…`.
    indirect case tiered(cache: String, durable: StoreURL)

    public static let `default` = StoreURL.sqlite(path: "./agentstate.sqlite", options: [:])

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "memory:" || trimmed == "memory://" {
            self = .memory
        } else if trimmed.hasPrefix("sqlite:") {
            var rest = String(trimmed.dropFirst("sqlite:".count))
            if rest.hasPrefix("//") { rest = String(rest.dropFirst(2)) }
            var options: [String: String] = [:]
            if let q = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: q)...].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2, !kv[0].isEmpty else {
                        throw AgentStateError.invalidInput(field: "store", "'\(pair)' in '\(text)' is not option=value")
                    }
                    options[kv[0]] = kv[1]
                }
                rest = String(rest[..<q])
            }
            guard !rest.isEmpty else {
                throw AgentStateError.invalidInput(field: "store", "'\(text)' names no file; use sqlite:PATH, for example sqlite:./agentstate.sqlite")
            }
            self = .sqlite(path: rest, options: options)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if trimmed.hasPrefix("tiered:") {
            let rest = trimmed.dropFirst("tiered:".count)
            guard let bar = rest.firstIndex(of: "|") else {
                throw AgentStateError.invalidInput(field: "store", "a tiered store URL is tiered:REDIS_URL|DURABLE_URL, as in tiered:redis://127.0.0.1:6379/0|sqlite:./agentstate.sqlite")
            }
            let durable = try StoreURL(parsing: String(rest[rest.index(after: bar)...]))
            if case .tiered = durable { throw AgentStateError.invalidInput(field: "store", "a tiered store's durable store cannot be tiered itself") }
            self = .tiered(cache: String(rest[..<bar]), durable: durable)
        } else {
            throw AgentStateError.invalidInput(field: "store", "'\(text)' is not a store URL; use memory:, sqlite:PATH, postgres://… or tiered:redis://…|…")
        }
    }

    public var description: String {
        switch self {
        case .memory: "memory:"
        case .sqlite(let path, let options):
            "sqlite:" + path + (options.isEmpty ? "" : "?" + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
        case .postgres: "postgres://…"
        case .tiered(_, let durable): "tiered:redis…|\(durable)"
        }
    }
}
