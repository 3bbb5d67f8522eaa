import AgentState

extension SQLiteStore.Configuration {
    /// Reads the options of a `sqlite:` store URL: `durability=process|strict`, `readers=N`.
    public init(urlOptions options: [String: String]) throws {
        self.init()
        for (key, value) in options {
            switch key {
            case "durability":
                guard let d = SQLiteStore.Durability(rawValue: value) else {
                    throw AgentStateError.invalidInput(field: "store", "durability must be process or strict, not '\(value)'")
                }
                durability = d
            case "readers":
                guard let n = Int(value), (1...64).contains(n) else {
                    throw AgentStateError.invalidInput(field: "store", "readers must be a number from 1 to 64, not '\(value)'")
                }
                readers = n
            default:
                throw AgentStateError.invalidInput(field: "store", "'\(key)' is not a SQLite store option (durability, readers)")
            }
        }
    }
}
