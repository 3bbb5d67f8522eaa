import Foundation

/// Where a store lives, parsed from a store URL: `memory:`, `sqlite:PATH` (also `sqlite://PATH`),
/// or `postgres://…`. Opening it is the caller's business; this only reads the text.
public enum StoreURL: Sendable, Hashable, CustomStringConvertible {
    case memory
    case sqlite(path: String)
    case postgres(url: String)

    public static let `default` = StoreURL.sqlite(path: "./agentstate.sqlite")

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "memory:" || trimmed == "memory://" {
            self = .memory
        } else if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw AgentStateError.invalidInput(field: "store", "'\(text)' names no file; use sqlite:PATH, for example sqlite:./agentstate.sqlite")
            }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else {
            throw AgentStateError.invalidInput(field: "store", "'\(text)' is not a store URL; use memory:, sqlite:PATH or postgres://…")
        }
    }

    public var description: String {
        switch self {
        case .memory: "memory:"
        case .sqlite(let path): "sqlite:" + path
        case .postgres: "postgres://…"
        }
    }
}
